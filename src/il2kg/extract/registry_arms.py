"""Arms with their interventions and dosing, and outcome measures, from registry record fields."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from il2kg.extract.agents import as_single_group, with_placebo_arm, with_specific_agents
from il2kg.extract.doses import find_doses
from il2kg.extract.layout import Line, term_facts
from il2kg.extract.registry_fields import Field
from il2kg.extract.registry_flow import with_flow_sizes, with_group_sizes
from il2kg.extract.schedule import ROUTES, WITH_RATES, find_codes
from il2kg.extract.terms import find_terms
from il2kg.extract.text import Page, collapse
from il2kg.model import Arm, Fact, Intervention, Lexicon, Outcome, Quantity, Trial

# "Experimental: IL-2 1 MIU", or DRKS's numbered "Arm 1: Interleukin-2 (Proleukin) 1.5 Mio. I.E. ..." (its role
# read from what it gives).
_ARM_HEAD = re.compile(
    r"^(?P<type>Experimental|Active Comparator|Placebo Comparator|Sham Comparator|No Intervention|Arm [1-9]"
    r"|Cohort [1-9])\s*(?::|\s[-–]\s)\s*(?P<label>\S.*)$",
    re.I,
)
_ROLE = {
    "experimental": "experimental",
    "active comparator": "active-comparator",
    "placebo comparator": "placebo-comparator",
}
_INTERVENTION_LINE = re.compile(r"^(?:Drug|Biological|Other|Combination Product|Dietary Supplement)\s*:\s*\S", re.I)
_THEN = re.compile(r"\b(?:then|followed by|thereafter)\b", re.I)
_DOSING_DAYS = re.compile(r"\bfor (?P<n>\d+) (?:consecutive )?days\b|\bon days 1 (?:to|-|through) (?P<n2>\d+)\b", re.I)
_CYCLES = re.compile(r"\b(?P<n>\d+) (?:treatment )?cycles\b", re.I)
_DURATION = re.compile(r"\bfor (?P<n>\d+) (?P<unit>week|month)s?\b", re.I)
_TIME_FRAME = re.compile(r"^(?P<title>.*?)[\s\[(]*time\s*frame\s*:?\s*(?P<tf>[^\])]*?)[\s\])]*$", re.I)
_TIMEPOINT = re.compile(r"\b(?:at|by|after)\s+(?P<tp>(?:week|day|month)\s+\d+|\d+\s+(?:weeks?|days?|months?))\b", re.I)
_TEMPORAL = re.compile(r"\b(?:day|week|month|year|baseline|hour)s?\b", re.I)
_ITEM_PREFIX = re.compile(r"^(?:\d+[.)]|[-•*])\s*")
_OUTCOME_ROLE = {"primary_outcome": "primary", "secondary_outcome": "secondary", "other_outcome": "exploratory"}


def arms(page: Page, lines: tuple[Line, ...], lexicon: Lexicon, fields: tuple[Field, ...] = ()) -> tuple[Arm, ...]:
    """Arms headed "Experimental: ...", "Placebo Comparator: ..." with the lines that describe them; an arm whose
    lines give no dose takes the interventions list's description of the one drug it names."""
    heads = [i for i, line in enumerate(lines) if _ARM_HEAD.match(line.text)]
    described = _descriptions(fields)
    out = []
    for k, i in enumerate(heads):
        body = lines[i + 1 : heads[k + 1] if k + 1 < len(heads) else len(lines)]
        named = {collapse(line.text).lower() for line in body if _INTERVENTION_LINE.match(line.text)}
        if len(named) == 1 and not any(find_doses(line.text) for line in (lines[i], *body)):
            body = (*body, *described.get(named.pop(), ()))
        out.append(_arm(page, lines[i], body, lexicon))
    return tuple(out)


def _descriptions(fields: tuple[Field, ...]) -> dict[str, tuple[Line, ...]]:
    """The interventions list's items ("Drug: Interleukin-2" and the lines under it), by the item's line."""
    items: dict[str, list[Line]] = {}
    for field in fields:
        if field.name != "interventions":
            continue
        name = None
        for line in field.lines:
            if _INTERVENTION_LINE.match(line.text):
                name = collapse(line.text).lower()
                items.setdefault(name, [])
            elif name is not None:
                items[name].append(line)
    return {name: tuple(lines) for name, lines in items.items()}


def _arm(page: Page, head: Line, body: tuple[Line, ...], lexicon: Lexicon) -> Arm:
    m = _ARM_HEAD.match(head.text)
    role_code = _ROLE.get(collapse(m.group("type")).lower())
    if role_code is None and m.group("type").lower().startswith(("arm", "cohort")):
        role_code = "placebo-comparator" if re.match(r"(?:control\s+group\s*:\s*)?(?:matching\s+)?placebo\b",
                                                     m.group("label"), re.I) else "experimental"
    role = (
        Fact(role_code, page.evidence(head.start, head.start + m.end("type"), "registry.arm_role"))
        if role_code
        else None
    )
    label_start = head.start + m.start("label")
    text_lines = (Line(label_start, head.end, m.group("label")), *body)
    agent = _agent(page, text_lines, lexicon)
    intervention = _intervention(page, agent, text_lines) if agent else None
    label = collapse(page.raw[label_start : head.end])
    if m.group("type").lower().startswith(("arm", "cohort")):  # "Arm 1: <what it gives>": named by its number
        label = "placebo" if role_code == "placebo-comparator" else collapse(m.group("type"))
    label = "placebo" if label.lower() == "placebo" else label  # the key articles use for a placebo arm
    n = _ARM_N.search(head.text)  # "Cohort 1 - IL-2 0.5 MIU/day ..., n=6"
    size = Fact(int(n.group(1)), page.evidence(head.start + n.start(1), head.start + n.end(1), "registry.arm_n")) \
        if n else None
    return Arm(label=label, role=role, size=size, intervention=intervention)


_ARM_N = re.compile(r"\bn\s*=\s*(\d{1,4})\b")


def _agent(page: Page, lines: tuple[Line, ...], lexicon: Lexicon) -> Fact[str] | None:
    """The arm's one agent, from its "Drug:" lines, else its label and text; generic IL-2 yields to a product."""
    named = tuple(line for line in lines if _INTERVENTION_LINE.match(line.text))
    for group in (named, lines):
        hits = [h for line in group for h in _shifted(find_terms(line.text, lexicon, "agent"), line.start)]
        curies = list(dict.fromkeys(curie for curie, _s, _e in hits))
        if len(curies) > 1:
            curies = [c for c in curies if c != "il2kg:interleukin2"]  # "aldesleukin (recombinant IL-2)"
        if len(curies) == 1:
            _c, start, end = next(h for h in hits if h[0] == curies[0])
            return Fact(curies[0], page.evidence(start, end, "registry.arm_agent"))
        if curies:
            return None
    return None


def _shifted(matches: list, offset: int) -> list[tuple[str, int, int]]:
    return [(m.term.curie, offset + m.start, offset + m.end) for m in matches]


def _single(page: Page, lines: tuple[Line, ...], table: tuple, rule: str) -> Fact[str] | None:
    """The one code of a schedule table (ROUTES, WITH_RATES) written in the lines; two different codes are ambiguous."""
    hits = [(code, line.start + s, line.start + e) for line in lines for code, s, e in find_codes(table, line.text)]
    if len({code for code, _s, _e in hits}) != 1:
        return None
    code, start, end = min(hits, key=lambda h: h[1])
    return Fact(code, page.evidence(start, end, rule))


def _number(page: Page, lines: tuple[Line, ...], pattern: re.Pattern[str], rule: str) -> Fact[int] | None:
    hits = []
    for line in lines:
        for m in pattern.finditer(line.text):
            group = "n" if m.group("n") else "n2"
            hits.append((int(m.group(group)), line.start + m.start(group), line.start + m.end(group)))
    if len({n for n, _s, _e in hits}) != 1:
        return None
    n, start, end = hits[0]
    return Fact(n, page.evidence(start, end, rule))


def _intervention(page: Page, agent: Fact[str], lines: tuple[Line, ...]) -> Intervention:
    """Dose, route and schedule when the arm's text states each one unambiguously."""
    dose, dose_line = _dose(page, lines)
    if agent.value == "il2kg:placebo":
        dose, dose_line = None, None  # a placebo's "matching" dose is no dose
    frequency, maintenance = _frequencies(page, lines)
    duration = None
    durations = [(line, m) for line in lines for m in _DURATION.finditer(line.text)]
    if len({(m.group("n"), m.group("unit").lower()) for _line, m in durations}) == 1:
        line, m = durations[0]
        quantity = Quantity(Decimal(m.group("n")), m.group("unit").lower())
        duration = Fact(quantity, page.evidence(line.start + m.start("n"), line.start + m.end(), "registry.duration"))
    schedule = None
    if dose_line is not None:
        text = collapse(page.raw[dose_line.start : dose_line.end])
        schedule = Fact(text, page.evidence(dose_line.start, dose_line.end, "registry.schedule_text"))
    return Intervention(
        agent=agent,
        dose=dose,
        route=_single(page, lines, ROUTES, "registry.route"),
        frequency=frequency,
        maintenance_frequency=maintenance,
        dosing_days=_number(page, lines, _DOSING_DAYS, "registry.dosing_days"),
        cycles=_number(page, lines, _CYCLES, "registry.cycles"),
        duration=duration,
        schedule_text=schedule,
    )


def _dose(page: Page, lines: tuple[Line, ...]) -> tuple[Fact[Quantity] | None, Line | None]:
    """The arm's dose when every dose written in its text is the same quantity."""
    hits = []
    for line in lines:
        for d in find_doses(line.text):
            hits.append((Quantity(d.value, d.unit), line, d))
    if not hits or len({q for q, _l, _m in hits}) != 1:
        return None, None
    quantity, line, m = hits[0]
    # The schedule is written in the description, not in the arm's label ("Experimental: IL-2 1 MIU").
    schedule_line = next((h[1] for h in hits if h[1] is not lines[0]), line)
    method = "registry.dose" + (f" ({m.derivation})" if m.derivation else "")
    return Fact(quantity, page.evidence(line.start + m.start, line.start + m.end, method)), schedule_line


def _frequencies(page: Page, lines: tuple[Line, ...]) -> tuple[Fact[str] | None, Fact[str] | None]:
    """Frequency, and a maintenance frequency when the text says "then"/"followed by" another one."""
    text_lines = [(line, _THEN.search(line.text)) for line in lines]
    split = next(((i, m) for i, (_line, m) in enumerate(text_lines) if m), None)
    if split is None:
        return _single(page, lines, WITH_RATES, "registry.frequency"), None
    i, m = split
    line = lines[i]
    before = (*lines[:i], Line(line.start, line.start + m.start(), line.text[: m.start()]))
    after = (Line(line.start + m.end(), line.end, line.text[m.end() :]), *lines[i + 1 :])
    first = _single(page, before, WITH_RATES, "registry.frequency")
    second = _single(page, after, WITH_RATES, "registry.maintenance_frequency")
    return first, (second if first and second and second.value != first.value else None)


def outcomes(page: Page, fields: tuple[Field, ...], lexicon: Lexicon) -> tuple[Outcome, ...]:
    """Outcomes from primary/secondary/other outcome fields: one per lexicon measure named in an item's title."""
    out: list[Outcome] = []
    for k, field in enumerate(fields):
        if field.name not in _OUTCOME_ROLE:
            continue
        items = _items(page, field)
        nxt = fields[k + 1] if k + 1 < len(fields) else None
        if nxt is not None and nxt.name == "timepoint" and nxt.lines and len(items) == 1 and items[0][1] is None:
            items = [(items[0][0], nxt.lines[0])]  # EU CTR: "Timepoint(s) of evaluation of this end point"
        role = Fact(
            _OUTCOME_ROLE[field.name], page.evidence(field.label_start, field.label_end, "registry.outcome_role")
        )
        for title, timepoint in items:
            out.extend(_outcomes_of(page, title, timepoint, role, lexicon, out))
    return tuple(out)


def _items(page: Page, field: Field) -> list[tuple[Line, Line | None]]:
    """(title, time frame) pairs: "Title [Time Frame: week 12]", a title then "Time Frame:", tab rows or plain lines."""
    framed = any("time frame" in line.text.lower() or "\t" in page.raw[line.start : line.end] for line in field.lines)
    items: list[tuple[Line, Line | None]] = []
    previous = None
    for line in field.lines:
        m = _TIME_FRAME.match(line.text)
        cells = page.raw[line.start : line.end].split("\t")
        if m:
            title = _sub(line, m.start("title"), m.end("title")) if m.group("title").strip(" :") else previous
            if title is not None:
                items.append((title, _sub(line, m.start("tf"), m.end("tf"))))
            previous = None
        elif len(cells) >= 2:
            last = len(page.raw[line.start : line.end]) - len(cells[-1])
            tf = _sub(line, last, len(line.text)) if _TEMPORAL.search(cells[-1]) else None
            items.append((_sub(line, 0, len(cells[0].rstrip())), tf))
        elif not framed:
            tp = _TIMEPOINT.search(line.text)
            items.append((line, _sub(line, tp.start("tp"), tp.end("tp")) if tp else None))
        else:
            previous = line
    return [(_strip_prefix(title), tf) for title, tf in items]


def _sub(line: Line, start: int, end: int) -> Line:
    return Line(line.start + start, line.start + end, line.text[start:end])


def _strip_prefix(line: Line) -> Line:
    m = _ITEM_PREFIX.match(line.text)
    return _sub(line, m.end(), len(line.text)) if m else line


def _outcomes_of(page, title: Line, timepoint: Line | None, role, lexicon, done: list[Outcome]) -> list[Outcome]:
    tp = None
    if timepoint is not None and timepoint.text.strip():
        tp = Fact(
            collapse(page.raw[timepoint.start : timepoint.end]).lower(),
            page.evidence(timepoint.start, timepoint.end, "registry.time_frame"),
        )
    description = Fact(
        collapse(page.raw[title.start : title.end]), page.evidence(title.start, title.end, "registry.outcome_title")
    )
    out = []
    for measure in term_facts(page, title.start, title.end, lexicon, "biomarker", "registry.outcome_measure"):
        key = (measure.value, role.value, tp.value if tp else None)
        if any((o.measure.value, o.role.value, o.timepoint.value if o.timepoint else None) == key for o in done + out):
            continue
        out.append(Outcome(measure=measure, role=role, timepoint=tp, description=description))
    return out


# A results record's participant flow with one column: "Overall Study | STARTED | 6" (several columns: no total).
_STARTED = re.compile(r"\bSTARTED\b[\s|]*(?P<n>\d{1,5})\b(?![\s|]*\d)")


def settle_arms(page: Page, trial: Trial, lexicon: Lexicon) -> Trial:
    """The placebo arm a placebo-controlled record names only among its agents; a one-group study's arm
    holding everyone who started (the participant flow's count when the record gives no enrolment)."""
    n_enrolled = trial.n_enrolled
    if n_enrolled is None and (m := _STARTED.search(page.clean)):
        n_enrolled = Fact(int(m.group("n")), page.evidence(m.start("n"), m.end("n"), "registry.flow-started"))
    codes = tuple(f.value for f in trial.design)
    arms = with_placebo_arm(page, trial.arms, trial.agents, codes)
    arms = with_specific_agents(as_single_group(page, arms, trial.agents, codes, n_enrolled, prose=False),
                                trial.agents, lexicon)
    arms = with_group_sizes(page, with_flow_sizes(page, arms, lexicon), lexicon)
    if len(arms) > 1:  # a second arm found late (the placebo of a results table): the first is no single group
        arms = tuple(replace(a, role=Fact("experimental", replace(a.role.evidence, method="registry.treated-group")))
                     if a.role is not None and a.role.value == "single-group-arm" else a for a in arms)
    return replace(trial, n_enrolled=n_enrolled, arms=arms)
