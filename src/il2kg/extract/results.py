"""Result sentences of trial articles: clauses, cues (direction, significance, population, timepoint) and Results."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from il2kg.extract.arm_mentions import CONTROL, find_arm_mentions, is_placebo
from il2kg.extract.cue_tables import compile_cues
from il2kg.extract.cues import (
    COMPARISON_CUE,
    ROLE_CUE,
    clauses,
    find_direction,
    find_significance,
    find_timepoints,
    normal_role,
    proportion_statistic,
)
from il2kg.extract.numbers import PValue, find_counts, find_p_values
from il2kg.extract.result_values import Slot, assign_arms, by_measure, find_slots
from il2kg.extract.terms import TermMatch, find_terms
from il2kg.extract.text import Page, Sentence
from il2kg.model import Arm, Fact, Lexicon, Quantity, Result

_POPULATIONS = (
    (r"\b(?:intention|intent)[\s-]+to[\s-]+treat\b(?:\s*\(ITT\))?(?:\s+(?:population|analysis|set))?|\bITT\b",
     "intention-to-treat"),
    (r"\bper[\s-]+protocol\b(?:\s+(?:population|analysis|set))?", "per-protocol"),
    (r"\bsafety\s+(?:population|analysis\s+set|set)\b", "safety-population"),
)
# Cues of what a result is and of what a clause says about the arms, by name.
_CUES = compile_cues({
    "post-hoc": r"\bpost[\s-]?hoc\b",
    "prespecified": r"\b(?P<neg>not\s+)?pre-?(?:specified|defined|planned)\b",
    "subgroup": r"\b(?:in|among|amongst|for)\s+(?:the\s+)?(?:patients|subjects|participants|subgroup|those)\s+"
    r"(?:with|of)\s+(?:active\s+|biopsy-proven\s+)?$",
    # A clause that explains a result ("due to a 100% response rate at two sites") reports no arm's value.
    "explanation": r"[\s,;]*(?:due\s+to|because|owing\s+to|explained\s+by)\b",
    # A statement comparing arms, and an arm named only to be excluded ("but not with placebo").
    "between": r"\b(?:between|among|amongst|across)\s+(?:the\s+)?(?:\w+\s+)?(?:groups|arms)\b|\bdose-dependent",
    "negated": r"\bnot\s+(?:in|with|on|for|among)\s+(?:the\s+)?(?:patients\s+(?:given|receiving|on)\s+)?$",
    "change": r"\bchange|increas|decreas|rise|rose|fell|fall|reduc",
})


@dataclass(frozen=True, slots=True)
class Context:
    """What every result sentence of one page is read against."""

    page: Page
    lexicon: Lexicon
    arms: tuple[Arm, ...]
    main_disease: str | None  # the page's most mentioned disease: not a subgroup
    aliases: tuple[tuple[str, str], ...] = ()  # "group a" -> the arm the methods say it is


@dataclass(frozen=True, slots=True)
class Finding:
    """Results about one measure read in one clause; measure None = the measure in focus."""

    measure: TermMatch | None
    role: str | None
    timepoint: Fact[str] | None
    results: tuple[Result, ...]
    comparison: bool = False  # the results compare arms (a verdict on the outcome may be derived from them)


def _fact(ctx: Context, value, start: int, end: int, rule: str) -> Fact:
    return Fact(value, ctx.page.evidence(start, end, f"results.{rule}"))


def _span_fact(ctx: Context, span: tuple | None, rule: str) -> Fact | None:
    return _fact(ctx, span[2], span[0], span[1], rule) if span else None


def _sentence_fields(ctx: Context, text: str, base: int) -> dict[str, Fact]:
    """Analysis population, post hoc / prespecified flags and the population's n, shared by a sentence's results."""
    fields: dict[str, Fact] = {}
    found = [(m, code) for pattern, code in _POPULATIONS for m in re.finditer(pattern, text, re.IGNORECASE)]
    if len({code for _, code in found}) == 1:
        m, code = found[0]
        fields["population"] = _fact(ctx, code, base + m.start(), base + m.end(), "population")
        counts = find_counts(text, base)
        if len(counts) == 1:
            fields["n"] = _fact(ctx, int(counts[0].value), counts[0].start, counts[0].end, "population_n")
    post_hoc = _CUES["post-hoc"].search(text)
    if post_hoc:
        fields["post_hoc"] = _fact(ctx, True, base + post_hoc.start(), base + post_hoc.end(), "post_hoc")
    pre = _CUES["prespecified"].search(text)
    if pre:
        fields["prespecified"] = _fact(ctx, not pre.group("neg"), base + pre.start(), base + pre.end(), "prespecified")
    return fields


def _subgroup(ctx: Context, text: str, offset: int) -> dict[str, Fact]:
    for match in find_terms(text, ctx.lexicon, "disease"):
        if match.term.curie != ctx.main_disease and _CUES["subgroup"].search(text[: match.start]):
            start, end = offset + match.start, offset + match.end
            return {"subgroup": _fact(ctx, match.term.curie, start, end, "subgroup"),
                    "population": _fact(ctx, "subgroup-population", start, end, "subgroup")}
    return {}


def _statistic(slot: Slot, sentence: str) -> str | None:
    if slot.statistic or slot.kind == "from-to":
        mean = re.search(r"\b(mean|median)\b", sentence, re.IGNORECASE)
        return slot.statistic or (mean.group(1).lower() if mean else None)
    if slot.kind in ("sd", "mean"):
        signed = slot.value is not None and slot.value.value < 0 or _CUES["change"].search(sentence)
        return "mean-change" if signed else "mean"
    return proportion_statistic(sentence)


def _slot_result(ctx: Context, slot: Slot, sentence: str, common: dict, active: bool) -> Result:
    """Turn a slot into a Result; `common` holds the clause's shared fields (p, comparator, direction ...)."""
    f: dict = dict(common)
    span = (slot.value or slot.fraction or slot).start, (slot.value or slot.fraction or slot).end
    statistic = _statistic(slot, sentence)
    share = statistic in ("response-rate", "proportion") and slot.unit == "%"
    if share and slot.value is not None and not 0 <= slot.value.value <= 100:
        statistic = None  # "-15%", "a 420% increase": a difference or a relative change, no share of people
    if statistic:
        f["statistic"] = _fact(ctx, statistic, *span, "statistic")
    if slot.value is not None and statistic or not share:
        f["value"] = _fact(ctx, Quantity(slot.value.value, slot.unit), *span, "value")
    if slot.sd:
        f["sd"] = _fact(ctx, slot.sd.value, slot.sd.start, slot.sd.end, "sd")
    if slot.interval:
        ci = slot.interval
        f.update(ci_low=_fact(ctx, ci.low.value, ci.low.start, ci.low.end, "ci"),
                 ci_high=_fact(ctx, ci.high.value, ci.high.start, ci.high.end, "ci"),
                 ci_level=_fact(ctx, ci.level.value, ci.level.start, ci.level.end, "ci"))
    if slot.fraction:
        num, den = slot.fraction.numerator, slot.fraction.denominator
        f.update(numerator=_fact(ctx, int(num.value), num.start, num.end, "fraction"),
                 denominator=_fact(ctx, int(den.value), den.start, den.end, "fraction"))
    if slot.direction and active:
        f["direction"] = _fact(ctx, slot.direction, slot.start, slot.end, "direction_from_values")
    return Result(arm=slot.arm, **f)


def p_fields(ctx: Context, p: PValue | None) -> dict[str, Fact]:
    """The p_text, p_value and p_comparator fields of a Result for a p-value (none for no p-value)."""
    if p is None:
        return {}
    fields = {"p_text": _fact(ctx, " ".join(ctx.page.raw[p.start : p.end].split()), p.start, p.end, "p_value")}
    if p.value is not None:
        fields["p_value"] = _fact(ctx, p.value, p.num_start, p.num_end, "p_value")
        fields["p_comparator"] = _fact(ctx, p.comparator, p.start, p.end, "p_value")
    return fields


def read_sentence(ctx: Context, sentence: Sentence) -> list[Finding]:
    """Read the findings of one result sentence, clause by clause, in text order."""
    text, base = ctx.page.clean[sentence.start : sentence.end], sentence.start
    terms = [t for t in find_terms(text, ctx.lexicon, "biomarker")]
    first_term = terms[0].start if terms else len(text)
    lead_time = next(((s, e, v) for s, e, v in find_timepoints(text, base) if e - base <= first_term), None)
    lead_role = ROLE_CUE.search(text[:first_term])
    sentence_ctx = _SentenceContext(
        text, base, terms, find_arm_mentions(text, base, ctx.arms, ctx.lexicon, ctx.aliases),
        _sentence_fields(ctx, text, base),
        _fact(ctx, lead_time[2], lead_time[0], lead_time[1], "timepoint") if lead_time else None,
        normal_role(lead_role.group("role")) if lead_role else None,
    )
    findings: list[Finding] = []
    for start, end in clauses(text):
        findings += _read_clause(ctx, sentence_ctx, start, end)
    return findings


@dataclass(frozen=True, slots=True)
class _SentenceContext:
    text: str
    base: int
    terms: list[TermMatch]
    mentions: list
    shared: dict[str, Fact]
    timepoint: Fact[str] | None
    role: str | None


def _read_clause(ctx: Context, sc: _SentenceContext, a: int, b: int) -> list[Finding]:
    ctext, off = sc.text[a:b], sc.base + a
    measures = list({t.term.curie: TermMatch(off + t.start - a, off + t.end - a, t.term)
                     for t in reversed(sc.terms) if a <= t.start < b}.values())[::-1]
    role_cue = ROLE_CUE.search(ctext)
    role = normal_role(role_cue.group("role")) if role_cue else sc.role
    times = find_timepoints(ctext, off)
    timepoint = _fact(ctx, times[0][2], times[0][0], times[0][1], "timepoint") if times else sc.timepoint
    shared = {**sc.shared, **_subgroup(ctx, ctext, off)} | ({"timepoint": timepoint} if timepoint else {})
    mentions = [m for m in sc.mentions if off <= m.start < sc.base + b]
    placebo = next((arm.label for arm in ctx.arms if is_placebo(arm)), None)
    clause = _Clause(ctext, off, find_p_values(ctext, off), _span_fact(ctx, find_direction(ctext, off), "direction"),
                     placebo if placebo and any(m.label == placebo for m in mentions) else None, shared)
    slots = [] if _CUES["explanation"].match(ctext) else _slots(ctx, sc, clause, mentions)
    if slots:
        compared = clause.comparator is not None or bool(_CUES["between"].search(ctext))
        groups = by_measure(measures, slots, sc.text, sc.base)
        if len(groups) > 1:  # "Complete response in 15/25 (60%) and partial response in 7/25 (28%)"
            return [Finding(m, role, timepoint, _slot_results(ctx, sc, replace(clause, p_values=[
                p for p in clause.p_values if start <= p.start < end]), group, placebo), compared)
                for m, group, start, end in groups]
        before = [m for m in measures if m.start < slots[0].start]
        measure = before[-1] if before else measures[0] if measures else None
        return [Finding(measure, role, timepoint, _slot_results(ctx, sc, clause, slots, placebo), compared)]
    p = clause.p_values[0] if len(clause.p_values) == 1 else None
    significant = _span_fact(ctx, find_significance(ctext, off, p), "significance")
    if not measures or not (clause.direction or significant or p):
        return []
    extra = {k: v for k, v in {"direction": clause.direction, "significant": significant}.items() if v}
    keyed = _statement_arm(ctx, sc, clause, mentions, placebo)
    if keyed is None:
        return []
    arm, comparator = keyed
    result = Result(arm=arm, comparator=comparator, **shared, **extra, **p_fields(ctx, p))
    compared = comparator is not None or bool(_CUES["between"].search(ctext))
    return [Finding(m, role, timepoint, (result,), compared) for m in measures]


def _statement_arm(ctx: Context, sc: _SentenceContext, clause: _Clause, mentions: list,
                   placebo: str | None) -> tuple[str | None, str | None] | None:
    """(arm, comparator) of a statement without values; None when it is about the placebo arm alone.

    With one active arm, a comparison with placebo and a within-arm change ("increased with IL-2 (p<0.001) but
    not with placebo") are keyed to the active arm; else the one treated arm the sentence names, if any.
    """
    active = [arm.label for arm in ctx.arms if not is_placebo(arm)]
    in_clause = {m.label for m in mentions}
    if in_clause == {CONTROL}:
        return None  # "did not change in the control group": about a group we do not record as an arm
    if clause.comparator is not None and len(active) == 1:
        negated = {m.label for m in mentions if _CUES["negated"].search(sc.text[: m.start - sc.base])}
        if active[0] in negated:
            return None  # "fell with placebo (p=0.03) but not with IL-2": a placebo-arm statement
        compares = _CUES["between"].search(clause.text) or COMPARISON_CUE.search(clause.text)
        if active[0] not in in_clause and not compares:
            return None  # "CRP fell with placebo (p=0.03)": a placebo-arm statement
        return (active[0], None) if placebo in negated else (active[0], placebo)
    named = {m.label for m in sc.mentions} - {placebo, CONTROL}
    arm = named.pop() if len(named) == 1 and clause.comparator is None and placebo not in in_clause else None
    return arm, clause.comparator  # "low-dose IL-2 ... enhanced NK cells": the one treated arm the sentence names


@dataclass(frozen=True, slots=True)
class _Clause:
    text: str
    offset: int
    p_values: list[PValue]
    direction: Fact[str] | None
    comparator: str | None  # the placebo arm's label when the clause names it
    shared: dict[str, Fact]


def _slots(ctx: Context, sc: _SentenceContext, clause: _Clause, mentions: list) -> list[Slot]:
    """The clause's values with their arms; a value without an arm is kept only in a single-arm trial or for a ratio."""
    found = find_slots(clause.text, clause.offset, sc.text)
    placebo = next((arm.label for arm in ctx.arms if is_placebo(arm)), None)
    active = [arm.label for arm in ctx.arms if not is_placebo(arm)]
    slots = assign_arms(sc.text, sc.base, found, mentions, active[0] if len(active) == 1 else None, placebo)
    return [s for s in slots if s.arm != CONTROL and (s.arm or s.kind == "ratio" or len(ctx.arms) <= 1)]


def _slot_results(ctx: Context, sc: _SentenceContext, clause: _Clause, slots: list[Slot], placebo: str | None) -> tuple:
    """Results of the slots: treated arms get the p-value(s), direction, significance and comparator."""
    active = [s for s in slots if s.arm != placebo or s.arm is None]
    ps = clause.p_values
    ps = [ps[0]] * len(active) if len(ps) == 1 else ps if len(ps) == len(active) else []
    if len(clause.p_values) == 1 and len({s.arm for s in active if s.arm}) >= 2 and clause.comparator is None \
            and len(active) == len(slots):
        ps = []  # "6 of 14 in arm A and 3 of 13 in arm B (p=0.28)": one p compares treated arms, neither arm's own
    results = []
    for slot in slots:
        common = {k: v for k, v in clause.shared.items() if k != "n"}  # n counts the population, not one arm
        if slot in active:
            p = ps[active.index(slot)] if ps else None
            significant = _span_fact(ctx, find_significance(clause.text, clause.offset, p), "significance")
            extra = {"direction": clause.direction, "significant": significant, "comparator": clause.comparator}
            common |= {k: v for k, v in extra.items() if v} | p_fields(ctx, p)
            if p is not None and "n" in clause.shared:  # the comparison's p comes from the whole population
                common["n"] = clause.shared["n"]
        results.append(_slot_result(ctx, slot, sc.text, common, slot in active))
    return tuple(results)
