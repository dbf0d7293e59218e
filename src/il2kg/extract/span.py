"""Span: where in the document a value was read, as a half-open range of character offsets.

Every located value of extraction (a number, a p-value, a dose, a term, a sentence, a section, an arm
mention) is a Span, so the convention is stated once: [start, end) into the raw document (cleaning keeps
offsets, see text.py), which finders given a slice of it reach by adding their `offset`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range [start, end) of character offsets into the document."""

    start: int
    end: int
