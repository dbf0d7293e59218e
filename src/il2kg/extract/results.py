"""Result sentences of trial articles: clauses, cues (direction, significance, population, timepoint) and Results."""

from __future__ import annotations

import re
from dataclasses import dataclass

from il2kg.extract.numbers import PValue, find_counts, find_p_values
from il2kg.extract.result_values import Slot, assign_arms, find_arm_mentions, find_slots, is_placebo
from il2kg.extract.terms import TermMatch, find_terms
from il2kg.extract.text import Page, Sentence
from il2kg.model import Arm, Fact, Lexicon, Quantity, Result

_ORDINALS = {"1": "first", "2": "second", "3": "third", "4": "fourth", "5": "fifth"}
_TIMEPOINTS = (
    (r"\b(?:week|wk)\s*(?P<n>\d+)\b", "week {n}"),
    (r"\b(?:at|after|by)\s+(?P<n>\d+)\s+weeks?\b", "week {n}"),
    (r"\bmonth\s*(?P<n>\d+)\b", "month {n}"),
    (r"\b(?:at|after|by)\s+(?P<n>\d+)\s+months?\b", "month {n}"),
    (r"\bday\s*(?P<n>\d+)\b", "day {n}"),
    (r"\b(?:at|after|by)\s+(?P<n>\d+)\s+days?\b", "day {n}"),
    (r"\b(?:following|after|at\s+the\s+end\s+of)\s+(?:a|the)?\s*(?P<o>first|second|third|fourth|fifth|last|final)"
     r"\s+(?:treatment\s+)?cycle\b", "after {o} cycle"),
    (r"\b(?:following|after)\s+cycle\s*(?P<c>[1-5])\b", "after {c} cycle"),
    (r"\b(?:following|after)\s+(?:the\s+)?(?:repeated|subsequent|successive|multiple|further)\s+(?:treatment\s+)?"
     r"cycles\b", "after repeated cycles"),
    (r"\b(?:at\s+)?the\s+end\s+of\s+(?:the\s+)?treatment\b", "end of treatment"),
)
_TIMEPOINT_RES = tuple((re.compile(p, re.IGNORECASE), v) for p, v in _TIMEPOINTS)
ROLE_CUE = re.compile(
    r"\b(?P<role>co-primary|primary|key[\s-]+secondary|secondary|exploratory|safety)\s+"
    r"(?:\(?(?:laboratory|clinical|efficacy|immunological|biological|biomarker)\)?\s+)?(?:outcome|end\s*-?\s*point)s?\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r";\s|,\s+(?=(?:and|but|whereas|while|although|due\s+to|accompanied\s+by|which)\b)|\s(?=without\b)", re.IGNORECASE
)
_LEADING_PHRASE = re.compile(r"^(?:besides|in\s+addition\s+to|apart\s+from|beyond)\b[^,]*,", re.IGNORECASE)
_NO_CHANGE = re.compile(
    r"\bno\s+(?:statistically\s+)?(?:significant\s+)?(?:differences?|changes?|effects?|increases?|decreases?)\b"
    r"|\bunchanged\b|\bdid\s+not\s+(?:significantly\s+)?(?:change|differ|increase|decrease|rise|fall)\b"
    r"|\bremained\s+(?:stable|unchanged)\b|^without\b(?=.*\b(?:activation|expansion|increase|change)\b)",
    re.IGNORECASE,
)
_INCREASE = re.compile(r"\b(?:increas\w*|rise|rose|risen|elevat\w*|higher|expan\w*|enhanc\w*)\b", re.IGNORECASE)
_DECREASE = re.compile(r"\b(?:decreas\w*|reduc\w*|declin\w*|lower|fell|fall|drop\w*|diminish\w*)\b", re.IGNORECASE)
_NOT_SIGNIFICANT = re.compile(
    r"\b(?:no|not|without|failed\s+to\s+reach|did\s+not\s+reach)\s+(?:\w+\s+){0,2}?(?:statistical\s+|statistically\s+)?"
    r"significan\w*|\bnon-?significant\w*|\bnot\s+statistically\s+significant",
    re.IGNORECASE,
)
_SIGNIFICANT = re.compile(r"\b(?:statistically\s+)?significant(?:ly)?\b", re.IGNORECASE)
_POPULATIONS = (
    (r"\b(?:intention|intent)[\s-]+to[\s-]+treat\b(?:\s*\(ITT\))?(?:\s+(?:population|analysis|set))?|\bITT\b",
     "intention-to-treat"),
    (r"\bper[\s-]+protocol\b(?:\s+(?:population|analysis|set))?", "per-protocol"),
    (r"\bsafety\s+(?:population|analysis\s+set|set)\b", "safety-population"),
)
_POST_HOC = re.compile(r"\bpost[\s-]?hoc\b", re.IGNORECASE)
_PRESPECIFIED = re.compile(r"\b(?P<neg>not\s+)?pre-?(?:specified|defined|planned)\b", re.IGNORECASE)
_SUBGROUP = re.compile(
    r"\b(?:in|among|amongst|for)\s+(?:the\s+)?(?:patients|subjects|participants|subgroup|those)\s+(?:with|of)\s+"
    r"(?:active\s+|biopsy-proven\s+)?$",
    re.IGNORECASE,
)
_RESPONSE = re.compile(r"respon|remission", re.IGNORECASE)
_CHANGE = re.compile(r"\bchange|increas|decreas|rise|rose|fell|fall|reduc", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Context:
    """What every result sentence of one page is read against."""

    page: Page
    lexicon: Lexicon
    arms: tuple[Arm, ...]
    main_disease: str | None  # the page's most mentioned disease: not a subgroup


@dataclass(frozen=True, slots=True)
class Finding:
    """Results about one measure read in one clause; measure None = the measure in focus."""

    measure: TermMatch | None
    role: str | None
    timepoint: Fact[str] | None
    results: tuple[Result, ...]


def normal_role(text: str) -> str:
    """Normalise a role cue: "Key secondary" -> "key-secondary", "co-primary" -> "primary"."""
    text = re.sub(r"[\s-]+", "-", text.lower())
    return "primary" if text == "co-primary" else text


def find_timepoints(text: str, offset: int = 0) -> list[tuple[int, int, str]]:
    """Return normalised timepoints ("week 12", "after first cycle") with their spans, in text order."""
    found: list[tuple[int, int, str]] = []
    for pattern, template in _TIMEPOINT_RES:
        for m in pattern.finditer(text):
            if any(m.start() < e - offset and s - offset < m.end() for s, e, _ in found):
                continue
            fields = {k: v.lower() for k, v in m.groupdict().items() if v}
            if "c" in fields:
                fields["c"] = _ORDINALS[fields["c"]]
            value = template.format(**fields).replace("after final", "after last")
            found.append((offset + m.start(), offset + m.end(), value))
    return sorted(found)


def clauses(text: str) -> list[tuple[int, int]]:
    """Split a sentence into clauses at top-level '; ', ', and', ', but', 'without' ... (never inside brackets)."""
    depth, depths = 0, []
    for char in text:
        depth += char in "([" and 1 or (char in ")]" and -1 or 0)
        depths.append(depth)
    cuts = [0]
    leading = _LEADING_PHRASE.match(text)
    if leading:
        cuts.append(leading.end())
    cuts += [m.end() for m in _CLAUSE_BREAK.finditer(text) if depths[m.start()] <= 0]
    cuts = sorted(set(cuts)) + [len(text)]
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if text[a:b].strip(" ,;.")]


def _fact(ctx: Context, value, start: int, end: int, rule: str) -> Fact:
    return Fact(value, ctx.page.evidence(start, end, f"results.{rule}"))


def _direction(ctx: Context, text: str, offset: int) -> Fact[str] | None:
    text = text.strip()
    offset += len(text) - len(text.lstrip())
    none = _NO_CHANGE.search(text)
    if none:
        return _fact(ctx, "no-change", offset + none.start(), offset + none.end(), "direction")
    up, down = _INCREASE.search(text), _DECREASE.search(text)
    if bool(up) == bool(down):
        return None
    m = up or down
    return _fact(ctx, "increase" if up else "decrease", offset + m.start(), offset + m.end(), "direction")


def _p_verdict(p: PValue) -> bool | None:
    if p.value is None:
        return False  # "NS"
    if p.comparator in ("<", "<=") and p.value <= 0.05 or p.comparator == "=" and p.value < 0.05:
        return True
    return False if p.comparator in ("=", ">") and p.value >= 0.05 else None


def _significance(ctx: Context, text: str, offset: int, p: PValue | None) -> Fact[bool] | None:
    """Significant only when the text says so or a p-value below 0.05 is written; conflicting cues give None."""
    word = _NOT_SIGNIFICANT.search(text) or _SIGNIFICANT.search(text)
    said = None if word is None else not _NOT_SIGNIFICANT.search(text)
    by_p = _p_verdict(p) if p else None
    if said is not None and by_p is not None and said != by_p:
        return None
    if said is not None:
        return _fact(ctx, said, offset + word.start(), offset + word.end(), "significance")
    return _fact(ctx, by_p, p.start, p.end, "significance_from_p") if by_p is not None else None


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
    post_hoc = _POST_HOC.search(text)
    if post_hoc:
        fields["post_hoc"] = _fact(ctx, True, base + post_hoc.start(), base + post_hoc.end(), "post_hoc")
    pre = _PRESPECIFIED.search(text)
    if pre:
        fields["prespecified"] = _fact(ctx, not pre.group("neg"), base + pre.start(), base + pre.end(), "prespecified")
    return fields


def _subgroup(ctx: Context, text: str, offset: int) -> dict[str, Fact]:
    for match in find_terms(text, ctx.lexicon, "disease"):
        if match.term.curie != ctx.main_disease and _SUBGROUP.search(text[: match.start]):
            start, end = offset + match.start, offset + match.end
            return {"subgroup": _fact(ctx, match.term.curie, start, end, "subgroup"),
                    "population": _fact(ctx, "subgroup-population", start, end, "subgroup")}
    return {}


def _statistic(slot: Slot, sentence: str) -> str | None:
    if slot.statistic or slot.kind == "from-to":
        mean = re.search(r"\b(mean|median)\b", sentence, re.IGNORECASE)
        return slot.statistic or (mean.group(1).lower() if mean else None)
    if slot.kind == "sd":
        signed = slot.value is not None and slot.value.value < 0 or _CHANGE.search(sentence)
        return "mean-change" if signed else "mean"
    return "response-rate" if _RESPONSE.search(sentence) else "proportion"


def _slot_result(ctx: Context, slot: Slot, sentence: str, common: dict) -> Result:
    """Turn a slot into a Result; `common` holds the clause's shared fields (p, comparator, direction ...)."""
    f: dict = dict(common)
    span = (slot.value or slot.fraction or slot).start, (slot.value or slot.fraction or slot).end
    statistic = _statistic(slot, sentence)
    if statistic:
        f["statistic"] = _fact(ctx, statistic, *span, "statistic")
    if slot.value is not None:
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
    if slot.direction and "direction" in f:
        f["direction"] = _fact(ctx, slot.direction, slot.start, slot.end, "direction_from_values")
    return Result(arm=slot.arm, **f)


def _p_fields(ctx: Context, p: PValue | None) -> dict[str, Fact]:
    if p is None:
        return {}
    fields = {"p_text": _fact(ctx, " ".join(ctx.page.raw[p.start : p.end].split()), p.start, p.end, "p_value")}
    if p.value is not None:
        fields["p_value"] = _fact(ctx, p.value, p.num_start, p.num_end, "p_value")
        fields["p_comparator"] = _fact(ctx, p.comparator, p.start, p.end, "p_value")
    return fields
