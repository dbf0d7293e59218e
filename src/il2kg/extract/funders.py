"""Who funded the study: the funders a Funding section or a "was supported by" sentence names."""

from __future__ import annotations

import re

from il2kg.extract.text import Page, rule_facts
from il2kg.model import Fact

_FUNDING_LEAD = re.compile(
    r"^\W*(?:(?:this|the) (?:work|study|trial|research|project) (?:was|is) )?(?:(?:financially|partly|partially) )?"
    r"(?:supported|funded|sponsored)(?: in part)?(?: by)?\s*:?\s*",
    re.IGNORECASE,
)
_FUNDING_SENTENCE = re.compile(r"\b(?:this|the) (?:work|study|trial|research) was (?:\w+ )?(?:supported|funded) by\b",
                               re.I)
# A funding section's statement that names no funder ("Funding and Duality of Interest. No potential conflicts ...").
_NOT_FUNDER = re.compile(r"\b(?:conflicts?|duality|declare[sd]?|competing|no\s+(?:specific\s+)?funding|"
                         r"none|not\s+applicable|were\s+reported)\b", re.I)

_fact = rule_facts("metadata")


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
            if not _NOT_FUNDER.search(page.clean[s:e]):  # "No potential conflicts of interest ... were reported"
                facts.append(_fact(page, page.clean[s:e], s, e, "funder"))
    return tuple(facts)
