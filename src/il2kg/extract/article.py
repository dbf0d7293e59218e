"""Article pages (abstracts, PubMed and journal pages): the Publication and the Trial it reports."""

from __future__ import annotations

import re
from dataclasses import replace

from il2kg.extract import arm_sizes, design, intervention, population, safety, sites
from il2kg.extract.agents import (
    ANIMALS,
    PLACEBO,
    arms_from_agents,
    as_single_group,
    find_agents,
    title_agents,
    with_arm_sizes,
    with_placebo_arm,
    with_specific_agents,
)
from il2kg.extract.diseases import find_diseases, find_unlisted_conditions
from il2kg.extract.findings import find_findings, is_result_percentage
from il2kg.extract.heading import find_title
from il2kg.extract.metadata import extract_publication, is_review
from il2kg.extract.terms import find_terms
from il2kg.extract.text import Page, read_page
from il2kg.model import Arm, Fact, Lexicon, Outcome, Record, Result, Trial


def _outcomes(page: Page, lexicon: Lexicon, arms: tuple[Arm, ...]) -> tuple[Outcome, ...]:
    """Return the trial's outcomes from the outcomes extractor."""
    from il2kg.extract.outcomes import extract_outcomes  # imported here: the outcomes modules are the heaviest

    return tuple(extract_outcomes(page, lexicon, arms))


def _beyond_title(page: Page, facts: list[Fact]) -> bool:
    """Whether any trial fact was read outside the title line (a title alone does not report a study)."""
    title = find_title(page)
    return any(not (title and title[0] <= f.evidence.start < title[1]) for f in facts)


def _without_thresholds(page: Page, outcome: Outcome) -> Outcome:
    """Drop result percentages that define a response ("achieving a 50% reduction"), not report one."""
    def keep(r: Result) -> Result:
        v = r.value
        if v is None or v.value.unit != "%":
            return r
        if not is_result_percentage(page, v.evidence.start, v.evidence.end):
            return replace(r, value=None, statistic=None)
        if abs(v.value.value) > 100 and r.statistic and r.statistic.value in ("proportion", "response-rate"):
            return replace(r, statistic=None)  # "a 420% increase" is a change, never a proportion
        return r
    return replace(outcome, results=tuple(keep(r) for r in outcome.results))


# "Low-dose IL-2 therapy ... in patients with chronic GVHD", "The efficacy and safety of IL-2 ... to treat RA".
_CLINICAL_TITLE_CUE = re.compile(r"\b(?:patients?|efficacy|safety|treat(?:s|ing|ment)?|therapy|trial)\b", re.I)


def _clinical_title(page: Page, lexicon: Lexicon) -> bool:
    """Whether the title reports an agent given to people with a condition (a treatment, not a mechanism)."""
    title = find_title(page)
    if title is None or not _CLINICAL_TITLE_CUE.search(page.clean, *title):
        return False
    groups = {b for t in lexicon.of_kind("disease") for b in t.broader}  # a category ("autoimmune disease")
    kinds = {(h.term.kind, h.term.curie) for h in find_terms(page.clean[title[0] : title[1]], lexicon)}
    return any(k == "disease" and c not in groups for k, c in kinds) and any(
        k == "agent" and c != PLACEBO for k, c in kinds)


_GIVEN = re.compile(r"\b(?:were|was)\s+(?:treated|given|administered)\b|\breceived\b|\breceiving\b|"
                    r"[\w-]+-treated\b", re.I)


_PEOPLE = re.compile(r"\b(?:patients?|participants?|subjects|volunteers?|adults|children|individuals|people|"
                     r"(?:wo)?men|recipients|donors)\b", re.I)


# A laboratory study of cells ("PBMCs ... were cultured with IL-2 (10 IU/mL)"): IL-2 given to cells, not people.
_IN_VITRO = re.compile(r"\bin\s+vitro\b|\bex\s+vivo\b|\bcultured\b|\bcell\s+cultures?\b|"
                       r"\bwere\s+(?:stimulated|incubated)\b", re.I)


# What a page about people being treated says somewhere (a trial of a cell product also cultures cells ex vivo).
_TREATED = re.compile(r"\bphase\s+(?:[1-4]|I{1,3}V?)\b|\binfus\w*|\binject\w*|\badminister\w*|\btreated\b|"
                      r"\benrolled\b|\brandomi[sz]ed\b|\b(?:we|this)\s+(?:\w+\s+)?(?:conducted|performed)\s+a\s+(?:\w+\s+){0,4}trial\b",
                      re.I)


def _in_vitro(page: Page, arms: tuple, registry_ids: tuple) -> bool:
    """Whether the page reports cells given IL-2 in the laboratory: no dose, and no one said to be treated."""
    if registry_ids or any(a.intervention and a.intervention.dose for a in arms):
        return False
    spans = design.trial_spans(page)
    if _TREATED.search(page.clean) or any(_GIVEN.search(page.clean, start, end) for start, end in spans):
        return False
    return any(_IN_VITRO.search(page.clean, start, end) for start, end in spans)


def _about_animals(page: Page) -> bool:
    """Whether the sentences about the study speak of animals more often than of people ("we treated NOD mice";
    "... supports testing it in patients" is one sentence against several)."""
    spans = design.trial_spans(page)
    animals = sum(1 for start, end in spans if ANIMALS.search(page.clean, start, end))
    return animals > sum(1 for start, end in spans if _PEOPLE.search(page.clean, start, end))


def extract_trial(page: Page, lexicon: Lexicon, *, title_reports: bool = True) -> Trial | None:
    """Return the Trial the page reports, or None for a review or a page that describes no trial.

    `title_reports`: whether a title that names a treatment of patients reports a study by itself (an
    article's title does; a citation page's title names the cited work, which the page does not report).
    """
    if is_review(page):
        return None  # a review or meta-analysis reports other studies, not one of its own
    centres = sites.find_centres(page)
    features = design.with_centres(page, design.find_design(page), centres)
    registry_ids = design.find_registry_ids(page)
    n_randomised, n_enrolled = population.find_counts(page)
    codes = tuple(f.value for f in features)
    if n_enrolled is not None and "randomised" in codes and _GIVEN.search(n_enrolled.evidence.sentence):
        n_enrolled = None  # in a randomised trial, "26 patients were treated with IL-2" counts one arm
    sizes = arm_sizes.find_arm_sizes(page)
    arms = intervention.find_arms(page, lexicon, codes)
    agents = find_agents(page, lexicon)
    arms = with_placebo_arm(page, arms, agents, codes) if arms else arms_from_agents(page, agents, codes, n_enrolled)
    arms = with_arm_sizes(page, intervention.with_sizes(arms, sizes, lexicon), lexicon)
    arms = with_specific_agents(as_single_group(page, arms, agents, codes, n_enrolled), agents, lexicon)
    if arms and all(a.size is None for a in arms) and "randomised" in codes:
        listed = arm_sizes.listed_sizes(page, len(arms), ratio.value if (ratio := design.find_allocation_ratio(page))
                                        else None)
        arms = tuple(replace(a, size=f) for a, f in zip(arms, listed, strict=True)) if listed else arms
    features = design.with_arm_structure(page, features, arms)
    found = [*features, *registry_ids, *(a.role for a in arms if a.role), n_randomised, n_enrolled,
             *(a for a in agents if a.value != PLACEBO)]
    if n_randomised is None and "randomised" in codes:
        n_randomised = population.randomised_from_arms(page, [a.size for a in arms]) \
            or population.randomised_as_enrolled(page, n_enrolled)
    if n_randomised is not None and sum(a.size.value for a in arms if a.size) > n_randomised.value:
        n_randomised = None  # the arms hold more than that count: one of them is misread, and each arm says its own
    beyond = _beyond_title(page, [f for f in found if f is not None])
    if not beyond and not (title_reports and _clinical_title(page, lexicon)):
        return None  # nothing but a title names the study, and not as a treatment of patients
    if not beyond and not agents:
        agents = title_agents(page, lexicon)  # a study reported by its title: what the title says is given
    if _about_animals(page) and not any([*registry_ids, n_randomised, n_enrolled]):
        return None  # an animal study: no registry id, no count of people, animals more than people
    if _in_vitro(page, arms, registry_ids):
        return None
    diseases = find_diseases(page, lexicon)  # a condition no lexicon term names is kept as written, as a fallback
    recruitment_start, recruitment_end = population.find_recruitment(page)
    outcomes = tuple(_without_thresholds(page, o) for o in _outcomes(page, lexicon, arms))
    taken = frozenset(f.evidence.start for o in outcomes for r in o.results for f in (r.p_value, r.value) if f)
    return Trial(
        registry_ids=registry_ids,
        acronym=design.find_acronym(page, lexicon),
        design=features,
        phase=design.find_phase(page),
        allocation_ratio=design.find_allocation_ratio(page),
        n_randomised=n_randomised,
        n_enrolled=n_enrolled,
        diseases=diseases,
        conditions_text=() if diseases else find_unlisted_conditions(page, lexicon),
        eligibility=population.find_eligibility(page),
        recruitment_start=recruitment_start,
        recruitment_end=recruitment_end,
        centres=centres,
        countries=sites.find_countries(page),
        follow_up=population.find_follow_up(page),
        arms=arms,
        outcomes=outcomes,
        adverse_events=safety.find_adverse_events(page, arms),
        agents=agents,
        findings=find_findings(page, lexicon, taken),
    )


def extract(text: str, *, lexicon: Lexicon) -> list[Record]:
    """Extract the Publication and, when the page reports one, the Trial."""
    page = read_page(text)
    trial = extract_trial(page, lexicon)
    publication = extract_publication(page, describes_trial=trial is not None)
    if trial is None and not (publication.doi or publication.pmid or find_terms(page.clean, lexicon)):
        return []  # nothing biomedical (no disease, agent or biomarker, no DOI or PMID): not a work we record
    return [publication] if trial is None else [publication, trial]
