"""Citation-statement pages (scite-like and index pages): the cited work, its counts and its citing statements."""

from __future__ import annotations

import re

from il2kg.extract import article
from il2kg.extract.citation_counts import count_matches, counts
from il2kg.extract.citation_statements import YEAR_LINE, find_statements
from il2kg.extract.cue_tables import compile_cues
from il2kg.extract.furniture import clean
from il2kg.extract.layout import Line, split_lines
from il2kg.extract.metadata import DOI, cited_doi, published_year
from il2kg.extract.terms import find_terms
from il2kg.extract.text import Page, collapse, read_page
from il2kg.model import Fact, Lexicon, Publication, Record

# The labelled lines of a citation page's header (read whole, case-insensitive), by name: where the cited work's
# header ends, and its labelled title and year.
_LINE = compile_cues({
    "header-end": r"^(?:abstract\b|citation\s+types?$|search\s+citation\s+statements)",
    "title": r"^(?:title|report\s+for|(?:cited\s+by|zitiert\s+von|cit[ée]\s+par|citado\s+por|citato\s+da)"
    r"(?:\s+\d[\d,]*\s+for)?)\s*:\s*(?P<title>\S.*)$",
    "year": r"^(?:year|published|publication\s+year|year\s+of\s+publication)\s*:\s*(?P<year>(?:19|20)\d\d)$",
})
# A venue line under the title: "The Lancet Diabetes and Endocrinology, 2013, 1(4), pp. 295-305".
_VENUE_YEAR = re.compile(r"^[A-Z][^\d\n]{2,80}?,?\s+\(?(?P<year>(?:19|20)\d\d)\)?[,;.]\s*\d[^\n]*$")
_BRACKET_YEAR = re.compile(r"^[A-Z][^\d\n]{2,80}?\((?P<year>(?:19|20)\d\d)\)")  # "Ann Rheum Dis (2020) · Article"
_LEAD_YEAR = re.compile(r"(?P<year>(?:19|20)\d\d)\s*[·|•]")  # "2021 · article · Open access"
_DOTTED_YEAR = re.compile(r"[·|]\s*(?P<year>(?:19|20)\d\d)\s*[·|]")


def extract(text: str, *, lexicon: Lexicon) -> list[Record]:
    """Extract the cited Publication (title, DOI, year, counts) and one Citation per distinct statement."""
    page = read_page(text)  # furniture and repeated blocks (a statement shown twice) are blanked
    lines = split_lines(page.clean)
    statements, statement_lines = find_statements(page, lines, lexicon)
    plain = [line for line in lines if line.start not in statement_lines]
    header = _header(plain)
    title = _title(page, header, lexicon)
    year = _year(page, header, title) or published_year(page, title)
    listed = _CITING_LIST.search(page.clean)
    if year and listed and year.evidence.start > listed.start():
        year = None  # a year among the citing works is one of theirs
    publication = Publication(
        title=title,
        doi=_doi(page, header) or cited_doi(page, title) or _labelled_doi(page),
        year=year,
        citation_counts=counts(page, plain, _header_end(plain, header)),
    )
    has_any = any((publication.title, publication.doi, publication.year, publication.citation_counts))
    # A count page may show the cited work's abstract; on a statements page the sentences are other works'.
    # Without an abstract, what the title says of the study is not the page reporting it.
    shown = _QUOTED.sub(_spaces, text)
    if listed := _CITING_LIST.search(shown):  # the citing works listed below: their titles are not this work's
        shown = shown[: listed.start()] + _NOT_SPACE.sub(" ", shown[listed.start() :])
    if not any(re.match(r"abstract\b", line.text, re.I) for line in lines):
        shown = _without_title(shown, title)
    trial = None if statements else article.extract_trial(read_page(shown), lexicon, title_reports=False)
    return ([publication] if has_any else []) + ([trial] if trial and has_any else []) + statements


# The heading of the list of citing works ("Publications that cite this publication", "Search within citing
# articles", Scholar's German "Suchen in zitierenden Artikeln").
_CITING_LIST = re.compile(r"^[ \t]*(?:(?:publications|articles|works|documents)\s+(?:that\s+)?cit(?:e|ing)\s+this\b"
                          r"|search\s+within\s+citing\b|suchen\s+in\s+zitierenden\b|citing\s+(?:articles|publications|"
                          r"works|documents)\s*(?:\(\d[\d,]*\))?[ \t]*$"
                          r"|showing\s+\d+\s*[-–]\s*\d+\s+of\s+[\d,]+\s+citing\b"
                          r"|cited\s+by\s*\(\d[\d,]*\)\s*[-–—]\s*showing\b)",
                          re.I | re.M)
_NOT_SPACE = re.compile(r"[^\s]")
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
        if count_matches(line):
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


def _header_end(lines: list[Line], header: list[Line]) -> int:
    """Where the cited work's header ends: the line after its last one."""
    after = [line.start for line in lines if header and line.start > header[-1].start]
    return after[0] if after else (header[-1].end if header else 0)


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


_DOI_LINE = re.compile(r"^[ \t]*DOI\s*:\s*(?P<doi>10\.\d{4,9}/\S+)[ \t]*$", re.I | re.M)


def _labelled_doi(page: Page) -> Fact[str] | None:
    """The page's one "DOI:" line, wherever it stands (a record's last line); none when several."""
    found = list(_DOI_LINE.finditer(page.clean))
    if len(found) != 1:
        return None
    doi = found[0].group("doi").rstrip(".,;)]")
    start = found[0].start("doi")
    return Fact(doi, page.evidence(start, start + len(doi), "citation_page.doi_line"))


def _year(page: Page, header: list[Line], title: Fact[str] | None) -> Fact[int] | None:
    """A labelled year in the header, or a year ending the line next to the DOI line or under the title
    (journal and year)."""
    candidates = [(line, _LINE["year"].match(line.text), "year_label") for line in header]
    for i, line in enumerate(header):
        if DOI.search(line.text):
            near = header[max(0, i - 1) : i] + header[i + 1 : i + 2]
            candidates += [(line, _DOTTED_YEAR.search(line.text), "year_by_doi")]  # "Rheumatology · 2024 · doi:..."
            candidates += [(other, YEAR_LINE.match(other.text), "year_by_doi") for other in near]
            break
    under = [later for i, line in enumerate(header) if title and line.start == title.evidence.start
             for later in header[i + 1 : i + 3]]
    candidates += [(line, YEAR_LINE.match(line.text) or _VENUE_YEAR.match(line.text)
                    or _DOTTED_YEAR.search(line.text + " ·") or _BRACKET_YEAR.search(line.text)
                    or _LEAD_YEAR.match(line.text), "year_under_title")
                   for line in under]
    for line, m, rule in candidates:
        if m:
            start, end = line.start + m.start("year"), line.start + m.end("year")
            return Fact(int(m.group("year")), page.evidence(start, end, f"citation_page.{rule}"))
    return None
