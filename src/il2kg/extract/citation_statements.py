"""The citing statements a citation page quotes: each quote with its type (intent), section and, when the page
names it, the citing work's title and year; the type label stands under the quote or above it."""

from __future__ import annotations

import re

from il2kg.extract.cue_tables import compile_cues
from il2kg.extract.layout import Line, term_facts
from il2kg.extract.text import Page, collapse
from il2kg.model import Citation, Fact, Lexicon

_INTENT_OF = {"mentioning": "mentions", "supporting": "supports", "contrasting": "disputes"}
YEAR_LINE = re.compile(r"^(?:[A-Za-z][^\d]{0,80}?[\s,;]+)?(?P<year>(?:19|20)\d\d)\.?$")
# A statement's labels: its section (and intent), its intent alone, the classifier's confidence, or a label line
# above it ("Supporting · Introduction · Ann Rheum Dis · 2025").
_LINE = compile_cues({
    "section": r"^section\s*:\s*(?P<section>.*?)\s*(?P<intent>mentioning|supporting|contrasting)?$",
    "intent": r"^(?P<intent>mentioning|supporting|contrasting)$",
    "confidence": r"^confidence\s*:?\s*\d+(?:\.\d+)?\s*%$",
    # Under the quote: "Results · Supporting · from: <citing title> · <journal> · 2022"
    "section-dot-intent": r"^(?P<section>[A-Za-z][A-Za-z ]{1,30}?)\s*[·|•]\s*"
    r"(?P<intent>mentioning|supporting|contrasting)"
    r"(?:\s*[·|•]\s*from\s*:\s*(?P<title>[^·|•\n]+?))?(?:\s*[·|•]\s*[^·|•\n]+?)??"
    r"(?:\s*[·|•]\s*(?P<year>(?:19|20)\d\d))?$",
    # Above the quote: "Supporting · Introduction · Ann Rheum Dis · 2025", "MENTIONING (Introduction)"
    "intent-head": r"^(?P<intent>mentioning|supporting|contrasting)(?:\s*(?:[·|•]\s*|\()(?P<section>[^·|•()\n]+?)\)?"
    r"(?:\s*[·|•]\s*[^·|•\n]+?)?(?:\s*[·|•]\s*(?P<year>(?:19|20)\d\d))?)?$",
})


_AUTHOR_YEAR_VENUE_TITLE = re.compile(r"^[^·|•\n]{2,80}?,\s*(?P<year>(?:19|20)\d\d)\s*[·|•]\s*[^·|•\n]{2,80}?\s*"
                                      r"[·|•]\s*(?P<title>[^·|•\n]{10,300}?)\s*$")


# "Real-world IL-2 in SLE · Rheumatology (Oxford) · 2025 · doi:..."
_TITLE_VENUE_YEAR = re.compile(r"^(?P<title>[^·|•\n]{10,300}?)\s*[·|•]\s*[^·|•\n]{2,80}?\s*[·|•]\s*"
                               r"(?P<year>(?:19|20)\d\d)\b")


def find_statements(page: Page, lines: tuple[Line, ...], lexicon: Lexicon) -> tuple[list[Citation], set[int]]:
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
        dotted = _AUTHOR_YEAR_VENUE_TITLE.match(line.text) or _TITLE_VENUE_YEAR.match(line.text)
        if dotted and "title" not in meta:  # "Wang et al., 2024 · Frontiers in Immunology · <title>"
            meta |= {"title": (line.start + dotted.start("title"), line.start + dotted.end("title")),
                     "year": (line.start + dotted.start("year"), line.start + dotted.end("year"))}
            i += 1
            continue
        section, year = _LINE["section"].match(line.text), YEAR_LINE.match(line.text)
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
        m = _LINE["section"].match(line.text) or _LINE["intent"].match(line.text) \
            or _LINE["section-dot-intent"].match(line.text)
        if not m and not _LINE["confidence"].match(line.text):
            break
        for name in ("section", "intent", "title", "year"):
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
