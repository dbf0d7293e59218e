"""Counts written in digits or as words ("Fifty adults", "six hospitals"), 1..100."""

from __future__ import annotations

import re

_UNITS_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
                "seventeen eighteen nineteen").split()
_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
# A number written as words, 1..100: "six", "Fifty", "twenty-five", "one hundred" (longest alternatives first).
NUMBER_WORD = (
    rf"(?:(?:{'|'.join(_TENS_WORDS)})(?:[- ](?:{'|'.join(_UNITS_WORDS[1:10])}))?"
    rf"|one hundred|a hundred|hundred|{'|'.join(sorted(_UNITS_WORDS[1:], key=len, reverse=True))})(?![\w-])"
)


def parse_number_word(text: str) -> int | None:
    """Return the value of a number written as words ("six" 6, "Twenty-five" 25, "one hundred" 100), else None."""
    words = re.split(r"[- ]+", text.strip().lower())
    if words in (["hundred"], ["one", "hundred"], ["a", "hundred"]):
        return 100
    if len(words) == 1 and words[0] in _UNITS_WORDS[1:]:
        return _UNITS_WORDS.index(words[0])
    if words and words[0] in _TENS_WORDS and len(words) <= 2:
        tens = 20 + 10 * _TENS_WORDS.index(words[0])
        if len(words) == 1:
            return tens
        if words[1] in _UNITS_WORDS[1:10]:
            return tens + _UNITS_WORDS.index(words[1])
    return None


def parse_count(text: str) -> int | None:
    """Return the value of a count written in digits ("1,200") or as words ("Fifty"), else None."""
    digits = text.replace(",", "").strip()
    return int(digits) if (digits.isascii() and digits.isdigit()) else parse_number_word(text)
