"""Mentions of trial arms in result text: doses (compared as quantities), placebo, agents, "the treated group".

Arm labels follow the intervention extractor's convention: "placebo", a dose "2 MIU" when there are
several active arms, or the agent as written ("IL-2") when there is one. A dose is matched by its value
and unit, not its spelling: "250,000 IU/m2", "250 000 IU/m²" and "0.25 MIU/m2" all name the arm "250000 IU/m2".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from il2kg.extract.doses import find_doses, in_base_units
from il2kg.extract.span import Span
from il2kg.extract.terms import find_terms
from il2kg.model import Arm, Lexicon

# "the observation group" is the treated group in abstracts written opposite "the control group".
GENERIC_ACTIVE = re.compile(
    r"\b(?:treated|treatment|active|intervention|verum|study[\s-]drug|experimental|observation|research|combination|"
    r"study)\s+"
    r"(?:groups?|arms?|patients)\b", re.IGNORECASE
)
# "placebo-controlled" names the design; a sham (or dummy) injection is the placebo of an injected drug.
PLACEBO_WORD = re.compile(r"\b(?:placebo|sham(?:\s+injections?)?|dummy\s+injections?)\b(?![- ]controlled)",
                          re.IGNORECASE)
CONTROL_WORD = re.compile(r"(?<!healthy )(?<!matched )(?<!normal )"
                      r"\b(?:control\s+(?:groups?|arms?|cohorts?|patients)|controls)\b", re.IGNORECASE)
# The label of a control group that is not one of the trial's arms (a control given standard care, whose role the
# page leaves open): what is said of it is about no arm we record, so readers drop it rather than give it elsewhere.
CONTROL = "(control group)"


@dataclass(frozen=True, slots=True)
class ArmMention(Span):
    """Text that names an arm, with the arm's label."""

    label: str


def is_placebo(arm: Arm) -> bool:
    """Whether an arm is the placebo comparator."""
    return arm.label == "placebo" or (arm.role is not None and arm.role.value == "placebo-comparator")


def is_control(arm: Arm) -> bool:
    """Whether an arm is a comparator: placebo, an active comparator or an arm given nothing."""
    return is_placebo(arm) or (arm.role is not None and arm.role.value in ("active-comparator", "no-intervention"))


def arm_dose(arm: Arm) -> tuple[Decimal, str] | None:
    """The arm's dose in base units, from its intervention or else from a label written "<number> <unit>"."""
    if arm.intervention and arm.intervention.dose:
        return in_base_units(arm.intervention.dose.value.value, arm.intervention.dose.value.unit)
    doses = find_doses(arm.label)
    if len(doses) == 1 and doses[0].end - doses[0].start == len(arm.label.strip()):
        return in_base_units(doses[0].value, doses[0].unit)
    return None


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
        dose = arm_dose(arm)
        if dose is not None:
            by_dose.setdefault(dose, []).append(arm.label)
    mentions = ((d.start, d.end, in_base_units(d.value, d.unit)) for d in find_doses(text))
    return [ArmMention(s, e, by_dose[d][0]) for s, e, d in mentions if len(by_dose.get(d, ())) == 1]


# A name the methods give an arm, with what it receives: "group A (IL-2 0.5 MIU)", "arm 2 (placebo)".
_ALIAS = re.compile(r"\b(?P<name>(?:group|arm|cohort)\s+(?:[A-H]|[1-9]|I{1,3}V?))\s*\((?P<body>[^()\n]{1,80})\)")


def arm_aliases(text: str, arms: tuple[Arm, ...]) -> tuple[tuple[str, str], ...]:
    """(name, arm label) of each arm the text names by a letter or number before saying what it receives."""
    placebo = [a.label for a in arms if is_placebo(a)]
    by_dose: dict[tuple[Decimal, str], list[str]] = {}
    for arm in arms:
        if not is_placebo(arm) and (dose := arm_dose(arm)) is not None:
            by_dose.setdefault(dose, []).append(arm.label)
    out: dict[str, str] = {}
    for m in _ALIAS.finditer(text):
        body, name = m.group("body"), " ".join(m.group("name").lower().split())
        doses = {in_base_units(d.value, d.unit) for d in find_doses(body)}
        if PLACEBO_WORD.search(body) and not doses and len(placebo) == 1:
            out.setdefault(name, placebo[0])
        elif len(doses) == 1 and len(by_dose.get(next(iter(doses)), ())) == 1:
            out.setdefault(name, by_dose[next(iter(doses))][0])
    return tuple(sorted(out.items()))


def find_arm_mentions(text: str, offset: int, arms: tuple[Arm, ...], lexicon: Lexicon,
                      aliases: tuple[tuple[str, str], ...] = ()) -> list[ArmMention]:
    """Return the non-overlapping mentions of arms in text: alias, dose, placebo, agent, generic 'treated group'."""
    found: list[ArmMention] = []
    for name, label in aliases:
        pattern = r"\b" + r"\s+".join(map(re.escape, name.split())) + r"\b"
        found += [ArmMention(m.start(), m.end(), label) for m in re.finditer(pattern, text, re.I)]
    placebo = [a.label for a in arms if is_placebo(a)]
    active = [a for a in arms if not is_placebo(a)]
    if len(active) > 1:
        found += _dose_mentions(text, active)
        for arm in active:  # arms named by a letter or number, told apart by schedule ("arm A", "group 2")
            if re.fullmatch(r"(?:group|arm|cohort)\s+\w{1,3}", arm.label, re.I):
                found += [ArmMention(m.start(), m.end(), arm.label)
                          for m in re.finditer(rf"\b{re.escape(arm.label)}\b", text, re.I)]
    else:
        for arm in active:
            found += [ArmMention(m.start(), m.end(), arm.label)
                      for m in re.finditer(rf"(?<![\w-]){re.escape(arm.label)}(?![\w-])", text)]
    if len(placebo) == 1:
        found += [ArmMention(m.start(), m.end(), placebo[0]) for m in PLACEBO_WORD.finditer(text)]
    controls = [a.label for a in arms if is_control(a)]
    control = controls[0] if len(controls) == 1 else None if controls else CONTROL
    found += [ArmMention(m.start(), m.end(), control) for m in CONTROL_WORD.finditer(text)] if control else []
    for match in find_terms(text, lexicon, "agent"):
        label = None if PLACEBO_WORD.fullmatch(text[match.start : match.end]) else _agent_label(match.term.curie, arms)
        found += [ArmMention(match.start, match.end, label)] if label else []
    if len(active) == 1:
        found += [ArmMention(m.start(), m.end(), active[0].label) for m in GENERIC_ACTIVE.finditer(text)]
    taken: list[ArmMention] = []
    for mention in sorted(found, key=lambda m: (m.start, -(m.end - m.start))):
        if not taken or mention.start >= taken[-1].end:
            taken.append(mention)
    return [replace(m, start=m.start + offset, end=m.end + offset) for m in taken]
