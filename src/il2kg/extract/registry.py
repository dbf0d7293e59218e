"""Trial registry records as text (ClinicalTrials.gov, EU CTR, ISRCTN, ChiCTR): one Trial with evidence."""

from __future__ import annotations

import re
from dataclasses import replace

from il2kg.extract import article, registry_arms, registry_terms
from il2kg.extract.design import DESIGN_WORDS
from il2kg.extract.diseases import find_diseases
from il2kg.extract.findings import p_value_rows
from il2kg.extract.identifiers import find_registry_ids, phase_code
from il2kg.extract.layout import Line, read_plain_page, split_lines
from il2kg.extract.registry_fields import Field, field_countries, fields_named, first_field, parse_fields
from il2kg.extract.registry_prose import prose_only, with_prose
from il2kg.extract.registry_table_arms import table_arms
from il2kg.extract.text import Page, collapse, read_page
from il2kg.model import Fact, Lexicon, Record, Trial

_HEADER_LINES = 15  # where an unlabelled id sits ("ClinicalTrials.gov ID NCT..." above the title)
_ACTUAL = re.compile(r"\bactual\b", re.I)
_PLANNED = re.compile(r"\b(?:estimated|anticipated|expected|target|planned)\b", re.I)
# "Completed", "Recruiting complete, study complete", "Closed to recruitment", "Active, not recruiting".
_FINISHED = re.compile(r"(?<!not )(?<!not yet )\b(?:complete|completed|terminated|closed|finished|"
                       r"active,? not recruiting)\b", re.I)
# Design words as registries write them (values of Allocation, Intervention Model, Masking): the article
# grammar, plus a bare "Yes" under Allocation and masking levels ("Masking: Quadruple (Participant, ...)").
_REGISTRY_EXTRA = {
    "randomised": r"^yes$",
    "open-label": r"\bopen\s*\(\s*masking\s+not\s+used\s*\)|(?:^|[;,]\s*)open(?:\s*\(?\s*masking\s*\)?)?\s*(?:[;,]|$)",
    "double-blind": r"(?:^|\bmasking:\s*)(?:double|triple|quadruple)(?=\s*(?:\(|$|[.;]))",
    "single-blind": r"(?:^|\bmasking:\s*)single(?=\s*(?:\(|$|[.;]))",
}
_DESIGN_WORDS = tuple((code, re.compile(f"{pattern.pattern}|{_REGISTRY_EXTRA[code]}", re.I) if code in _REGISTRY_EXTRA
                       else pattern) for code, pattern in DESIGN_WORDS)
# EU CTR yes/no design lines ("E.8.1.4 Double blind: Yes").
_FLAGS = {
    "open": "open-label",
    "single blind": "single-blind",
    "double blind": "double-blind",
    "placebo": "placebo-controlled",
    "parallel group": "parallel-group",
    "cross over": "crossover",
    "the trial involves multiple sites in the member state concerned": "multicentre",
}
_YES_NO = re.compile(r":\s*(?:yes|no)$", re.I)
_FLAG_LINE = re.compile(r"^(?:[A-Z]\.\d+(?:\.\d+)*\.?\s+)?(?P<flag>" + "|".join(_FLAGS) + r")\s*:\s*Yes$", re.I)
_PLACEBO_ARM = re.compile(
    r"^(?:placebo comparator\s*:|(?:drug|other|biological)\s*:\s*(?:\w{1,3}\s*:\s*)?(?:matching\s+)?placebo\b)", re.I
)
_ACTIVE_ARM = re.compile(r"^active comparator\s*:", re.I)
_PHASE_TOKEN = re.compile(r"(?<![\w])(?<!\d\d/)(?:phase\s*)?(?P<p>[1-4][ab]?|I{1,3}[ab]?|IV)(?![\w])", re.I)
_PHASES_ONLY = re.compile(r"^\s*(?:(?:phase\s*)?(?:[1-4][ab]?|I{1,3}[ab]?|IV)(?:\s*[/,&]\s*|\s+and\s+|\s*$))+$", re.I)
_API_PHASE_LINE = re.compile(r"^\s*PHASE[1-4](?:\s*[,/|]\s*PHASE[1-4])*\s*$")
_API_PHASE = re.compile(r"PHASE(?P<p>[1-4])")
_EU_PHASE = re.compile(r"\(Phase (?P<p>I{1,3}|IV)\)\s*:\s*Yes\b")
_MONTHS = {
    m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}
_MONTH = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATES = (
    re.compile(r"\b(?P<y>(?:19|20)\d\d)[-/.](?P<m>\d{1,2})(?:[-/.]\d{1,2})?\b"),
    re.compile(rf"\b{_MONTH}\.?\s+(?:\d{{1,2}},?\s+)?(?P<y>(?:19|20)\d\d)\b"),
    re.compile(rf"\b\d{{1,2}}\s+{_MONTH}\.?\s+(?P<y>(?:19|20)\d\d)\b"),
    # dd/mm/yyyy or mm/dd/yyyy: read only when one of the two cannot be a month.
    re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>(?:19|20)\d\d)\b"),
)
_COUNT = re.compile(r"^\(?(?P<n>\d{1,4})\)?(?:\s+(?:study\s+)?(?:locations?|sites?|centres?|centers?))?$", re.I)


def extract(text: str, *, lexicon: Lexicon) -> list[Record]:
    """Extract the Trial a registry record describes; nothing when the text has no registry fields."""
    page = read_plain_page(text)
    fields = parse_fields(page)
    if not fields:
        return []
    lines = split_lines(page.clean)
    arm_lines = tuple(line for f in fields_named(fields, "arms") for line in f.lines) or lines
    arms = registry_arms.arms(page, arm_lines, lexicon, fields) or table_arms(page, lines, lexicon)
    centres = _centres(page, fields)
    header = None if first_field(fields, "title_official", "title_brief") else _header_title(page, lines)
    trial = Trial(
        registry_ids=_ids(page, fields, lines),
        acronym=_acronym(page, fields),
        title=_text(page, first_field(fields, "title_official", "title_brief"), "registry.title") or header,
        design=_design(page, fields, lines, centres),
        phase=_phase(page, fields, lines),
        n_enrolled=_enrolled(page, fields),
        diseases=(diseases := registry_terms.diseases(page, fields, lexicon, header)),
        conditions_text=() if diseases else registry_terms.unlisted_conditions(page, fields, lexicon),
        recruitment_start=_date(page, fields, "start", 0),
        recruitment_end=_date(page, fields, "end", 1),
        centres=centres,
        countries=field_countries(page, fields),
        arms=arms,
        outcomes=registry_arms.outcomes(page, fields, lexicon),
        agents=tuple(registry_terms.intervention_agents(page, fields, lexicon)),
    )
    if trial == Trial():
        return []
    prose = read_page(prose_only(text, fields))
    trial = with_prose(trial, article.extract_trial(prose, lexicon))
    if not trial.diseases and (diseases := find_diseases(prose, lexicon)):  # the summary names the conditions
        trial = replace(trial, diseases=diseases, conditions_text=())
    if not (trial.registry_ids or trial.acronym or trial.title):
        return []  # a record with no id, acronym or title cannot name its trial: nothing to key the facts on
    # Arms from the interventions list come last: the prose's arms carry doses and schedules, these do not.
    trial = trial if trial.arms else replace(trial, arms=registry_terms.arms_from_interventions(page, fields, lexicon))
    rows = [f for f in p_value_rows(page, lexicon)
            if all(f.p_value.evidence.start != g.p_value.evidence.start for g in trial.findings if g.p_value)]
    trial = replace(trial, findings=(*trial.findings, *rows))  # posted results' "P-Value" rows
    return [registry_arms.settle_arms(page, trial, lexicon)]


def _text(page: Page, field: Field | None, method: str) -> Fact[str] | None:
    """The field's first value line as written."""
    if field is None:
        return None
    line = field.lines[0]
    return Fact(collapse(page.raw[line.start : line.end]), page.evidence(line.start, line.end, method))


def _header_title(page: Page, lines: tuple[Line, ...]) -> Fact[str] | None:
    """A record with no title field: an unlabelled line of six or more words at its head is the study's title."""
    for line in lines[:_HEADER_LINES]:
        text = line.text.strip()
        if len(text.split()) >= 6 and len(text) <= 300 and not text.endswith((":", ".")) and ": " not in text:
            return Fact(collapse(text), page.evidence(line.start, line.end, "registry.header-title"))
    return None


_ID_ALONE = re.compile(r"[A-Za-z][\w/-]{5,40}")


def _ids(page: Page, fields: tuple[Field, ...], lines: tuple[Line, ...]) -> tuple[Fact[str], ...]:
    """Registry ids in the id fields; in the record's first lines when no id field names one."""
    id_lines = [line for f in fields_named(fields, "id") for line in f.lines]
    # The record's own id often stands alone in its head ("jRCT2031230456") above a "Secondary IDs" field.
    head = [line for line in lines[:_HEADER_LINES] if _ID_ALONE.fullmatch(line.text)] if id_lines else \
        list(lines[:_HEADER_LINES])
    found: dict[str, Fact[str]] = {}
    for group, rule in ((id_lines, "registry.id_field"), (head, "registry.id_header")):
        for line in group:
            for m in find_registry_ids(line.text):
                found.setdefault(m.value, Fact(m.value, page.evidence(line.start + m.start, line.start + m.end, rule)))
    return tuple(sorted(found.values(), key=lambda f: f.evidence.start))


def _acronym(page: Page, fields: tuple[Field, ...]) -> Fact[str] | None:
    fact = _text(page, first_field(fields, "acronym"), "registry.acronym")
    ok = (
        fact is not None
        and len(fact.value) <= 30
        and len(fact.value.split()) <= 2
        and fact.value.lower() not in {"n/a", "none"}
    )
    return fact if ok else None


def _design(
    page: Page, fields: tuple[Field, ...], lines: tuple[Line, ...], centres: Fact[int] | None
) -> tuple[Fact[str], ...]:
    """Design codes from the design fields, EU CTR yes/no lines, comparator arms and the number of sites."""
    found: dict[str, Fact[str]] = {}
    for field in fields_named(fields, "allocation", "model", "masking"):
        for line in field.lines:
            if line is not field.lines[0] and _YES_NO.search(line.text):
                continue  # an EU CTR yes/no line that follows "Randomised: ..." (read by _FLAG_LINE below)
            for code, pattern in _DESIGN_WORDS:
                m = pattern.search(line.text)
                if m and not (code == "randomised" and "non-randomised" in found):
                    found.setdefault(
                        code, Fact(code, page.evidence(line.start + m.start(), line.start + m.end(), "registry.design"))
                    )
    for line in lines:
        for pattern, code in (
            (_FLAG_LINE, None),
            (_PLACEBO_ARM, "placebo-controlled"),
            (_ACTIVE_ARM, "active-controlled"),
        ):
            m = pattern.match(line.text)
            if m:
                value = code or _FLAGS[collapse(m.group("flag")).lower()]
                found.setdefault(
                    value, Fact(value, page.evidence(line.start, line.start + m.end(), "registry.design_arm"))
                )
    if centres is not None and centres.value >= 1:
        code = "multicentre" if centres.value > 1 else "single-centre"
        found.setdefault(
            code, Fact(code, page.evidence(centres.evidence.start, centres.evidence.end, "registry.design_sites"))
        )
    return tuple(sorted(found.values(), key=lambda f: f.evidence.start))


def _phase(page: Page, fields: tuple[Field, ...], lines: tuple[Line, ...]) -> Fact[str] | None:
    """Phase(s) as written, joined with "/": "Phase 1/Phase 2" -> "1/2"; EU CTR "(Phase II): Yes" lines."""
    phase_fields = [f for f in fields_named(fields, "phase") if f.lines]  # "Phase" over "Phase 2", "Phase 3"
    if phase_fields:
        text = " ".join(line.text for f in phase_fields for line in f.lines)
        if re.search(r"\bearly\b|not applicable|\bn/a\b", text, re.I):
            return None
        # The first value line gives bare numbers ("Phase: 2"); a later line only what it calls a phase
        # ("Phase 1" below "Phase 2"), or a line that is phases alone: "Type 1 Diabetes" there is no phase.
        tokens = [(line, m) for f in phase_fields for i, line in enumerate(f.lines)
                  for m in _PHASE_TOKEN.finditer(line.text)
                  if i == 0 or m.group(0)[:1].lower() == "p" or _PHASES_ONLY.match(line.text)]
    else:  # EU CTR "(Phase II): Yes" lines, or a status line of the API's values ("PHASE2", "PHASE1, PHASE2")
        tokens = [(line, m) for line in lines for m in _EU_PHASE.finditer(line.text)] or [
            (line, m) for line in lines[:_HEADER_LINES] if _API_PHASE_LINE.match(line.text)
            for m in _API_PHASE.finditer(line.text)]
    if not tokens:
        return None
    value = phase_code(" ".join(m.group("p") for _l, m in tokens))
    start = tokens[0][0].start + tokens[0][1].start("p")
    end = tokens[-1][0].start + tokens[-1][1].end("p")
    return Fact(value, page.evidence(start, end, "registry.phase"))


def _enrolled(page: Page, fields: tuple[Field, ...]) -> Fact[int] | None:
    """Actual enrolment only; a bare number counts when the record's status says the trial has finished recruiting.

    A record may give the target before the final count ("Target number of participants", "Total final
    enrolment"): the first field that is not a target is read."""
    field = next((f for f in fields if f.name == "enrollment" and f.lines and f.qualifier in {None, "actual"}
                  and "target" not in page.clean[f.label_start : f.label_end].lower()), None)
    if field is None:
        return None
    line = field.lines[0]
    # "58", "= "58"" (CTRI), "Actual  9" (a sample size given as actual)
    m = re.match(r"^(?:=\s*\"?|actual,?\s+)?(?P<n>\d{1,3}(?:,\d{3})+|\d+)\b", line.text, re.I)
    label = page.clean[field.label_start : field.label_end].lower()
    said_actual = bool(re.match(r"actual,?\s", line.text, re.I))  # "Actual  9", DRKS "Actual, 44"
    if (
        m is None
        or "target" in label
        or ("sample size" in label and not said_actual)
        or _PLANNED.search(line.text)
        or field.qualifier not in {None, "actual"}
    ):
        return None
    status = first_field(fields, "status")
    actual = field.qualifier == "actual" or _ACTUAL.search(line.text) or "final" in label or said_actual
    if not actual and not (status and _FINISHED.search(status.lines[0].text)):
        return None
    start = line.start + m.start("n")
    return Fact(
        int(m.group("n").replace(",", "")), page.evidence(start, start + len(m.group("n")), "registry.enrollment")
    )


def _date(page: Page, fields: tuple[Field, ...], name: str, period_index: int) -> Fact[str] | None:
    """A start or end date as "YYYY-MM", unless the record marks it as estimated; ChiCTR gives "From ... To ..."."""
    field = first_field(fields, name)
    index = 0
    if field is None:
        field, index = first_field(fields, "recruiting_time"), period_index
    if field is None or field.qualifier not in {None, "actual"} or _PLANNED.search(field.lines[0].text):
        return None
    line = field.lines[0]
    hits = sorted((m for pattern in _DATES for m in pattern.finditer(line.text)), key=lambda m: m.start())
    if len(hits) <= index:
        return None
    m = hits[index]
    month = _month(m)
    if month is None:
        return None
    value = f"{m.group('y')}-{month:02d}"
    return Fact(value, page.evidence(line.start + m.start(), line.start + m.end(), f"registry.{name}_date"))


def _month(m: re.Match[str]) -> int | None:
    groups = m.groupdict()
    if groups.get("m"):
        month = int(groups["m"])
    elif groups.get("mon"):
        month = _MONTHS[groups["mon"][:3].lower()]
    else:
        a, b = int(groups["a"]), int(groups["b"])
        month = b if a > 12 else a if b > 12 else None
    return month if month is not None and 1 <= month <= 12 else None


def _centres(page: Page, fields: tuple[Field, ...]) -> Fact[int] | None:
    """A number of sites when the record states it ("Locations: 12", "Number of sites: 3")."""
    field = first_field(fields, "locations")
    if field is None:
        return None
    line = field.lines[0]
    m = _COUNT.match(line.text)
    if m is None or not (field.lines[0].start - field.label_end) < 5:
        return None
    return Fact(int(m.group("n")), page.evidence(line.start + m.start("n"), line.start + m.end("n"), "registry.sites"))

