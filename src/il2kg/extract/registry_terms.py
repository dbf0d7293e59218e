"""What a registry record's fields name from the lexicon: its conditions, its agents, arms from its interventions."""

from __future__ import annotations

from il2kg.extract.agents import PLACEBO, most_specific
from il2kg.extract.diseases import is_category
from il2kg.extract.layout import term_facts
from il2kg.extract.registry_fields import Field, fields_named
from il2kg.extract.text import Page
from il2kg.model import Arm, Fact, Intervention, Lexicon


def intervention_agents(page: Page, fields: tuple[Field, ...], lexicon: Lexicon) -> list[Fact[str]]:
    """The lexicon agents the record's interventions field names, each once."""
    found: dict[str, Fact[str]] = {}
    for names in (("interventions",), ("title_brief", "title_official")):  # the titles when no list names one
        for field in fields_named(fields, *names):
            for fact in term_facts(page, field.start, field.end, lexicon, "agent", "registry.intervention-agent"):
                found.setdefault(fact.value, fact)
        if found:
            break
    return most_specific(list(found.values()), lexicon)


def arms_from_interventions(page: Page, fields: tuple[Field, ...], lexicon: Lexicon) -> tuple[Arm, ...]:
    """A record that lists its interventions but no arms ("Treatments: Drug: ILT101; Drug: Placebo"): one arm per
    agent, placebo as the comparator; no arm at all when the list names a single agent and no placebo (the
    record does not say whether that is one arm or a comparison)."""
    agents = intervention_agents(page, fields, lexicon)
    active = [a for a in agents if a.value != PLACEBO]
    if not active or len(active) == len(agents):
        return ()
    role = {True: "placebo-comparator", False: "experimental"}
    return tuple(Arm(page.clean[a.evidence.start : a.evidence.end], Fact(role[a.value == PLACEBO], a.evidence),
                     None, Intervention(agent=a)) for a in agents)


def diseases(page: Page, fields: tuple[Field, ...], lexicon: Lexicon,
             header: Fact[str] | None = None) -> tuple[Fact[str], ...]:
    """The conditions fields' terms, and those the record's titles name ("IL-2 in ARDS related to COVID-19"),
    the title fields' or, in a record without them, its unlabelled head line's (`header`)."""
    found: dict[str, Fact[str]] = {}
    for names, method in ((("conditions",), "registry.condition"),
                          (("title_brief", "title_official"), "registry.title")):
        for f in fields_named(fields, *names):
            for fact in term_facts(page, f.start, f.end, lexicon, "disease", method):
                found.setdefault(fact.value, fact)
    if header is not None:
        for fact in term_facts(page, header.evidence.start, header.evidence.end, lexicon, "disease", "registry.title"):
            found.setdefault(fact.value, fact)
    # A category ("Condition category: Autoimmune diseases") is the studied disease only when no disease is named.
    labels = {t.curie: t.labels for t in lexicon.of_kind("disease")}
    specific = {k: v for k, v in found.items() if not is_category(labels.get(k, ()))}
    return tuple((specific or found).values())


def unlisted_conditions(page: Page, fields: tuple[Field, ...], lexicon: Lexicon) -> tuple[Fact[str], ...]:
    """The conditions field's lines that no lexicon disease names, as written ("Hidradenitis Suppurativa")."""
    out: dict[str, Fact[str]] = {}
    for field in fields_named(fields, "conditions"):
        for line in field.lines:
            text = line.text.strip(" -•*;,.")
            if 3 < len(text) <= 80 and not term_facts(page, line.start, line.end, lexicon, "disease", "-"):
                start = line.start + line.text.index(text)
                evidence = page.evidence(start, start + len(text), "registry.condition-text")
                out.setdefault(text.lower(), Fact(text, evidence))
    return tuple(out.values())[:5]
