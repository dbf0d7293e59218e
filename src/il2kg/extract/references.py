"""A page's list of references: the works it cites, whose journals, years, volumes and pages are never the
page's own ("References: 1. He J, et al. Nat Med 2016;22:991-3.")."""

from __future__ import annotations

import re
from functools import lru_cache

from il2kg.extract.text import Page

_HEADING = re.compile(r"^[ \t]*(?:References?|REFERENCES?|Bibliography|Literature\s+cited|Works\s+cited)\b[ \t]*:?",
                      re.M)
# A numbered reference opens its line: "1. He J ...", "[12] Klatzmann D ...", "12) ...".
_NUMBERED = re.compile(r"[ \t]*(?:\[\d{1,3}\]|\d{1,3}[.)])[ \t]+\S")


@lru_cache(maxsize=16)
def reference_spans(page: Page) -> tuple[tuple[int, int], ...]:
    """The spans of reference lists: a References heading's own line and the numbered lines that follow it."""
    text = page.clean
    out = []
    for heading in _HEADING.finditer(text):
        end = text.find("\n", heading.end())
        end = len(text) if end < 0 else end
        while end < len(text):
            nxt = text.find("\n", end + 1)
            nxt = len(text) if nxt < 0 else nxt
            line = text[end + 1 : nxt]
            if line.strip() and not _NUMBERED.match(line):
                break
            end = nxt
        out.append((heading.start(), end))
    return tuple(out)


def search_outside_references(pattern: re.Pattern[str], page: Page, start: int = 0,
                              end: int | None = None) -> re.Match[str] | None:
    """The first match of the pattern that is not inside a reference list."""
    spans = reference_spans(page)
    for m in pattern.finditer(page.clean, start, len(page.clean) if end is None else end):
        if not any(s <= m.start() < e for s, e in spans):
            return m
    return None
