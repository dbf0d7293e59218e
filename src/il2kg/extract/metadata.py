"""Bibliographic facts of an article page: title, authors, journal, year, volume, DOI, funders, counts."""

from __future__ import annotations

import re

from il2kg.extract.funders import find_funders
from il2kg.extract.heading import ET_AL, abstract_start, find_authors, find_title, title_text
from il2kg.extract.issue_line import (
    VOLUME_LINE,
    find_citation_counts,
    is_publication_type,
    issue_line_pages,
    issue_line_year,
    journal_above,
    logo_journal,
)
from il2kg.extract.markup import export_fields
from il2kg.extract.text import Page, collapse, iter_lines, rule_facts
from il2kg.model import Fact, Publication

_REVIEW = re.compile(r"\b(?:systematic review|review|meta-analys[ie]s|overview|mini-?review|recent\s+advances|"
                     r"current\s+evidence|state\s+of\s+the\s+art|future\s+directions|an\s+update|where\s+do\s+we\s+stand|"
                     r"lessons\s+learned|a\s+primer|guidelines?|recommendations|consensus\s+statement|"
                     r"position\s+statement|position\s+paper)\b", re.IGNORECASE)
_REVIEW_TYPE = re.compile(r"contribution to journal\W*review\b|^[ \t]*(?:systematic[ \t]+)?review[ \t]*$"
                          r"|^[ \t]*(?:practice[ \t]+)?guidelines?[ \t]*$"
                          r"|^[ \t]*(?:[\w–-]+[ \t]+){0,3}consensus(?:[ \t]+(?:statement|recommendations))?[ \t]*$",
                          re.IGNORECASE | re.M)
# "Ann Rheum Dis. 2019 Feb;78(2):209-217" (journal optional: PubMed drops it into a link); Lancet style too.
_CITATION = re.compile(
    r"(?:(?P<journal>[A-Z][\w&\-]*(?:,? [\w&\-]+){0,12}\.) "  # a dozen words at most, commas too ("A, B, and C")
    r"|(?:^|(?<=\n))[ \t]*(?P<journal2>[A-Z][\w&\-]*(?: [A-Z][\w&\-]*){0,12}) )?"
    r"(?P<year>(?:19|20)\d\d)(?: [A-Z][a-z]{2,3}(?:-[A-Z][a-z]{2,3})?(?: \d{1,2})?)?"
    r"; ?(?P<volume>\d+)(?:\((?P<issue>[^)\s]+)\))?: ?(?P<pages>[A-Za-z]?\d+(?:-[A-Za-z]?\d+)?)"
)
_VOLUME_ISSUE = re.compile(r"\bVol(?:ume|\.)?\s*(?P<volume>\d+),?\s*(?:Issue|No\.?)\s*(?P<issue>\d+)", re.IGNORECASE)
_PUBLISHED = re.compile(r"(?:\b|(?<=[a-z]))(?:Publication status[ ]*Published|Published(?: online)?|Posted(?: online)?|"
                        r"First published(?: online)?|Epub|Available online|[Pp]osted)[ ]*[-:]?[ ]*"
                        r"(?:\d{1,2} )?(?:[A-Z][A-Za-z]{2,8}\.?,? )?(?:\d{1,2},? )?(?P<year>(?:19|20)\d\d)\b")
# Dates a page header carries: "09-06-2025 | News", "Front. Immunol., 01 April 2021", "BMC Immunology (Sep 2019)",
# an author line "... Kaplan G. (1997)", a search snippet "... Journal of …, 2011 - Publisher".
_MONTH_NAME = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_HEADER_YEARS = (
    re.compile(r"^[ \t]*\d{1,2}[-/.]\d{1,2}[-/.](?P<year>(?:19|20)\d\d)\b", re.M),
    re.compile(rf"^[ \t]*[A-Z][\w. ()&'-]{{2,60}},\s+\d{{1,2}}\s+{_MONTH_NAME}\s+(?P<year>(?:19|20)\d\d)\b", re.M),
    re.compile(rf"\((?:{_MONTH_NAME}\s+)?(?P<year>(?:19|20)\d\d)\)[ \t]*$", re.M),
    re.compile(r"…?,\s*(?P<year>(?:19|20)\d\d)\s+-\s+\S"),
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)\s*年"),  # a Chinese journal's issue line: "2024年 第28卷 第5期"
    # A date line of its own ("March 11, 2025", "9 September 2025"), or a date between bullets ("• 19 Mar 2025 •").
    re.compile(rf"^[ \t]*(?:{_MONTH_NAME}\s+\d{{1,2}},?|\d{{1,2}}\s+{_MONTH_NAME})\s+(?P<year>(?:19|20)\d\d)[ \t]*$",
               re.M),
    re.compile(rf"[•·|]\s*(?:\d{{1,2}}\s+)?{_MONTH_NAME}\s+(?:\d{{1,2}},?\s+)?(?P<year>(?:19|20)\d\d)\s*[•·|]"),
    # A journal's citation line at the top: "Blood (2024) 144 (Supplement 1): 3512.", "Journal of Crohn's and
    # Colitis, 2025, 19(3), jjae152", "2023, 37(11): 1245-1250", "Annals of the Rheumatic Diseases 2024;83:Suppl 1".
    re.compile(r"^[ \t]*[A-Z][^\n]{2,80}?\s\((?P<year>(?:19|20)\d\d)\)\s+\d", re.M),
    re.compile(r"^[ \t]*(?:[A-Z][^\n\d]{2,80}?,\s+)?(?P<year>(?:19|20)\d\d),\s*\d+\s*\(\d+\)", re.M),
    re.compile(r"^[ \t]*[A-Z][^\n\d]{2,80}?\s(?P<year>(?:19|20)\d\d);\s*\d+", re.M),
    # Labelled: "Year : 2024 | Volume : 90", "Date: Sunday, November 17, 2024"; a byline ending in its date.
    re.compile(r"\bYear\s*:\s*(?P<year>(?:19|20)\d\d)\b"),
    # "Clinical Immunology, Volume 245, December 2022, Article number 109178"
    re.compile(rf"^[ \t]*[A-Z][^\n\d]{{2,80}}?,\s+Vol(?:ume|\.)\s*\d+[^\n]{{0,30}}?,\s+(?:{_MONTH_NAME}\s+)?"
               r"(?P<year>(?:19|20)\d\d)\b", re.M),
    re.compile(rf"^[ \t]*Date\s*:\s*(?:[A-Z][a-z]+,\s*)?{_MONTH_NAME}\s+\d{{1,2}},?\s+(?P<year>(?:19|20)\d\d)\b", re.M),
    re.compile(rf"\b{_MONTH_NAME}\s+\d{{1,2}},\s+(?P<year>(?:19|20)\d\d)[ \t]*$", re.M),
    # "Crit Care Med. 2024 Aug 12." (ahead of print), "Letters | 4 March 2025", "Nat Rev Rheumatol 21, 312–313 (2025)."
    re.compile(rf"^[ \t]*[A-Z][\w .&]{{2,60}}\.\s+(?P<year>(?:19|20)\d\d)\s+{_MONTH_NAME}(?:\s+\d{{1,2}})?\.", re.M),
    re.compile(rf"[|•·]\s*(?:\d{{1,2}}\s+)?{_MONTH_NAME}\s+(?:\d{{1,2}},?\s+)?(?P<year>(?:19|20)\d\d)[ \t]*$", re.M),
    re.compile(r"^[ \t]*[A-Z][^\n]{2,80}?\s\d+,\s*[A-Za-z]?\d+(?:[-–][A-Za-z]?\d+)?\s*"
               r"\((?P<year>(?:19|20)\d\d)\)\.?[ \t]*$", re.M),
)
# A catalogue page's dated venue line: "Published in Journal of Autoimmunity 1 August 2022",
# "January 2023 · Ocular Immunology and Inflammation 31(2):1-8".
_PUBLISHED_IN = re.compile(rf"(?:^[ \t]*|[•·|][ \t]*)Published in (?P<journal>[A-Z][^\n·|•]{{2,80}}?)[ \t]+"
                           rf"(?:\d{{1,2}} )?(?:{_MONTH_NAME} )?(?:\d{{1,2}},? )?(?P<year>(?:19|20)\d\d)"
                           r"[ \t]*(?=$|[•·|])", re.M)
_DOT_VENUE = re.compile(rf"^[ \t]*(?:{_MONTH_NAME} )?(?P<year>(?:19|20)\d\d)[ \t]*·[ \t]*"
                        rf"(?P<journal>[A-Z][^\n·|\d]{{2,80}}?)[ \t]*(?:\d[^\n·]*)?$", re.M)
_HEADER_CHARS = 800
# A citation of a work in APA style: "Klatzmann, D., & Abbas, A. K. (2015, April 24). <title>. ... https://doi.org/..."
_CITED_AS = re.compile(r"\((?P<year>(?:19|20)\d\d)(?:,\s+[A-Z][a-z]+\.?(?:\s+\d{1,2})?)?\)\.\s+")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# A DOI as written in text (citation pages read it too).
DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+")
_PMID = re.compile(r"\bPMID\s*[:-]?\s*(\d{4,9})\b")
_ARTICLE_NUMBER = re.compile(r"\bArticle (?:number|no\.?)\s*:?\s*(?P<n>[A-Za-z]?\d+)\b")
_PAGES_FROM_TO = re.compile(r"\bPages \(from-to\)\s*(?P<p>\d+(?:-\d+)?)")
_JOURNAL_ROW = re.compile(r"^Journal\s*:?\s*(?P<j>[A-Z][^\n]{2,80}?)\s*$", re.M)
_fact = rule_facts("metadata")


def _journal(page: Page) -> Fact[str] | None:
    exported = export_fields(page.raw).get("journal")  # a citation export's JT / T2 / JF / journal field
    if exported:
        value = collapse(page.clean[exported[0] : exported[1]])
        return _fact(page, value, *exported, "export-journal") if value else None
    for pattern, rule in ((ET_AL, "et-al-journal"), (_CITATION, "citation-journal"), (_JOURNAL_ROW, "journal-row"),
                          (VOLUME_LINE, "issue-line-journal"), (_PUBLISHED_IN, "published-in-journal"),
                          (_DOT_VENUE, "dated-venue-journal")):
        m = pattern.search(page.clean)
        if pattern is VOLUME_LINE:  # "Volume 9, Issue 2" alone, then "Rheumatology Adv Pract, Volume 9": the latter
            m = next((v for v in VOLUME_LINE.finditer(page.clean) if v.group("journal")), m)
        group = next((g for g in ("j", "journal", "journal2") if g in pattern.groupindex and m and m.group(g)), None)
        if m and group and not is_publication_type(m.group(group).strip()):  # "Articles | Volume 5": a section
            value = m.group(group).strip().rstrip(".")  # "Ann Rheum Dis." is cited as "Ann Rheum Dis"
            return _fact(page, value, m.start(group), m.start(group) + len(value), rule)
        if m and pattern in (_CITATION, VOLUME_LINE):
            if above := journal_above(page, m.start(), f"{rule}-above"):
                return above
    title = find_title(page)
    return logo_journal(page, title[0] if title else abstract_start(page))


def _year(page: Page) -> Fact[int] | None:
    m = _CITATION.search(page.clean)
    if m:
        return _fact(page, int(m.group("year")), m.start("year"), m.end("year"), "citation-year")
    if issue_year := issue_line_year(page):
        return issue_year
    exported = export_fields(page.raw).get("year")  # a citation export's DP / YR / PY / year field
    m = _YEAR.search(page.clean, *exported) if exported else None
    if m:
        return _fact(page, int(m.group(0)), m.start(), m.end(), "export-year")
    for pattern, rule in ((_PUBLISHED, "published-year"), (_PUBLISHED_IN, "published-in-year"),
                          (_DOT_VENUE, "dated-venue-year"), (ET_AL, "et-al-year")):
        m = pattern.search(page.clean)
        if m:
            return _fact(page, int(m.group("year")), m.start("year"), m.end("year"), rule)
    return header_year(page)


def _export_pmid(page: Page) -> Fact[str] | None:
    """A MEDLINE export's PMID field (its tag is blanked in the cleaned text)."""
    span = export_fields(page.raw).get("pmid")
    m = re.search(r"\d{4,9}", page.clean[span[0] : span[1]]) if span else None
    return _fact(page, m.group(0), span[0] + m.start(), span[0] + m.end(), "export-pmid") if m and span else None


def published_year(page: Page, title: Fact[str] | None) -> Fact[int] | None:
    """A citation page's year of the cited work: "Published - Jun 1 2016", its header's date, or a citation of
    its title (never a year from the citing works' lines)."""
    m = _PUBLISHED.search(page.clean) or _PUBLISHED_IN.search(page.clean, 0, min(_HEADER_CHARS, len(page.clean)))
    if m:
        return _fact(page, int(m.group("year")), m.start("year"), m.end("year"), "published-year")
    return header_year(page, title.value if title else "")


def header_year(page: Page, title: str | None = None) -> Fact[int] | None:
    """The year a page's header dates it by, or a citation of the page's own title gives ("Ito, S. (2014). ...")."""
    header = min(_HEADER_CHARS, len(page.clean))
    for pattern in _HEADER_YEARS:
        m = pattern.search(page.clean, 0, header)
        if m:
            return _fact(page, int(m.group("year")), m.start("year"), m.end("year"), "header-year")
    if title is None and (span := find_title(page)):
        title = page.clean[span[0] : span[1]]
    m = _citation_of(page, title)
    return _fact(page, int(m.group("year")), m.start("year"), m.end("year"), "citation-of-title-year") if m else None


def _citation_of(page: Page, title: str | None) -> re.Match[str] | None:
    """The APA citation of the page's own title, when the page shows one ("Cite this" blocks)."""
    for m in _CITED_AS.finditer(page.clean) if title and len(title) >= 20 else ():
        if page.clean[m.end() : m.end() + 40].lower() == title[:40].lower():
            return m
    return None


def cited_doi(page: Page, title: Fact[str] | None) -> Fact[str] | None:
    """The DOI at the end of the APA citation of the page's own title."""
    m = _citation_of(page, title.value if title else None)
    line_end = page.clean.find("\n", m.end()) if m else -1
    doi = DOI.search(page.clean, m.end(), line_end if line_end >= 0 else len(page.clean)) if m else None
    return _fact(page, doi.group(0).rstrip(".,;)").lower(), doi.start(), doi.start() + len(doi.group(0).rstrip(".,;)")),
                 "citation-of-title-doi") if doi else None


def _pages(page: Page) -> Fact[str] | None:
    found = _group_fact(page, _CITATION, "pages", "pages") or _group_fact(page, _PAGES_FROM_TO, "p", "pages")
    if found:
        return found
    return issue_line_pages(page)


def _group_fact(page: Page, pattern: re.Pattern[str], group: str, rule: str) -> Fact[str] | None:
    return _match_fact(page, pattern.search(page.clean), group, rule)


def _match_fact(page: Page, m: re.Match[str] | None, group: str, rule: str) -> Fact[str] | None:
    if not m or not m.group(group):
        return None
    return _fact(page, m.group(group), m.start(group), m.end(group), rule)


def _doi(page: Page) -> Fact[str] | None:
    matches = list(DOI.finditer(page.clean))
    before = [page.clean[max(0, m.start() - 12) : m.start()] for m in matches]
    labelled = [m for m, text in zip(matches, before, strict=True) if re.search(r"doi(?:\.org/|:)?\s*$", text, re.I)]
    for m in labelled or matches[:1]:
        value = m.group(0).rstrip(".,;:)]}'\"")
        return _fact(page, value, m.start(), m.start() + len(value), "doi")
    return None


def find_keywords(page: Page) -> tuple[Fact[str], ...]:
    """Return the keywords: a "Keywords:" section, else the first run of three or more short bullet lines."""
    for section in page.sections:
        if section.name == "keywords":
            body = page.clean[section.start : section.end]  # "T-lymphocytes, regulatory; ...": semicolons first
            items = re.finditer(r"[^;\n·•|]+?(?=\.?\s*(?:[;\n·•|]|$))" if ";" in body else r"[^;,.\n·•|]+", body)
            spans = [(section.start + m.start(), section.start + m.end()) for m in items if m.group(0).strip(" .")]
            return tuple(_fact(page, page.clean[s:e].strip(), s, e, "keywords-section") for s, e in spans)
    run: list[tuple[int, int]] = []
    for start, end in [*iter_lines(page.clean), (len(page.clean), len(page.clean))]:
        m = re.match(r"[\u2022*]\s*(?P<kw>[^.\n]{2,60})$", page.clean[start:end])
        if m and len(m.group("kw").split()) <= 6:
            run.append((start + m.start("kw"), end))
            continue
        if len(run) >= 3:
            return tuple(_fact(page, page.clean[s:e], s, e, "keyword-bullets") for s, e in run)
        run = []
    return ()


# "We searched MEDLINE ...", "we aimed to conduct a systematic synthesis and meta-analysis".
_REVIEW_METHOD = re.compile(r"\bwe\s+(?:systematically\s+)?searched\b|\bsystematic\s+(?:review|synthesis|search|"
                            r"literature)\b|\bmeta-?analys[ie]s\b|\bPRISMA\b|\bPreferred\s+Reporting\s+Items\b", re.I)
_OWN_AIM = re.compile(r"\b(?:we|this|our|the\s+present)\b", re.IGNORECASE)
# A review saying what it does: "Here we summarize the mechanisms ...", "In this review, we discuss ...".
_REVIEW_AIM = re.compile(r"\b(?:here,?\s+we|in\s+this\s+(?:review|article|paper|chapter),?\s+we|this\s+review)\s+"
                         r"(?:\w+\s+)?(?:summari[sz]e|review|discuss|overview|outline|highlight|survey)", re.IGNORECASE)


def is_review(page: Page) -> bool:
    """Tell whether the page presents a review or meta-analysis rather than original research."""
    title = find_title(page)
    if title and _REVIEW.search(page.clean[title[0] : title[1]]):
        return True
    if _REVIEW_TYPE.search(page.clean[: abstract_start(page)]):
        return True
    own = (s for s in page.sentences if s.section in (None, "objectives", "methods", "abstract"))
    return any(_REVIEW_METHOD.search(page.clean, s.start, s.end) and _OWN_AIM.search(page.clean, s.start, s.end)
               or _REVIEW_AIM.search(page.clean, s.start, s.end) for s in own)


def _title(page: Page, span: tuple[int, int]) -> Fact[str]:
    value = title_text(page.raw[span[0] : span[1]])  # a subtitle line joined by a colon: a normalised form
    same = value.count(":") == page.raw.count(":", *span)
    return _fact(page, value, *span, "title" if same else "title-and-subtitle")


def extract_publication(page: Page, *, describes_trial: bool) -> Publication:
    """Read the page's bibliographic record; `describes_trial` makes it a trial report."""
    title = find_title(page)
    kind_span = title or next(((x.start, x.end) for x in page.sentences), None)
    kind = "trial-report" if describes_trial else "review" if is_review(page) else "article"
    citation = _CITATION.search(page.clean)
    source = citation or _VOLUME_ISSUE.search(page.clean) or VOLUME_LINE.search(page.clean)
    return Publication(
        title=_title(page, title) if title else None,
        authors=find_authors(page),
        journal=_journal(page),
        year=_year(page),
        volume=_match_fact(page, source, "volume", "volume"),
        issue=_match_fact(page, source, "issue", "issue"),
        pages=_pages(page),
        article_number=_group_fact(page, _ARTICLE_NUMBER, "n", "article-number"),
        doi=_doi(page),
        pmid=_group_fact(page, _PMID, 1, "pmid") or _export_pmid(page),
        publication_type=_fact(page, kind, *kind_span, "publication-type") if kind_span else None,
        keywords=find_keywords(page),
        funders=find_funders(page),
        citation_counts=find_citation_counts(page),
    )
