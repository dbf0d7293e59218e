"""The dosing schedule of a regimen sentence: route, frequency, dosing days, cycles, breaks, maintenance,
duration, and the schedule as written (one sentence's words)."""

from __future__ import annotations

import re
from decimal import Decimal

from il2kg.extract.doses import Dose
from il2kg.extract.text import Page, rule_facts
from il2kg.model import Fact, Quantity

# Routes and frequencies as articles and registries write them; one alternation each, so a longer phrase is
# read whole ("twice weekly" is not also "weekly").
# (A bare "IV" is left out: "Treg infusions IV ... and IL-2 injections" would give IL-2 the infusions' route.)
ROUTES = (("subcutaneous", r"\bsub-?cutaneous(?:ly)?\b|\bs\.c\.|\bSC\b"),
          ("intravenous", r"\bintravenous(?:ly)?\b|\bi\.v\."),
          # "oral" alone is as often a site ("oral ulcers") as a route: only with what is given so
          ("oral", r"\borally\b|\bby mouth\b|\bper os\b|\boral(?= (?:administration|dos\w+|tablets?|capsules?|route|"
                   r"solution|formulation|therapy|treatment)\b)"))
FREQUENCIES = (
    ("twice weekly", r"\btwice (?:a |per )?week(?:ly)?\b|\b(?:2|two) (?:times|days) ?(?:a |per |/ ?)week\b"),
    ("three times weekly",
     r"\bthree times (?:a |per )?week(?:ly)?\b|\b(?:3|three) (?:times|days) ?(?:a |per |/ ?)week\b"),
    ("every other day", r"\bevery other day\b|\bon alternate days\b|\bevery (?:second|2|two) days?\b"),
    ("fortnightly", r"\bfortnightly\b|\bbiweekly\b|\bevery (?:2|two) weeks\b|\bevery other week\b|\bevery 14 days\b"),
    ("weekly", r"\bonce[ -](?:a |per )?week(?:ly)?\b|\bweekly\b|\bevery week\b"),
    ("once daily", r"\bonce[ -]daily\b|\bdaily\b|\bonce (?:a |per )?day\b|\bper day\b|\bevery day\b"),
)

# A registry's arm text gives the frequency as a dose rate too ("1 MIU/day ... then 1 MIU every 2 weeks"); in an
# article's sentence "/day" is the per-day dose, read apart (doses.Dose.daily).
WITH_RATES = (*FREQUENCIES, ("weekly", r"/week\b"), ("once daily", r"/day\b"))


def _grammar(table: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?P<g{i}>{pattern})" for i, (_, pattern) in enumerate(table)), re.I)


_GRAMMARS = {id(table): (_grammar(table), table) for table in (ROUTES, FREQUENCIES, WITH_RATES)}


def find_codes(table: tuple[tuple[str, str], ...], text: str, start: int = 0,
               end: int | None = None) -> list[tuple[str, int, int]]:
    """(code, start, end) of every phrase of a table above (ROUTES, FREQUENCIES, WITH_RATES), left to right."""
    pattern, rows = _GRAMMARS[id(table)]
    return [(rows[int(m.lastgroup[1:])][0], m.start(), m.end())
            for m in pattern.finditer(text, start, len(text) if end is None else end)]


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


_fact = rule_facts("intervention")


def _number(text: str) -> int:
    return _WORD_NUMBERS.get(text.lower()) or int(text)


def _first(page: Page, pattern: re.Pattern[str], start: int, end: int) -> re.Match[str] | None:
    return pattern.search(page.clean, start, end) if start < end else None


def _frequency(page: Page, start: int, end: int, rule: str) -> Fact[str] | None:
    hits = find_codes(FREQUENCIES, page.clean, start, end) if start < end else []
    if not hits:
        return None
    code, s, e = hits[0]
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
    routes = find_codes(ROUTES, page.clean, start, end)
    if routes:  # in the table's order: "rapamycin orally ... and IL-2 s.c." is the IL-2 arm's subcutaneous route
        code, s, e = min(routes, key=lambda r: [c for c, _ in ROUTES].index(r[0]))
        fields["route"] = _fact(page, code, s, e, "route")
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


def received_period(page: Page, spans: tuple[tuple[int, int], ...], regimen: tuple[int, int]) -> Fact[Quantity] | None:
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


def with_schedule_text(page: Page, fields: dict[str, Fact | None]) -> dict[str, Fact]:
    fields = {k: v for k, v in fields.items() if v is not None and k != "schedule_text"}
    fields["schedule_text"] = _schedule_text(page, fields)
    return {k: v for k, v in fields.items() if v is not None}
