"""The counts a citation page shows for the cited work: citing works, citation statements by type, references.

Each count phrasing is a rule searched on short lines only; a label and its bare number on two lines (either
way round) and the cells of a spaced row are read as one line each.
"""

from __future__ import annotations

import re

from il2kg.extract.cue_tables import compile_cues
from il2kg.extract.layout import Line
from il2kg.extract.text import Page
from il2kg.model import CitationCount, Fact

_NUM = r"(?P<n>\d{1,3}(?:,\d{3})+|\d+)"
_SOURCE = re.compile(r"\s*\(\s*(?P<source>[A-Z][A-Za-z .&-]{1,30}?)\s*\)")
# (kind, rule, pattern): each count phrasing seen on citation and index pages; searched on short lines only.
_COUNT_RULES = (
    ("citation-statements", "statements", re.compile(rf"(?<![\w.,]){_NUM} citation\s+statements?\b", re.I)),
    ("citation-statements", "statements_label", re.compile(rf"\bcitation\s+statements?\s*[:(]\s*{_NUM}", re.I)),
    ("citation-statements", "statements_cell", re.compile(rf"^citation\s+statements?\s+{_NUM}$", re.I)),
    ("citing-publications", "cited_by", re.compile(rf"\b(?:cited\s+by|zitiert\s+von|cit[ée]\s+par|citado\s+por|"
                                                   rf"citato\s+da)\s*(?:count\s*)?[:(]?\s*{_NUM}(?![\w.,])", re.I)),
    ("citing-publications", "total_citations", re.compile(rf"^{_NUM}\s+total\s+citations?$", re.I)),
    ("citing-publications", "n_citing",
     re.compile(rf"^{_NUM}\s+citing\s+(?:publications?|works?|articles?|documents?)$", re.I)),
    ("citing-publications", "referenced_by_count", re.compile(rf"^is-referenced-by-count\s*:\s*{_NUM}$", re.I)),
    ("citing-publications", "of_citing", re.compile(rf"\bof\s+{_NUM}\s+citing\s+(?:works|articles|publications)\b",
                                                    re.I)),
    ("citing-publications", "citations", re.compile(rf"(?<![\w.,]){_NUM}[ \n]citations?\b(?!\s+statements?)", re.I)),
    ("citing-publications", "citations_label",
     re.compile(rf"^(?:total\s+|scholarly\s+)?citations?\s*[:(]\s*{_NUM}\s*\)?$", re.I)),
    ("citing-publications", "citing_label",
     re.compile(rf"^citing\s+(?:publications?|works?|articles?)\s*[:(]?\s*{_NUM}\)?$", re.I)),
    ("citation-statements", "smart_citations", re.compile(rf"^smart\s+citations?\s*[:(]?\s*{_NUM}\)?$", re.I)),
    ("citing-publications", "times_cited",
     re.compile(rf"^(?:total\s+)?times\s+cited\b(?:\s+in\s+(?P<source>[A-Z][\w .&-]{{1,40}}?))?"
                rf"(?:\s*:|\s{{3,}})\s*{_NUM}$", re.I)),
    ("citing-publications", "documents_cited", re.compile(rf"^cited\s+by\s+{_NUM}\s+documents?\b", re.I)),
    ("citing-publications", "documents_have_cited", re.compile(rf"^{_NUM}\s+documents?\s+have\s+cited\b", re.I)),
    ("citing-publications", "citing_list", re.compile(rf"^citing\s+(?:articles|documents)\s*\(\s*{_NUM}\s*\)$", re.I)),
    ("references", "cited_references", re.compile(rf"^cited\s+references\s*[:(]\s*{_NUM}\)?$", re.I)),
    ("references", "n_cited_references", re.compile(rf"^{_NUM}\s+cited\s+references$", re.I)),
    ("references", "referenced_works", re.compile(rf"^referenced\s+works(?:\s+count)?\s*[:(]\s*{_NUM}\)?$", re.I)),
    (
        "references",
        "references",
        re.compile(rf"^references\s*(?::\s*|\(\s*)?{_NUM}\)?(?:\s+(?:publications?|articles?|works?))?$", re.I),
    ),
    # One space only: in "Patent Citations: 0   References: 44" the 0 is not the references' count.
    ("references", "n_references", re.compile(rf"(?<![\w.,]){_NUM} references\b", re.I)),
)
_TYPES = ("supporting", "mentioning", "contrasting")
_MAX_COUNT_LINE = 80  # count phrases are short labels; longer lines are prose (a statement saying "34 references")
_ASCII_DIGITS = re.compile(r"[0-9]+")  # str.isdigit() also accepts '¹' and '①', which int() refuses
# The citation types block: a heading, or one type with its count ("Supporting 12", "3 contrasting").
_LINE = compile_cues({
    "types-heading": r"^citation\s+types?$",
    "type-labelled": r"^(?:(?P<t1>supporting|mentioning|contrasting)\s*[:(]?\s*(?P<n1>\d+)\)?"
    r"|(?P<n2>\d+)\s+(?P<t2>supporting|mentioning|contrasting))$",
})


def count_matches(line: Line) -> list[tuple[str, str, re.Match[str]]]:
    if len(line.text) > _MAX_COUNT_LINE:
        return []
    return [(kind, rule, m) for kind, rule, pattern in _COUNT_RULES for m in pattern.finditer(line.text)]


def _stacked(lines: list[Line]) -> list[Line]:
    """The lines, plus a label and the bare number on the line under it read as one line ("Citing Publications"
    over "118" is "Citing Publications 118", the number keeping its own offsets)."""
    out = list(lines)
    for line in lines:  # "Cited by 112 for: <title>": the count before the title
        if m := re.match(r"cited\s+by\s+\d[\d,]*(?=\s+for\s*:)", line.text, re.I):
            out.append(Line(line.start, line.start + m.end(), m.group(0)))
    for line in lines:  # "Total citations: 21   Citation statements: 25": each cell a line of its own
        cells = list(re.finditer(r"[^\s|·]+(?: [^\s|·]+)*", line.text))  # "Supporting 4 | Mentioning 61" too
        if len(cells) > 1:
            out += [Line(line.start + c.start(), line.start + c.end(), c.group(0)) for c in cells]
    for i, number in enumerate(lines):
        if not _ASCII_DIGITS.fullmatch(number.text):
            continue
        above = lines[i - 1] if i > 0 and _COUNT_LABEL.fullmatch(lines[i - 1].text) else None
        below = lines[i + 1] if i + 1 < len(lines) and _COUNT_LABEL.fullmatch(lines[i + 1].text) else None
        if above is not None:  # "Supporting" over "4" (a label on both sides: the one above, as such pages list)
            out.append(Line(above.start, number.end, above.text + " " * (number.start - above.end) + number.text))
        elif below is not None:  # "22" over "Citations"
            out.append(Line(number.start, below.end, number.text + " " * (below.start - number.end) + below.text))
    return out


def _table_pairs(page: Page, lines: list[Line]) -> list[Line]:
    """A table copied with tabs, a row of labels over a row of numbers ("Citing articles<TAB>Times Cited" over
    "52<TAB>58"): each label and the number under it read as one line (the number keeping its offsets)."""
    out = []
    for above, below in zip(lines, lines[1:], strict=False):
        cells = [[(line.start + m.start(), line.start + m.end()) for m in re.finditer(r"[^\t]+", page.raw[line.start:
                  line.end]) if m.group(0).strip()] for line in (above, below)]
        if len(cells[0]) < 2 or len(cells[0]) != len(cells[1]):
            continue
        for (ls, le), (ns, ne) in zip(*cells, strict=True):
            label, number = page.clean[ls:le].strip(), page.clean[ns:ne].strip()
            if _COUNT_LABEL.fullmatch(label) and _ASCII_DIGITS.fullmatch(number):
                ns += page.clean[ns:ne].index(number)
                ls += page.clean[ls:le].index(label)
                out.append(Line(ls, ns + len(number), label + " " * (ns - ls - len(label)) + number))
    return out


# A count's label standing on its own line, above or below the bare number.
_COUNT_LABEL = re.compile(r"(?:smart\s+|total\s+)?citations?|citation\s+statements?|citing\s+(?:publications?|works?|"
                          r"articles?|documents?)|cited\s+references|references|supporting|mentioning|contrasting|"
                          r"(?:total\s+)?times\s+cited(?:\s+in\s+[A-Z][\w .&-]{1,40})?|cited\s+by", re.I)


def counts(page: Page, lines: list[Line], header_end: int = 0) -> tuple[CitationCount, ...]:
    """Collect counts by kind and source; one shown with two different numbers is ambiguous and left out, unless
    only one of them stands in the header (Scholar's "Cited by 38" above citing works each "Cited by 4")."""
    found: dict[tuple[str, str | None], list[CitationCount]] = {}
    for line in _stacked(lines) + _table_pairs(page, lines):
        for kind, rule, m in count_matches(line):
            start, end = line.start + m.start("n"), line.start + m.end("n")
            after = _SOURCE.match(line.text, m.end())
            source = m.groupdict().get("source") or (after.group("source") if after else None)
            fact = Fact(int(m.group("n").replace(",", "")), page.evidence(start, end, f"citation_page.{rule}"))
            found.setdefault((kind, source), []).append(CitationCount(kind, fact, source))
    counts = []
    for items in found.values():
        heading = [c for c in items if c.count.evidence.start < header_end]
        if len({c.count.value for c in items}) == 1 or len(heading) == 1:
            counts.append(heading[0] if heading else items[0])
    statements = next((c.count.value for c in counts if c.kind == "citation-statements"), None)
    counts.extend(_type_counts(page, lines, statements))
    return tuple(sorted(counts, key=lambda c: c.count.evidence.start))


def _type_counts(page: Page, lines: list[Line], statements: int | None) -> list[CitationCount]:
    """Supporting/mentioning/contrasting counts, kept only when they agree and sum to the statement count."""
    blocks = [_typed_block(page, lines, i) for i, line in enumerate(lines) if _LINE["types-heading"].match(line.text)]
    blocks += [[_labelled(page, line)] for line in _stacked(lines) if _LINE["type-labelled"].match(line.text)]
    found: dict[str, CitationCount] = {}
    for block in blocks:
        for count in block:
            if count is None:
                continue
            if count.kind in found and found[count.kind].count.value != count.count.value:
                return []
            found.setdefault(count.kind, count)
    if set(found) != set(_TYPES) or statements is None:
        return []
    if sum(c.count.value for c in found.values()) != statements:
        return []
    return list(found.values())


def _typed_block(page: Page, lines: list[Line], heading: int) -> list[CitationCount | None]:
    """The three bare numbers under a "Citation Types" heading, in the order supporting, mentioning, contrasting."""
    numbers = lines[heading + 1 : heading + 4]
    if len(numbers) < 3 or not all(_ASCII_DIGITS.fullmatch(line.text) for line in numbers):
        return []
    return [
        CitationCount(kind, Fact(int(line.text), page.evidence(line.start, line.end, "citation_page.type_block")))
        for kind, line in zip(_TYPES, numbers, strict=True)
    ]


def _labelled(page: Page, line: Line) -> CitationCount:
    m = _LINE["type-labelled"].match(line.text)
    group = "n1" if m.group("n1") else "n2"
    kind = (m.group("t1") or m.group("t2")).lower()
    start, end = line.start + m.start(group), line.start + m.end(group)
    return CitationCount(kind, Fact(int(m.group(group)), page.evidence(start, end, "citation_page.type_label")))
