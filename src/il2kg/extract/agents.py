"""What the study gives: its agents, and its arms when no dose sentence defines them.

An agent is read from a sentence that says people received it ("patients were treated with
low-dose IL-2", "randomised to IL-2 or placebo", "Treg infusions combined with IL-2"), from the
surest sentences first; a background therapy ("add-on to riluzole", "on stable antidepressants")
is not the study's agent. A generic term gives way to a narrower one named on the same page
(aldesleukin, not "IL-2", when both are written), as the lexicon's skos:broader says.
"""

from __future__ import annotations

import re
from dataclasses import replace

from il2kg.extract.design import trial_spans
from il2kg.extract.doses import find_doses
from il2kg.extract.heading import find_title
from il2kg.extract.number_words import NUMBER_WORD, parse_count
from il2kg.extract.terms import find_terms_in
from il2kg.extract.text import Page, rule_facts
from il2kg.model import Arm, Fact, Intervention, Lexicon

PLACEBO = "il2kg:placebo"
_TREATMENT = re.compile(
    r"\b(?:receiv\w*|treat(?:ed|ment|ing)|administ\w+|given|giving|infus\w+|inject\w+|randomi[sz]\w*|"
    r"assigned|allocated|dos(?:e|es|ed|ing)|therapy|regimen|combined with|plus|versus|vs\.?|compared)\b",
    re.IGNORECASE,
)
_PEOPLE = re.compile(
    r"\b(?:(?:in|out)?patients?|participants?|subjects?|volunteers?|adults?|children|individuals?|people|recipients?|"
    r"persons?|women|men|cases)\b", re.IGNORECASE,
)
ANIMALS = re.compile(r"\b(?:mice|mouse|murine|rats?|animals?|rodents?|zebrafish|primates?|macaques?)\b", re.I)
_BACKGROUND_THERAPY = re.compile(
    r"(?:add-?on(?:\s+therapy)?\s+to|on\s+top\s+of|in\s+addition\s+to|background(?:\s+therapy)?(?:\s+with)?|"
    r"stable(?:\s+doses?\s+of)?|standard(?:\s+of\s+care)?|conventional|best\s+available|on|alongside|"
    r"\badd(?:ing|ed)\b[^.;]{0,60}?\bto)\s+$",
    re.IGNORECASE,
)
_BACKGROUND_AFTER = re.compile(r"\s*-?\s*(?:only|naive|naïve|alone|run-in|treatment\s+alone|background)\b",
                               re.IGNORECASE)
# "The study compares the drug to a placebo": a sentence that names what is given without naming people.
_AGAINST_PLACEBO = re.compile(r"\bcompar(?:es|ed|ing)\b[^.;]{0,60}?\b(?:with|to|against)\s+(?:an?\s+|the\s+)?"
                              r"(?:matching\s+)?placebo\b", re.IGNORECASE)
_PLACEBO_ARM = re.compile(r"\bplacebo\b(?![- ]controlled)|\bmatching\s+placebo\b", re.IGNORECASE)


_fact = rule_facts("agents")


# "refractory to conventional antiviral therapy, rituximab therapy, or both", "despite methotrexate": a therapy
# the patients had before, not one the study gives.
_PRIOR_THERAPY = re.compile(r"(?:\b(?:refractory|resistant|unresponsive|intolerant|intolerance)\s+to|\bdespite|"
                            r"\bfail(?:ed|ure\s+of|ing)|\bprior|\bprevious(?:ly)?|\binadequate\s+response\s+to|"
                            r"\bhistory\s+of)\b(?:(?!\b(?:received?|receiving|were|was|given|treated|randomi[sz]ed|"
                            r"assigned|allocated)\b)[^.;()]){0,60}$", re.IGNORECASE)  # no verb between: same phrase


# "No patient received tocilizumab", "without methotrexate": a therapy no one in the study was given.
_NOT_GIVEN = re.compile(r"(?:\bno\s+(?:patients?|participants?|subjects?|one)\s+(?:\w+\s+)?(?:received|was\s+given|"
                        r"were\s+given|required|needed)|\bwithout|\bdid\s+not\s+(?:receive|require|need))"
                        r"\s+(?:any\s+|concomitant\s+)?$", re.IGNORECASE)


def is_background(page: Page, hit_start: int, hit_end: int, start: int, end: int) -> bool:
    """Whether an agent mention inside [start, end) is a therapy everyone keeps or had before, not the study's."""
    before = page.clean[max(start, hit_start - 80) : hit_start]
    return bool(_BACKGROUND_THERAPY.search(before) or _PRIOR_THERAPY.search(before) or _NOT_GIVEN.search(before)
                or _BACKGROUND_AFTER.match(page.clean, hit_end, end)
                or _MEASURED_BEFORE.search(before) or _MEASURED_AFTER.match(page.clean, hit_end, end))


# An agent's name used for what is measured ("serum IL-2 and sIL-2R", "IL-2 levels", "IL-2-producing T cells").
_MEASURED_BEFORE = re.compile(r"\b(?:serum|plasma|circulating|endogenous|measured|baseline|median|mean|cumulative|"
                              r"levels?\s+of|concentrations?\s+of|(?i:la\s+)?dose\s+de)\s+$", re.I)
_MEASURED_AFTER = re.compile(r"(?:\s+(?:levels?|concentrations?|production|secretion|mRNA|signall?ing|above|below|"
                             r"receptors?|pathway|markers?|responsiveness|sensitivity)\b|[-\s]?R(?:α|a|alpha)?\b|"
                             r"\s+doses?\s+(?:was|were|decreased|fell|dropped|declined|was\s+reduced|was\s+tapered)\b|"
                             r"-producing\b|\s*\(?\s*pg/m[lL])")


def find_agents(page: Page, lexicon: Lexicon) -> tuple[Fact[str], ...]:
    """Return the agents the study gives, surest sentence first, each once; placebo last."""
    found: dict[str, Fact[str]] = {}
    title = find_title(page)
    # A dose sentence that names no people speaks of people only when the page is not about animals.
    animals = any(ANIMALS.search(page.clean, start, end) for start, end in trial_spans(page))
    for start, end in trial_spans(page):
        text = page.clean[start:end]
        given = _TREATMENT.search(text) and (_PEOPLE.search(text) or not animals and find_doses(page.clean, start, end))
        if not (given or _AGAINST_PLACEBO.search(text)) and page.section_of(start) != "methods":
            continue
        for hit in find_terms_in(page.clean, start, end, lexicon, "agent"):
            if is_background(page, hit.start, hit.end, start, end):
                continue
            known = found.get(hit.term.curie)
            if known is None or (title and title[0] <= known.evidence.start < title[1] and not title[0] <= hit.start
                                 < title[1]):  # a sentence that describes the treatment says more than the title
                found[hit.term.curie] = _fact(page, hit.term.curie, hit.start, hit.end, "agent")
    return tuple(sorted(most_specific(list(found.values()), lexicon), key=lambda f: f.value == PLACEBO))


def title_agents(page: Page, lexicon: Lexicon) -> tuple[Fact[str], ...]:
    """The agents a title names, for a study the page reports by its title alone ("IL-2 combined with
    tocilizumab to treat rheumatoid arthritis")."""
    title = find_title(page)
    hits = find_terms_in(page.clean, *title, lexicon, "agent") if title else []
    found = {h.term.curie: _fact(page, h.term.curie, h.start, h.end, "title-agent") for h in reversed(hits)
             if h.term.curie != PLACEBO}
    return tuple(sorted(most_specific(list(found.values()), lexicon), key=lambda f: f.evidence.start))


def most_specific(agents: list[Fact[str]], lexicon: Lexicon) -> list[Fact[str]]:
    """Drop a generic agent when a narrower one is named too (aldesleukin, not also "interleukin-2")."""
    named = {a.value for a in agents}
    broader = {b for t in lexicon.of_kind("agent") if t.curie in named for b in t.broader}
    return [a for a in agents if a.value not in broader]


def with_specific_agents(arms: tuple[Arm, ...], agents: tuple[Fact[str], ...], lexicon: Lexicon) -> tuple[Arm, ...]:
    """An arm's generic agent ("IL-2") becomes the one narrower agent the page names (aldesleukin, ILT-101)."""
    broader = {t.curie: t.broader for t in lexicon.of_kind("agent")}
    out = []
    for arm in arms:
        iv = arm.intervention
        narrower = [a for a in agents if iv and iv.agent.value in broader.get(a.value, ())]
        if iv is not None and len(narrower) == 1:
            agent = Fact(narrower[0].value, replace(narrower[0].evidence, method="agents.specific-agent"))
            arm = replace(arm, intervention=replace(iv, agent=agent))
        out.append(arm)
    return tuple(out)


def arms_from_agents(page: Page, agents: tuple[Fact[str], ...], design: tuple[str, ...],
                     n_enrolled: Fact[int] | None) -> tuple[Arm, ...]:
    """Arms when no dose sentence gave them: the active agent against placebo, or one group given it."""
    active = [a for a in agents if a.value != PLACEBO]
    if not active:
        return ()
    agent = active[0]
    placebo = next((a for a in agents if a.value == PLACEBO), None)
    label = page.clean[agent.evidence.start : agent.evidence.end]
    if placebo is not None and ("randomised" in design or "placebo-controlled" in design):
        role = _fact(page, "experimental", agent.evidence.start, agent.evidence.end, "role")
        placebo_role = _fact(page, "placebo-comparator", placebo.evidence.start, placebo.evidence.end, "role")
        return (Arm(label, role, None, Intervention(agent=agent)),
                Arm("placebo", placebo_role, None, Intervention(agent=placebo)))
    if "single-group" in design or ("non-randomised" in design and len(active) == 1):
        role = _fact(page, "single-group-arm", agent.evidence.start, agent.evidence.end, "role")
        return (Arm(label, role, n_enrolled, Intervention(agent=agent)),)
    return ()


def with_placebo_arm(page: Page, arms: tuple[Arm, ...], agents: tuple[Fact[str], ...],
                     design: tuple[str, ...]) -> tuple[Arm, ...]:
    """Add the placebo arm a controlled trial names outside its dose sentence ("... or matching placebo")."""
    placebo = next((a for a in agents if a.value == PLACEBO), None)
    has_placebo = any(a.intervention and a.intervention.agent.value == PLACEBO for a in arms)
    controlled = "placebo-controlled" in design or "randomised" in design
    if not arms or has_placebo or placebo is None or not controlled:
        return arms
    role = _fact(page, "placebo-comparator", placebo.evidence.start, placebo.evidence.end, "role")
    return (*arms, Arm("placebo", role, None, Intervention(agent=placebo)))


_ARM_COUNT = re.compile(
    rf"(?<![\w./(=-])(?P<n>\d{{1,5}}(?![\d.,%/])|(?i:{NUMBER_WORD}))"
    r"\s+(?:[\w-]+\s+){0,2}?(?:(?:in|out)?patients|pts|participants|subjects|volunteers|adults|children|individuals|"
    r"people)\b"
)
_GIVEN_TO = re.compile(r"\b(?:received|receiving|were\s+(?:treated|given|administered|injected)|"
                       r"were\s+(?:randomly\s+)?(?:assigned|allocated|randomi[sz]ed)\s+to|underwent|who\s+got)\b",
                       re.IGNORECASE)


_EVENT_COUNT = re.compile(r"\b(?:occurred|observed|reported|seen|developed|noted|experienced|found)\s+in\s+"
                          r"(?:only\s+)?$|\bin\s+$", re.I)
# Where a count's clause ends: "63 patients ... were reviewed; 41 received IL-2" (the 41 are the IL-2 arm).
_CLAUSE_STOP = re.compile(r";|\b\d{1,4}\s+(?:received|were|had)\b")
_SHARE_AFTER = re.compile(r"\s*\(\s*\d+(?:\.\d+)?\s*%")


def with_arm_sizes(page: Page, arms: tuple[Arm, ...], lexicon: Lexicon) -> tuple[Arm, ...]:
    """Give an arm with no size the count of people said to receive its agent ("26 patients were treated with IL-2").

    A count is read only when its clause names a treatment and exactly one arm's agent; otherwise the
    arm keeps no size (a number is never attached to the nearest plausible arm).
    """
    sizes: dict[int, Fact[int]] = {}
    for start, end in trial_spans(page):
        counts = list(_ARM_COUNT.finditer(page.clean, start, end))
        for i, count in enumerate(counts):
            clause_end = counts[i + 1].start() if i + 1 < len(counts) else end
            stop = _CLAUSE_STOP.search(page.clean, count.end(), clause_end)
            clause_end = stop.start() if stop else clause_end
            event = _EVENT_COUNT.search(page.clean, max(start, count.start() - 30), count.start()) \
                or _SHARE_AFTER.match(page.clean, count.end())  # "Fever occurred in 3 patients (16.7%) receiving IL-2"
            if event or not _GIVEN_TO.search(page.clean, count.end(), clause_end):
                continue
            named = {h.term.curie for h in find_terms_in(page.clean, count.end(), clause_end, lexicon, "agent")
                     if not is_background(page, h.start, h.end, count.end(), clause_end)}
            matching = [i for i, arm in enumerate(arms) if arm.intervention and arm.intervention.agent.value in named]
            if len(matching) == 1 and len(named) == 1 and matching[0] not in sizes:
                value = parse_count(count.group("n"))
                if value:
                    sizes[matching[0]] = _fact(page, value, count.start("n"), count.end("n"), "arm-size")
    return tuple(replace(arm, size=sizes[i]) if arm.size is None and i in sizes else arm for i, arm in enumerate(arms))


_CONTROLLED = frozenset({"randomised", "placebo-controlled", "active-controlled", "crossover", "parallel-group"})
# A group compared with the treated one: a control arm, placebo, "versus", "with or without", a fraction of
# the people treated (healthy controls sampled for reference are not a treatment arm).
_TREATED_COMPARISON = re.compile(
    r"\bcontrol\s+(?:group|arm|cohort)s?\b|\bplacebo\b|\b(?:versus|vs\.?)\s+(?!baseline|pre-?treatment|healthy)|"
    r"\bcompared\s+(?:with|to)\s+(?:those\s+|patients\s+)?(?:who|receiving|treated|on|given|standard|conventional)\b|"
    r"\bwith\s+or\s+without\b|\buntreated\b|\bno[- ]treatment\b(?!-)|\bcase[- ]control\b|"
    r"\b(?:to|or|versus|vs\.?)\s+(?:[\w-]+\s+){1,3}?alone\b|"  # "... and 18 to dexamethasone alone"
    r"\b(?:including|of\s+whom)\s+(?:about\s+|approximately\s+|nearly\s+)?(?:one|a|two)[- ](?:third|quarter|half)\b|"
    # "divided into a study group (...) and a routine group (48 cases, routine treatment only)"
    r"\binto\s+(?:two|three|2|3)\s+groups\b|\binto\s+an?\s+[\w-]+(?:\s+[\w-]+)?\s+group\b[^.;]{0,200}?\band\s+an?\s+"
    r"[\w-]+(?:\s+[\w-]+)?\s+group\b|\b(?:routine|conventional|standard|usual)\s+(?:treatment|care|therapy)\s+"
    r"(?:alone|only)\b",
    re.IGNORECASE)


def as_single_group(page: Page, arms: tuple[Arm, ...], agents: tuple[Fact[str], ...], design: tuple[str, ...],
                    n_enrolled: Fact[int] | None, *, prose: bool = True) -> tuple[Arm, ...]:
    """Settle the role of a study's only arm: the single-group arm holding everyone enrolled when nothing
    compares the treated people with another group; otherwise an experimental arm (a cohort of a dose
    escalation, the treated group of a comparison) of the size the page gives it, if any. `prose`: look for a
    comparison in the page's sentences too, not only in the design codes (a registry's "Placebo: No" is none).
    """
    if len(arms) > 1:
        return arms
    compared = bool(_CONTROLLED & set(design)) or prose and any(
        _TREATED_COMPARISON.search(page.clean, start, end) for start, end in trial_spans(page))
    one_group = not compared and "dose-escalation" not in design
    if not arms:
        active = [a for a in agents if a.value != PLACEBO]
        if not active or (one_group and n_enrolled is None and "single-group" not in design):
            return arms  # a one-group study with no count of people: nothing says one group was given it
        agent = active[0]
        role = _fact(page, "single-group-arm" if one_group else "experimental", agent.evidence.start,
                     agent.evidence.end, "role")
        arms = (Arm(page.clean[agent.evidence.start : agent.evidence.end], role, None, Intervention(agent=agent)),)
    arm = arms[0]
    if arm.role is None or arm.role.value not in ("single-group-arm", "experimental"):
        return arms
    if not one_group:
        return (replace(arm, role=_derived(arm.role, "experimental", "treated-group")),)
    size = arm.size or (n_enrolled and _derived(n_enrolled, n_enrolled.value, "single-group-size"))
    return (replace(arm, role=_derived(arm.role, "single-group-arm", "single-group-arm"), size=size),)


def _derived(fact: Fact, value: object, rule: str) -> Fact:
    """The same evidence, read by a derivation that names itself."""
    return Fact(value, replace(fact.evidence, method=f"agents.{rule}"))
