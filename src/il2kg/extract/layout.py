"""Line-oriented reading of labelled pages (citation pages, registry records), keeping raw offsets.

Registry records repeat long lines on purpose (the same arm description under several headings),
which `text.read_page` would blank as a repeated block; they are read with `read_plain_page`: the same
one-for-one character normalisation and sentence splitting, and nothing blanked. Citation pages use
`text.read_page` (its reference-list rule keeps a "References" tab label and what follows it).
"""

from __future__ import annotations

import re

from il2kg.extract.furniture import normalise_chars
from il2kg.extract.markup import plain_lines
from il2kg.extract.terms import find_terms
from il2kg.extract.text import Page, Sentence, Snippet, collapse, split_sentences
from il2kg.model import Fact, Lexicon

# A non-blank line: the span of its stripped text in the document, and that text (normalised).
Line = Snippet


def read_plain_page(raw: str) -> Page:
    """Normalise characters (same length) and split sentences, blanking nothing."""
    text = plain_lines(normalise_chars(raw))
    sentences = split_sentences(text)
    raw_sentences = tuple(Sentence(s.start, s.end, collapse(raw[s.start : s.end]), None) for s in sentences)
    return Page(raw=raw, clean=text, sections=(), sentences=raw_sentences)


def split_lines(text: str, start: int = 0, end: int | None = None) -> tuple[Line, ...]:
    """Return the non-blank lines of text[start:end] with their stripped spans."""
    end = len(text) if end is None else end
    out = []
    for match in re.finditer(r"[^\n]+", text[start:end]):
        body = match.group(0)
        lead = len(body) - len(body.lstrip())
        stripped = body.strip()
        if stripped:
            s = start + match.start() + lead
            out.append(Line(s, s + len(stripped), stripped))
    return tuple(out)


def term_facts(page: Page, start: int, end: int, lexicon: Lexicon, kind: str, method: str) -> tuple[Fact[str], ...]:
    """Return one Fact per distinct lexicon term of a kind found in clean[start:end], first mention first."""
    seen: set[str] = set()
    out = []
    for hit in find_terms(page.clean[start:end], lexicon, kind):
        if hit.term.curie in seen:
            continue
        seen.add(hit.term.curie)
        out.append(Fact(hit.term.curie, page.evidence(start + hit.start, start + hit.end, method)))
    return tuple(out)
