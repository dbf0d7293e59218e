"""Dictionary matching of lexicon terms (diseases, biomarkers, agents, mechanisms) in text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from il2kg.model import Lexicon, Term


@dataclass(frozen=True, slots=True, order=True)
class TermMatch:
    """A lexicon term found at a half-open span."""

    start: int
    end: int
    term: Term


def _is_case_sensitive(label: str) -> bool:
    # Short acronyms (ALS, SLE, NFL, SVC, CD4) collide with words when matched loosely; a short
    # lower-case word ("lupus", "eczema") may still open a sentence with a capital.
    letters = [c for c in label if c.isalpha()]
    if letters and all(c.islower() for c in letters):
        return False
    return len(label) <= 6 or (bool(letters) and all(c.isupper() for c in letters))


def _label_pattern(label: str) -> str:
    parts = [re.escape(p) for p in re.split(r"[\s\-]+", label.strip()) if p]
    body = r"[\s\-]*".join(parts)
    # Plural and possessive forms: "Tregs", "Behcet's disease", "Takayasu's disease".
    body = body.replace(r"\'s", r"(?:'s)?")
    return rf"(?<![\w-]){body}(?:s|es)?(?![\w])"


@lru_cache(maxsize=32)
def _compiled(terms: tuple[Term, ...]) -> tuple[tuple[re.Pattern[str], Term], ...]:
    out = []
    for term in terms:
        for label in term.labels:
            flags = 0 if _is_case_sensitive(label) else re.IGNORECASE
            out.append((re.compile(_label_pattern(label), flags), term))
    return tuple(out)


def find_terms(text: str, lexicon: Lexicon, kind: str | None = None) -> list[TermMatch]:
    """Return non-overlapping term matches, longest first, in text order."""
    terms = lexicon.terms if kind is None else lexicon.of_kind(kind)
    hits = []
    for pattern, term in _compiled(terms):
        for m in pattern.finditer(text):
            hits.append(TermMatch(m.start(), m.end(), term))
    hits.sort(key=lambda h: (-(h.end - h.start), h.start, h.term.curie))
    taken: list[TermMatch] = []
    for hit in hits:
        if all(hit.end <= t.start or hit.start >= t.end for t in taken):
            taken.append(hit)
    return sorted(taken)


def find_terms_in(text: str, start: int, end: int, lexicon: Lexicon, kind: str | None = None) -> list[TermMatch]:
    """Return term matches inside text[start:end], with offsets into the whole text."""
    return [TermMatch(m.start + start, m.end + start, m.term) for m in find_terms(text[start:end], lexicon, kind)]
