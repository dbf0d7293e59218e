"""Dictionary matching of lexicon terms (diseases, biomarkers, agents, mechanisms) in text."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from il2kg.extract.span import Span
from il2kg.model import Lexicon, Term


@dataclass(frozen=True, slots=True, order=True)
class TermMatch(Span):
    """A lexicon term found in the text."""

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
def _compiled(terms: tuple[Term, ...]) -> tuple[tuple[str, re.Pattern[str], Term], ...]:
    """Each label's pattern with a lower-case word it cannot match without, to skip it cheaply."""
    out = []
    for term in terms:
        for label in term.labels:
            flags = 0 if _is_case_sensitive(label) else re.IGNORECASE
            key = max(re.findall(r"[a-z0-9]+", label.lower()) or [""], key=len)
            out.append((key, re.compile(_label_pattern(label), flags), term))
    return tuple(out)


@lru_cache(maxsize=64)
def _all_terms(text: str, lexicon: Lexicon, kind: str | None) -> tuple[TermMatch, ...]:
    terms = lexicon.terms if kind is None else lexicon.of_kind(kind)
    hits = []
    low = text.lower()
    for key, pattern, term in _compiled(terms):
        if key not in low:
            continue
        for m in pattern.finditer(text):
            hits.append(TermMatch(m.start(), m.end(), term))
    hits.sort(key=lambda h: (-(h.end - h.start), h.start, h.term.curie))
    used = bytearray(len(text) + 1)  # characters already covered by a longer match: linear, not pairwise
    taken: list[TermMatch] = []
    for hit in hits:
        if not any(used[hit.start : hit.end]):
            used[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
            taken.append(hit)
    return tuple(sorted(taken))


def find_terms(text: str, lexicon: Lexicon, kind: str | None = None) -> list[TermMatch]:
    """Return non-overlapping term matches, longest first, in text order."""
    return list(_all_terms(text, lexicon, kind))


def find_terms_in(text: str, start: int, end: int, lexicon: Lexicon, kind: str | None = None) -> list[TermMatch]:
    """Return the term matches lying inside text[start:end], with offsets into the whole text.

    The whole text is matched once (cached) and each span takes its share, so reading every sentence
    costs one pass over the page, not one per sentence.
    """
    hits = _all_terms(text, lexicon, kind)
    first = bisect_left(hits, start, key=lambda h: h.start)
    out = []
    for hit in hits[first:]:
        if hit.start >= end:
            break
        if hit.end <= end:
            out.append(hit)
    return out
