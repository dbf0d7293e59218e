"""Per-arm values in result sentences: find reported values and give each value the arm named next to it.

Arm mentions come from `arm_mentions`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from il2kg.extract.arm_mentions import ArmMention
from il2kg.extract.cue_tables import compile_cues
from il2kg.extract.cues import COMPARISON_CUE, SD_CUE
from il2kg.extract.numbers import (
    SIGNED,
    Fraction,
    Interval,
    Number,
    find_fractions,
    find_intervals,
    find_of_fractions,
    find_percentages,
    find_spreads,
    find_values_with_sd,
    to_decimal,
)
from il2kg.extract.span import Span
from il2kg.extract.terms import TermMatch

_RATIO = re.compile(
    r"(?<![\w])(?P<cue>ES|SMD|MD|a?OR|HR|RR|(?i:effect\s+sizes?|(?:adjusted\s+)?odds\s+ratios?|hazard\s+ratios?"
    r"|risk\s+ratios?|relative\s+risks?|(?:standardi[sz]ed\s+)?mean\s+differences?))"
    rf"(?:\s*\([A-Za-z]{{2,3}}\))?\s*(?:(?i:of|was|were|is)\s+|[=:,]\s*)?(?P<num>{SIGNED})(?![\w]|[.,]\d)"
)
_STATISTIC_OF_CUE = (
    (r"ES|SMD|effect|standardi", "effect-size"),
    (r"a?OR$|odds", "odds-ratio"),
    (r"HR|hazard", "hazard-ratio"),
    (r"RR|risk|relative", "risk-ratio"),
    (r"MD|mean", "mean-difference"),
)
_UNIT = (r"(?P<unit>cells?/(?:µ|μ|u)[lL]|cells?/mm3|cells\s+per\s+(?:microliter|microlitre|µ[lL]|μ[lL]|mm3)|"
         r"[mnpµμ]g/[dm]?[lL]|I?U/[lL]|[mµμ]mol/[lL]|%|points?)")
_FROM_TO = re.compile(
    r"\b(?:rose|increased|decreased|fell|declined|dropped|went\s+(?:up|down)|changed|grew|expanded)"
    # "from 4.2 to 7.9", "from a median of 5.2% to 9.6%", "in the IL-2 group (median 4.1% to 8.9%, ...)"
    r"(?:\s+significantly)?(?:\s+from\s+(?:an?\s+)?(?:(?:median|mean|average)\s+(?:of\s+)?)?|"
    r"[^.;()]{0,60}?\(\s*(?:from\s+(?:an?\s+)?(?:(?:median|mean|average)\s+(?:of\s+)?)?|(?:median|mean|average)\s+(?:of\s+)?))"
    rf"(?P<a>{SIGNED})(?:\s*%?\s*(?:±|\+/-)\s*{SIGNED})?\s*(?:{_UNIT.replace('unit', 'u1')})?"
    rf"\s+to\s+(?P<b>{SIGNED})(?:\s*%?\s*(?:±|\+/-)\s*{SIGNED})?\s*(?:{_UNIT})?",  # "from 4.2 ± 1.3% to 7.9% ± 2.1%"
    re.IGNORECASE,
)
# A from-to listed after the verb for each arm: "rose in both arms (arm A from 5.1% to 9.8%; arm B from 5.3% to
# 7.2%)": without its own verb it is read only with a measurement unit (not "from 1 to 3 MIU", "from 2019 to 2021")
# in a sentence that says something changed.
_UNIT_FIRST = _UNIT.replace("(?P<unit>", "(?:")
_FROM_TO_LISTED = re.compile(
    rf"(?<![\w-])from\s+(?P<a>{SIGNED})\s*(?:{_UNIT_FIRST})?\s+to\s+(?P<b>{SIGNED})\s*{_UNIT}", re.IGNORECASE)
_CHANGED = re.compile(r"\b(?:rose|increased|decreased|fell|declined|dropped|changed|grew|expanded)\b", re.I)
_SPREAD_AFTER = re.compile(r"\s*[(\[]\s*(?:IQR|interquartile\s+range|range)\b[^()\[\]]{1,40}[)\]]", re.I)
# A percentage that ends or opens a range ("increased by 31 to 37%", "31%–37%"); "from 31% to 37%" is read before.
_RANGE_END = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?\s*%?\s*(?:to|–|—)\s*$")
_RANGE_START = re.compile(r"\s*(?:to|–|—)\s*\d+(?:[.,]\d+)?\s*%")
# "a 4.1-fold increase", "increased (by) 2.3-fold", "fell 1.5-fold"; a range ("a 12-17-fold increase") is none.
_FOLD = re.compile(r"(?<![\w.])(?<!\d-)(?<!\d\s-\s)(?<!\d\sto\s)(?P<num>\d{1,3}(?:\.\d+)?)\s*-?\s*fold\s+"
                   r"(?:(?P<up>increase|rise|expansion|higher|greater|elevation)|decrease|reduction|lower|decline)\b"
                   r"|\b(?:(?P<up2>increased|rose|expanded|grew)|decreased|fell|declined)\s+(?:by\s+)?(?:a\s+)?"
                   r"(?:(?:mean|median)\s+(?:of\s+)?)?(?P<num2>\d{1,3}(?:\.\d+)?)(?!\s*(?:-|to)\s*\d)\s*-?\s*fold\b",
                   re.IGNORECASE)
# Cues around a value, by name.
_CUES = compile_cues({
    "respectively": r"\brespectively\b",
    # What may stand between a value and the arm named after it: "36.7% of the placebo group", "60%) receiving IL-2";
    # "loose" is what may when no tight link is found (any 40 characters but a comparison).
    "tight": r"[\s()\[\]\d/.,]*?(?:of\s+\d+\s+)?(?:(?:patients|subjects|participants)\s+)?"
    r"(?:in|with|for|of|among|receiving|given|on|treated\s+with)"
    r"\s+(?:the\s+)?",
    "loose": r"(?:(?!\b(?:compared|versus|vs|than)\b).){0,40}",
    # What may stand between a dose label and the ratio after it ("2 MIU group: ES=3.7").
    "adjacent": r"\s*(?:(?:arm|group|dose)s?)?[\s:,(]*",
    "mean-of": r"\bmean\s+(?:change\s+)?(?:of\s+)?$",
    "mean": r"\bmean\b",
    # "reduced by 30%" is a relative change; "reached by 40%" (of patients) is not.
    "relative-change": r"(?<!reached\s)(?<!achieved\s)(?<!attained\s)(?<!experienced\s)\bby\s*"
    r"(?:an?\s+(?:mean|median|average)\s+(?:change\s+)?(?:of\s+)?)?$",
})


@dataclass(frozen=True, slots=True)
class Slot(Span):
    """A value reported for one arm (or the whole trial) before it becomes a Result."""

    kind: str  # "sd" | "ratio" | "percent" | "fraction" | "from-to"
    value: Number | None
    unit: str
    sd: Number | None = None
    statistic: str | None = None
    interval: Interval | None = None
    fraction: Fraction | None = None
    direction: str | None = None
    arm: str | None = None


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
    for m in _FOLD.finditer(text):  # a ratio to baseline, of the arm it is said of
        group = "num" if m.group("num") else "num2"
        value = Number(offset + m.start(group), offset + m.end(group), to_decimal(m.group(group)) or Decimal(0))
        slots.append(Slot(offset + m.start(), offset + m.end(), "ratio", value, "", statistic="fold-change",
                          direction="increase" if m.group("up") or m.group("up2") else "decrease"))
    changes = []
    for m in _FROM_TO.finditer(text):
        a, b = to_decimal(m.group("a")), to_decimal(m.group("b"))
        unit = _normal_unit(m.group("unit") or m.group("u1"))
        value = Number(offset + m.start("b"), offset + m.end("b"), b or Decimal(0))
        direction = "increase" if b > a else "decrease" if b < a else "no-change"
        changes.append(Slot(offset + m.start("a"), offset + m.end(), "from-to", value, unit, direction=direction))
    if _CHANGED.search(sentence):
        for m in _FROM_TO_LISTED.finditer(text):
            if _overlaps(offset + m.start("a"), offset + m.end(), [(c.start, c.end) for c in changes]):
                continue
            a, b = to_decimal(m.group("a")), to_decimal(m.group("b"))
            value = Number(offset + m.start("b"), offset + m.end("b"), b or Decimal(0))
            direction = "increase" if b > a else "decrease" if b < a else "no-change"
            changes.append(Slot(offset + m.start("a"), offset + m.end(), "from-to", value,
                                _normal_unit(m.group("unit")), direction=direction))
    if SD_CUE.search(sentence):  # a value ± SD inside "from ... to ..." is the start or the end, not a change
        for pair in find_values_with_sd(text, offset):
            if not _overlaps(pair.value.start, pair.sd.end, [(c.start, c.end) for c in changes]):
                slots.append(Slot(pair.value.start, pair.sd.end, "sd", pair.value, "%" if pair.value.percent else "",
                                  sd=pair.sd))
    slots += changes
    taken = [(s.start, s.end) for s in slots] + [(i.start, i.end) for i in intervals] \
        + find_spreads(text, offset)
    fractions = sorted(find_fractions(text, offset) + find_of_fractions(text, offset), key=lambda f: f.start)
    changes_listed = False  # "fell by 48.2% in group B, 31.5% in group A and ...": the list goes on in kind
    for pct in find_percentages(text, offset):
        head = text[: pct.start - offset]
        relative = _CUES["relative-change"].search(head) or changes_listed
        mean = bool(_CUES["mean-of"].search(head) or relative and _CUES["mean"].search(sentence))
        if _RANGE_END.search(head) or _RANGE_START.match(text, pct.end - offset):
            continue  # "by 31 to 37%", "31% to 37%": a range, no one value
        if _overlaps(pct.start, pct.end, taken) or relative and not mean:
            changes_listed = changes_listed or bool(relative)
            continue  # "reduced by 30%" without a mean: a relative change, not an arm's value
        fraction = next((f for f in fractions if 0 <= f.start - pct.end <= 3 or 0 <= pct.start - f.end <= 3), None)
        fraction = fraction or _count_of_total(text, offset, pct) or _total_before(text, offset, pct)
        spread = _SPREAD_AFTER.match(text, pct.end - offset)  # "3% (IQR, -8% to 14%) with placebo": the arm after
        slots.append(Slot(pct.start, pct.end + (spread.end() - spread.start() if spread else 0),
                          "mean" if mean else "percent", pct, "%",
                          fraction=fraction if fraction and _agrees(fraction, pct) else None))
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


def _total_before(text: str, offset: int, pct: Number) -> Fraction | None:
    """ "Of the 33 patients evaluable for response, 20 (61%) had ...": the total opens the clause."""
    m = re.search(r"^\W*(?:of|among|amongst)\s+(?:the\s+)?(?P<b>\d+)\s+(?:\w+\s+){0,2}?(?:patients|participants|"
                  r"subjects)\b[^,;()]{0,60},\s*(?P<a>\d+)\s*\(\s*$", text[: pct.start - offset], re.IGNORECASE)
    if not m or int(m.group("a")) > int(m.group("b")):
        return None
    a = Number(offset + m.start("a"), offset + m.end("a"), Decimal(m.group("a")))
    b = Number(offset + m.start("b"), offset + m.end("b"), Decimal(m.group("b")))
    return Fraction(b.start, a.end, a, b)


def _agrees(fraction: Fraction, pct: Number) -> bool:
    """A count over a total belongs to a percentage only when they agree (to rounding)."""
    share = fraction.numerator.value * 100 / fraction.denominator.value
    return abs(share - pct.value) <= 1


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
    unit = re.sub(r"^cells\s+per\s+(?:microlit(?:er|re)|ul|uL)$", "cells/uL", unit)  # "cells per microliter"
    unit = re.sub(r"^cells\s+per\s+mm3$", "cells/mm3", unit)
    return "" if unit.startswith("point") else re.sub(r"l$", "L", unit)


def assign_arms(
    text: str, offset: int, slots: list[Slot], mentions: list[ArmMention], single_active: str | None,
    placebo: str | None = None,
) -> list[Slot]:
    """Give each slot the arm named next to it ("2 MIU: +6.2%", "65% ... compared with 37% of the placebo group").

    Ratios (effect size, odds ratio) compare arms: they take a dose label written right before them ("2 MIU ES=3.7"),
    never the placebo arm, else `single_active`, the label of the trial's one active arm (None when there are more).
    """
    if _CUES["respectively"].search(text) and slots:
        return _respectively(text, offset, slots, mentions)
    out = []
    for slot in slots:
        if slot.kind == "ratio":
            before = [m for m in mentions if m.end <= slot.start and m.label != placebo
                      and _CUES["adjacent"].fullmatch(text[m.end - offset : slot.start - offset])]
            out.append(replace(slot, arm=before[-1].label if before else single_active))
            continue
        arm = (_following_arm(text, offset, slot, slots, mentions, _CUES["tight"])
               or _preceding_arm(text, offset, slot, slots, mentions)
               or _following_arm(text, offset, slot, slots, mentions, _CUES["loose"]))
        out.append(replace(slot, arm=arm))
    return out


def _respectively(text: str, offset: int, slots: list[Slot], mentions: list[ArmMention]) -> list[Slot]:
    """ "a and b in the X and Y groups (compared with Z), respectively": the arms named after the last value."""
    after = [m for m in mentions if m.start > slots[-1].end]
    cue = COMPARISON_CUE.search(text, slots[-1].end - offset)
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
    if any(mention.end <= s.start < slot.start for s in slots) or COMPARISON_CUE.search(between):
        return None
    return mention.label


def _following_arm(
    text: str, offset: int, slot: Slot, slots: list[Slot], mentions: list[ArmMention], gap: re.Pattern[str]
) -> str | None:
    after = [m for m in mentions if m.start >= slot.end]
    if not after:
        return None
    mention = after[0]
    end = max(slot.end, slot.interval.end if slot.interval else 0)  # "0.3% (95% CI -0.2 to 0.8) with placebo"
    between = text[end - offset : mention.start - offset]
    if any(slot.end <= s.start < mention.start for s in slots) or end > mention.start or not gap.fullmatch(between):
        return None
    return mention.label


_NEXT_MEASURE = re.compile(r"\W*(?:and|while|whereas|but)?\s*(?:the\s+|a\s+)?", re.I)


def by_measure(measures: list[TermMatch], slots: list[Slot], text: str,
                offset: int) -> list[tuple[TermMatch, list[Slot], int, int]]:
    """The slots grouped by the measure named last before each, with each group's span (to the next measure);
    one group when a slot has no measure before it."""
    groups: list[tuple[TermMatch, list[Slot], int, int]] = []
    for slot in slots:
        before = [m for m in measures if m.end <= slot.start]
        if not before:
            return []
        if groups and groups[-1][0] is before[-1]:
            groups[-1][1].append(slot)
        elif groups and not _NEXT_MEASURE.fullmatch(text[groups[-1][1][-1].end - offset : before[-1].start - offset]):
            return []  # the measure is not the next item of a list ("... 50% reduction in SALT")
        else:
            groups.append((before[-1], [slot], before[-1].start, 0))
    ends = [g[2] for g in groups[1:]] + [10**9]
    return [(m, group, start, end) for (m, group, start, _), end in zip(groups, ends, strict=True)]
