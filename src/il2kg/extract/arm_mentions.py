"""Mentions of trial arms in result text: doses (compared as quantities), placebo, agents, "the treated group".

Arm labels follow the intervention extractor's convention: "placebo", a dose "2 MIU" when there are
several active arms, or the agent as written ("IL-2") when there is one. A dose is matched by its value
and unit, not its spelling: "250,000 IU/m2", "250 000 IU/m²" and "0.25 MIU/m2" all name the arm "250000 IU/m2".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from il2kg.extract.terms import find_terms
from il2kg.model import Arm, Lexicon

_GENERIC_ACTIVE = re.compile(
    r"\b(?:treated|treatment|active|intervention|verum|study[\s-]drug)\s+(?:groups?|arms?|patients)\b", re.IGNORECASE
)
_PLACEBO = re.compile(r"\bplacebo\b", re.IGNORECASE)
# Dose units with their scale to a base unit: million IU are IU times 10^6.
_MILLION = r"(?:MIU|M\s?IU|million\s+(?:IU|units|international\s+units)|[x×]\s*10\s*\^?\s*6\s*IU|×\s*10⁶\s*IU)"
_UNITS = (
    (rf"{_MILLION}\s*/\s*m(?:2|²)", "IU/m2", Decimal(10) ** 6),
    (rf"{_MILLION}(?!\s*/\s*(?:kg|m))", "IU", Decimal(10) ** 6),
    (r"IU\s*/\s*m(?:2|²)", "IU/m2", Decimal(1)),
    (r"IU\s*/\s*kg", "IU/kg", Decimal(1)),
    (r"IU(?!\s*/\s*(?:kg|m))", "IU", Decimal(1)),
    (r"(?:µg|μg|ug|mcg)(?!\s*/)", "ug", Decimal(1)),
)
_UNIT_CODES = {"MIU": ("IU", Decimal(10) ** 6), "MIU/m2": ("IU/m2", Decimal(10) ** 6)}
_DOSE = re.compile(
    r"(?<![\w.,])(?P<num>\d{1,3}(?:[, ]\d{3})+(?![\d.])|\d+(?:\.\d+)?)\s*-?\s*(?P<unit>"
    + "|".join(f"(?:{p})" for p, _, _ in _UNITS) + r")(?![\w])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ArmMention:
    """Text that names an arm, with the arm's label."""

    start: int
    end: int
    label: str


def is_placebo(arm: Arm) -> bool:
    """Whether an arm is the placebo comparator."""
    return arm.label == "placebo" or (arm.role is not None and arm.role.value == "placebo-comparator")


def _base(value: Decimal, unit: str) -> tuple[Decimal, str]:
    """A dose in its base unit: (2 MIU) -> (2000000, IU)."""
    code, scale = _UNIT_CODES.get(unit, (unit, Decimal(1)))
    return (value * scale).normalize(), code


def _arm_dose(arm: Arm) -> tuple[Decimal, str] | None:
    """The arm's dose in base units, from its intervention or else from a label written "<number> <unit>"."""
    if arm.intervention and arm.intervention.dose:
        return _base(arm.intervention.dose.value.value, arm.intervention.dose.value.unit)
    doses = find_doses(arm.label)
    return doses[0][2] if len(doses) == 1 and doses[0][1] - doses[0][0] == len(arm.label.strip()) else None


def find_doses(text: str) -> list[tuple[int, int, tuple[Decimal, str]]]:
    """Return the doses written in text as (start, end, (value, unit)) in base units."""
    found = []
    for m in _DOSE.finditer(text):
        try:
            value = Decimal(re.sub(r"[, ]", "", m.group("num")))
        except InvalidOperation:
            continue
        unit_text = m.group("unit")
        _, unit, scale = next(u for u in _UNITS if re.fullmatch(u[0], unit_text, re.IGNORECASE))
        found.append((m.start(), m.end(), ((value * scale).normalize(), unit)))
    return found


def _agent_label(curie: str, arms: tuple[Arm, ...]) -> str | None:
    active = [a for a in arms if not is_placebo(a)]
    same = [a for a in active if a.intervention and a.intervention.agent.value == curie]
    if len(same) == 1:
        return same[0].label
    return active[0].label if len(active) == 1 else None


def _dose_mentions(text: str, active: list[Arm]) -> list[ArmMention]:
    """Doses that name exactly one active arm (two arms with the same dose are not told apart by it)."""
    by_dose: dict[tuple[Decimal, str], list[str]] = {}
    for arm in active:
        dose = _arm_dose(arm)
        if dose is not None:
            by_dose.setdefault(dose, []).append(arm.label)
    return [ArmMention(s, e, by_dose[d][0]) for s, e, d in find_doses(text) if len(by_dose.get(d, ())) == 1]


def find_arm_mentions(text: str, offset: int, arms: tuple[Arm, ...], lexicon: Lexicon) -> list[ArmMention]:
    """Return the non-overlapping mentions of arms in text: dose, placebo, agent, generic 'treated group'."""
    found: list[ArmMention] = []
    placebo = [a.label for a in arms if is_placebo(a)]
    active = [a for a in arms if not is_placebo(a)]
    if len(active) > 1:
        found += _dose_mentions(text, active)
    else:
        for arm in active:
            found += [ArmMention(m.start(), m.end(), arm.label)
                      for m in re.finditer(rf"(?<![\w-]){re.escape(arm.label)}(?![\w-])", text)]
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
