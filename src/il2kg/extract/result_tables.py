"""Results tables written as text rows: cells split by '|' or tabs, a header naming the arms, one row per measure.

    Outcome | IL-2 (n=40) | Placebo (n=20) | p value
    Change in DAS28-CRP, mean (SD) | -1.9 (1.1) | -0.8 (1.0) | <0.001

Header cells are mapped to arms through the arm mentions (label, agent, dose, placebo); row labels to one lexicon
biomarker. Each arm cell gives that arm's value; the p column of a table with one active arm and one placebo arm
compares them and is keyed to the active arm (the gold convention for comparisons). Baseline tables are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from il2kg.extract.arm_mentions import CONTROL, find_arm_mentions, is_placebo
from il2kg.extract.cues import SD_CUE, find_timepoints, p_verdict, proportion_statistic
from il2kg.extract.numbers import Fraction, Number, PValue, to_decimal
from il2kg.extract.result_time_tables import TimeHeader, time_header, time_row
from il2kg.extract.results import Context, Finding, p_fields
from il2kg.extract.terms import TermMatch, find_terms
from il2kg.extract.text import Sentence, Snippet
from il2kg.model import Fact, Quantity, Result

_NUM = r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)"
_P_HEADER = re.compile(r"p(?:\s*-?\s*values?)?(?:\s*\(.*\))?", re.IGNORECASE)
_P_CELL = re.compile(r"(?:p\s*)?(?P<op><=|≤|⩽|<|>|=)?\s*(?P<num>\d*\.\d+|[01])", re.IGNORECASE)
_FRACTION_PCT = re.compile(rf"(?P<a>\d+)\s*/\s*(?P<b>\d+)\s*\(\s*(?P<v>{_NUM})\s*%\s*\)")
_COUNT_PCT = re.compile(rf"\d+\s*\(\s*(?P<v>{_NUM})\s*%\s*\)")
_PCT = re.compile(rf"(?P<v>{_NUM})\s*%")
_VALUE_BRACKET = re.compile(
    rf"(?P<v>{_NUM})(?P<pct>\s*%)?\s*(?:\(\s*(?P<b>{_NUM})\s*\)|\[\s*(?P<b2>{_NUM})\s*\]|±\s*(?P<pm>{_NUM}))?"
)
_BASELINE = re.compile(r"\bbaseline\b|\bcharacteristics\b|\bdemographic", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Header:
    arms: dict[int, str]  # column -> arm label
    p_column: int | None
    width: int
    timepoint: Fact[str] | None


def _cells(ctx: Context, sentence: Sentence) -> list[Snippet]:
    """Split a row at '|' or tab characters (tabs are blanked in the clean text, so the raw text is read)."""
    raw, clean = ctx.page.raw[sentence.start : sentence.end], ctx.page.clean[sentence.start : sentence.end]
    if not re.search(r"\||\t", raw):
        return []
    cells, start = [], 0
    for cut in [m.start() for m in re.finditer(r"\||\t", raw)] + [len(raw)]:
        body = clean[start:cut]
        lead = len(body) - len(body.lstrip())
        cells.append(Snippet(sentence.start + start + lead, sentence.start + start + len(body.rstrip()), body.strip()))
        start = cut + 1
    return cells


def _header(ctx: Context, cells: list[Snippet]) -> _Header | None:
    """A header: a label column, then arm columns (one distinct arm each) and at most one p column."""
    arms: dict[int, str] = {}
    p_column = None
    for i, cell in enumerate(cells[1:], start=1):
        mentions = find_arm_mentions(cell.text, cell.start, ctx.arms, ctx.lexicon, ctx.aliases)
        labels = {m.label for m in mentions} - {CONTROL}
        if len(labels) == 1:
            arms[i] = labels.pop()
        elif _P_HEADER.fullmatch(cell.text):
            p_column = i if p_column is None else -1
    if len(arms) < 2 or len(set(arms.values())) != len(arms) or p_column == -1:
        return None
    times = [t for c in cells for t in find_timepoints(c.text, c.start)]
    timepoint = Fact(times[0][2], ctx.page.evidence(times[0][0], times[0][1], "result_tables.timepoint")) \
        if len({t[2] for t in times}) == 1 else None
    return _Header(arms, p_column, len(cells), timepoint)


# "Table 2. Outcomes at week 24": a numbered table's caption, which places the table in the results wherever the
# page's sections end.
_CAPTION = re.compile(r"\s*Table\s+\d{1,2}\b", re.IGNORECASE)


def read_tables(ctx: Context, sentences: tuple[Sentence, ...]) -> tuple[dict[int, list[Finding]], set[int]]:
    """Findings of the table rows among the sentences, keyed by sentence index (a header maps to no finding), and
    the indexes of the rows of tables under a numbered caption."""
    found: dict[int, list[Finding]] = {}
    captioned: set[int] = set()
    header: _Header | None = None
    timed: TimeHeader | None = None
    under_caption = False
    for i, sentence in enumerate(sentences):
        cells = _cells(ctx, sentence)
        if (header or timed) is not None and len(cells) == (header or timed).width:
            found[i] = _row(ctx, header, cells) if header else time_row(ctx, timed, cells)
            captioned |= {i} if under_caption else set()
            continue
        header = _header(ctx, cells) if cells else None
        timed = time_header(ctx, cells) if cells and header is None else None
        if timed is not None:
            found[i] = []
            under_caption = any(_CAPTION.match(ctx.page.clean, s.start, s.end) for s in sentences[max(0, i - 2) : i])
        if header is not None:
            found[i] = []
            caption = [s for s in sentences[max(0, i - 2) : i] if _CAPTION.match(ctx.page.clean, s.start, s.end)]
            under_caption = bool(caption)
            if caption and header.timepoint is None:  # "Table 2. Outcomes at week 24"
                header = _with_caption_time(ctx, header, caption[0], sentences[i - 1])
            before = ctx.page.clean[sentences[i - 1].start : sentences[i - 1].end] if i else ""
            if _BASELINE.search(before) or _BASELINE.search(ctx.page.clean[sentence.start : sentence.end]):
                header = _Header({}, None, header.width, None)  # a baseline table: its rows are read as nothing
    return found, captioned


def _with_caption_time(ctx: Context, header: _Header, first: Sentence, last: Sentence) -> _Header:
    times = find_timepoints(ctx.page.clean[first.start : last.end], first.start)
    if len({t[2] for t in times}) != 1:
        return header
    timepoint = Fact(times[0][2], ctx.page.evidence(times[0][0], times[0][1], "result_tables.caption-timepoint"))
    return _Header(header.arms, header.p_column, header.width, timepoint)


def _fact(ctx: Context, value, start: int, end: int, rule: str) -> Fact:
    return Fact(value, ctx.page.evidence(start, end, f"result_tables.{rule}"))


def _row(ctx: Context, header: _Header, cells: list[Snippet]) -> list[Finding]:
    """One row: its measure (exactly one lexicon biomarker in the label), per-arm values and the p column."""
    label = cells[0]
    terms = {t.term.curie: t for t in find_terms(label.text, ctx.lexicon, "biomarker")}
    if len(terms) != 1 or _BASELINE.search(label.text) or not header.arms:
        return []
    term = next(iter(terms.values()))
    measure = TermMatch(label.start + term.start, label.start + term.end, term.term)
    times = find_timepoints(label.text, label.start)
    timepoint = _fact(ctx, times[0][2], times[0][0], times[0][1], "timepoint") if times else header.timepoint
    common = {"timepoint": timepoint} if timepoint else {}
    comparison = _comparison(ctx, header, cells)
    results = []
    for column, arm in header.arms.items():
        fields = _cell_fields(ctx, label.text, cells[column])
        if arm == comparison.get("arm"):
            fields |= {k: v for k, v in comparison.items() if k != "arm"}
        if fields:
            results.append(Result(arm=arm, **common, **fields))
    return [Finding(measure, None, timepoint, tuple(results), comparison="p_value" in comparison)] if results else []


def _comparison(ctx: Context, header: _Header, cells: list[Snippet]) -> dict:
    """The p column compares the one active arm with the one placebo arm: its fields, keyed by that arm."""
    by_label = {arm.label: arm for arm in ctx.arms}
    labels = list(header.arms.values())
    placebo = [label for label in labels if label in by_label and is_placebo(by_label[label])]
    active = [label for label in labels if label not in placebo]
    if header.p_column is None or len(labels) != 2 or len(placebo) != 1:
        return {}
    cell = cells[header.p_column]
    m = _P_CELL.fullmatch(cell.text)
    value = to_decimal(m.group("num")) if m else None
    if value is None or value > 1 or (value == 0 and m.group("op") in (None, "=")):
        return {}
    op = {"≤": "<=", "⩽": "<="}.get(m.group("op"), m.group("op") or "=")
    p = PValue(cell.start, cell.end, value, op, cell.start + m.start("num"), cell.start + m.end("num"))
    fields = {"arm": active[0], "comparator": placebo[0], **p_fields(ctx, p)}
    verdict = p_verdict(p)
    if verdict is not None:
        fields["significant"] = _fact(ctx, verdict, p.start, p.end, "significance")
    return fields


def _statistic(label: str, count: bool) -> str | None:
    """The statistic a row label names; `count` for cells written as a count or share of patients."""
    mean = re.search(r"\bmean\b", label, re.IGNORECASE)
    if re.search(r"\bmedian\b", label, re.IGNORECASE):
        return "median"
    if re.search(r"\bchange|Δ", label, re.IGNORECASE):
        return "mean-change" if mean or not count else None
    if mean:
        return "mean"
    if count:
        return proportion_statistic(label)
    return None


def _cell_fields(ctx: Context, label: str, cell: Snippet) -> dict:
    """The value of one arm cell: "12/40 (30%)", "12 (30%)", "30%", "-1.9 (1.1)" with an SD cue, "-1.9"."""
    text, at = cell.text, cell.start
    fields: dict = {}
    m = _FRACTION_PCT.fullmatch(text) or _COUNT_PCT.fullmatch(text) or _PCT.fullmatch(text)
    if m:
        fraction = _fraction(m, at) if "a" in m.groupdict() else None
        if fraction is not None:
            fields.update(numerator=_fact(ctx, int(fraction.numerator.value), *_span(fraction.numerator), "fraction"),
                          denominator=_fact(ctx, int(fraction.denominator.value), *_span(fraction.denominator),
                                            "fraction"))
        elif "a" in m.groupdict():
            return {}  # the percentage does not match the count: a misread cell
        value, unit, count = to_decimal(m.group("v")), "%", True
    else:
        m = _VALUE_BRACKET.fullmatch(text)
        if not m:
            return {}
        percent = m.group("pct") or "%" in label  # "Treg %, mean (SD)"
        value, unit, count = to_decimal(m.group("v")), "%" if percent else "", False
        sd = m.group("pm") or ((m.group("b") or m.group("b2")) if SD_CUE.search(label) else None)
        if sd is not None:
            group = "pm" if m.group("pm") else "b" if m.group("b") else "b2"
            fields["sd"] = _fact(ctx, to_decimal(sd), at + m.start(group), at + m.end(group), "sd")
    statistic = _statistic(label, count)
    if statistic is None or value is None:
        return {}
    span = (at + m.start("v"), at + m.end("v"))
    fields.update(statistic=_fact(ctx, statistic, *span, "statistic"),
                  value=_fact(ctx, Quantity(value, unit), *span, "value"))
    return fields


def _span(number: Number) -> tuple[int, int]:
    return number.start, number.end


def _fraction(m: re.Match[str], at: int) -> Fraction | None:
    a, b, pct = int(m.group("a")), int(m.group("b")), to_decimal(m.group("v"))
    if b == 0 or a > b or pct is None or abs(Decimal(100 * a) / b - pct) > 1:
        return None
    num = Number(at + m.start("a"), at + m.end("a"), Decimal(a))
    den = Number(at + m.start("b"), at + m.end("b"), Decimal(b))
    return Fraction(num.start, den.end, num, den)
