"""The conditions a study is in: lexicon diseases named in its title and in sentences about its people, and
conditions the lexicon does not know, kept as written ("patients with refractory pemphigus vulgaris")."""

from __future__ import annotations

import re

from il2kg.extract.design import trial_spans
from il2kg.extract.heading import find_title
from il2kg.extract.terms import TermMatch, find_terms_in
from il2kg.extract.text import Page, rule_facts
from il2kg.model import Fact, Lexicon

# A disease category label ("autoimmune disease", "inflammatory disorders"): kept only when no disease is named.
_CATEGORY_LABEL = re.compile(r"^[a-z-]+(?:ive|ory|immune) (?:disease|disorder|condition)s?$")
_PATIENT_CUE = re.compile(
    r"\b(?:patients?|pts|subjects?|participants?|adults?|children|individuals?|people|volunteers|recipients?|"
    r"persons?|cases)\b", re.I
)


_fact = rule_facts("population")


def is_category(labels: tuple[str, ...]) -> bool:
    """Whether a disease term is a category ("autoimmune disease"), not a disease."""
    return any(_CATEGORY_LABEL.match(label) for label in labels)


def find_diseases(page: Page, lexicon: Lexicon) -> tuple[Fact[str], ...]:
    """Return the diseases of the trial's patients, from the title and own-trial sentences about patients."""
    title = find_title(page)
    spans = trial_spans(page) + ((title,) if title else ())
    # A disease named only in the results is a subgroup ("remission in patients with lupus nephritis").
    hits = _disease_hits(page, lexicon, [s for s in spans if page.section_of(s[0]) != "results"], title) \
        or _disease_hits(page, lexicon, list(spans), title)
    # A category ("11 autoimmune diseases") is a studied disease only when no specific disease is named.
    specific = [h for h in hits if not is_category(h.term.labels)]
    chosen = specific or hits
    seen: dict[str, Fact[str]] = {}
    for hit in sorted(chosen):
        if hit.term.curie not in seen:
            seen[hit.term.curie] = _fact(page, hit.term.curie, hit.start, hit.end, "disease")
    return tuple(seen.values())


def _disease_hits(page: Page, lexicon: Lexicon, spans: list[tuple[int, int]], title: tuple[int, int] | None) -> list:
    hits = []
    abbreviations = _abbreviations(page, lexicon)
    for start, end in spans:
        if (start, end) == title or _PATIENT_CUE.search(page.clean, start, end):
            hits.extend(find_terms_in(page.clean, start, end, lexicon, "disease"))
            if abbreviations:
                hits.extend(TermMatch(m.start(), m.end(), abbreviations[m.group(0)])
                            for m in _abbreviation_pattern(abbreviations).finditer(page.clean, start, end))
    return hits


_DEFINED = re.compile(r"\s*\((?P<abbr>[A-Z][A-Za-z0-9-]{0,6}[A-Z0-9])\)")


def _abbreviations(page: Page, lexicon: Lexicon) -> dict:
    """Abbreviations the page defines for a disease: "Behçet's disease (BD)" makes "BD" mean Behçet disease."""
    found = {}
    for hit in find_terms_in(page.clean, 0, len(page.clean), lexicon, "disease"):
        m = _DEFINED.match(page.clean, hit.end)
        if m and m.group("abbr") not in found:
            found[m.group("abbr")] = hit.term
    return found


def _abbreviation_pattern(abbreviations: dict) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(sorted(map(re.escape, abbreviations), key=len, reverse=True))
                      + r")(?![\w-])")


# "patients with X": the people's condition, up to where the clause goes on about something else.
_WITH_CONDITION = re.compile(
    r"\b(?:patients|participants|subjects|adults|children|individuals|people|recipients|women|men)\s+with\s+"
    r"(?P<x>[A-Za-z][\w'’/-]*(?:\s+(?!(?:who|whom|were|was|are|is|and|or|received|receiving|treated|undergoing|in|"
    r"at|from|after|for|to|on|by|despite|without|whose|had|have)\b)[\w'’/-]+){0,5})", re.I)
_NOT_CONDITION = re.compile(r"^(?:a|an|the|this|their|its|no|any|other|both|either|such|these|those|it|them|or)\b|"
                            r"^(?:diseases?|conditions?|disorders?|illness(?:es)?|symptoms?)$|\d|"
                            # a measurement or a state, not a condition: "low levels", "stable liver function"
                            r"^(?:low|high|elevated|raised|stable|normal|increased|decreased|reduced|impaired|"
                            r"preserved|good|poor)\b|"
                            r"\b(?:activity|levels?|function|responses?|counts?|scores?|history|features?|criteria|"
                            r"status|onset|duration|values?|concentrations?|titers?|titres?)$", re.I)


def find_unlisted_conditions(page: Page, lexicon: Lexicon) -> tuple[Fact[str], ...]:
    """Conditions of the study's people that no lexicon term names, as written ("patients with X")."""
    seen: dict[str, Fact[str]] = {}
    for start, end in trial_spans(page):
        for m in _WITH_CONDITION.finditer(page.clean, start, end):
            text = m.group("x").strip("-/'’ ")
            if len(text) < 4 or _NOT_CONDITION.search(text) or find_terms_in(page.clean, m.start("x"),
                                                                                m.end("x"), lexicon):
                continue  # a lexicon term (disease, agent, biomarker) is read as such, not as free text
            seen.setdefault(text.lower(), _fact(page, text, m.start("x"), m.start("x") + len(text), "condition-text"))
    return tuple(seen.values())[:3]
