"""Counts written in digits or as words ("Fifty adults", "six hospitals", "Two hundred eighteen"), 1..999."""

from __future__ import annotations

import re

_UNITS_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
                "seventeen eighteen nineteen").split()
_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_BELOW_100 = (rf"(?:(?:{'|'.join(_TENS_WORDS)})(?:[- ](?:{'|'.join(_UNITS_WORDS[1:10])}))?"
              rf"|{'|'.join(sorted(_UNITS_WORDS[1:], key=len, reverse=True))})")
# A number written as words, 1..999: "six", "Fifty", "twenty-five", "one hundred", "Two hundred (and) eighteen".
NUMBER_WORD = (rf"(?:(?:(?:{'|'.join(_UNITS_WORDS[1:10])}|a)[- ])?hundred(?:[- ](?:and[- ])?{_BELOW_100})?"
               rf"|{_BELOW_100})(?![\w-])")


def _below_100(words: list[str]) -> int | None:
    if len(words) == 1 and words[0] in _UNITS_WORDS[1:]:
        return _UNITS_WORDS.index(words[0])
    if words and words[0] in _TENS_WORDS and len(words) <= 2:
        tens = 20 + 10 * _TENS_WORDS.index(words[0])
        if len(words) == 1:
            return tens
        if words[1] in _UNITS_WORDS[1:10]:
            return tens + _UNITS_WORDS.index(words[1])
    return None


def parse_number_word(text: str) -> int | None:
    """Return the value of a number written as words ("six" 6, "Twenty-five" 25, "two hundred and eighteen" 218)."""
    words = re.split(r"[- ]+", text.strip().lower())
    if "hundred" in words:
        i = words.index("hundred")
        head = words[:i]
        hundreds = 1 if head in ([], ["a"], ["one"]) else _UNITS_WORDS.index(head[0]) if len(head) == 1 \
            and head[0] in _UNITS_WORDS[1:10] else None
        rest = words[i + 1 :]
        rest = rest[1:] if rest[:1] == ["and"] else rest
        below = _below_100(rest) if rest else 0
        return None if hundreds is None or below is None else 100 * hundreds + below
    return _below_100(words)


def parse_count(text: str) -> int | None:
    """Return the value of a count written in digits ("1,200") or as words ("Fifty"), else None."""
    digits = text.replace(",", "").strip()
    return int(digits) if (digits.isascii() and digits.isdigit()) else parse_number_word(text)
