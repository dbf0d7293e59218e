"""Results tables of a one-group study whose columns are time points, not arms:

    Variable | Baseline | Week 12 | P value
    Treg, % of CD4+, median (IQR) | 4.1 (3.2-5.0) | 9.3 (7.7-11.8) | <0.001

Each row is the one arm's change over time: its value at the last time point (with the statistic the row
label names), the direction from the first to the last column, and the p column (a within-arm comparison).
Columns that are neither (a fold change, a difference) are left unread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from il2kg.extract.cues import find_timepoints, p_verdict
from il2kg.extract.numbers import PValue, to_decimal
from il2kg.extract.results import Context, Finding, p_fields
from il2kg.extract.terms import TermMatch, find_terms
from il2kg.extract.text import Snippet
from il2kg.model import Fact, Quantity, Result

_BASELINE_CELL = re.compile(r"(?:baseline|pre-?treatment|before(?:\s+treatment)?|week\s+0|day\s+0|month\s+0)", re.I)
_P_HEADER = re.compile(r"p(?:\s*-?\s*values?)?", re.I)
_P_CELL = re.compile(r"(?P<op><=|≤|<|>|=)?\s*(?P<num>0?\.\d+|[01])")
_NUM = r"[+-]?\d{1,3}(?:,\d{3})*(?:\.\d+)?"
# "4.1 (3.2-5.0)", "960 (610-1840)", "8.1 (2.2)", "12%": a value, with its spread or SD in brackets.
_CELL = re.compile(rf"(?P<v>{_NUM})\s*%?\s*(?:\(\s*{_NUM}\s*(?:[-–]\s*{_NUM}\s*)?\)|\[\s*{_NUM}\s*[-–]\s*{_NUM}\s*\])?")


@dataclass(frozen=True, slots=True)
class TimeHeader:
    times: dict[int, str]  # column -> time point ("baseline", "week 12")
    p_column: int | None
    width: int


def time_header(ctx: Context, cells: list[Snippet]) -> TimeHeader | None:
    """A header of a label column, two or more time-point columns (the first a baseline) and at most one p column,
    in a study of one arm; else None."""
    if len([a for a in ctx.arms if a.label]) != 1 or len(cells) < 3:
        return None
    times: dict[int, str] = {}
    p_column = None
    for i, cell in enumerate(cells[1:], start=1):
        found = find_timepoints(cell.text, cell.start)
        if _BASELINE_CELL.fullmatch(cell.text):
            times[i] = "baseline"
        elif len(found) == 1 and found[0][1] - found[0][0] == len(cell.text):
            times[i] = found[0][2]
        elif _P_HEADER.fullmatch(cell.text):
            p_column = i if p_column is None else -1
    columns = sorted(times)
    if len(times) < 2 or p_column == -1 or times[columns[0]] != "baseline":
        return None
    return TimeHeader(times, p_column, len(cells))


def time_row(ctx: Context, header: TimeHeader, cells: list[Snippet]) -> list[Finding]:
    """One row: the measure its label names (one lexicon biomarker), the last time point's value, the direction
    from the first time point and the p column."""
    label = cells[0]
    terms = {t.term.curie: t for t in find_terms(label.text, ctx.lexicon, "biomarker")}
    if len(terms) != 1:
        return []
    term = next(iter(terms.values()))
    measure = TermMatch(label.start + term.start, label.start + term.end, term.term)
    first, last = min(header.times), max(header.times)
    before, after = _CELL.fullmatch(cells[first].text), _CELL.fullmatch(cells[last].text)
    if not (before and after):
        return []
    a, b = _number(before.group("v")), _number(after.group("v"))
    cell = cells[last]
    fields: dict = {"direction": _fact(ctx, "increase" if b > a else "decrease" if b < a else "no-change",
                                       cells[first].start, cell.end, "direction")}
    statistic = "median" if re.search(r"\bmedian\b", label.text, re.I) else "mean" if re.search(
        r"\bmean\b", label.text, re.I) else None
    if statistic:
        span = (cell.start + after.start("v"), cell.start + after.end("v"))
        unit = "%" if "%" in cell.text or "%" in label.text else ""
        fields |= {"statistic": _fact(ctx, statistic, *span, "statistic"),
                   "value": _fact(ctx, Quantity(b, unit), *span, "value")}
    p = _p_value(header, cells)
    if p is not None:
        fields |= p_fields(ctx, p)
        verdict = p_verdict(p)
        if verdict is not None:
            fields["significant"] = _fact(ctx, verdict, p.start, p.end, "significance")
    time = header.times[last]
    timepoint = _fact(ctx, time, cell.start, cell.end, "column-timepoint") if time != "baseline" else None
    result = Result(arm=next(a.label for a in ctx.arms if a.label), timepoint=timepoint, **fields)
    return [Finding(measure, None, timepoint, (result,))]


def _number(text: str) -> Decimal:
    return to_decimal(text.replace(",", "")) or Decimal(0)


def _p_value(header: TimeHeader, cells: list[Snippet]) -> PValue | None:
    if header.p_column is None:
        return None
    cell = cells[header.p_column]
    m = _P_CELL.fullmatch(cell.text)
    value = to_decimal(m.group("num")) if m else None
    if m is None or value is None or value > 1 or (value == 0 and m.group("op") in (None, "=")):
        return None
    op = {"≤": "<="}.get(m.group("op"), m.group("op") or "=")
    return PValue(cell.start, cell.end, value, op, cell.start + m.start("num"), cell.start + m.end("num"))


def _fact(ctx: Context, value, start: int, end: int, rule: str) -> Fact:
    return Fact(value, ctx.page.evidence(start, end, f"result_tables.{rule}"))
