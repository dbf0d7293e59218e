"""Citation-statement pages (scite-like and index pages): the cited work, its counts and its citing statements."""

from __future__ import annotations

import re

from il2kg.extract import article
from il2kg.extract.cue_tables import compile_cues
from il2kg.extract.furniture import clean
from il2kg.extract.layout import Line, split_lines, term_facts
from il2kg.extract.metadata import DOI, cited_doi, published_year
from il2kg.extract.terms import find_terms
from il2kg.extract.text import Page, collapse, read_page
from il2kg.model import Citation, CitationCount, Fact, Lexicon, Publication, Record

_NUM = r"(?P<n>\d{1,3}(?:,\d{3})+|\d+)"
_SOURCE = re.compile(r"\s*\(\s*(?P<source>[A-Z][A-Za-z .&-]{1,30}?)\s*\)")
# (kind, rule, pattern): each count phrasing seen on citation and index pages; searched on short lines only.
_COUNT_RULES = (
    ("citation-statements", "statements", re.compile(rf"(?<![\w.,]){_NUM} citation\s+statements?\b", re.I)),
    ("citation-statements", "statements_label", re.compile(rf"\bcitation\s+statements?\s*[:(]\s*{_NUM}", re.I)),
    ("citing-publications", "cited_by", re.compile(rf"\bcited\s+by\s*(?:count\s*)?[:(]?\s*{_NUM}(?![\w.,])", re.I)),
    ("citing-publications", "citations", re.compile(rf"(?<![\w.,]){_NUM}[ \n]citations?\b(?!\s+statements?)", re.I)),
    ("citing-publications", "citations_label",
     re.compile(rf"^(?:total\s+|scholarly\s+)?citations?\s*[:(]\s*{_NUM}\s*\)?$", re.I)),
    ("citing-publications", "citing_label",
     re.compile(rf"^citing\s+(?:publications?|works?|articles?)\s*[:(]?\s*{_NUM}\)?$", re.I)),
    ("citation-statements", "smart_citations", re.compile(rf"^smart\s+citations?\s*[:(]?\s*{_NUM}\)?$", re.I)),
    ("citing-publications", "times_cited",
     re.compile(rf"^(?:total\s+)?times\s+cited\b(?:\s+in\s+(?P<source>[A-Z][\w .&-]{{1,40}}?))?\s*:\s*{_NUM}$", re.I)),
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
_INTENT_OF = {"mentioning": "mentions", "supporting": "supports", "contrasting": "disputes"}
# The labelled lines of a citation page (read whole, case-insensitive), by name.
_LINE = compile_cues({
    # The citation types block: a heading, or one type with its count ("Supporting 12", "3 contrasting").
    "types-heading": r"^citation\s+types?$",
    "type-labelled": r"^(?:(?P<t1>supporting|mentioning|contrasting)\s*[:(]?\s*(?P<n1>\d+)\)?"
    r"|(?P<n2>\d+)\s+(?P<t2>supporting|mentioning|contrasting))$",
    # A statement's labels: its section (and intent), its intent alone, the classifier's confidence.
    "section": r"^section\s*:\s*(?P<section>.*?)\s*(?P<intent>mentioning|supporting|contrasting)?$",
    "intent": r"^(?P<intent>mentioning|supporting|contrasting)$",
    "confidence": r"^confidence\s*:?\s*\d+(?:\.\d+)?\s*%$",
    # Where the cited work's header ends, and its labelled title and year.
    "header-end": r"^(?:abstract\b|citation\s+types?$|search\s+citation\s+statements)",
    "title": r"^(?:title|report\s+for)\s*:\s*(?P<title>\S.*)$",
    # A statement's label line above it: "Supporting · Introduction · Ann Rheum Dis · 2025".
    "intent-head": r"^(?P<intent>mentioning|supporting|contrasting)(?:\s*[·|•]\s*(?P<section>[^·|•\n]+?)"
    r"(?:\s*[·|•]\s*[^·|•\n]+?)?(?:\s*[·|•]\s*(?P<year>(?:19|20)\d\d))?)?$",
    "year": r"^(?:year|published|publication\s+year|year\s+of\s+publication)\s*:\s*(?P<year>(?:19|20)\d\d)$",
})
# A venue line under the title: "The Lancet Diabetes and Endocrinology, 2013, 1(4), pp. 295-305".
_VENUE_YEAR = re.compile(r"^[A-Z][^\d\n]{2,80}?,?\s+\(?(?P<year>(?:19|20)\d\d)\)?[,;.]\s*\d[^\n]*$")
_DOTTED_YEAR = re.compile(r"[·|]\s*(?P<year>(?:19|20)\d\d)\s*[·|]")
_YEAR_LINE = re.compile(r"^(?:[A-Za-z][^\d]{0,80}?[\s,;]+)?(?P<year>(?:19|20)\d\d)\.?$")
_MAX_COUNT_LINE = 80  # count phrases are short labels; longer lines are prose (a statement saying "34 references")


def extract(text: str, *, lexicon: Lexicon) -> list[Record]:
    """Extract the cited Publication (title, DOI, year, counts) and one Citation per distinct statement."""
    page = read_page(text)  # furniture and repeated blocks (a statement shown twice) are blanked
    lines = split_lines(page.clean)
    statements, statement_lines = _statements(page, lines, lexicon)
    plain = [line for line in lines if line.start not in statement_lines]
    header = _header(plain)
    title = _title(page, header, lexicon)
    publication = Publication(
        title=title,
        doi=_doi(page, header) or cited_doi(page, title),
        year=_year(page, header, title) or published_year(page, title),
        citation_counts=_counts(page, plain, _header_end(plain, header)),
    )
    has_any = any((publication.title, publication.doi, publication.year, publication.citation_counts))
    # A count page may show the cited work's abstract; on a statements page the sentences are other works'.
    # Without an abstract, what the title says of the study is not the page reporting it.
    shown = _QUOTED.sub(_spaces, text)
    if not any(re.match(r"abstract\b", line.text, re.I) for line in lines):
        shown = _without_title(shown, title)
    trial = None if statements else article.extract_trial(read_page(shown), lexicon, title_reports=False)
    return ([publication] if has_any else []) + ([trial] if trial and has_any else []) + statements


_ASCII_DIGITS = re.compile(r"[0-9]+")  # str.isdigit() also accepts '¹' and '①', which int() refuses
# A quoted citing statement (kept or not), or a search engine's snippet cut with an ellipsis: other works' words.
_QUOTED = re.compile(r'^[ \t]*["\u201c\u2026][^\n]*|^[^\n]*(?:\.\.\.|\u2026)[ \t]*$', re.MULTILINE)


def _without_title(text: str, title: Fact[str] | None) -> str:
    """The page with the cited work's title blanked."""
    if title is None:
        return text
    start, end = title.evidence.start, title.evidence.end
    return text[:start] + " " * (end - start) + text[end:]


def _spaces(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def _header(lines: list[Line]) -> list[Line]:
    """Lines before the first count phrase, type block or abstract: where the cited work is named. A count the
    page shows above the title ("Cited by 87 documents", then the title) is passed over."""
    out: list[Line] = []
    for line in lines:
        if _LINE["header-end"].match(line.text):
            break
        if _count_matches(line):
            if any(_title_like(kept) for kept in out) or len(out) >= 8:
                break
            continue
        if clean(line.text).strip():  # text.clean blanks page furniture ("Sign up to set email alerts")
            out.append(line)
    return out


def _title_like(line: Line) -> bool:
    """Five or more words, no "Label:", not a quote, no DOI, not a sentence about the page itself."""
    words = re.findall(r"[A-Za-z][A-Za-z-]+", line.text)
    return len(words) >= 5 and not re.match(r"^[A-Za-z ]{1,30}:", line.text) and not line.text.startswith('"') \
        and not DOI.search(line.text) and not _ABOUT_PAGE.match(line.text)


def _count_matches(line: Line) -> list[tuple[str, str, re.Match[str]]]:
    if len(line.text) > _MAX_COUNT_LINE:
        return []
    return [(kind, rule, m) for kind, rule, pattern in _COUNT_RULES for m in pattern.finditer(line.text)]


def _stacked(lines: list[Line]) -> list[Line]:
    """The lines, plus a label and the bare number on the line under it read as one line ("Citing Publications"
    over "118" is "Citing Publications 118", the number keeping its own offsets)."""
    out = list(lines)
    for line in lines:  # "Total citations: 21   Citation statements: 25": each cell a line of its own
        cells = list(re.finditer(r"\S+(?: \S+)*", line.text))
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


# A count's label standing on its own line, above or below the bare number.
_COUNT_LABEL = re.compile(r"(?:smart\s+|total\s+)?citations?|citation\s+statements?|citing\s+(?:publications?|works?|"
                          r"articles?|documents?)|cited\s+references|references|supporting|mentioning|contrasting|"
                          r"(?:total\s+)?times\s+cited(?:\s+in\s+[A-Z][\w .&-]{1,40})?|cited\s+by", re.I)


def _header_end(lines: list[Line], header: list[Line]) -> int:
    """Where the cited work's header ends: the line after its last one."""
    after = [line.start for line in lines if header and line.start > header[-1].start]
    return after[0] if after else (header[-1].end if header else 0)


def _counts(page: Page, lines: list[Line], header_end: int = 0) -> tuple[CitationCount, ...]:
    """Collect counts by kind and source; one shown with two different numbers is ambiguous and left out, unless
    only one of them stands in the header (Scholar's "Cited by 38" above citing works each "Cited by 4")."""
    found: dict[tuple[str, str | None], list[CitationCount]] = {}
    for line in _stacked(lines):
        for kind, rule, m in _count_matches(line):
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


# A sentence about the page itself ("This article has been cited by other articles in ..."), not a title.
_ABOUT_PAGE = re.compile(r"^\s*(?:this|these)\s+(?:article|page|paper|publication|work|record)s?\b", re.I)


def _title(page: Page, header: list[Line], lexicon: Lexicon) -> Fact[str] | None:
    """A "Title:" line, else the first header line that reads like a title (five or more words, no label)."""
    for line in header:
        m = _LINE["title"].match(line.text)
        if m:
            start = line.start + m.start("title")
            return Fact(
                collapse(page.raw[start : line.end]), page.evidence(start, line.end, "citation_page.title_label")
            )
    candidates = [line for line in header if _title_like(line)]
    # A site's name ("Web of Science Core Collection") reads like a title too: the work's title names what it is about.
    named = [line for line in candidates if find_terms(line.text, lexicon)]
    for line in (named or candidates)[:1]:
        span = page.evidence(line.start, line.end, "citation_page.title")
        return Fact(collapse(page.raw[line.start : line.end]), span)
    return None


def _doi(page: Page, header: list[Line]) -> Fact[str] | None:
    """The first DOI in the header: the cited work's (statements and lists of citing works come later)."""
    for line in header:
        m = DOI.search(line.text)
        if m:
            doi = m.group(0).rstrip(".,;)]")
            start = line.start + m.start()
            return Fact(doi, page.evidence(start, start + len(doi), "citation_page.doi"))
    return None


def _year(page: Page, header: list[Line], title: Fact[str] | None) -> Fact[int] | None:
    """A labelled year in the header, or a year ending the line next to the DOI line or under the title
    (journal and year)."""
    candidates = [(line, _LINE["year"].match(line.text), "year_label") for line in header]
    for i, line in enumerate(header):
        if DOI.search(line.text):
            near = header[max(0, i - 1) : i] + header[i + 1 : i + 2]
            candidates += [(line, _DOTTED_YEAR.search(line.text), "year_by_doi")]  # "Rheumatology · 2024 · doi:..."
            candidates += [(other, _YEAR_LINE.match(other.text), "year_by_doi") for other in near]
            break
    under = [later for i, line in enumerate(header) if title and line.start == title.evidence.start
             for later in header[i + 1 : i + 3]]
    candidates += [(line, _YEAR_LINE.match(line.text) or _VENUE_YEAR.match(line.text)
                    or _DOTTED_YEAR.search(line.text + " ·"), "year_under_title") for line in under]
    for line, m, rule in candidates:
        if m:
            start, end = line.start + m.start("year"), line.start + m.end("year")
            return Fact(int(m.group("year")), page.evidence(start, end, f"citation_page.{rule}"))
    return None


def _statements(page: Page, lines: tuple[Line, ...], lexicon: Lexicon) -> tuple[list[Citation], set[int]]:
    """One Citation per distinct quoted statement with an intent; also the starts of the lines they use."""
    citations: list[Citation] = []
    used: set[int] = set()
    seen: set[str] = set()
    before = _intent_before(lines)
    i, heading = 0, None
    while i < len(lines):
        span = _quote(lines, i)
        if span is None:
            if before and _LINE["intent-head"].match(lines[i].text):
                heading = i  # "Supporting" above the statements it labels
            i += 1
            continue
        body_start, body_end, last = span
        meta, after = _work_lines(page, lines, last + 1) if before else _metadata(page, lines, last + 1)
        if before and heading is not None:
            m, at = _LINE["intent-head"].match(lines[heading].text), lines[heading].start
            meta |= {name: (at + m.start(name), at + m.end(name)) for name in ("intent", "section", "year")
                     if m.group(name) and (name == "intent" or name not in meta)}
            used.add(lines[heading].start)
        used.update(line.start for line in lines[i:after])
        key = collapse(page.clean[body_start:body_end]).lower()
        if "intent" in meta and key not in seen:
            seen.add(key)
            citations.append(_citation(page, body_start, body_end, meta, lexicon))
        i = after
    return citations, used


def _intent_before(lines: tuple[Line, ...]) -> bool:
    """Whether the page labels a statement above it ("Supporting", then the quote, its work and section) rather
    than below it (the quote, then "Section: Discussion supporting"); below when the page does both alike."""
    above = below = 0
    for i in range(len(lines)):
        span = _quote(lines, i)
        if span is None:
            continue
        above += i > 0 and bool(_LINE["intent-head"].match(lines[i - 1].text))
        nxt = lines[span[2] + 1].text if span[2] + 1 < len(lines) else ""
        below += bool(_LINE["intent"].match(nxt) or _LINE["section"].match(nxt) or _LINE["confidence"].match(nxt))
    return above > below


def _work_lines(page: Page, lines: tuple[Line, ...], first: int) -> tuple[dict[str, tuple[int, int]], int]:
    """The citing work under a statement: its title, a venue line ending in its year, a "Section:" line."""
    meta: dict[str, tuple[int, int]] = {}
    i = first
    while i < min(first + 4, len(lines)):
        line = lines[i]
        if _quote(lines, i) or _LINE["intent-head"].match(line.text):
            break
        section, year = _LINE["section"].match(line.text), _YEAR_LINE.match(line.text)
        source = re.match(r"^(?:from|in|cited\s+in)\s*:\s*", line.text, re.I)  # "from: <the citing work's title>"
        if source and "title" not in meta:
            meta["title"] = (line.start + source.end(), line.end)
            i += 1
            continue
        if section:
            meta.setdefault("section", (line.start + section.start("section"), line.start + section.end("section")))
        elif year and "year" not in meta:
            meta["year"] = (line.start + year.start("year"), line.start + year.end("year"))
        elif "title" not in meta and len(line.text.split()) >= 3 and not re.match(r"^[A-Za-z ]{1,30}:", line.text):
            meta["title"] = (line.start, line.end)
        elif not _LINE["confidence"].match(line.text):
            break
        i += 1
    return meta, i


def _quote(lines: tuple[Line, ...], first: int) -> tuple[int, int, int] | None:
    """If a quoted statement opens at lines[first], return its body span (no quotes, no ellipses) and last line."""
    if not lines[first].text.startswith('"'):
        return None
    for last in range(first, min(first + 20, len(lines))):
        text = lines[last].text
        if text.endswith('"') and (last > first or len(text) > 1):
            start, end = lines[first].start + 1, lines[last].end - 1
            return (start, end, last) if end - start >= 30 else None
    return None


def _metadata(page: Page, lines: tuple[Line, ...], first: int) -> tuple[dict[str, tuple[int, int]], int]:
    """Read the section, intent and confidence lines after a statement; return their spans and the next line."""
    meta: dict[str, tuple[int, int]] = {}
    i = first
    while i < len(lines) and "intent" not in meta:
        line = lines[i]
        m = _LINE["section"].match(line.text) or _LINE["intent"].match(line.text)
        if not m and not _LINE["confidence"].match(line.text):
            break
        for name in ("section", "intent"):
            if m and name in m.groupdict() and m.group(name):
                meta.setdefault(name, (line.start + m.start(name), line.start + m.end(name)))
        i += 1
    while i < len(lines) and _LINE["confidence"].match(lines[i].text):
        i += 1
    return meta, i


def _citation(page: Page, start: int, end: int, meta: dict[str, tuple[int, int]], lexicon: Lexicon) -> Citation:
    text = page.clean[start:end]
    lead = len(text) - len(text.lstrip(" .…\n"))
    trail = len(text.rstrip(" .…\n"))
    tail = text[trail:].strip()
    if tail.startswith(".") and not tail.startswith(".."):
        trail += 1  # the sentence's own full stop before the closing ellipsis
    start, end = start + lead, start + trail
    intent_start, intent_end = meta["intent"]
    intent = _INTENT_OF[page.clean[intent_start:intent_end].lower()]
    section = None
    if "section" in meta:
        s, e = meta["section"]
        section = Fact(collapse(page.raw[s:e]).lower(), page.evidence(s, e, "citation_page.section"))
    work = {}
    if "title" in meta:
        s, e = meta["title"]
        work["citing_title"] = Fact(collapse(page.raw[s:e]), page.evidence(s, e, "citation_page.citing_title"))
    if "year" in meta:
        s, e = meta["year"]
        work["citing_year"] = Fact(int(page.clean[s:e]), page.evidence(s, e, "citation_page.citing_year"))
    return Citation(
        **work,
        statement=Fact(collapse(page.raw[start:end]), page.evidence(start, end, "citation_page.statement")),
        intent=Fact(intent, page.evidence(intent_start, intent_end, "citation_page.intent")),
        section=section,
        diseases=term_facts(page, start, end, lexicon, "disease", "citation_page.term"),
        agents=term_facts(page, start, end, lexicon, "agent", "citation_page.term"),
        biomarkers=term_facts(page, start, end, lexicon, "biomarker", "citation_page.term"),
    )
