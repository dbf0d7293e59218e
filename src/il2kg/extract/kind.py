"""Document-kind detection from generic cues: citation pages, registry records, otherwise articles."""

from __future__ import annotations

import re

from il2kg.extract.furniture import normalise_chars
from il2kg.extract.registry_fields import registry_label_count
from il2kg.extract.structured import recognise

CITATION_PAGE = "citation-page"
REGISTRY_RECORD = "registry-record"
ARTICLE = "article"
KINDS = (ARTICLE, CITATION_PAGE, REGISTRY_RECORD)

# Cues only citation-statement pages carry: statement counts, a typed-count block, tagged quotes.
_STATEMENT_CUES = re.compile(
    r"\bcitation\s+statements?\b|^[ \t]*citation\s+types?[ \t]*$"
    r"|^[ \t]*section\s*:.*?(?:mentioning|supporting|contrasting)[ \t]*$"
    r"|^[ \t]*(?:mentioning|supporting|contrasting)[ \t]*$",
    re.I | re.M,
)
_QUOTE_LINE = re.compile(r'^[ \t]*"[^\n]{30,}"[ \t]*$', re.M)
_COUNT_CUES = re.compile(r"^[ \t]*(?:(?:cited\s+by|zitiert\s+von|cit[ée]\s+par|citado\s+por|citato\s+da)\s*"
                         r"(?:count\s*)?:?\s*\d+|^[ \t]*citation\s+report[ \t]*$|is-referenced-by-count\s*:\s*\d+|"
                         r"^[ \t]*(?:works|articles|publications)\s+citing\b|"
                         r"referenced\s+works(?:\s+count)?\s*[:(]\s*\d+|\d[\d,]*\s*(?:[A-Z][a-z]+\s+)?citations?|"
                         r"citations?\s*[:(]\s*\d+\)?|(?:total\s+)?times\s+cited\b[^\n:]{0,60}:\s*\d+|"
                         r"citing\s+(?:articles|documents|publications|works)\s*[:(]\s*\d+|"
                         r"\d[\d,]*\s+documents?\s+have\s+cited)\b", re.I | re.M)
# Headings of a structured abstract; "Abstract" alone is shown by citation pages too.
_ARTICLE_CUES = re.compile(r"^[ \t]*(background|introduction|methods|results|conclusions?|findings)\b[ \t]*(?::|$)",
                           re.I | re.M)
_MIN_REGISTRY_LABELS = 3
# An abstract telling of a study of its own: "We performed a single-center, randomised ... trial", "Here, we have
# characterized ... 21 healthy volunteers receiving ...".
_OWN_STUDY = re.compile(r"\b(?:we|this)\s+(?:have\s+)?(?:performed|conducted|carried\s+out|undertook|treated|enrolled|"
                        r"randomi[sz]ed|characteri[sz]ed)\b[^.\n]{0,200}?\b(?:trial|study|patients|participants|"
                        r"subjects|volunteers)\b", re.I)


def _own_study(text: str) -> bool:
    """An own-study sentence outside a search snippet ("... we treated ten patients ..." is a listed work's)."""
    return any("..." not in line and "…" not in line for line in
               (text[text.rfind("\n", 0, m.start()) + 1 : text.find("\n", m.end())] for m in _OWN_STUDY.finditer(text)))


def detect_kind(text: str, *, by_keys: bool = True) -> str:
    """Return "citation-page", "registry-record" or "article" for a document's text (`by_keys`: a JSON record's
    kind by its keys; without, by its words)."""
    if by_keys and (record := recognise(text)) is not None:
        return record.kind
    raw, text = text, normalise_chars(text)
    if _STATEMENT_CUES.search(text) and (_QUOTE_LINE.search(text) or _COUNT_CUES.search(text)):
        return CITATION_PAGE
    # A registry record (or a mirror of one) is a page of labelled fields; an article has at most a few.
    # Counted in the text as written: a tab between label and value ("Study Design<TAB>Randomized") ends a label.
    if registry_label_count(raw) >= _MIN_REGISTRY_LABELS + len(set(_ARTICLE_CUES.findall(text))):
        return REGISTRY_RECORD
    # An index page ("Cited by 12", "Citations (12)") with no abstract of its own is about another work; a
    # catalogue page (Mendeley, Pure) that shows a study's abstract ("we performed a ... trial") is that study's page.
    counts = len(_COUNT_CUES.findall(text))
    if counts and not _ARTICLE_CUES.search(text) and (counts > 1 or not _own_study(text)):
        return CITATION_PAGE
    return ARTICLE
