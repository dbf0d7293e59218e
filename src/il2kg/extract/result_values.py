"""Per-arm values in result sentences: find arm mentions, find reported values, give each value its arm.

Arm labels follow the intervention extractor's convention: "placebo", a dose "2 MIU" when there are
several active arms, or the agent as written ("IL-2") when there is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from il2kg.extract.numbers import (
    Fraction,
    Interval,
    Number,
    find_fractions,
    find_intervals,
    find_percentages,
    find_values_with_sd,
    to_decimal,
)
from il2kg.extract.terms import find_terms
from il2kg.model import Arm, Lexicon

_NUM = r"[+-]?(?:\d+(?:[.,]\d+)?|[.]\d+)"
_RATIO = re.compile(
    r"(?<![\w])(?P<cue>ES|SMD|MD|a?OR|HR|RR|(?i:effect\s+sizes?|(?:adjusted\s+)?odds\s+ratios?|hazard\s+ratios?"
    r"|risk\s+ratios?|relative\s+risks?|(?:standardi[sz]ed\s+)?mean\s+differences?))"
    rf"(?:\s*\([A-Za-z]{{2,3}}\))?\s*(?:(?i:of|was|were|is)\s+|[=:]\s*)?(?P<num>{_NUM})(?![\w]|[.,]\d)"
)
_STATISTIC_OF_CUE = (
    (r"ES|SMD|effect|standardi", "effect-size"),
    (r"a?OR$|odds", "odds-ratio"),
    (r"HR|hazard", "hazard-ratio"),
    (r"RR|risk|relative", "risk-ratio"),
    (r"MD|mean", "mean-difference"),
)
_UNIT = r"(?P<unit>cells?/(?:µ|μ|u)[lL]|cells?/mm3|[mnpµμ]g/[dm]?[lL]|%|points?)"
_FROM_TO = re.compile(
    r"\b(?:rose|increased|decreased|fell|declined|dropped|went\s+(?:up|down)|changed|grew|expanded)"
    rf"(?:\s+significantly)?\s+from\s+(?P<a>{_NUM})\s*(?:{_UNIT.replace('unit', 'u1')})?\s+to\s+(?P<b>{_NUM})"
    rf"\s*(?:{_UNIT})?",
    re.IGNORECASE,
)
_SD_CONTEXT = re.compile(r"\bSDs?\b|±|standard\s+deviation", re.IGNORECASE)
_COMPARISON = re.compile(r"\b(?:compared|versus|vs\.?|than|relative\s+to)\b", re.IGNORECASE)
_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
_GENERIC_ACTIVE = re.compile(
    r"\b(?:treated|treatment|active|intervention|verum|study[\s-]drug)\s+(?:groups?|arms?|patients)\b", re.IGNORECASE
)
_PLACEBO = re.compile(r"\bplacebo\b", re.IGNORECASE)
# What may stand between a value and the arm named after it: "36.7% of the placebo group", "60%) receiving IL-2".
_TIGHT = re.compile(
    r"[\s()\[\]\d/.,]*?(?:of\s+\d+\s+)?(?:(?:patients|subjects|participants)\s+)?"
    r"(?:in|with|for|of|among|receiving|given|on|treated\s+with)"
    r"\s+(?:the\s+)?",
    re.IGNORECASE,
)
_LOOSE = re.compile(r"(?:(?!\b(?:compared|versus|vs|than)\b).){0,40}", re.IGNORECASE)
_ADJACENT = re.compile(r"\s*(?:(?:arm|group|dose)s?)?[\s:,(]*", re.IGNORECASE)
_MEAN_OF = re.compile(r"\bmean\s+(?:change\s+)?(?:of\s+)?$", re.IGNORECASE)
_MEAN = re.compile(r"\bmean\b", re.IGNORECASE)
_RELATIVE_CHANGE = re.compile(r"\bby\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ArmMention:
    """Text that names an arm, with the arm's label."""

    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class Slot:
    """A value reported for one arm (or the whole trial) before it becomes a Result."""

    start: int
    end: int
    kind: str  # "sd" | "ratio" | "percent" | "fraction" | "from-to"
    value: Number | None
    unit: str
    sd: Number | None = None
    statistic: str | None = None
    interval: Interval | None = None
    fraction: Fraction | None = None
    direction: str | None = None
    arm: str | None = None


def is_placebo(arm: Arm) -> bool:
    """Whether an arm is the placebo comparator."""
    return arm.label == "placebo" or (arm.role is not None and arm.role.value == "placebo-comparator")


def _dose_pattern(arm: Arm) -> re.Pattern[str] | None:
    dose = arm.intervention.dose.value if arm.intervention and arm.intervention.dose else None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(\S+)", arm.label)
    value, unit = (str(dose.value.normalize()), dose.unit) if dose else match.groups() if match else (None, None)
    if value is None:
        return None
    unit_alt = r"(?:MIU|M\s?IU|million\s+(?:IU|units|international\s+units))" if unit == "MIU" else re.escape(unit)
    return re.compile(rf"(?<![\w.]){re.escape(value)}\s*-?\s*{unit_alt}(?![\w])", re.IGNORECASE)


def _agent_label(curie: str, arms: tuple[Arm, ...]) -> str | None:
    active = [a for a in arms if not is_placebo(a)]
    same = [a for a in active if a.intervention and a.intervention.agent.value == curie]
    if len(same) == 1:
        return same[0].label
    return active[0].label if len(active) == 1 else None


def find_arm_mentions(text: str, offset: int, arms: tuple[Arm, ...], lexicon: Lexicon) -> list[ArmMention]:
    """Return the non-overlapping mentions of arms in text: dose, placebo, agent, generic 'treated group'."""
    found: list[ArmMention] = []
    placebo = [a.label for a in arms if is_placebo(a)]
    active = [a for a in arms if not is_placebo(a)]
    for arm in active:
        pattern = _dose_pattern(arm) if len(active) > 1 else re.compile(rf"(?<![\w-]){re.escape(arm.label)}(?![\w-])")
        found += [ArmMention(m.start(), m.end(), arm.label) for m in pattern.finditer(text)] if pattern else []
    if len(placebo) == 1:
        found += [ArmMention(m.start(), m.end(), placebo[0]) for m in _PLACEBO.finditer(text)]
    for match in find_terms(text, lexicon, "agent"):
        label = None if _PLACEBO.fullmatch(text[match.start : match.end]) else _agent_label(match.term.curie, arms)
        found += [ArmMention(match.start, match.end, label)] if label else []
    if len(active) == 1:
        found += [ArmMention(m.start(), m.end(), active[0].label) for m in _GENERIC_ACTIVE.finditer(text)]
    taken: list[ArmMention] = []
    for mention in sorted(found, key=lambda m: (m.start, -(m.end - m.start))):
        if not taken or mention.start >= taken[-1].end:
            taken.append(mention)
    return [replace(m, start=m.start + offset, end=m.end + offset) for m in taken]


def _ratio_statistic(cue: str) -> str:
    return next(stat for pattern, stat in _STATISTIC_OF_CUE if re.match(pattern, cue, re.IGNORECASE))


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def find_slots(text: str, offset: int, sentence: str) -> list[Slot]:
    """Return the values reported in a clause: ratios with CI, mean (SD), from-to changes, percentages, fractions."""
    intervals = find_intervals(text, offset)
    slots: list[Slot] = []
    for m in _RATIO.finditer(text):
        value = Number(offset + m.start("num"), offset + m.end("num"), to_decimal(m.group("num")) or Decimal(0))
        statistic = _ratio_statistic(m.group("cue"))
        slots.append(Slot(offset + m.start(), value.end, "ratio", value, "", statistic=statistic))  # starts at its cue
    if _SD_CONTEXT.search(sentence):
        for pair in find_values_with_sd(text, offset):
            unit = "%" if pair.value.percent else ""
            slots.append(Slot(pair.value.start, pair.sd.end, "sd", pair.value, unit, sd=pair.sd))
    for m in _FROM_TO.finditer(text):
        a, b = to_decimal(m.group("a")), to_decimal(m.group("b"))
        unit = _normal_unit(m.group("unit") or m.group("u1"))
        value = Number(offset + m.start("b"), offset + m.end("b"), b or Decimal(0))
        direction = "increase" if b > a else "decrease" if b < a else "no-change"
        slots.append(Slot(offset + m.start("a"), value.end, "from-to", value, unit, direction=direction))
    taken = [(s.start, s.end) for s in slots] + [(i.start, i.end) for i in intervals]
    fractions = find_fractions(text, offset)
    for pct in find_percentages(text, offset):
        head = text[: pct.start - offset]
        mean = bool(_MEAN_OF.search(head) or _RELATIVE_CHANGE.search(head) and _MEAN.search(sentence))
        if _overlaps(pct.start, pct.end, taken) or _RELATIVE_CHANGE.search(head) and not mean:
            continue  # "reduced by 30%" without a mean: a relative change, not an arm's value
        fraction = next((f for f in fractions if 0 <= f.start - pct.end <= 3 or 0 <= pct.start - f.end <= 3), None)
        slots.append(Slot(pct.start, pct.end, "mean" if mean else "percent", pct, "%",
                          fraction=fraction or _count_of_total(text, offset, pct)))
    used = [(s.fraction.start, s.fraction.end) for s in slots if s.fraction] + taken
    for fraction in fractions:
        if not _overlaps(fraction.start, fraction.end, used):
            slots.append(Slot(fraction.start, fraction.end, "fraction", None, "%", fraction=fraction))
    return [_with_interval(s, intervals, offset, text) for s in sorted(slots, key=lambda s: s.start)]


def _count_of_total(text: str, offset: int, pct: Number) -> Fraction | None:
    """ "11 (38%) of 29": the count before the percentage and the total after it."""
    before = re.search(r"(?<![\w.])(\d+)\s*\(\s*$", text[: pct.start - offset])
    after = re.match(r"\s*\)\s*of\s+(\d+)(?![\w.])", text[pct.end - offset :])
    if not (before and after) or int(before.group(1)) > int(after.group(1)):
        return None
    a = Number(offset + before.start(1), offset + before.end(1), Decimal(before.group(1)))
    b_start = pct.end + after.start(1)
    return Fraction(a.start, pct.end + after.end(), a, Number(b_start, pct.end + after.end(1), Decimal(after.group(1))))


def _with_interval(slot: Slot, intervals: list[Interval], offset: int, text: str) -> Slot:
    for interval in intervals:
        gap = text[slot.end - offset : interval.start - offset]
        if slot.end <= interval.start and re.fullmatch(r"[\s(\[,;]*", gap):
            return replace(slot, interval=interval)
    return slot


def _normal_unit(unit: str | None) -> str:
    if not unit:
        return ""
    unit = unit.replace("µ", "u").replace("μ", "u")
    return "" if unit.startswith("point") else re.sub(r"l$", "L", unit)


def assign_arms(
    text: str, offset: int, slots: list[Slot], mentions: list[ArmMention], placebo: str | None = None
) -> list[Slot]:
    """Give each slot the arm named next to it ("2 MIU: +6.2%", "65% ... compared with 37% of the placebo group").

    Ratios (effect size, odds ratio) compare arms: they take a dose label written right before them ("2 MIU ES=3.7"),
    never the placebo arm, else no arm (a whole-trial comparison).
    """
    if _RESPECTIVELY.search(text) and slots:
        return _respectively(text, offset, slots, mentions)
    out = []
    for slot in slots:
        if slot.kind == "ratio":
            before = [m for m in mentions if m.end <= slot.start and m.label != placebo
                      and _ADJACENT.fullmatch(text[m.end - offset : slot.start - offset])]
            out.append(replace(slot, arm=before[-1].label if before else None))  # None: the trial's comparison
            continue
        arm = (_following_arm(text, offset, slot, slots, mentions, _TIGHT)
               or _preceding_arm(text, offset, slot, slots, mentions)
               or _following_arm(text, offset, slot, slots, mentions, _LOOSE))
        out.append(replace(slot, arm=arm))
    return out


def _respectively(text: str, offset: int, slots: list[Slot], mentions: list[ArmMention]) -> list[Slot]:
    """ "a and b in the X and Y groups (compared with Z), respectively": the arms named after the last value."""
    after = [m for m in mentions if m.start > slots[-1].end]
    cue = _COMPARISON.search(text, slots[-1].end - offset)
    after = [m for m in after if cue is None or m.start < offset + cue.start()]
    if len(after) != len(slots) or len({m.label for m in after}) != len(after):
        return list(slots)  # ambiguous: no arm for any value
    return [replace(s, arm=m.label) for s, m in zip(slots, after, strict=True)]


def _preceding_arm(text: str, offset: int, slot: Slot, slots: list[Slot], mentions: list[ArmMention]) -> str | None:
    before = [m for m in mentions if m.end <= slot.start]
    if not before:
        return None
    mention = before[-1]
    between = text[mention.end - offset : slot.start - offset]
    if any(mention.end <= s.start < slot.start for s in slots) or _COMPARISON.search(between):
        return None
    return mention.label


def _following_arm(
    text: str, offset: int, slot: Slot, slots: list[Slot], mentions: list[ArmMention], gap: re.Pattern[str]
) -> str | None:
    after = [m for m in mentions if m.start >= slot.end]
    if not after:
        return None
    mention = after[0]
    between = text[slot.end - offset : mention.start - offset]
    if any(slot.end <= s.start < mention.start for s in slots) or not gap.fullmatch(between):
        return None
    return mention.label
