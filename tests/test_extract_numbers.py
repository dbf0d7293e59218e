"""Number parsers: p-values, confidence intervals, mean (SD), percentages, fractions and counts (data-driven)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from il2kg.extract import numbers
from il2kg.extract.furniture import normalise_chars

CASES = json.loads((Path(__file__).parent / "cases" / "recognisers" / "numbers.json").read_text(encoding="utf-8"))


def _dec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _parsed(parser: str, raw: str) -> list:
    clean = normalise_chars(raw)  # parsers read cleaned text; spans point into the raw text
    if parser == "p":
        return [[raw[p.start : p.end], p.value, p.comparator] for p in numbers.find_p_values(clean)]
    if parser == "ci":
        return [[i.level.value, i.low.value, i.high.value] for i in numbers.find_intervals(clean)]
    if parser == "sd":
        pairs = numbers.find_values_with_sd(clean)
        return [[raw[v.value.start : v.value.end], v.value.value, v.sd.value] for v in pairs]
    if parser == "percent":
        return [[raw[n.start : n.end], n.value] for n in numbers.find_percentages(clean)]
    if parser == "fraction":
        return [[int(f.numerator.value), int(f.denominator.value)] for f in numbers.find_fractions(clean)]
    if parser == "of-fraction":
        return [[int(f.numerator.value), int(f.denominator.value)] for f in numbers.find_of_fractions(clean)]
    return [n.value for n in numbers.find_counts(clean)]


def _expected(parser: str, expect: list) -> list:
    if parser == "p":
        return [[text, _dec(value), op] for text, value, op in expect]
    if parser == "ci":
        return [[_dec(x) for x in row] for row in expect]
    if parser == "sd":
        return [[text, _dec(v), _dec(sd)] for text, v, sd in expect]
    if parser == "percent":
        return [[text, _dec(v)] for text, v in expect]
    if parser in ("fraction", "of-fraction"):
        return [[int(a), int(b)] for a, b in expect]
    return [_dec(n) for n in expect]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['parser']}:{c['text'][:40]}" for c in CASES])
def test_parser_case(case: dict) -> None:
    assert _parsed(case["parser"], case["text"]) == _expected(case["parser"], case["expect"])


def test_offsets_shift_spans() -> None:
    (p,) = numbers.find_p_values("x (p=0.01)", offset=100)
    assert (p.start, p.end, p.num_start, p.num_end) == (103, 109, 105, 109)


@pytest.mark.parametrize(("text", "value"), [("0,05", "0.05"), (".03", "0.03"), ("+6.2", "6.2"), ("1,000", "1000")])
def test_to_decimal(text: str, value: str) -> None:
    assert numbers.to_decimal(text) == Decimal(value)


def test_a_range_after_a_percentage_is_no_negative_number():
    from il2kg.extract.numbers import find_numbers

    assert [n.value for n in find_numbers("historical response rates of 16%-23%") if n.value < 0] == []
    assert [str(n.value) for n in find_numbers("changed by -0.49% and +3.9%")] == ["-0.49", "3.9"]
