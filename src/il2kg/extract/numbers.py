"""Pure number parsers with offsets: decimals, p-values, confidence intervals, mean (SD), percentages, fractions, n.

Every parser takes cleaned text (middle dots already mapped to '.', en dashes to '-') and an
`offset` added to every span, so spans point into the raw document when the text is a slice of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from il2kg.extract.span import Span

# A decimal as written: "6.2", "0,05" (comma decimal), ".03" (leading dot, as in "P = .03").
_DIGITS = r"(?:\d+(?:[.,]\d+)?|[.]\d+)"
# Signed, as a value or a bound is written; other extractors build their number patterns from it.
SIGNED = rf"[+-]?{_DIGITS}"
# Not after "%": "16%-23%" is a range, and its second number no negative one.
NUMBER = re.compile(rf"(?<![\w.,/%-])(?P<num>{SIGNED})(?P<pct>\s*%|\s+per\s?cent\b)?(?![\w/]|[.,]\d)", re.I)

# A power of ten as pages write one once superscripts are lost or kept: "4.1 × 10-3", "4.1×10⁻³", "2e-5".
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_EXPONENT = r"[-⁻]\s?[\d⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2}"
_POWER = rf"\s*[x×*]\s*10\s*(?:\^|\*\*)?\s*(?P<exp>{_EXPONENT})|[eE](?P<exp2>-\d{{1,2}})"
_P_OPS = {"=": "=", "<": "<", "<=": "<=", "≤": "<=", "⩽": "<=", ">": ">"}
_P_VALUE = re.compile(
    rf"""(?<![A-Za-z])[pP](?:\s*-?\s*(?i:values?))?(?:\s+for\s+(?:interaction|trend|heterogeneity|difference)
    |\s+for\s+[\w-]+(?:\s+[\w-]+)?\s+(?:vs\.?|versus)\s+[\w-]+|\s*\((?:[\w-]+\s+){{1,2}}(?:vs\.?|versus)\s+[\w-]+\))?
    (?:\s*(?P<op><=|≤|⩽|<|>(?!=)|=)|\s+(?:of|was|is|were)(?:\s+(?P<op2><|=))?|\s*:|\s+(?=[0.]))
    \s*(?:(?P<bare>10)\s*(?:\^|\*\*)?\s*(?P<bare_exp>{_EXPONENT})|(?P<num>{_DIGITS})(?:{_POWER})?)(?![\w]|[.,]\d)""",
    re.VERBOSE,
)
_NOT_SIGNIFICANT = re.compile(r"(?<![\w.])(?:NS|n\.s\.)(?![\w])")

_CI = re.compile(
    rf"""(?:(?P<level>\d{{2}}(?:\.\d+)?)\s*%\s*(?:CI|confidence\s+intervals?(?:\s*[\[(]CI[\])])?)
        |(?:CI|IC)\s*(?P<level2>\d{{2}}(?:\.\d+)?)\s*%?)
    \s*(?:[:,=]\s*)?(?:[\[(]\s*)?
    (?P<low>{SIGNED})\s*(?:-|to|,|;|\.\.)\s*(?P<high>{SIGNED})(?![\w]|[.,]\d)""",
    re.VERBOSE | re.IGNORECASE,
)
_VALUE_SD = re.compile(
    rf"(?<![\w.,/-])(?P<num>{SIGNED})(?P<pct>\s*%)?\s*(?:(?:\[|\()\s*(?:SD\s*[:=]?\s*|±\s*)?(?P<sd>{_DIGITS})\s*[\])]"
    rf"|±\s*(?P<sd2>{_DIGITS})(?![\w]|[.,]\d))"
)
_FRACTION = re.compile(r"(?<![\w/.,])(?P<a>\d+)\s*/\s*(?P<b>\d+)(?![\w/]|[.,]\d)")
# "27 of 60 patients", "7 of 30 (23%)", "3 of 13 in arm B": a count of people over a total; "week 4 of 12" is
# no fraction.
_OF_FRACTION = re.compile(
    r"(?<![\w.,/-])(?<!week\s)(?<!day\s)(?<!cycle\s)(?<!month\s)(?<!dose\s)(?P<a>\d+)\s+(?:out\s+)?of\s+(?:the\s+)?"
    r"(?P<b>\d+)(?![\w/%]|[.,]\d)(?P<who>\s+(?:evaluable\s+|treated\s+|randomi[sz]ed\s+)?"
    r"(?:patients|participants|subjects|adults|children|individuals|people)\b)?(?=(?P<pct>\s*\(\s*\d)?)"
    r"(?=(?P<arm>\s+in\s+(?:(?:arm|group|cohort)\s+\w|the\s+(?:[\w-]+\s+){1,2}(?:arm|group)\b))?)",
    re.IGNORECASE,
)
_COUNT = re.compile(r"(?<![\w])[nN]\s*=\s*(?P<n>\d+)(?![\w]|[.,]\d)")


@dataclass(frozen=True, slots=True)
class Number(Span):
    """A number; its span includes the sign and a trailing '%' when `percent`."""

    value: Decimal
    percent: bool = False


@dataclass(frozen=True, slots=True)
class PValue(Span):
    """A p-value: its span is the whole expression, its number is at [num_start, num_end)."""

    value: Decimal | None  # None for "NS"
    comparator: str | None  # "=" | "<" | "<=" | ">"
    num_start: int
    num_end: int


@dataclass(frozen=True, slots=True)
class Interval(Span):
    """A confidence interval with its level (95) and bounds."""

    level: Number
    low: Number
    high: Number


@dataclass(frozen=True, slots=True)
class ValueSD:
    """A value followed by its standard deviation: "+6.2% [2.2]", "3.1 (1.2)", "3.1 ± 1.2"."""

    value: Number
    sd: Number


@dataclass(frozen=True, slots=True)
class Fraction(Span):
    """A count over a total: "7/13"."""

    numerator: Number
    denominator: Number


def to_decimal(text: str) -> Decimal | None:
    """Parse a number as written ("0,05", ".03", "+6.2"); a comma followed by 3 digits is a thousands separator."""
    text = text.strip().replace(" ", "")
    if re.fullmatch(r"[+-]?\d+,\d{3}", text):
        text = text.replace(",", "")
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def _number(match: re.Match[str], group: str, offset: int, percent: bool = False) -> Number:
    value = to_decimal(match.group(group))
    assert value is not None  # the pattern only matches digits
    end = match.end("pct") if percent and match.group("pct") else match.end(group)
    return Number(offset + match.start(group), offset + end, value, percent)


def find_numbers(text: str, offset: int = 0) -> list[Number]:
    """Return the numbers in text (signed, with '%' when written), not those inside words or fractions."""
    return [_number(m, "num", offset, bool(m.group("pct"))) for m in NUMBER.finditer(text)]


# A spread's bounds are no one's values: "(IQR, 5%-41%)", "(interquartile range −8% to 14%)", "(range 2-9)"; nor is a
# difference between arms in percentage points with its interval ("difference −15·0%, 95% CI −36·4 to 6·4").
_SPREAD = re.compile(rf"\b(?:IQR|interquartile\s+range|range)\s*[,:=]?\s*[\[(]?\s*{SIGNED}\s*%?\s*(?:-|–|—|to)\s*"
                     rf"{SIGNED}\s*%?|\b(?:absolute\s+|risk\s+|rate\s+)?difference\s*[,:=]?\s*(?:of\s+)?{SIGNED}\s*%"
                     rf"(?:\s*(?:points?|pp))?(?:\s*[;,]\s*\d{{2}}\s*%\s*(?:CI|confidence\s+interval)\s*[,:]?\s*{SIGNED}\s*%?"
                     rf"\s*(?:to|-|–|,)\s*{SIGNED}\s*%?)?", re.I)


def find_spreads(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Return the spans of interquartile ranges and ranges with their bounds ("IQR, 5%-41%")."""
    return [(offset + m.start(), offset + m.end()) for m in _SPREAD.finditer(text)]


def find_percentages(text: str, offset: int = 0) -> list[Number]:
    """Return the numbers written with a '%' sign."""
    return [n for n in find_numbers(text, offset) if n.percent]


_P_LISTED = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)(?P<num>0?\.\d+)(?![\w]|[.,]\d)")


def find_p_values(text: str, offset: int = 0) -> list[PValue]:
    """Return p-values ("p < 0.0001", "P = .03", "p value of 0.01", "NS"); impossible values are dropped."""
    found = []
    for m in _P_VALUE.finditer(text):
        value = _p_number(m)
        op = _P_OPS[m.group("op") or m.group("op2") or "="]
        if value is None or value > 1 or (value == 0 and op == "="):
            continue
        start, end = offset + m.start(), offset + m.end()
        number = "num" if m.group("num") else "bare"
        found.append(PValue(start, end, value, op, offset + m.start(number), end))
        at = m.end()
        while more := _P_LISTED.match(text, at):  # "(P = .71, .49 and .37)": one p per item, the same operator
            listed = to_decimal(more.group("num"))
            if listed is not None and listed <= 1:
                found.append(PValue(offset + more.start("num"), offset + more.end(), listed, op,
                                    offset + more.start("num"), offset + more.end()))
            at = more.end()
    for m in _NOT_SIGNIFICANT.finditer(text):
        found.append(PValue(offset + m.start(), offset + m.end(), None, None, offset + m.start(), offset + m.end()))
    return sorted(found, key=lambda p: p.start)


def _p_number(m: re.Match[str]) -> Decimal | None:
    """The value of a p-value match, a power of ten applied: "4.1 × 10-3" is 0.0041, "10-4" is 0.0001."""
    exponent = m.group("exp") or m.group("exp2") or m.group("bare_exp")
    written = m.group("num")
    if written and re.fullmatch(r"0,\d+", written):  # "p=0,044": a decimal comma (a p-value is no thousands)
        written = written.replace(",", ".")
    mantissa = to_decimal(written) if written else Decimal(1)
    if mantissa is None or exponent is None:
        return mantissa
    return mantissa.scaleb(int(exponent.translate(_SUPERSCRIPT).replace(" ", "")))


def find_intervals(text: str, offset: int = 0) -> list[Interval]:
    """Return confidence intervals ("95% CI 2.3-4.9", "(IC95%: 2.3-4.9)", "95% CI, -0.5 to 3") with their level."""
    found = []
    for m in _CI.finditer(text):
        group = "level" if m.group("level") else "level2"
        level, low, high = (_number(m, g, offset) for g in (group, "low", "high"))
        if not 50 <= level.value < 100 or low.value > high.value:
            continue
        found.append(Interval(offset + m.start(), offset + m.end(), level, low, high))
    return found


def find_values_with_sd(text: str, offset: int = 0) -> list[ValueSD]:
    """Return values followed by a bracketed SD ("+6.2% [2.2]", "3.1 (1.2)") or "3.1 ± 1.2"."""
    found = []
    for m in _VALUE_SD.finditer(text):
        sd_group = "sd" if m.group("sd") else "sd2"
        found.append(ValueSD(_number(m, "num", offset, bool(m.group("pct"))), _number(m, sd_group, offset)))
    return found


def find_fractions(text: str, offset: int = 0) -> list[Fraction]:
    """Return fractions "7/13" whose numerator does not exceed a non-zero denominator."""
    return _fractions(_FRACTION, text, offset, lambda m, a, b: not (a <= 31 and 1900 <= b <= 2100))  # "12/2015": a date


def find_of_fractions(text: str, offset: int = 0) -> list[Fraction]:
    """Return counts of people over a total written "27 of 60 patients" or "7 of 30 (23%)" (a percentage follows)."""
    return _fractions(_OF_FRACTION, text, offset,
                      lambda m, a, b: bool(m.group("who") or m.group("pct") or m.group("arm")))


def _fractions(
    pattern: re.Pattern[str], text: str, offset: int, keep: Callable[[re.Match[str], int, int], bool]
) -> list[Fraction]:
    """The matches of `pattern` (groups a, b) read as fractions: a non-zero total, a part no larger, and `keep`."""
    found = []
    for m in pattern.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        if b == 0 or a > b or not keep(m, a, b):
            continue
        num = Number(offset + m.start("a"), offset + m.end("a"), Decimal(a))
        den = Number(offset + m.start("b"), offset + m.end("b"), Decimal(b))
        found.append(Fraction(offset + m.start(), offset + m.end(), num, den))
    return found


def find_counts(text: str, offset: int = 0) -> list[Number]:
    """Return sample sizes written "n=53" / "N = 12" (the span covers the digits)."""
    return [Number(offset + m.start("n"), offset + m.end("n"), Decimal(m.group("n"))) for m in _COUNT.finditer(text)]
