"""The one dose grammar: amounts of a drug with their unit, as written and normalised.

Every caller (article arms, registry arms, arm mentions in results) reads doses here, so a new
wording is one row in this module and one test case. The scanner finds a unit first, then reads
the amounts written before it, token by token (no nested repeats, so no pattern can backtrack
exponentially):

    "1 MIU"  "1 M IU"  "1 million IU"  "1.5 MIU/m2"  "250 000 IU/m2"  "250,000 IU/m²"
    "1 × 10^6 IU"  "1x10⁶ IU"  "1 × 106 IU" (superscript lost)  "1 x 10(6) IU" (from a PDF)  "10^6 IU/day"
    "20 WIU" (wan, 10^4)
    "1, 2 and 3 MIU"  "1 and 2 MIU"  "0.3, 1 or 3 × 10^6 IU/m2" (shared multiplier)
    "1 × 10^6 or 3 × 10^6 IU" (one each)  "1-3 MIU"  "1 to 3 MIU" (a range gives both ends)

Normalisation (the gold format's): a written 10^6 (million, M, ×10^6) gives MIU with the written
number; 10^7 and above MIU scaled; 10^4 and 10^5 (wan included) IU with the product; digit groups
dropped. `Dose.derivation` names a normalisation that changed the number, so a reviewer sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from il2kg.extract.span import Span

_SUPERSCRIPT = {"⁴": 4, "⁵": 5, "⁶": 6, "⁷": 7, "⁸": 8, "⁹": 9}
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "half a": Decimal("0.5")}

# The unit, with what sits in front of it (a multiplier word glued to it) and what follows (per m2, per day).
# "UI" is the French order of IU ("1.5 MUI/jour"), "Mio. I.E." the German million IU.
_UNIT = re.compile(
    r"(?P<mult>(?<![A-Za-z])(?:(?i:million|mill\.?|mio\.?|wan)|M|W|万)\s?)?"
    r"(?P<unit>IU|UI(?![\w])|I\.E\.|international\s+units?|units?|U(?![\w-])|MU(?![\w])|µg|μg|ug|mcg|mug|mg)"
    r"(?![A-Za-z])(?!\s*/\s*(?:L|l|ml|mL|dL|dl)\b)"
    r"(?:\s*\[[A-Za-z]{1,6}\]|\s*\((?:MIU|IU|U)\))?"  # "1.2 million IU [MIU]/m2": an abbreviation in brackets
    r"(?P<per>\s*(?:/|per)\s*(?:(?:square\s+)?m(?:2|²|\^2|\s2(?!\d))|(?:square\s+)?met(?:er|re)s?(?:\s+squared)?|kg|kilograms?(?:\s+of\s+body[\s-]weight)?|"
    r"body\s+surface\s+area)(?![A-Za-z]))?"
    r"(?P<daily>\s*(?:/\s*(?:day|d)\b|per\s+day\b|daily\b|a\s+day\b))?"
)
# Tokens read backwards from a unit: amounts, multipliers, list separators.
_TOKEN = re.compile(
    r"(?P<exp>[x×*]\s*10\s*(?:\^|\*\*|[eE])?\s*\(?(?P<e>[4-9])(?!\d)(?:(?<=\(\d)\)|(?<![(]\d))|[x×*]\s*10(?P<es>[⁴-⁹])|(?<![\d.])10\s*\^\s*(?P<eb>[4-9]))"
    # A number glued to a name ("IL-2 125 μg", "interleukin-2 250 000 IU") is the name's, not an amount.
    # A decimal comma ("1,5 MUI") is one or two digits glued after the comma; a list has a space ("1, 2 and 3 MIU").
    r"|(?<![A-Za-z])(?<![A-Za-z]-)(?P<num>\d{1,3}(?:[ ,]\d{3})+(?:\.\d+)?(?![\d,])|\d+,\d{1,2}(?![\d,])|\d+(?:\.\d+)?)"
    r"|(?P<word>\b(?:one|two|three|four|five|six|seven|eight|nine|ten|half\s+a)\b)"
    r"|(?P<sep>,\s*(?:and|or)\b|,|\band\b|\bor\b|\bto\b|-(?=\s*\d))"
    r"|(?P<space>\s+|\(\s*n\s*=\s*\d{1,4}\s*\))"  # "0.5 (n=6), 1 (n=6) or 2 MIU": a cohort's size between levels
    r"|(?P<other>.)",
    re.IGNORECASE | re.DOTALL,
)
_WINDOW = 90


@dataclass(frozen=True, slots=True)
class Dose(Span):
    """One dose level: the normalised value and unit code, and how it was derived."""

    value: Decimal
    unit: str  # IU, MIU, IU/m2, MIU/m2, IU/kg, MIU/kg, ug, ug/kg, mg, mg/kg
    daily: tuple[int, int] | None = None  # span of a per-day suffix ("/day", "daily")
    derivation: str | None = None  # "10^6 -> MIU", "wan -> IU": the number differs from the written one
    in_range: bool = False


@dataclass(frozen=True, slots=True)
class _Amount(Span):
    value: Decimal
    exp: int | None  # its own multiplier


def _decimal(text: str) -> Decimal:
    if re.fullmatch(r"\d+,\d{1,2}", text):  # a decimal comma: "1,5"
        return Decimal(text.replace(",", "."))
    return Decimal(re.sub(r"[ ,](?=\d{3}\b)", "", text))


def _tokens(text: str, lo: int, hi: int) -> list[tuple[str, str, int, int, re.Match[str]]]:
    out = []
    for m in _TOKEN.finditer(text, lo, hi):
        kind = m.lastgroup if m.lastgroup not in ("e", "es", "eb") else "exp"
        if kind == "space":
            continue
        out.append((kind, m.group(0), m.start(), m.end(), m))
    return out


def _exponent(m: re.Match[str]) -> int:
    if m.group("es"):
        return _SUPERSCRIPT[m.group("es")]
    return int(m.group("e") or m.group("eb"))


def _amounts_before(text: str, unit_start: int) -> tuple[list[_Amount], bool]:
    """Read the amounts written before a unit, last first; return them in text order and whether a range."""
    lo = max(0, unit_start - _WINDOW)
    tokens = _tokens(text, lo, unit_start)
    amounts: list[_Amount] = []
    pending_exp: tuple[int, int] | None = None  # exponent seen, waiting for its coefficient
    is_range = False
    conjunction = False
    i = len(tokens) - 1
    while i >= 0:
        kind, raw, start, end, match = tokens[i]
        if kind == "exp":
            if pending_exp is not None or (amounts and not _expects_amount(tokens, i)):
                break
            pending_exp = (_exponent(match), start)
            if match.group("eb"):  # "10^6 IU": coefficient 1, written as the power alone
                amounts.append(_Amount(start, end, Decimal(1), pending_exp[0]))
                pending_exp = None
        elif kind in ("num", "word"):
            value = _decimal(raw) if kind == "num" else Decimal(_WORDS[" ".join(raw.lower().split())])
            if amounts and pending_exp is None and not _after_separator(tokens, i):
                break
            amounts.append(_Amount(start, end, value, pending_exp[0] if pending_exp else None))
            pending_exp = None
        elif kind == "sep":
            if not amounts or pending_exp is not None:
                break
            word = raw.strip(", ").lower()
            if word in ("to", "-"):
                if len(amounts) > 1 or is_range:
                    break
                is_range = True
            elif word in ("and", "or"):
                conjunction = True
            elif not conjunction:  # "days 1-5, 1 MIU": a comma list needs its "and"/"or"
                break
        else:
            break
        i -= 1
    if pending_exp is not None:
        amounts = []
    amounts = amounts[::-1]
    descending = len(amounts) == 2 and amounts[0].value >= amounts[1].value and amounts[0].exp == amounts[1].exp
    ratio = len(amounts) == 2 and re.search(r"\d\s*[:/]\s*$", text[max(0, amounts[0].start - 4) : amounts[0].start])
    # "...: 62 to placebo, 61 to 50 μg, 63 to 100 μg": an item of a list of allocations, people to a dose
    before = text[max(0, amounts[0].start - 6) : amounts[0].start] if amounts else ""
    listed = len(amounts) == 2 and re.search(r"(?:[,:;]|\band)\s*$", before)
    if is_range and (descending or ratio or listed):
        # "61 to 50 μg" (61 people to 50 μg), "randomized 1:1 to 1.5 × 10^6 IU": no range, the dose is the last
        return amounts[1:], False
    return amounts, is_range and len(amounts) == 2


def _expects_amount(tokens: list, i: int) -> bool:
    """An exponent inside a list ("1 × 10^6 or 3 × 10^6") follows a separator."""
    return i + 1 < len(tokens) and tokens[i + 1][0] == "sep"


def _after_separator(tokens: list, i: int) -> bool:
    return i + 1 < len(tokens) and tokens[i + 1][0] == "sep"


def _unit_code(unit: re.Match[str]) -> tuple[str, int]:
    """Return the base unit code and the power of ten a glued multiplier word adds."""
    word = (unit.group("mult") or "").strip().lower().rstrip(".")
    core = unit.group("unit").lower()
    exp = 6 if word in ("million", "mill", "mio", "m") or core == "mu" else 4 if word in ("w", "wan", "万") else 0
    if core in ("µg", "μg", "ug", "mcg", "mug"):  # "mug": a µ that lost its glyph in copying
        base = "ug"
    elif core == "mg":
        base = "mg"
    else:
        base = "IU"
    per = unit.group("per") or ""
    area, weight = re.search(r"m(?:2|²|\^2|\s2)|surface|met(?:er|re)", per), re.search(r"kg|kilogram", per)
    suffix = "/m2" if area else "/kg" if weight else ""
    return base + suffix, exp


def _normalise(value: Decimal, base: str, exp: int) -> tuple[Decimal, str, str | None]:
    if not base.startswith("IU") or exp == 0:
        return value, base, None
    if exp >= 6:
        return value * Decimal(10) ** (exp - 6), "M" + base, None if exp == 6 else f"10^{exp} -> MIU"
    return value * Decimal(10) ** exp, base, f"10^{exp} -> IU"


def find_doses(text: str, start: int = 0, end: int | None = None) -> list[Dose]:
    """Return every dose level written in text[start:end], in text order (a list gives one per number)."""
    end = len(text) if end is None else end
    out: list[Dose] = []
    for unit in _UNIT.finditer(text, start, end):
        if unit.group("unit") in ("U", "units", "unit") and not (unit.group("mult") or unit.group("per")
                                                                  or _has_power(text, unit)):
            continue  # a bare "U"/"units" is a dose only with a multiplier or per body size ("50,000 units/m2")
        base, glued = _unit_code(unit)
        amounts, is_range = _amounts_before(text, unit.start())
        amounts = [a for a in amounts if a.start >= start]
        if not amounts:
            continue
        shared = amounts[-1].exp
        daily = unit.span("daily") if unit.group("daily") else None
        dose_end = unit.end("per") if unit.group("per") else unit.end("unit")
        for amount in amounts:
            exp = (amount.exp if amount.exp is not None else shared or 0) + glued
            value, code, derivation = _normalise(amount.value, base, exp)
            if value <= 0:
                continue
            out.append(Dose(amount.start, dose_end, _tidy(value), code, daily, derivation, is_range))
    return _dedupe(out)


def _tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros without an exponent: 10 stays 10, 1.50 becomes 1.5."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _has_power(text: str, unit: re.Match[str]) -> bool:
    return bool(re.search(r"(?:10\s*(?:\^|\*\*)?\s*[4-9]|10[⁴-⁹])\s*$", text[max(0, unit.start() - 12) : unit.start()]))


def _dedupe(doses: list[Dose]) -> list[Dose]:
    seen: set[tuple[int, int]] = set()
    out = []
    for dose in sorted(doses, key=lambda d: (d.start, d.end)):
        if (dose.start, dose.end) not in seen:
            seen.add((dose.start, dose.end))
            out.append(dose)
    return out


def plain(value: Decimal) -> str:
    """Print a dose number without exponent or trailing zeros ("250000", "1.5")."""
    return format(value.normalize(), "f")


def in_base_units(value: Decimal, unit: str) -> tuple[Decimal, str]:
    """A dose in IU (or its mass unit) so that "2 MIU" and "2000000 IU" compare equal."""
    if unit.startswith("MIU"):
        return _tidy(value * Decimal(10) ** 6), unit[1:]
    return _tidy(value), unit
