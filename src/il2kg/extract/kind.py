"""Document-kind detection from generic cues: citation pages, registry records, otherwise articles."""

from __future__ import annotations

import re

from il2kg.extract.text import normalise_chars

CITATION_PAGE = "citation-page"
REGISTRY_RECORD = "registry-record"
ARTICLE = "article"
KINDS = (ARTICLE, CITATION_PAGE, REGISTRY_RECORD)

# Cues only citation-statement pages carry: statement counts, a typed-count block, tagged quotes.
_STATEMENT_CUES = re.compile(
    r"\bcitation\s+statements?\b|^\s*citation\s+types?\s*$"
    r"|^\s*section\s*:.*?(?:mentioning|supporting|contrasting)\s*$|^\s*(?:mentioning|supporting|contrasting)\s*$",
    re.I | re.M,
)
_QUOTE_LINE = re.compile(r'^\s*"[^\n]{30,}"\s*$', re.M)
_COUNT_CUES = re.compile(r"^\s*(?:cited\s+by\s*:?\s*\d+|\d+\s+citations?|citations?\s*[:(]\s*\d+\)?)\b", re.I | re.M)
_ARTICLE_CUES = re.compile(r"^\s*(?:abstract|background|methods|results|conclusions?)\s*(?::|$)", re.I | re.M)
# Field labels of trial registries (ClinicalTrials.gov, EU CTR, ISRCTN, ChiCTR), at a line start.
_REGISTRY_LABELS = re.compile(
    r"^[ \t]*(?:[A-Z]\.\d+(?:\.\d+)*\.?[ \t]+)?(?P<label>NCT Number|ClinicalTrials\.gov (?:ID|Identifier)|Brief Title"
    r"|Official Title|Study Type|Intervention Model|Allocation|Masking|(?:Actual |Estimated |Anticipated )?Enrollment"
    r"|Primary Outcome Measures?|Secondary Outcome Measures?|Arms and Interventions|(?:Actual |Estimated )?Study Start"
    r"|Primary Completion|Study Completion|Primary Purpose|Conditions|Phases?|EudraCT number|Full title of the trial"
    r"|Medical condition\(s\) being investigated|Public title|Scientific title|Registration number|Recruiting time"
    r"|Study design|ISRCTN|Target disease|Overall (?:study )?status|Recruitment status|Acronym"
    r"|(?:Primary|Secondary) end ?points?(?:\(s\))?|(?:Primary|Secondary) outcome measures?|Sponsor Protocol Number"
    r"|Timepoint\(s\) of evaluation of this end ?point|Health condition\(s\) or problem\(s\) studied"
    r"|Countries of recruitment|Recruitment (?:start|end) date|Total final enrolment|Sample size)"
    r"[ \t]*(?:\((?:actual|estimated|anticipated)\))?[ \t]*(?::|\t|[ ]{2,}|$)",
    re.I | re.M,
)
_MIN_REGISTRY_LABELS = 4


def detect_kind(text: str) -> str:
    """Return "citation-page", "registry-record" or "article" for a document's text."""
    text = normalise_chars(text)
    if _STATEMENT_CUES.search(text) and (_QUOTE_LINE.search(text) or _COUNT_CUES.search(text)):
        return CITATION_PAGE
    labels = {m.group("label").lower() for m in _REGISTRY_LABELS.finditer(text)}
    if len(labels) >= _MIN_REGISTRY_LABELS:
        return REGISTRY_RECORD
    # An index page ("Cited by 12", "Citations (12)") with no abstract of its own is about another work.
    if _COUNT_CUES.search(text) and not _ARTICLE_CUES.search(text):
        return CITATION_PAGE
    return ARTICLE
