"""A journal page's header: the issue line ("Volume 12, Issue 2, June 2022, Pages 1-2", "Journal | Volume 33,
Issue 4 | 2024"), the journal named on the line above it or by its logo's caption, and citation counts."""

from __future__ import annotations

import re

from il2kg.extract.text import Page, iter_lines
from il2kg.model import CitationCount, Fact

# A journal page's issue line: "Volume 12, Issue 2, June 2022, Pages 145-146", "Journal | Volume 33, Issue 4 | 2024".
VOLUME_LINE = re.compile(
    r"^[ \t]*(?:(?P<journal>[A-Z][^|,\n]{2,80}?)[ \t]*[|,][ \t]*)?Vol(?:ume|\.)?[ \t]*(?P<volume>\d+)"
    r"(?:,?[ \t]*(?:Issue|No\.?)[ \t]*(?P<issue>\d+))?(?P<rest>[^\n]*)",
    re.IGNORECASE | re.MULTILINE,
)
_LINE_YEAR = re.compile(r"(?<![\d/.-])(?P<year>(?:19|20)\d\d)(?![\d/.-])")
_LINE_PAGES = re.compile(r"\bPages?\s+(?P<pages>\d+(?:-\d+)?)\b", re.IGNORECASE)
# A journal name on its own line: capitalised words and connectives, no digits
# ("Journal of Translational Autoimmunity").
_JOURNAL_NAME = re.compile(r"^(?:The )?[A-Z][\w&'\-]*(?: (?:[A-Z][\w&'\-]*\.?|of|the|and|in|for|&))+$")
# PubMed's publication-type line sits where the journal would ("Clinical Trial\n. 2019 Feb;78(2):209-217").
_PUBLICATION_TYPE_LINE = re.compile(
    r"^(?:(?:randomi[sz]ed |non-randomi[sz]ed )?(?:controlled )?clinical trial(?:, phase [IV]+)?"
    r"|randomi[sz]ed controlled trial|multicent(?:er|re) study|comparative study|(?:systematic )?review"
    r"|meta-analysis|case reports?|observational study|letter|editorial|comment|research support\b.*"
    r"|original (?:research|article)s?|correspondence|articles?|research(?: articles?| letters?)?|clinical research"
    r"|brief reports?|short communications?)$",
    re.IGNORECASE,
)
# A journal logo's caption in the page header: "[image: Annals of the Rheumatic Diseases]" (not "BMJ Journals").
_LOGO = re.compile(
    r"^[ \t]*\[image:[ \t]*(?P<j>(?:The )?[A-Z][\w&\-]* (?:of|in|for) (?:the )?[A-Z][\w&' \-]{2,60}?)[ \t]*\]", re.M
)
_NOT_LOGO = re.compile(r"\b(?:logo|figure|fig|table|icon|download|cover|image|photo)\b", re.IGNORECASE)
_CITATIONS = re.compile(r"\b(?P<n>\d[\d,]*)\s+Citations?\s*\((?P<source>[A-Z][\w .\-]{1,30})\)")
_CITED_BY = re.compile(r"^[ \t]*Cited by[ \t]*(?::[ \t]*(?P<n>\d[\d,]*)|\((?P<n2>\d[\d,]*)\))[ \t]*$", re.I | re.M)


def _line_before(page: Page, offset: int, within: int = 5) -> tuple[int, int] | None:
    """The nearest non-blank cleaned line that ends before `offset`, at most `within` lines above it."""
    above = page.clean[:offset].split("\n")
    lines = iter_lines(page.clean[: offset - len(above[-1])])
    if not lines or page.clean.count("\n", lines[-1][1], offset) > within:
        return None
    return lines[-1]


def is_publication_type(text: str) -> bool:
    """Whether a header line names the kind of article ("Clinical Trial", "Articles"), not the journal."""
    return bool(_PUBLICATION_TYPE_LINE.match(text))


# A site's menu line reads like a name of capitalised words ("Issues More Content Submit Purchase Alerts About").
_MENU = re.compile(r"\b(?:Issues|Submit|Alerts?|About|Purchase|Subscribe|Browse|Search|Log ?in|Menu|Contact|Help|"
                   r"Advertis\w*|Content|Archive|Authors|Home|Cart|Share|Cite|Permissions|Sign)\b")


def journal_above(page: Page, offset: int, rule: str) -> Fact[str] | None:
    """A journal name on the line just above a citation or issue line (PubMed, journal pages)."""
    line = _line_before(page, offset)
    if line is None:
        return None
    text = page.clean[line[0] : line[1]]
    if not _JOURNAL_NAME.match(text) or is_publication_type(text) or len(text) > 80 or len(_MENU.findall(text)) >= 2:
        return None
    return page.fact(text, *line, f"metadata.{rule}")


def logo_journal(page: Page, header_end: int) -> Fact[str] | None:
    """A journal named by its logo's caption before `header_end` (the title)."""
    m = _LOGO.search(page.raw, 0, header_end)
    if not m or _NOT_LOGO.search(m.group("j")):
        return None
    name = m.group("j").strip()
    return page.fact(name, m.start("j"), m.start("j") + len(name), "metadata.logo-journal")


def issue_line_year(page: Page) -> Fact[int] | None:
    """The year written on the issue line ("June 2022", "| 2024")."""
    m = VOLUME_LINE.search(page.clean)
    year = _LINE_YEAR.search(page.clean, m.start("rest"), m.end("rest")) if m else None
    return page.fact(int(year.group("year")), *year.span("year"), "metadata.issue-line-year") if year else None


def issue_line_pages(page: Page) -> Fact[str] | None:
    """The pages written on the issue line ("Pages 145-146")."""
    m = VOLUME_LINE.search(page.clean)
    pages = _LINE_PAGES.search(page.clean, m.start("rest"), m.end("rest")) if m else None
    return page.fact(pages.group("pages"), *pages.span("pages"), "metadata.issue-line-pages") if pages else None


def find_citation_counts(page: Page) -> tuple[CitationCount, ...]:
    """Return counts such as "37 Citations (Scopus)" or a "Cited by (4)" tab shown on an article page."""
    out = []
    for m in _CITATIONS.finditer(page.clean):
        count = page.fact(int(m.group("n").replace(",", "")), m.start("n"), m.end("n"), "metadata.citation-count")
        out.append(CitationCount("citing-publications", count, m.group("source").strip()))
    if not out:  # a page's own "Cited by (4)" tab
        for m in _CITED_BY.finditer(page.clean):
            group = "n" if m.group("n") else "n2"
            count = page.fact(int(m.group(group).replace(",", "")), *m.span(group), "metadata.cited-by")
            return (CitationCount("citing-publications", count, None),)
    return tuple(out)
