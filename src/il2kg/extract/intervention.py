"""Trial arms and what they receive: agent, dose, route, frequency and the dosing schedule."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from il2kg.extract import doses
from il2kg.extract.agents import is_background
from il2kg.extract.arm_mentions import CONTROL_WORD, GENERIC_ACTIVE, PLACEBO_WORD, arm_dose
from il2kg.extract.design import trial_spans
from il2kg.extract.doses import Dose, in_base_units
from il2kg.extract.schedule import parse_schedule, received_period, with_schedule_text
from il2kg.extract.schedule_arms import split_by_schedule
from il2kg.extract.terms import TermMatch, find_terms, find_terms_in
from il2kg.extract.text import Page, rule_facts
from il2kg.model import Arm, Fact, Intervention, Lexicon, Quantity

PLACEBO = "il2kg:placebo"
# A placebo coordinated with the active arm ("IL-2 1 MIU or placebo", "to IL-2, or matching placebo").
_PLACEBO_JOINED = re.compile(r"(?:\bor|\band|\bversus|\bvs\.?|,)\s+(?:either\s+)?(?:an?\s+|the\s+)?"
                             r"(?:matching\s+|identical\s+|saline\s+)?$", re.I)


_fact = rule_facts("intervention")


def find_doses(page: Page, start: int, end: int) -> list[Dose]:
    """Return every dose in a span, one per number ("1 and 2 MIU" gives two), in text order."""
    return doses.find_doses(page.clean, start, end)


def _agents(page: Page, lexicon: Lexicon, start: int, end: int) -> list[TermMatch]:
    """Return the active agents named in a span; a product named in parentheses replaces the agent before it."""
    hits = [h for h in find_terms_in(page.clean, start, end, lexicon, "agent")
            if h.term.curie != PLACEBO and not is_background(page, h.start, h.end, start, end)]
    out = []
    for i, hit in enumerate(hits):
        after = hits[i + 1] if i + 1 < len(hits) else None
        if after and re.fullmatch(r"\s*\(\s*", page.clean[hit.end : after.start]):
            continue  # "IL-2 (ILT-101)": the product name is the more specific agent
        out.append(hit)
    return out


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _regimen_span(page: Page, spans: tuple[tuple[int, int], ...]) -> tuple[int, int] | None:
    """Return the first own-trial sentence (not the title) that states a dose (a product's strength is none)."""
    return next(((s, e) for s, e in spans
                 if any(not _STRENGTH.match(page.clean, d.end) for d in find_doses(page, s, e))), None)


def find_arms(page: Page, lexicon: Lexicon, design: tuple[str, ...] = ()) -> tuple[Arm, ...]:
    """Return the trial's arms with their interventions, in text order (sizes are set by the caller)."""
    spans = trial_spans(page)
    regimen = _regimen_span(page, spans)
    if regimen is None:
        return ()
    start, end = regimen
    written = find_doses(page, start, end)
    doses = [d for d in written if not _other_drugs_dose(page, d, lexicon)
             and not _CONTROL_CLAUSE.search(page.clean, max(start, d.start - 120), d.start)
             and not _STRENGTH.match(page.clean, d.end)]
    not_own = [d.start for d in written if d not in doses]  # other drugs' doses: the IL-2 schedule ends before them
    # One dose written twice ("100 WIU (1 × 10^6 IU)", "2 MIU (2,000,000 IU)") is one dose level.
    doses = list({in_base_units(d.value, d.unit): d for d in reversed(doses)}.values())[::-1]
    agents = _agents(page, lexicon, start, end) or next((a for s in spans if (a := _agents(page, lexicon, *s))), [])
    if not agents:
        return ()
    # IL-2 is what the page's arms are about when it is given beside another drug ("CsA plus rhIL-2 ... or CsA alone")
    agent = next((a for a in agents if _is_il2(a.term.curie, lexicon)), agents[0])
    placebo = PLACEBO_WORD.search(page.clean[start:end])  # the arm, not the design
    parallel = _parallel_doses(page, start, end, doses)
    # "IL-2 1 MIU ... or methotrexate 40 mg daily (n = 89)": another drug's dose in an alternative is its own
    # arm, the comparator's (and the IL-2 schedule is read before it); a background drug's dose is no arm's.
    doses, comparators = _comparator_doses(page, lexicon, start, end, doses, agent) if parallel else (doses, [])
    others = [a.start for _, a in comparators] + not_own
    own_end = min([o for o in others if o > agent.start] or [end])
    fields = parse_schedule(page, start, own_end, doses)
    if "duration" not in fields and not {"cycles", "maintenance_frequency"} & set(fields):
        fields["duration"] = received_period(page, spans, regimen)
    fields = with_schedule_text(page, fields)
    controlled = bool(placebo) or "randomised" in design
    hits = _agents(page, lexicon, start, end)
    # "IL-2 (aldesleukin) 18 000 U/kg plus HDC 0.5 mg": doses of several agents are one combined regimen
    combined = len({(_nearest_agent(page.clean, d, hits) or agent).term.curie for d in doses}) > 1
    by_dose = len(doses) >= 2 and (parallel or not combined and (controlled or "dose-escalation" in design))
    also: tuple[Intervention, ...] = ()
    if len(doses) >= 2 and not by_dose:  # one regimen: later courses, or another agent given with it
        dosed = [(d, _nearest_agent(page.clean, d, hits) or agent) for d in doses]
        first = next((i for i, (_, a) in enumerate(dosed) if a.term.curie == agent.term.curie), 0)
        alone = _given_alone(page, lexicon)  # "... or hydroxychloroquine alone": both arms get it, it is background
        also = tuple(Intervention(agent=_fact(page, a.term.curie, a.start, a.end, "agent"), dose=_dose_fact(page, d))
                     for i, (d, a) in enumerate(dosed) if i != first and a.term.curie not in alone)
        doses = [dosed[first][0]]
    arms = []
    for dose in doses:
        written = re.sub(r"^(?:ultra-?)?low[- ]dose\s+", "", page.clean[agent.start : agent.end], flags=re.I)
        label = f"{_plain(dose.value)} {dose.unit}" if by_dose else written
        role = "experimental" if controlled or by_dose else "single-group-arm"
        intervention = Intervention(
            agent=_fact(page, agent.term.curie, agent.start, agent.end, "agent"),
            dose=_dose_fact(page, dose),
            **fields,
        )
        arms.append((dose.start, Arm(label, _fact(page, role, dose.start, dose.end, "role"), None, intervention,
                                     also)))
    arms += [(d.start, Arm(page.clean[a.start : a.end], _fact(page, "active-comparator", a.start, a.end, "role"),
                           None, Intervention(agent=_fact(page, a.term.curie, a.start, a.end, "agent"),
                                              dose=_dose_fact(page, d)))) for d, a in comparators]
    if len(arms) == 1 and (split := split_by_schedule(page, arms[0][1], start, end)):
        return split
    if placebo:
        s, e = start + placebo.start(), start + placebo.end()
        shared = with_schedule_text(page, _placebo_fields(page, start, s, fields))
        intervention = Intervention(agent=_fact(page, PLACEBO, s, e, "placebo"), **shared)
        arms.append((s, Arm("placebo", _fact(page, "placebo-comparator", s, e, "role"), None, intervention)))
    return tuple(arm for _, arm in sorted(arms, key=lambda item: item[0]))


# "The control group received acitretin capsules 30 mg/d orally; the treatment group additionally received ...": a
# dose in the clause of the control group is the control's.
_CONTROL_CLAUSE = re.compile(r"\b(?:control|comparator|routine|conventional)\s+(?:group|arm)s?\s+(?:received|took|"
                             r"(?:was|were)\s+(?:given|treated\s+with))\b(?:(?!\b(?:groups?|arms?)\b)[^;.])*$", re.I)


# A product's strength, not a dose given: "Proleukin 18 x 10^6 IU powder for solution", "per vial".
_STRENGTH = re.compile(r"\s*(?:powder|lyophili[sz]ed|vials?\b|per\s+vial|solution\s+for|concentrate\s+for)", re.I)


def _comparator_doses(page: Page, lexicon: Lexicon, start: int, end: int, doses: list[Dose],
                      agent: TermMatch) -> tuple[list[Dose], list[tuple[Dose, TermMatch]]]:
    """The IL-2 doses of a sentence of alternatives, and the doses of the other drugs named right before theirs
    (each with its drug); doses of background drugs are dropped."""
    every = [h for h in find_terms_in(page.clean, start, end, lexicon, "agent") if h.term.curie != PLACEBO]
    alone = _given_alone(page, lexicon)  # "... or CsA alone": every arm gets it, a background drug
    own, others = [], []
    for dose in doses:
        named = _nearest_agent(page.clean, dose, every)
        if named is None or named.term.curie == agent.term.curie:
            own.append(dose)
        elif not is_background(page, named.start, named.end, start, end) and named.term.curie not in alone \
                and all(named.term.curie != a.term.curie for _, a in others):  # "3-5 mg/kg": one comparator
            others.append((dose, named))
    return (own, others) if own else (doses, [])


# The name of a drug the lexicon does not know, right before its dose: "pembrolizumab 200 mg", "on
# ursodeoxycholic acid (13-15 mg/kg/day)". Such a dose is that drug's, never the IL-2 arm's.
_DRUG_NAME_BEFORE = re.compile(r"(?:\b[a-z][a-z-]{3,}(?:mab|nib|cept|ine|ide|one|ol|ate|statin|pril|sartan|olimus|"
                               r"sporin|mycin|cillin|azole|vir|tide|parin|platin|rubicin|taxel|fen)|\b[a-z]{4,}\s+acid)\b"
                               r"\s*(?:\(\s*|,\s*|at\s+(?:a\s+dose\s+of\s+)?|up\s+to\s+)?$", re.I)


def _given_alone(page: Page, lexicon: Lexicon) -> set[str]:
    """The agents a comparator arm gets alone ("or hydroxychloroquine alone (n=103)")."""
    return {h.term.curie for start, end in trial_spans(page) for h in find_terms_in(page.clean, start, end, lexicon,
                                                                                     "agent")
            if re.match(r"\s+alone\b", page.clean[h.end : h.end + 8])}


def _other_drugs_dose(page: Page, dose: Dose, lexicon: Lexicon) -> bool:
    before = page.clean[max(0, dose.start - 50) : dose.start]
    before = re.sub(r"\d+(?:\.\d+)?\s*(?:-|to)\s*$", "", before)  # the upper end of a range: "(13-15 mg/kg"
    m = _DRUG_NAME_BEFORE.search(before)
    if m is None:
        return False
    word_start = max(0, dose.start - 50) + m.start()
    return not find_terms_in(page.clean, word_start, dose.start, lexicon, "agent")


def _dose_fact(page: Page, dose: Dose) -> Fact[Quantity]:
    return _fact(page, Quantity(dose.value, dose.unit), dose.start, dose.end,
                 "dose" + (f" ({dose.derivation})" if dose.derivation else ""))


# Doses of parallel groups, not of one regimen: "1 MIU or 3 MIU", "cohorts", "dose levels", "respectively".
_PARALLEL = re.compile(r"\b(?:cohorts?|dose\s+(?:levels?|groups?|arms?)|groups?|arms?|respectively|escalat\w*|"
                       r"ascending|either)\b", re.I)


def _parallel_doses(page: Page, start: int, end: int, doses: list[Dose]) -> bool:
    if _PARALLEL.search(page.clean, start, end):
        return True
    return any(re.search(r"\bor\b", page.clean[a.end : b.start]) for a, b in zip(doses, doses[1:], strict=False))


def _nearest_agent(text: str, dose: Dose, hits: list[TermMatch]) -> TermMatch | None:
    """The agent a dose is of: one written right after it ("2 mg rapamycin", "500 000 IU of rhIL-2"), else the
    closest one before it ("IL-2 (aldesleukin) 18 000 U/kg, ... plus HDC 0.5 mg"), within 80 characters."""
    after = [h for h in hits if 0 <= h.start - dose.end <= 12]
    if after and not re.search(r"[,;]|\b(?:plus|and|with)\b", text[dose.end : after[0].start]):
        return after[0]
    before = [h for h in hits if 0 <= dose.start - h.end <= 80]
    return before[-1] if before else None


def _placebo_fields(page: Page, start: int, placebo: int, fields: dict[str, Fact]) -> dict[str, Fact]:
    """The schedule the placebo arm shares: none unless the placebo is coordinated with the active arm
    ("IL-2 1 MIU or placebo, given ..."); then all but what sits in the active arm's own parentheses
    ("IL-2 (1 MIU subcutaneously every other day; n=60) or placebo (n=30)")."""
    if not _PLACEBO_JOINED.search(page.clean, max(start, placebo - 40), placebo):
        return {}
    private = [(start + m.start(), start + m.end()) for m in re.finditer(r"\([^()]*\)", page.clean[start:placebo])]
    return {k: v for k, v in fields.items() if not any(s <= v.evidence.start < e for s, e in private)}


_STANDARD_CARE = re.compile(r"\b(?:SOC|standard\s+(?:of\s+)?care|usual\s+care|best\s+supportive\s+care|"
                            r"control\s+arm)\b", re.I)
_IL2 = "il2kg:interleukin2"


# An arm given nothing: "no treatment (control, n=160)", "untreated", "observation only".
# Standard care alone, when the treated arm gets IL-2 on top of it, adds no study intervention either.
_NO_INTERVENTION = re.compile(r"^(?:no(?:\s+further)?\s+(?:treatment|intervention|therapy)|untreated|"
                              r"observation(?:\s+only)?|(?:standard|usual|routine|conventional)\s+(?:of\s+)?"
                              r"(?:care|treatment|therapy)\s+(?:alone|only))"
                              r"\b", re.I)


def _names(key: str, arm: Arm, lexicon: Lexicon) -> bool:
    """Whether the text a size is keyed by names the arm: its label as a word, or its dose ("0.5 MIU/day"), or
    IL-2 by any name for the treated arm of an IL-2 product ("(IL-2 group, n = 30)" for an arm called Proleukin)."""
    if re.search(rf"(?<![\w.]){re.escape(arm.label)}(?![\w-])", key, re.I):
        return True
    treated = arm.role is not None and arm.role.value in ("experimental", "single-group-arm")
    given_il2 = arm.intervention is not None and _is_il2(arm.intervention.agent.value, lexicon)
    if treated and (given_il2 and any(_is_il2(t.term.curie, lexicon) for t in find_terms(key, lexicon, "agent"))
                    or GENERIC_ACTIVE.search(key)):
        return True  # "(combination arm, 45; control arm, 43)": the treated group by what it is called
    written = doses.find_doses(key)
    return len(written) == 1 and arm_dose(arm) == doses.in_base_units(written[0].value, written[0].unit)


def _is_il2(curie: str, lexicon: Lexicon) -> bool:
    """Whether an agent is IL-2 or one of its products (the lexicon's broader terms say so)."""
    return curie == _IL2 or any(t.curie == curie and _IL2 in t.broader for t in lexicon.of_kind("agent"))


def with_sizes(arms: tuple[Arm, ...], sizes: tuple[tuple[str | None, Fact[int]], ...],
               lexicon: Lexicon) -> tuple[Arm, ...]:
    """Give arms their sizes: a size for every arm (key None), or one keyed by the arm's text ("placebo", "IL-2").

    A size keyed by an arm given nothing ("no treatment (n=160)") is that arm, added when the arms lack it.
    """
    if not arms:
        return arms
    out = []
    active = [a for a in arms if a.label != "placebo"]
    untreated = [(key, fact) for key, fact in sizes if key and _NO_INTERVENTION.match(key.strip())]
    sizes = tuple(s for s in sizes if s not in untreated)
    for arm in arms:
        found = []
        for key, fact in sizes:
            comparator = key is not None and (CONTROL_WORD.search(key) or _STANDARD_CARE.search(key)
                                              and not re.match(r"\s*(?:plus|with|and|\+)\s", key, re.I))
            if comparator and not _names(key, arm, lexicon):
                continue  # "(control group, n = 15)": a comparator we may not record as an arm, never the treated arm
            if key is None:
                found.append(fact)
            elif bool(PLACEBO_WORD.search(key)) == (arm.label == "placebo") and (
                arm.label == "placebo" or len(active) == 1 or _names(key, arm, lexicon)
            ):
                found.append(fact)
        size = found[-1] if len({f.value for f in found}) == 1 else None  # "(arm A, n=14) ... (arm B, n=13)" for
        out.append(replace(arm, size=size) if size else arm)  # one arm read: two sizes, neither surely its own
    for key, fact in untreated:
        role = Fact("no-intervention", replace(fact.evidence, method="intervention.no-intervention-arm"))
        out.append(Arm(key.strip(), role, fact))
    if untreated:  # beside an arm given nothing, the treated arm is compared: not a single group
        out = [replace(a, role=Fact("experimental", replace(a.role.evidence, method="intervention.treated-arm.role")))
               if a.role is not None and a.role.value == "single-group-arm" else a for a in out]
    return tuple(out)
