"""Trial arms and what they receive: agent, dose, route, frequency and the dosing schedule."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from il2kg.extract import doses
from il2kg.extract.agents import is_background
from il2kg.extract.design import trial_spans
from il2kg.extract.doses import Dose
from il2kg.extract.terms import TermMatch, find_terms_in
from il2kg.extract.text import Page
from il2kg.model import Arm, Fact, Intervention, Lexicon, Quantity

PLACEBO = "il2kg:placebo"
_ROUTES = ((r"\bsubcutaneous(?:ly)?\b|\bs\.c\.|\bSC\b", "subcutaneous"),
           (r"\bintravenous(?:ly)?\b|\bi\.v\.", "intravenous"),
           (r"\boral(?:ly)?\b", "oral"))
_FREQUENCIES = (
    (r"\bonce[ -]daily\b|\bdaily\b|\bonce a day\b|\bper day\b|\bevery day\b", "once daily"),
    (r"\bevery other day\b|\bon alternate days\b|\bevery second day\b", "every other day"),
    (r"\btwice (?:a |per )?week(?:ly)?\b", "twice weekly"),
    (r"\bthree times (?:a |per )?week\b", "three times weekly"),
    (r"\bfortnightly\b|\bbiweekly\b|\bevery (?:2|two) weeks\b|\bevery other week\b", "fortnightly"),
    (r"\bonce[ -]weekly\b|\bweekly\b|\bonce a week\b|\bevery week\b", "weekly"),
)
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "ten": 10}
# Unnamed groups: a pattern may hold several alternatives; `_count_unit` reads the first number and unit.
_COUNT = r"(\d{1,3}|" + "|".join(_WORD_NUMBERS) + r")"
_UNIT_WORD = r"(day|week|month|year)s?"
_DOSING_DAYS = re.compile(rf"\bfor {_COUNT} (?:consecutive )?days\b|\b{_COUNT}-day (?:course|induction|cycle)s?\b",
                          re.I)
_CYCLE_LENGTH = re.compile(rf"\bevery {_COUNT} {_UNIT_WORD}\b|\b{_COUNT}-{_UNIT_WORD} (?:treatment )?cycles?\b", re.I)
_CYCLES = re.compile(rf"\b(?:for )?{_COUNT} (?:treatment )?cycles\b", re.I)
_BREAK = re.compile(rf"\b{_COUNT}[- ]{_UNIT_WORD}[- ](?:break|rest|pause|washout|(?:drug|treatment)[- ]free)\b|"
                    rf"\b(?:break|rest|pause) of {_COUNT} {_UNIT_WORD}\b", re.I)
_MAINTENANCE_CUE = re.compile(r"\bfollowed by\b|\bthen\b", re.I)
_FOR_PERIOD = re.compile(rf"\bfor {_COUNT} {_UNIT_WORD}\b|\buntil {_UNIT_WORD} {_COUNT}\b", re.I)
# "for 2 weeks and followed by a 2-week break as one treatment cycle": the cycle is dosing plus break.
_ONE_CYCLE = re.compile(
    r"[^.;]{0,12}?\b(?:as|for|constitut\w*|form\w*|making up) (?:one|a|each) (?:treatment )?cycle\b", re.I
)
# "received either IL-2 (n=30) or placebo (n=30) ... for 12 weeks" (not "were followed up for 12 weeks").
_RECEIVED = re.compile(r"\b(?:received|were given|were treated with|was administered|were administered)\b", re.I)
_FOLLOWED_BEFORE = re.compile(r"\bfollowed(?: up)?(?: for)?\s*(?:an? )?(?:additional |further |another )?$", re.I)
# A placebo coordinated with the active arm ("IL-2 1 MIU or placebo", "to IL-2, or matching placebo").
_PLACEBO_JOINED = re.compile(r"(?:\bor|\band|\bversus|\bvs\.?|,)\s+(?:either\s+)?(?:an?\s+|the\s+)?"
                             r"(?:matching\s+|identical\s+|saline\s+)?$", re.I)


def _fact(page: Page, value: object, start: int, end: int, rule: str) -> Fact:
    return page.fact(value, start, end, f"intervention.{rule}")


def find_doses(page: Page, start: int, end: int) -> list[Dose]:
    """Return every dose in a span, one per number ("1 and 2 MIU" gives two), in text order."""
    return doses.find_doses(page.clean, start, end)


def _number(text: str) -> int:
    return _WORD_NUMBERS.get(text.lower()) or int(text)


def _first(page: Page, pattern: re.Pattern[str], start: int, end: int) -> re.Match[str] | None:
    return pattern.search(page.clean, start, end) if start < end else None


def _frequency(page: Page, start: int, end: int, rule: str) -> Fact[str] | None:
    hits = []
    for pattern, code in _FREQUENCIES:
        m = re.compile(pattern, re.I).search(page.clean, start, end)
        if m:
            hits.append((m.start(), m.end(), code))
    if not hits:
        return None
    s, e, code = min(hits)
    return _fact(page, code, s, e, rule)


def _count_unit(m: re.Match[str]) -> tuple[int, str | None]:
    groups = [g for g in m.groups() if g]
    value = next(g for g in groups if (g.isascii() and g.isdigit()) or g.lower() in _WORD_NUMBERS)
    unit = next((g.lower() for g in groups if g.lower() in ("day", "week", "month", "year")), None)
    return _number(value), unit


def _quantity(page: Page, m: re.Match[str], rule: str) -> Fact[Quantity]:
    value, unit = _count_unit(m)
    return _fact(page, Quantity(Decimal(value), unit or "day"), m.start(), m.end(), rule)


def parse_schedule(page: Page, start: int, end: int, doses: list[Dose]) -> dict[str, Fact]:
    """Read the schedule fields of a regimen sentence into Intervention keyword arguments."""
    cue = _first(page, _MAINTENANCE_CUE, start, end)
    pause = _first(page, _BREAK, start, end)
    induction_end = cue.start() if cue and not (pause and pause.start() < cue.end() + 12) else end
    fields: dict[str, Fact] = {}
    for pattern, code in _ROUTES:
        m = re.search(pattern, page.clean[start:end], re.I)
        if m and "route" not in fields:
            fields["route"] = _fact(page, code, start + m.start(), start + m.end(), "route")
    daily = next((d.daily for d in doses if d.daily), None)
    fields["frequency"] = _frequency(page, start, induction_end, "frequency") or (
        _fact(page, "once daily", *daily, "per-day-dose") if daily else None
    )
    days = _first(page, _DOSING_DAYS, start, induction_end)
    if days:
        fields["dosing_days"] = _fact(page, _count_unit(days)[0], *days.span(), "dosing-days")
        cycle = _first(page, _CYCLE_LENGTH, days.end(), induction_end)
        if cycle:
            fields["cycle_length"] = _quantity(page, cycle, "cycle-length")
            if fields["frequency"] and fields["frequency"].evidence.start >= cycle.start():
                fields["frequency"] = None  # "every 2 weeks" after "for 5 days" is the cycle, not the frequency
    cycles = _first(page, _CYCLES, start, end)
    if cycles:
        fields["cycles"] = _fact(page, _count_unit(cycles)[0], *cycles.span(), "cycles")
    if pause:
        fields["break_length"] = _quantity(page, pause, "break-length")
        if "cycle_length" not in fields:
            fields.update(_dosing_plus_break(page, start, pause, end))
    if cue and induction_end == cue.start():
        fields.update(_maintenance(page, cue.end(), end))
    elif not (pause or cycles or days):  # "once daily for 12 weeks": the whole treatment period
        period = _first(page, _FOR_PERIOD, start, end)
        if period and _count_unit(period)[1] in ("week", "month", "year"):
            fields["duration"] = _quantity(page, period, "duration")
    return {k: v for k, v in fields.items() if v is not None}


def _dosing_plus_break(page: Page, start: int, pause: re.Match[str], end: int) -> dict[str, Fact]:
    """A cycle stated as its parts: "for 2 weeks ... followed by a 2-week break as one treatment cycle"."""
    closing = _ONE_CYCLE.match(page.clean, pause.end(), end)
    period = _first(page, _FOR_PERIOD, start, pause.start())
    if not closing or not period:
        return {}
    (dosing, unit), (rest, rest_unit) = _count_unit(period), _count_unit(pause)
    if unit is None or unit != rest_unit:
        return {}
    return {"cycle_length": _fact(page, Quantity(Decimal(dosing + rest), unit), period.start(), closing.end(),
                                  "cycle-dosing-plus-break")}


def _received_period(page: Page, spans: tuple[tuple[int, int], ...], regimen: tuple[int, int]) -> Fact[Quantity] | None:
    """The treatment period of an own-trial sentence saying what the arms received ("... for 12 weeks")."""
    for start, end in spans:
        if (start, end) == regimen or not _RECEIVED.search(page.clean, start, end):
            continue
        for m in _FOR_PERIOD.finditer(page.clean, start, end):
            if _FOLLOWED_BEFORE.search(page.clean, max(start, m.start() - 40), m.start()):
                continue
            if _count_unit(m)[1] in ("week", "month", "year"):
                return _quantity(page, m, "received-period")
    return None


def _maintenance(page: Page, start: int, end: int) -> dict[str, Fact]:
    frequency = _frequency(page, start, end, "maintenance-frequency")
    period = _first(page, _FOR_PERIOD, frequency.evidence.end if frequency else start, end)
    out: dict[str, Fact] = {}
    if frequency:
        out["maintenance_frequency"] = frequency
    if frequency and period:
        out["duration"] = _quantity(page, period, "duration")
    return out


def _schedule_text(page: Page, fields: dict[str, Fact]) -> Fact[str] | None:
    spans = [f.evidence for k, f in fields.items() if k != "route" and f.evidence.method != "intervention.per-day-dose"]
    if not spans:
        return None
    first = min(spans, key=lambda e: e.start)
    sentence = page.sentence_at(first.start)
    if sentence is not None:  # the schedule as written is one sentence's words, never a run across two
        spans = [e for e in spans if sentence.start <= e.start and e.end <= sentence.end]
    start, end = min(e.start for e in spans), max(e.end for e in spans)
    return _fact(page, page.raw[start:end], start, end, "schedule-text")


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
    """Return the first own-trial sentence (not the title) that states a dose."""
    return next(((s, e) for s, e in spans if find_doses(page, s, e)), None)


def find_arms(page: Page, lexicon: Lexicon, design: tuple[str, ...] = ()) -> tuple[Arm, ...]:
    """Return the trial's arms with their interventions, in text order (sizes are set by the caller)."""
    spans = trial_spans(page)
    regimen = _regimen_span(page, spans)
    if regimen is None:
        return ()
    start, end = regimen
    doses = list({(d.value, d.unit): d for d in reversed(find_doses(page, start, end))}.values())[::-1]
    agents = _agents(page, lexicon, start, end) or next((a for s in spans if (a := _agents(page, lexicon, *s))), [])
    if not agents:
        return ()
    agent = agents[0]
    placebo = re.search(r"\bplacebo\b(?![- ]controlled)", page.clean[start:end], re.I)  # the arm, not the design
    fields = parse_schedule(page, start, end, doses)
    if "duration" not in fields and not {"cycles", "maintenance_frequency"} & set(fields):
        fields["duration"] = _received_period(page, spans, regimen)
    fields = _with_schedule_text(page, fields)
    controlled = bool(placebo) or "randomised" in design
    hits = _agents(page, lexicon, start, end)
    # "IL-2 (aldesleukin) 18 000 U/kg plus HDC 0.5 mg": doses of several agents are one combined regimen
    combined = len({(_nearest_agent(page.clean, d, hits) or agent).term.curie for d in doses}) > 1
    parallel = _parallel_doses(page, start, end, doses)
    by_dose = len(doses) >= 2 and (parallel or not combined and (controlled or "dose-escalation" in design))
    also: tuple[Intervention, ...] = ()
    if len(doses) >= 2 and not by_dose:  # one regimen: later courses, or another agent given with it
        dosed = [(d, _nearest_agent(page.clean, d, hits) or agent) for d in doses]
        first = next((i for i, (_, a) in enumerate(dosed) if a.term.curie == agent.term.curie), 0)
        also = tuple(Intervention(agent=_fact(page, a.term.curie, a.start, a.end, "agent"), dose=_dose_fact(page, d))
                     for i, (d, a) in enumerate(dosed) if i != first)
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
    if placebo:
        s, e = start + placebo.start(), start + placebo.end()
        shared = _with_schedule_text(page, _placebo_fields(page, start, s, fields))
        intervention = Intervention(agent=_fact(page, PLACEBO, s, e, "placebo"), **shared)
        arms.append((s, Arm("placebo", _fact(page, "placebo-comparator", s, e, "role"), None, intervention)))
    return tuple(arm for _, arm in sorted(arms, key=lambda item: item[0]))


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


def _with_schedule_text(page: Page, fields: dict[str, Fact | None]) -> dict[str, Fact]:
    fields = {k: v for k, v in fields.items() if v is not None and k != "schedule_text"}
    fields["schedule_text"] = _schedule_text(page, fields)
    return {k: v for k, v in fields.items() if v is not None}


def _placebo_fields(page: Page, start: int, placebo: int, fields: dict[str, Fact]) -> dict[str, Fact]:
    """The schedule the placebo arm shares: none unless the placebo is coordinated with the active arm
    ("IL-2 1 MIU or placebo, given ..."); then all but what sits in the active arm's own parentheses
    ("IL-2 (1 MIU subcutaneously every other day; n=60) or placebo (n=30)")."""
    if not _PLACEBO_JOINED.search(page.clean, max(start, placebo - 40), placebo):
        return {}
    private = [(start + m.start(), start + m.end()) for m in re.finditer(r"\([^()]*\)", page.clean[start:placebo])]
    return {k: v for k, v in fields.items() if not any(s <= v.evidence.start < e for s, e in private)}


# An arm given nothing: "no treatment (control, n=160)", "untreated", "observation only".
_NO_INTERVENTION = re.compile(r"^(?:no(?:\s+further)?\s+(?:treatment|intervention|therapy)|untreated|"
                              r"observation(?:\s+only)?)"
                              r"\b", re.I)


def with_sizes(arms: tuple[Arm, ...], sizes: tuple[tuple[str | None, Fact[int]], ...]) -> tuple[Arm, ...]:
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
        size = None
        for key, fact in sizes:
            if key is None:
                size = fact
            elif ("placebo" in key.lower()) == (arm.label == "placebo") and (
                arm.label == "placebo" or len(active) == 1 or arm.label.lower() in key.lower()
            ):
                size = fact
        out.append(replace(arm, size=size) if size else arm)
    for key, fact in untreated:
        role = Fact("no-intervention", replace(fact.evidence, method="intervention.no-intervention-arm"))
        out.append(Arm(key.strip(), role, fact))
    return tuple(out)
