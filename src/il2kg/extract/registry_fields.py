"""Labelled fields of trial registry records (ClinicalTrials.gov, EU CTR, ISRCTN, ChiCTR) with their value lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from il2kg.extract.layout import Line, split_lines
from il2kg.extract.text import Page, collapse
from il2kg.model import Fact

# Field name -> label alternatives as registries write them. "other" labels only end the field before them.
_LABELS = (
    (
        "id",
        r"NCT Number|(?:Study )?NCT ID|ClinicalTrials\.gov (?:ID|Identifier)|Study ID|Trial ID|Main ID|Identifiers?"
        r"|Registration number|EudraCT (?:protocol )?number|EU trial number|DRKS-ID"
        r"|ISRCTN(?: number)?|EU CT number|Secondary IDs?|Other Study ID Numbers?|Unique Protocol ID|Registry IDs?"
        r"|US NCT (?:\(ClinicalTrials\.gov registry\) )?number"
        r"|ISRCTN \(International Standard Randomised Controlled Trial\) number"
        r"|WHO Universal Trial Reference Number \(UTRN\)",
    ),
    ("title_brief", r"Brief Title|Public title(?: of (?:the )?study)?|Study title|Title|Clinical Trial Results"
                    r"|Title of the trial for lay people and public|Trial title"),
    ("title_official", r"Official Title|Scientific title(?: of (?:the )?study)?|Full title(?: of the trial)?"),
    ("acronym", r"Acronym|Trial acronym|Study acronym|Name or abbreviated title of the trial where available"),
    (
        "conditions",
        r"Conditions?|Condition\(s\)|Condition ?/ ?Disease|Condition or disease"
        r"|Health condition(?:\(s\))? or problem(?:\(s\))? studied|Target disease"
        r"|Medical condition\(s\) being investigated|Medical condition(?:\(s\))?",
    ),
    ("interventions", r"Interventions?|Intervention\(s\)|Intervention ?/ ?Treatment|Treatments?"
                      r"|Interventions?,? Observational Groups|Dose and schedule"
                      r"|Investigational medicinal product|Product name|INN - Proposed INN"),
    ("study_type", r"Study Type"),
    ("phase", r"Phases?|Phase\(s\)|Study phase|Trial phase|Phase of (?:the )?trial|Status and phase"),
    ("allocation", r"Allocation|Randomi[sz]ation|Randomi[sz]ed"),
    ("model", r"Intervention Model|Study design|Study model|Intervention assignment|Assignment"),
    ("masking", r"Masking|Blinding|Masking \(Blinding\)"),
    ("enrollment", r"Enrol?lment|Total final enrolment|Target number of participants|(?:Target )?sample size"
                   r"|Final Enrol?lment numbers achieved(?: \(Total\))?|Planned/Actual Sample Size"
                   r"|Number of (?:participants|subjects)|Participants"),
    ("start", r"Study Start(?: Date)?|Recruitment start date|Date of first enrolment"),
    ("end", r"Recruitment end date"),
    ("recruiting_time", r"Recruiting time"),
    ("status", r"(?:Overall |Recruitment |Trial )?Status|Overall trial status"),
    (
        "primary_outcome",
        r"Primary Outcome Measures?|Primary outcome(?: measures?|\(s\))?|Primary end ?points?(?:\(s\))?"
        r"|Main outcome(?: measures?)?",
    ),
    (
        "secondary_outcome",
        r"Secondary Outcome Measures?|Secondary outcome(?: measures?|\(s\))?|Secondary end ?points?(?:\(s\))?",
    ),
    ("other_outcome", r"Other (?:Pre-specified )?Outcome Measures?"),
    ("timepoint", r"Timepoint\(s\) of evaluation of this end ?point"),
    (
        "arms",
        r"Arms and Interventions|Arms?(?: ?[/|] ?Assigned Interventions?)?|Arm Groups?|Participant Group ?/ ?Arm"
        r"|Study Arms?",
    ),
    ("locations", r"(?:Study )?Locations?|Number of (?:trial |study )?(?:sites|centres|centers)"),
    ("countries", r"Location Countries|Countries of recruitment|Countries|Member states concerned"),
    # A mirror's box of other trials ("Similar trials", "Related studies"): nothing in it is this record's.
    ("elsewhere", r"Similar (?:trials|studies)|Related (?:trials|studies)|Other (?:trials|studies)(?: like this)?"
                  r"|More (?:trials|studies) like this|You may also be interested in|People also viewed"),
    (
        "other",
        r"Registration timing|Strength|Pharmaceutical form|Product role|Active substance|Therapeutic area|Short title"
        r"|Brief Summary|Detailed Description|Eligibility(?: Criteria)?|Inclusion criteria"
        r"|Exclusion criteria|Sex"
        r"|Gender|Participant gender|Ages?|Accepts Healthy Volunteers\??|(?:Lead |Primary )?Sponsor|Collaborators?"
        r"|Investigators?"
        r"|Responsible Party|Funder types|Date of registration|Register|Last refreshed on|Trial end date|First seen"
        r"|Last updated|Results Overview|Participant Flow|Baseline Characteristics|Study type|Prospective Registration"
        r"|Trial protocol|Global end of trial date|Results (?:information|version number)|Sponsor protocol code"
        r"|(?:This|First) version publication date|Trial identification|Trial information"
        r"|Primary Purpose"
        r"|(?:Study|Primary) Completion(?: Date)?|First (?:Posted|Submitted)|Last Update Posted|Results First Posted"
        r"|Publications|Overall (?:study|trial) (?:start|end) date|Record Verification Date|Keywords|Outcome Measures"
        r"|Study Documents|More Information|Contacts and Locations|Study Description|Study Overview",
    ),
)
_QUALIFIER = r"actual|estimated|anticipated|expected|target"
# A table row copied as text can lose its cell break ("Phase Phase II", "Total final enrolment 45"): one space
# separates label and value only when the value has the field's own form, so a sentence is never a field.
_SPACED_VALUE = {
    # A bare "Phase 2" line is a value (under "Phase", or a table's cell); "Phase 2-3" (IRCT) can only be a field.
    "phase": r"(?:phase|n/a\b|not applicable\b|(?:[1-4]|I{1,3}V?)[ab]?[ ]?[-/][ ]?(?:[1-4]|I{1,3}V?)[ab]?[ ]*$)",
    "enrollment": r"\d{1,3}(?:,\d{3})*\s*(?:\((?:actual|estimated|anticipated)\))?\s*$",
}
# A bilingual record (ChiCTR) writes each label, and often each value, in Chinese first: "注册号 Registration number:".
_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef][\u3000-\u303f\u4e00-\u9fff\uff00-\uffef \t]*?"
_CJK_LEAD = re.compile(rf"{_CJK}[ \t]+(?=[A-Za-z0-9])")
# ANZCTR numbers repeated fields ("Primary outcome [1] ..."): the index ends the label as a colon would.
_LABEL_LINE = {
    name: re.compile(
        rf"^(?:[A-Z]\.\d+(?:\.\d+)*\.?[ \t]+)?(?:{_CJK}[ \t]*)?(?:(?P<pre>{_QUALIFIER})[ ]+)?(?P<label>{alternatives})"
        rf"(?:[ ]*\[\d{{1,2}}\])?[ ]*(?:\((?P<qual>{_QUALIFIER})\))?[ ]*(?::[ \t]*|\t+[ ]*|[ ]{{2,}}|$|(?<=\] )"
        + (rf"|(?<=[^ ] )(?={_SPACED_VALUE[name]})" if name in _SPACED_VALUE else "")
        + r"|(?P<single>(?<=[^ ] )(?=(?-i:[A-Z0-9]))))(?P<value>.*)$",
        re.I,
    )
    for name, alternatives in _LABELS
}


@dataclass(frozen=True, slots=True)
class Field:
    """A labelled field: its name, the label's span, its qualifier ("actual", "estimated"...) and value lines."""

    name: str
    label_start: int
    label_end: int
    qualifier: str | None
    lines: tuple[Line, ...]

    @property
    def start(self) -> int:
        """Offset where the value starts (or the label ends, for an empty field)."""
        return self.lines[0].start if self.lines else self.label_end

    @property
    def end(self) -> int:
        """Offset where the value ends."""
        return self.lines[-1].end if self.lines else self.label_end


def _label_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """A label and its value; one space between them only after a label of several words written capitalised
    ("Total final enrolment 54", ISRCTN's layout), never after one word ("Intervention With ...")."""
    m = pattern.match(text)
    if m and m.group("single") is not None and not (" " in m.group("label") and m.group("label")[0].isupper()):
        return None
    return m


def _label(page: Page, line: Line) -> tuple[str, re.Match[str]] | None:
    """The longest field label that opens a line (matched on the raw text, where tabs still separate cells)."""
    raw = page.raw[line.start : line.end]
    best = None
    for name, pattern in _LABEL_LINE.items():
        m = _label_match(pattern, raw)
        if m and (best is None or m.end("label") > best[1].end("label")):
            best = (name, m)
    return best


_CELL = re.compile(r"[^|\t]+")
_ANY_CELL = re.compile(r"(?:(?<=[|\t])|^)[^|\t]*")
_RULE_ROW = re.compile(r"^[\s|:-]*$")


def table_cells(page: Page, line: Line, *, keep_empty: bool = False) -> list[Line]:
    """A table row's cells, split at pipes or tabs (read in the raw text, where tabs are kept); `keep_empty` keeps
    the empty ones too, so that a row lines up with its header cell by cell ("... | 60 |")."""
    raw = page.raw[line.start : line.end]
    return [Line(line.start + m.start() + len(m.group(0)) - len(m.group(0).lstrip()),
                 line.start + m.start() + len(m.group(0).rstrip()), m.group(0).strip())
            for m in (_ANY_CELL if keep_empty else _CELL).finditer(raw) if keep_empty or m.group(0).strip()]


def _table_header(page: Page, line: Line) -> list[tuple[str, Line]] | None:
    """A table row of labels only ("Condition or disease | Intervention/treatment | Phase"): each cell's field."""
    if not re.search(r"[|\t]", page.raw[line.start : line.end]):
        return None
    named = []
    for cell in table_cells(page, line):
        found = _label(page, cell)
        if found is None or found[1].group("value").strip():
            return None
        named.append((found[0], cell))
    return named if len(named) >= 2 else None


def _table_fields(page: Page, lines: list[Line], i: int) -> tuple[list[Field], int] | None:
    """The fields of a header row of labels at lines[i] and the row under it (past a rule row), cell by cell,
    with the index of that row, when it has as many cells; else None, and the lines are read as any others."""
    header = _table_header(page, lines[i])
    if header is None:
        return None
    below = next((j for j in range(i + 1, min(i + 3, len(lines))) if not _RULE_ROW.match(lines[j].text)), None)
    cells = table_cells(page, lines[below]) if below is not None else []
    if len(cells) != len(header):
        return None
    return [Field(name, label.start, label.end, None, (cell,))
            for (name, label), cell in zip(header, cells, strict=True)], below


# Fields side by side on one line, apart by wide spaces or a bar: "Study ID: NCT0...   Phase: 1/2   Status: ...".
_WIDE = re.compile(r"[ ]{3,}|[ ]+\|[ ]+")


def _field_cells(page: Page, line: Line) -> list[Line]:
    """The line as one Line, or as one per field when each of its wide-spaced parts opens with "Label:"."""
    cuts = list(_WIDE.finditer(line.text))
    if not cuts:
        return [line]
    starts = [0, *(m.end() for m in cuts)]
    ends = [*(m.start() for m in cuts), len(line.text)]
    parts = [Line(line.start + a, line.start + b, line.text[a:b]) for a, b in zip(starts, ends, strict=True)]
    labelled = [(found := _label(page, part)) is not None and ":" in part.text[: found[1].end("label") + 2]
                for part in parts]
    return parts if len(parts) >= 2 and all(labelled) else [line]


def parse_fields(page: Page) -> tuple[Field, ...]:
    """Split a record into labelled fields; a field's value runs to the next label line. A table whose header
    row is labels gives each cell of the row below it as that label's field (a record page's summary table)."""
    fields: list[Field] = []
    lines = [part for line in split_lines(page.clean) for part in _field_cells(page, line)]
    skip_to = -1
    for i, line in enumerate(lines):
        if i <= skip_to:
            continue
        if table := _table_fields(page, lines, i):
            fields.extend(table[0])
            skip_to = table[1]
            continue
        found = _label(page, line)
        if found is None:
            if fields:
                last = fields[-1]
                fields[-1] = Field(last.name, last.label_start, last.label_end, last.qualifier, (*last.lines, line))
            continue
        name, m = found
        if fields and not fields[-1].lines and fields[-1].name == name and not m.group("value").strip() \
                and ":" not in line.text:  # "Allocation:" then "Randomized": the value, though it reads as a label
            last = fields[-1]
            fields[-1] = Field(last.name, last.label_start, last.label_end, last.qualifier, (line,))
            continue
        qualifier = (m.group("pre") or m.group("qual") or "").lower() or None
        value = ()
        if m.group("value").strip():
            start = line.start + m.start("value")
            lead = _CJK_LEAD.match(page.clean, start, line.end)  # the Chinese value before its English
            start = lead.end() if lead else start
            value = (Line(start, line.end, page.clean[start : line.end]),)
        fields.append(Field(name, line.start + m.start("label"), line.start + m.end("label"), qualifier, value))
    return tuple(fields)


def registry_label_count(text: str) -> int:
    """Count the distinct registry field labels that open a line (after table pipes and markdown are blanked)."""
    seen: set[str] = set()
    for line in text.splitlines()[:2000]:
        body = _TABLE_MARKS.sub(lambda m: " " * len(m.group(0)), line).strip()
        for name, pattern in _LABEL_LINE.items():
            m = _label_match(pattern, body)
            if m:
                seen.add(m.group("label").lower() if name == "other" else name)
                break
    return len(seen)


_TABLE_MARKS = re.compile(r"^[ \t]*\|[ \t]*|\*\*|\|[ \t]*$|^[ \t]*[-•*][ \t]+")


def fields_named(fields: tuple[Field, ...], *names: str) -> list[Field]:
    """Return the fields with any of the names, in document order."""
    return [f for f in fields if f.name in names]


def first_field(fields: tuple[Field, ...], *names: str) -> Field | None:
    """Return the first non-empty field with one of the names, preferring the names' order."""
    for name in names:
        for field in fields:
            if field.name == name and field.lines:
                return field
    return None


def field_countries(page: Page, fields: tuple[Field, ...]) -> tuple[Fact[str], ...]:
    """The countries a record lists in its countries field, each as written."""
    out = []
    for field in fields_named(fields, "countries"):
        for i, line in enumerate(field.lines):
            continues = i == 0 or field.lines[i - 1].text.rstrip().endswith((",", ";"))
            if not continues or not _COUNTRY_LIST.fullmatch(line.text):
                break  # the list ends where other text begins ("Contacts", "Name: ... Address: ...")
            for m in _COUNTRY.finditer(line.text):
                span = (line.start + m.start("name"), line.start + m.end("name"))
                out.append(Fact(collapse(page.raw[span[0] : span[1]]), page.evidence(*span, "registry.country")))
    return tuple(out)


# "Iran (Islamic Republic of)", "France, Germany; Italy": a country, its official form in brackets left out.
_COUNTRY = re.compile(r"(?P<name>[A-Z][A-Za-z .'-]{1,40}?)(?:\s*\([^()\n]{1,40}\))?(?=\s*(?:[,;]|$))")
_COUNTRY_LIST = re.compile(r"[A-Z][A-Za-z .'-]{1,40}?(?:\s*\([^()\n]{1,40}\))?(?:\s*[,;]\s*[A-Z][A-Za-z .'-]{1,40}?"
                           r"(?:\s*\([^()\n]{1,40}\))?)*\s*[,;]?")
