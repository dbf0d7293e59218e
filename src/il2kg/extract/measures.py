"""What a measurement is of and where: the specimen ("plasma CCL2", "NfL in CSF") and the kind of quantity
(percentage of a parent population, absolute count, concentration, score) stated around a measure's mention.

Read from the mention and its clause only, so CSF NfL and plasma NfL, Treg % and Treg count stay apart;
nothing is said when the clause names none, or two that disagree.
"""

from __future__ import annotations

import re

from il2kg.extract.terms import find_terms_in
from il2kg.model import Lexicon

Span = tuple[int, int, str]  # start, end, CURIE

_BEFORE = 20  # "plasma concentrations of CCL2": a specimen just before the measure
_AFTER = re.compile(r"\s*(?:\w+\s+){0,2}?(?:in|from|of)\s+(?:the\s+)?$")  # "NfL concentrations in (the) CSF"
_CLAUSE_END = re.compile(r"[.;:]|\b(?:and|while|whereas|but)\b")
_KINDS = (
    ("il2kg:percentageOfParent", re.compile(r"%|\bpercentages?\b|\bproportions?\b|\bfrequenc(?:y|ies)\b", re.I)),
    ("il2kg:absoluteCount", re.compile(r"\b(?:absolute\s+)?(?:counts?|numbers?)\b|\bcells\s*/\s*(?:µ|μ|u|m)", re.I)),
    ("il2kg:concentration", re.compile(r"\bconcentrations?\b|\blevels?\b|\b[pnµμu]g\s*/\s*m[lL]\b", re.I)),
    ("il2kg:score", re.compile(r"\bscores?\b|\bindex\b", re.I)),
)


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around a mention: up to 40 characters each side, not across a clause boundary."""
    lo = max(0, start - 40)
    before = [m.end() for m in _CLAUSE_END.finditer(text, lo, start)]
    after = _CLAUSE_END.search(text, end, min(len(text), end + 40))
    return (before[-1] if before else lo), (after.start() if after else min(len(text), end + 40))


def find_specimen(text: str, start: int, end: int, lexicon: Lexicon) -> Span | None:
    """The specimen of the measure mentioned at [start, end): in the mention ("plasma NFL"), just before it
    ("serum IL-6"), or named after it ("NfL concentrations in CSF")."""
    lo, hi = _window(text, start, end)
    found = {}
    for hit in find_terms_in(text, lo, hi, lexicon, "specimen"):
        inside = start <= hit.start and hit.end <= end
        just_before = hit.end <= start and start - hit.end <= _BEFORE
        named_after = hit.start >= end and _AFTER.search(text[end : hit.start])
        if inside or just_before or named_after:
            found.setdefault(hit.term.curie, (hit.start, hit.end, hit.term.curie))
    return next(iter(found.values())) if len(found) == 1 else None


# "fell by 36%", "by 31 to 37%", "a 25% reduction", "the percentage change in EASI": a relative change says nothing
# of what was measured.
_RELATIVE = re.compile(r"\bby\s+(?:an?\s+(?:mean|median|average)\s+(?:of\s+)?)?"
                       r"(?:[+-]?\d+(?:\.\d+)?\s*%?\s*(?:to|–|—|-)\s*)?[+-]?\d+(?:\.\d+)?\s*%|"
                       r"\d\s*%\s*(?:-\s*fold\s+)?(?:increase|decrease|reduction|rise|"
                       r"decline|drop|fall|change|improvement|higher|lower|more|less|greater|fewer)\b|"
                       r"\bpercent(?:age)?\s+(?:change|reduction|decrease|increase|improvement)\b", re.I)


def find_kind(text: str, start: int, end: int) -> Span | None:
    """The kind of quantity stated in the mention or its clause ("Treg percentage", "absolute Treg counts")."""
    lo, hi = _window(text, start, end)
    relative = [(m.start(), m.end()) for m in _RELATIVE.finditer(text, lo, hi)]
    # After a relative change, a bare "%" goes on listing changes ("by 24% with IL-2 and 3% with placebo").
    listed = (relative[0][0], hi) if relative else (hi, hi)
    hits = [(m.start(), m.end(), code) for code, pattern in _KINDS
            for m in [next((m for m in pattern.finditer(text, lo, hi)
                            if not any(a <= m.start() < b for a, b in relative)
                            and not (m.group(0) == "%" and listed[0] <= m.start() < listed[1])), None)] if m]
    return hits[0] if len(hits) == 1 else None
