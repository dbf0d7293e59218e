"""Trial records to triples: trial, arms, interventions, outcomes, results, adverse events."""

from __future__ import annotations

from dataclasses import fields

from rdflib import URIRef

from il2kg.curie import expand
from il2kg.graph.emit import Emitter, literal
from il2kg.model import AdverseEvent, Arm, Fact, Intervention, Outcome, Result, Trial
from il2kg.vocab import IL, code_term, mint, short_hash, slug

_PHASES = {
    "i": "phase1", "1": "phase1", "ib": "phase1", "1b": "phase1", "ia": "phase1", "1a": "phase1",
    "ii": "phase2", "2": "phase2", "iia": "phase2a", "2a": "phase2a", "iib": "phase2b", "2b": "phase2b",
    "iii": "phase3", "3": "phase3", "iv": "phase4", "4": "phase4",
}


def phase_term(label: str) -> URIRef | None:
    """Map a phase as written ("2a", "I-IIa", "1b/2", "II") to a TrialPhase individual."""
    parts = [p for p in slug(label.replace("/", "-")).split("-") if p and p != "phase"]
    if len(parts) == 1:
        name = _PHASES.get(parts[0])
    elif len(parts) == 2 and {_PHASES.get(p, "")[:6] for p in parts} == {"phase1", "phase2"}:
        name = "phase1_2"
    elif len(parts) == 2 and {_PHASES.get(p, "")[:6] for p in parts} == {"phase2", "phase3"}:
        name = "phase2_3"
    else:
        name = None
    return IL[name] if name else None


def trial_key(trial: Trial, publication_key: str | None, doc_key: str) -> str:
    """Natural key of a trial: its smallest registry id, else its acronym, else its report, else its document."""
    if trial.registry_ids:
        return min(f.value for f in trial.registry_ids).replace(" ", "")
    if trial.acronym:
        return "acronym-" + slug(trial.acronym.value)
    return f"pub-{publication_key}" if publication_key else f"doc-{doc_key}"


def add_trial(em: Emitter, trial: Trial, key: str) -> URIRef:
    """Add a trial and everything under it; return the trial's IRI."""
    t = em.node(mint("trial", key), IL.Trial)
    for f in trial.registry_ids:
        em.fact(t, IL.registryId, f)
    em.fact(t, IL.acronym, trial.acronym)
    em.fact(t, IL.trialTitle, trial.title)
    for f in trial.design:
        em.fact(t, IL.hasDesignFeature, f, code_term(f.value))
    if trial.phase:
        em.fact(t, IL.phaseLabel, trial.phase)
        term = phase_term(trial.phase.value)
        if term is not None:
            em.fact(t, IL.hasPhase, trial.phase, term)
    em.fact(t, IL.allocationRatio, trial.allocation_ratio)
    em.fact(t, IL.numberRandomised, trial.n_randomised)
    em.fact(t, IL.numberEnrolled, trial.n_enrolled)
    for f in trial.diseases:
        em.fact(t, IL.studiesDisease, f, expand(f.value))
    for f in trial.conditions_text:
        em.fact(t, IL.conditionText, f)
    for f in trial.agents:
        em.fact(t, IL.evaluatesAgent, f, expand(f.value))
    for f in trial.eligibility:
        em.fact(t, IL.eligibilityCriterion, f)
    em.fact(t, IL.recruitmentStart, trial.recruitment_start)
    em.fact(t, IL.recruitmentEnd, trial.recruitment_end)
    em.fact(t, IL.numberOfCentres, trial.centres)
    for f in trial.countries:
        em.fact(t, IL.country, f)
    em.quantity(t, IL.followUpValue, IL.followUpUnit, trial.follow_up)
    arms = {arm.label: _add_arm(em, t, key, arm) for arm in trial.arms}
    for outcome in trial.outcomes:
        _add_outcome(em, t, key, outcome, arms)
    for event in trial.adverse_events:
        _add_adverse_event(em, t, key, event, arms)
    for finding in trial.findings:
        _add_result(em, t, finding, arms, link=IL.hasFinding)
    return t


def _arm_iri(key: str, label: str) -> URIRef:
    return mint("trial", key, "arm", slug(label))


def _add_arm(em: Emitter, trial: URIRef, key: str, arm: Arm) -> URIRef:
    a = em.node(_arm_iri(key, arm.label), IL.Arm)
    em.link(trial, IL.hasArm, a)
    # The label is the arm's key, derived from the dose or agent text that the other facts cite.
    em.graph.add((a, IL.armLabel, literal(arm.label)))
    if arm.role:
        em.fact(a, IL.hasArmRole, arm.role, code_term(arm.role.value))
    em.fact(a, IL.armSize, arm.size)
    if arm.intervention is None:
        return a
    _add_intervention(em, a, mint("trial", key, "arm", slug(arm.label), "intervention"), arm.intervention)
    for n, iv in enumerate(arm.also, 2):
        _add_intervention(em, a, mint("trial", key, "arm", slug(arm.label), f"intervention-{n}"), iv)
    return a


def _add_intervention(em: Emitter, arm: URIRef, iri: URIRef, iv: Intervention) -> None:
    i = em.node(iri, IL.Intervention)
    em.link(arm, IL.receives, i)
    em.fact(i, IL.hasAgent, iv.agent, expand(iv.agent.value))
    em.quantity(i, IL.doseAmount, IL.doseUnit, iv.dose)
    em.fact(i, IL.route, iv.route)
    em.fact(i, IL.frequency, iv.frequency)
    em.fact(i, IL.dosingDays, iv.dosing_days)
    em.quantity(i, IL.cycleLengthValue, IL.cycleLengthUnit, iv.cycle_length)
    em.fact(i, IL.numberOfCycles, iv.cycles)
    em.quantity(i, IL.breakLengthValue, IL.breakLengthUnit, iv.break_length)
    em.fact(i, IL.maintenanceFrequency, iv.maintenance_frequency)
    em.quantity(i, IL.durationValue, IL.durationUnit, iv.duration)
    em.fact(i, IL.scheduleText, iv.schedule_text)


def _outcome_iri(key: str, outcome: Outcome) -> URIRef:
    measure = outcome.measure.value.partition(":")[2]
    role = outcome.role.value if outcome.role else "finding"
    when = slug(outcome.timepoint.value) if outcome.timepoint else "any"
    # The same marker in another specimen or as another kind of quantity is another outcome.
    where = "".join(f"-{slug(f.value.partition(':')[2])}" for f in (outcome.specimen, outcome.measure_kind) if f)
    return mint("trial", key, "outcome", f"{slug(measure)}{where}-{role}-{when}")


def _add_outcome(em: Emitter, trial: URIRef, key: str, outcome: Outcome, arms: dict[str, URIRef]) -> None:
    o = em.node(_outcome_iri(key, outcome), IL.Outcome)
    em.link(trial, IL.hasOutcome, o)
    em.fact(o, IL.measures, outcome.measure, expand(outcome.measure.value))
    if outcome.role:
        em.fact(o, IL.hasEndpointRole, outcome.role, code_term(outcome.role.value))
    em.fact(o, IL.timepoint, outcome.timepoint)
    for prop, fact in ((IL.specimen, outcome.specimen), (IL.measureKind, outcome.measure_kind)):
        if fact:
            em.fact(o, prop, fact, expand(fact.value))
    em.fact(o, IL.outcomeDescription, outcome.description)
    em.fact(o, IL.endpointMet, outcome.met)
    for result in outcome.results:
        _add_result(em, o, result, arms)


def _value(f: Fact | None) -> object:
    return None if f is None else f.value


def _add_result(em: Emitter, parent: URIRef, r: Result, arms: dict[str, URIRef], link: URIRef = IL.hasResult) -> None:
    """Add a result of an outcome, or (link il2kg:hasFinding) a finding of a trial."""
    identity = [parent, r.arm, r.comparator] + [_value(getattr(r, f.name)) for f in fields(r)[2:]]
    if r.clause is not None:  # two findings with the same value in one clause differ by where they were read
        identity.append(r.clause.evidence.start)
    res = em.node(mint("result", short_hash(*identity)), IL.Result)
    em.link(parent, link, res)
    if r.arm in arms:
        em.graph.add((res, IL.forArm, arms[r.arm]))
    if r.comparator in arms:
        em.graph.add((res, IL.comparedWith, arms[r.comparator]))
    if r.statistic:
        em.fact(res, IL.hasStatistic, r.statistic, code_term(r.statistic.value))
    em.quantity(res, IL.estimateValue, IL.estimateUnit, r.value)
    for name, prop in _RESULT_LITERALS:
        em.fact(res, prop, getattr(r, name))
    for name, prop in (("population", IL.inPopulation), ("direction", IL.hasDirection)):
        f = getattr(r, name)
        if f is not None:
            em.fact(res, prop, f, code_term(f.value))
    if r.subgroup:
        em.fact(res, IL.inSubgroup, r.subgroup, expand(r.subgroup.value))
    if r.measure:
        em.fact(res, IL.aboutMeasure, r.measure, expand(r.measure.value))
    em.fact(res, IL.findingClause, r.clause)


_RESULT_LITERALS = (
    ("sd", IL.standardDeviation), ("ci_low", IL.ciLower), ("ci_high", IL.ciUpper), ("ci_level", IL.ciLevel),
    ("p_text", IL.pValueText), ("p_value", IL.pValue), ("p_comparator", IL.pValueComparator),
    ("numerator", IL.numerator), ("denominator", IL.denominator), ("n", IL.sampleSize),
    ("post_hoc", IL.postHoc), ("prespecified", IL.prespecified), ("timepoint", IL.timepoint),
    ("significant", IL.significant),
)


def _add_adverse_event(em: Emitter, trial: URIRef, key: str, e: AdverseEvent, arms: dict[str, URIRef]) -> None:
    iri = mint("trial", key, "ae", short_hash(e.term.value, e.arm, _value(e.count), _value(e.comparison), e.comparator))
    ae = em.node(iri, IL.AdverseEventFinding)
    em.link(trial, IL.hasAdverseEventFinding, ae)
    em.fact(ae, IL.eventTerm, e.term)
    em.fact(ae, IL.eventCount, e.count)
    em.fact(ae, IL.serious, e.serious)
    em.fact(ae, IL.drugRelated, e.drug_related)
    em.fact(ae, IL.comparisonText, e.comparison)
    if e.arm in arms:
        em.graph.add((ae, IL.forArm, arms[e.arm]))
    if e.comparator in arms:
        em.graph.add((ae, IL.comparedWith, arms[e.comparator]))
