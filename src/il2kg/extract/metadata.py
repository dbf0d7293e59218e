"""Bibliographic facts of an article page: title, authors, journal, year, volume, DOI, funders, counts."""

from __future__ import annotations

import re
from functools import lru_cache

from il2kg.extract.issue_line import (
    VOLUME_LINE,
    find_citation_counts,
    issue_line_pages,
    issue_line_year,
    journal_above,
    logo_journal,
)
from il2kg.extract.markup import export_fields
from il2kg.extract.text import SECTION_ALT, Page, iter_lines
from il2kg.model import Fact, Publication

_NOT_TITLE = re.compile(
    r"^[.\d(\[|]|doi\b|[h]ttps?:|\bvolume\s+\d|©|copyright|research output|\b(?:19|20)\d\d\s*;", re.IGNORECASE
)
_REVIEW = re.compile(r"\b(?:systematic review|review|meta-analys[ie]s|overview)\b", re.IGNORECASE)
_REVIEW_TYPE = re.compile(r"contribution to journal\W*review\b|^[ \t]*(?:systematic[ \t]+)?review[ \t]*$",
                          re.IGNORECASE | re.M)
# "Ann Rheum Dis. 2019 Feb;78(2):209-217" (journal optional: PubMed drops it into a link).
# Also Lancet style, a line opening with the journal, spaces after the separators: "Lancet Rheumatol 2022; 4: e512-21".
_CITATION = re.compile(
    r"(?:(?P<journal>[A-Z][\w&\-]*(?: [\w&\-]+)*\.) "
    r"|(?:^|(?<=\n))[ \t]*(?P<journal2>[A-Z][\w&\-]*(?: [A-Z][\w&\-]*)*) )?"
    r"(?P<year>(?:19|20)\d\d)(?: [A-Z][a-z]{2,3}(?: \d{1,2})?)?"
    r"; ?(?P<volume>\d+)(?:\((?P<issue>[^)\s]+)\))?: ?(?P<pages>[A-Za-z]?\d+(?:-[A-Za-z]?\d+)?)"
)
_VOLUME_ISSUE = re.compile(r"\bVol(?:ume|\.)?\s*(?P<volume>\d+),?\s*(?:Issue|No\.?)\s*(?P<issue>\d+)", re.IGNORECASE)
# "Michelle Rosenzwajg et al. Ann Rheum Dis. 2019 Feb." (PubMed's short citation).
_ET_AL = re.compile(
    r"(?P<author>[A-Z][\w'\-]+(?: [A-Z][\w'\-]*\.?)*) et al\.\s+(?P<journal>[A-Z][^\n]*?\.)\s+(?P<year>(?:19|20)\d\d)\b"
)
_PUBLISHED = re.compile(r"\b(?:Publication status[ ]*Published|Published(?: online)?)[ ]*[-:]?[ ]*(?:\d{1,2} )?"
                        r"(?:[A-Z][a-z]{2,8}\.? )?(?P<year>(?:19|20)\d\d)\b")
_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+")
_PMID = re.compile(r"\bPMID:?\s*(\d{4,9})\b")
_ARTICLE_NUMBER = re.compile(r"\bArticle (?:number|no\.?)\s*:?\s*(?P<n>[A-Za-z]?\d+)\b")
_PAGES_FROM_TO = re.compile(r"\bPages \(from-to\)\s*(?P<p>\d+(?:-\d+)?)")
_JOURNAL_ROW = re.compile(r"^Journal\s*:?\s*(?P<j>[A-Z][^\n]{2,80}?)\s*$", re.M)
_FUNDING_LEAD = re.compile(
    r"^\W*(?:(?:this|the) (?:work|study|trial|research|project) (?:was|is) )?(?:(?:financially|partly|partially) )?"
    r"(?:supported|funded|sponsored)(?: in part)?(?: by)?\s*:?\s*",
    re.IGNORECASE,
)
_FUNDING_SENTENCE = re.compile(r"\b(?:this|the) (?:work|study|trial|research) was (?:\w+ )?(?:supported|funded) by\b",
                               re.I)


def _fact(page: Page, value: object, start: int, end: int, rule: str) -> Fact:
    return page.fact(value, start, end, f"metadata.{rule}")


def _abstract_start(page: Page) -> int:
    heads = [s.start for s in page.sections if s.name not in ("back-matter", "abstract")]
    return min(heads) if heads else len(page.clean)


_TITLE_MAX = 300
# A line that is not a title: a section label ("Purpose:", "BACKGROUND"), a bullet, a figure caption,
# a journal-and-date line, a search-engine snippet ("... - … England Journal of …").
_SECTION_START = re.compile(rf"^(?:{SECTION_ALT})\b\s*(?::|$|(?=[A-Z]))", re.IGNORECASE)
_LABEL_START = re.compile(r"^(?P<label>[\w ]{2,30}):\s")
_NOT_TITLE_LINE = re.compile(
    r"^[\u2022*•-]\s|^(?:fig(?:ure)?\.?|table)\s*\d|…|^this\s+(?:article|page|site)\b|\b10\.\d{4,9}/|"
    r"\bsupplementary\b|\bjoin\s+us\b|\bfeedback\b|\bsubject\s+terms\b|\bcookies?\b|\bsubscri|"
    r"\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:19|20)\d\d\b|"
    r"\bjournal\b.*\b(?:19|20)\d\d|^\w+\s*=\s*[\"{]", re.IGNORECASE)
_CAPTION_LEAD = re.compile(r"^(?:from|source|title)\s*:\s*", re.IGNORECASE)


def _is_title_line(line: str) -> bool:
    words = line.split()
    if not 5 <= len(words) or len(line) > _TITLE_MAX or _NOT_TITLE.search(line) or not any(c.islower() for c in line):
        return False
    if _NOT_TITLE_LINE.search(line) or len(re.findall(r"[a-z]{2}[.?!]\s+[A-Z]", line)) >= 1:
        return False  # two sentences or more: an abstract written on one line
    if _SECTION_START.match(line):
        return False
    label = _LABEL_START.match(line)
    return not (label and label.group("label").strip().lower() in _LABEL_WORDS)


_LABEL_WORDS = frozenset({"purpose", "key points", "experimental design", "importance", "significance", "aims",
                          "summary", "highlights", "objective", "objectives", "background", "abstract"})


@lru_cache(maxsize=16)
def find_title(page: Page) -> tuple[int, int] | None:
    """Return the span of the title: an export's title field, else the first title-like line before the abstract."""
    exported = export_fields(page.raw).get("title")
    if exported:
        return exported
    limit = _abstract_start(page)
    issue = VOLUME_LINE.search(page.clean, 0, limit)
    journal = journal_above(page, issue.start(), "journal") if issue else None  # the journal, not the title
    for start, end in iter_lines(page.clean):
        if start >= limit:
            break
        line = page.clean[start:end]
        if not _is_title_line(line) or (journal and journal.evidence.start == start):
            continue
        if line.count(",") >= 3 and _names_in(line):  # an author list, not a title
            continue
        lead = _CAPTION_LEAD.match(line)
        return start + (lead.end() if lead else 0), end - (1 if line.endswith(".") else 0)
    return None


_NAME_TOKEN = re.compile(r"^(?:[A-Z][\w'\-]*\.?|[A-Z]\.?|de|del|der|van|von|da|di|la|le|dos|du|ten|ter)$")
_NOT_NAME = frozenset(
    "trial article clinical journal abstract review research study text info tools metrics citation alerts"
    " responses content access open original free full affiliations authors keywords department university"
    " hospital institute centre center school disease diseases medicine".split()
)
_ORCID = re.compile(r"\S*orcid\.org/[\dX\-]{19}")
_AFFIL_MARKS = re.compile(r"(?<=[A-Za-z])[\d*†‡§]+(?:,[\d*†‡§]+)*|^\s*\d+\.\s+")


def _is_name(chunk: str) -> bool:
    tokens = chunk.split()
    if not 2 <= len(tokens) <= 5 or any(t.lower() in _NOT_NAME for t in tokens):
        return False
    return all(_NAME_TOKEN.match(t) for t in tokens) and tokens[-1][0].isupper()


def _name_chunks(line: str, offset: int) -> list[tuple[int, int]]:
    """Split a line into name spans (offsets absolute), after blanking ORCID URLs and affiliation marks."""
    masked = _AFFIL_MARKS.sub(lambda m: " " * len(m.group(0)), _ORCID.sub(lambda m: " " * len(m.group(0)), line))
    spans = []
    for m in re.finditer(r"[^,;]+", re.sub(r"\band\b|&", lambda m: "," + " " * (len(m.group(0)) - 1), masked)):
        body = m.group(0)
        if body.strip():
            lead = len(body) - len(body.lstrip())
            spans.append((offset + m.start() + lead, offset + m.start() + len(body.rstrip())))
    return spans


def _names_in(line: str) -> bool:
    chunks = _name_chunks(line, 0)
    return bool(chunks) and all(_is_name(line[s:e]) for s, e in chunks)


def _split_squashed(page: Page, start: int, end: int) -> list[tuple[int, int]]:
    # Pure pages glue the last two authors: "Timothy TreeGilbert Bensimon".
    text = page.clean[start:end]
    m = re.search(r"(?<=[a-z]{3})(?=[A-Z][a-z]+ [A-Z][\w'\-]+$)", text)
    if m and len(text.split()) >= 3 and not re.search(r"(?:Mc|Mac)$", text[: m.start()]):
        return [(start, start + m.start()), (start + m.start(), end)]
    return [(start, end)]


def find_authors(page: Page) -> tuple[Fact[str], ...]:
    """Return the authors in page order: the author block after the title, or the first of an "et al." line."""
    et_al = _ET_AL.search(page.clean, 0, _abstract_start(page))
    if et_al:
        return (_fact(page, et_al.group("author"), et_al.start("author"), et_al.end("author"), "et-al-author"),)
    title = find_title(page)
    if not title:
        return ()
    spans: list[tuple[int, int]] = []
    skipped = 0
    for start, end in iter_lines(page.clean[: _abstract_start(page)]):
        if start < title[1]:
            continue
        chunks = _name_chunks(page.clean[start:end], start)
        if chunks and all(_is_name(page.clean[s:e]) for s, e in chunks):
            spans.extend(chunks)
            continue
        if spans or skipped >= 15:
            break
        skipped += 1
    if spans:
        spans = spans[:-1] + _split_squashed(page, *spans[-1])
    return tuple(_fact(page, page.clean[s:e], s, e, "author-list") for s, e in spans)


def _journal(page: Page) -> Fact[str] | None:
    for pattern, rule in ((_ET_AL, "et-al-journal"), (_CITATION, "citation-journal"), (_JOURNAL_ROW, "journal-row"),
                          (VOLUME_LINE, "issue-line-journal")):
        m = pattern.search(page.clean)
        group = next((g for g in ("j", "journal", "journal2") if g in pattern.groupindex and m and m.group(g)), None)
        if m and group:
            value = m.group(group).strip().rstrip(".")  # "Ann Rheum Dis." is cited as "Ann Rheum Dis"
            return _fact(page, value, m.start(group), m.start(group) + len(value), rule)
        if m and pattern in (_CITATION, VOLUME_LINE):
            if above := journal_above(page, m.start(), f"{rule}-above"):
                return above
    title = find_title(page)
    return logo_journal(page, title[0] if title else _abstract_start(page))


def _year(page: Page) -> Fact[int] | None:
    m = _CITATION.search(page.clean)
    if m:
        return _fact(page, int(m.group("year")), m.start("year"), m.end("year"), "citation-year")
    if issue_year := issue_line_year(page):
        return issue_year
    for pattern, rule in ((_PUBLISHED, "published-year"), (_ET_AL, "et-al-year")):
        m = pattern.search(page.clean)
        if m:
            return _fact(page, int(m.group("year")), m.start("year"), m.end("year"), rule)
    return None


def _pages(page: Page) -> Fact[str] | None:
    found = _group_fact(page, _CITATION, "pages", "pages") or _group_fact(page, _PAGES_FROM_TO, "p", "pages")
    if found:
        return found
    return issue_line_pages(page)


def _group_fact(page: Page, pattern: re.Pattern[str], group: str, rule: str) -> Fact[str] | None:
    m = pattern.search(page.clean)
    if not m or not m.group(group):
        return None
    return _fact(page, m.group(group), m.start(group), m.end(group), rule)


def _match_fact(page: Page, m: re.Match[str] | None, group: str, rule: str) -> Fact[str] | None:
    if not m or not m.group(group):
        return None
    return _fact(page, m.group(group), m.start(group), m.end(group), rule)


def _doi(page: Page) -> Fact[str] | None:
    matches = list(_DOI.finditer(page.clean))
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
            items = re.finditer(r"[^;,.\n]+", page.clean[section.start : section.end])
            spans = [(section.start + m.start(), section.start + m.end()) for m in items if m.group(0).strip()]
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


def _split_funders(text: str, offset: int) -> list[tuple[int, int]]:
    """Split a funding statement at top-level commas and at a last "and" between named funders."""
    cuts, depth, out, last = [], 0, [], 0
    for i, ch in enumerate(text):
        depth += (ch in "([") - (ch in ")]")
        if depth == 0 and ch in ",;":
            cuts.append((last, i))
            last = i + 1
    cuts.append((last, len(text.rstrip().rstrip("."))))
    for start, end in cuts:
        piece = text[start:end]
        # "... Fellowship to DY and Beijing SL PHARM": "and" after a grant id, initials or ")" joins two funders.
        m = re.search(r"(?<=[)A-Z0-9]) and (?=(?:the )?[A-Z])", piece)
        parts = [(start, start + m.start()), (start + m.end(), end)] if m else [(start, end)]
        for s, e in parts:
            lead = re.match(r"\s*(?:and\s+)?(?:the\s+)?", text[s:e], re.I)
            s += lead.end() if lead else 0
            if len(text[s:e].strip()) >= 3:
                out.append((offset + s, offset + s + len(text[s:e].rstrip())))
    return out


def find_funders(page: Page) -> tuple[Fact[str], ...]:
    """Return one Fact per funder named in a Funding section or a "was supported by" sentence."""
    spans = [(s.start, s.end) for s in page.sections if s.name == "funding"]
    if not spans:
        spans = [(s.start, s.end) for s in page.sentences if _FUNDING_SENTENCE.search(page.clean[s.start : s.end])]
    facts = []
    for start, end in spans[:1]:
        text = page.clean[start:end]
        lead = _FUNDING_LEAD.match(text)
        if lead is None or lead.end() == 0:
            lead = re.match(r"\W*", text)
        body_start = start + lead.end()
        for s, e in _split_funders(page.clean[body_start:end], body_start):
            facts.append(_fact(page, page.clean[s:e], s, e, "funder"))
    return tuple(facts)


# "We searched MEDLINE ...", "we aimed to conduct a systematic synthesis and meta-analysis".
_REVIEW_METHOD = re.compile(r"\bwe\s+(?:systematically\s+)?searched\b|\bsystematic\s+(?:review|synthesis|search|"
                            r"literature)\b|\bmeta-?analys[ie]s\b|\bPRISMA\b|\bPreferred\s+Reporting\s+Items\b",
                            re.IGNORECASE)
_OWN_AIM = re.compile(r"\b(?:we|this|our|the\s+present)\b", re.IGNORECASE)


def is_review(page: Page) -> bool:
    """Tell whether the page presents a review or meta-analysis rather than original research."""
    title = find_title(page)
    if title and _REVIEW.search(page.clean[title[0] : title[1]]):
        return True
    if _REVIEW_TYPE.search(page.clean[: _abstract_start(page)]):
        return True
    own = (s for s in page.sentences if s.section in (None, "objectives", "methods", "abstract"))
    return any(_REVIEW_METHOD.search(page.clean, s.start, s.end) and _OWN_AIM.search(page.clean, s.start, s.end)
               for s in own)


def extract_publication(page: Page, *, describes_trial: bool) -> Publication:
    """Read the page's bibliographic record; `describes_trial` makes it a trial report."""
    title = find_title(page)
    kind_span = title or next(((x.start, x.end) for x in page.sentences), None)
    kind = "trial-report" if describes_trial else "review" if is_review(page) else "article"
    citation = _CITATION.search(page.clean)
    source = citation or _VOLUME_ISSUE.search(page.clean) or VOLUME_LINE.search(page.clean)
    return Publication(
        title=_fact(page, " ".join(page.raw[title[0] : title[1]].split()), *title, "title") if title else None,
        authors=find_authors(page),
        journal=_journal(page),
        year=_year(page),
        volume=_match_fact(page, source, "volume", "volume"),
        issue=_match_fact(page, source, "issue", "issue"),
        pages=_pages(page),
        article_number=_group_fact(page, _ARTICLE_NUMBER, "n", "article-number"),
        doi=_doi(page),
        pmid=_group_fact(page, _PMID, 1, "pmid"),
        publication_type=_fact(page, kind, *kind_span, "publication-type") if kind_span else None,
        keywords=find_keywords(page),
        funders=find_funders(page),
        citation_counts=find_citation_counts(page),
    )
