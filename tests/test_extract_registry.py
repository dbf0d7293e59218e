"""Registry-record extraction: evidence spans and titles of tests/cases/registry-record/, and one-line cases."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from il2kg.extract import registry
from il2kg.extract.text import collapse
from il2kg.model import Fact, Quantity, Trial

# The registry cases' facts are checked by tests/test_cases.py; here their evidence spans and titles.
CASES_DIR = Path(__file__).parent / "cases" / "registry-record"
CASES = sorted(p for p in CASES_DIR.iterdir() if p.is_dir())
# Facts whose value is the text of their span, as written (whitespace collapsed).
AS_WRITTEN = {"title", "acronym", "schedule_text", "description", "countries"}


def _value(fact: Fact | None) -> object:
    if fact is None:
        return None
    value = fact.value
    if isinstance(value, Quantity):
        return f"{value.value.normalize():f} {value.unit}"
    return value


def walk_facts(record: object, name: str = "") -> list[tuple[str, Fact]]:
    """Every Fact inside a record, with the name of the field that holds it."""
    if isinstance(record, Fact):
        return [(name, record)]
    if isinstance(record, tuple):
        return [pair for item in record for pair in walk_facts(item, name)]
    if dataclasses.is_dataclass(record):
        return [pair for f in dataclasses.fields(record) for pair in walk_facts(getattr(record, f.name), f.name)]
    return []


# What tests/cases/registry-record/*/expected.json cannot say: the trial's title (the gold format prints only a
# publication's title, and a registry record yields a Trial alone).
TITLES = {
    "chictr-ra": (
        "Efficacy and safety of low-dose rhIL-2 added to methotrexate in active rheumatoid "
        "arthritis: a randomized, double-blind, placebo-controlled, multicenter trial"
    ),
    "ctgov-modern-t1d": (
        "Low-dose Interleukin-2 to Preserve C-peptide in Recently Diagnosed Type 1 "
        "Diabetes: a Randomized, Placebo-controlled, Double-blind Trial (DIABIL-Y)"
    ),
    "ctgov-tabular-sjogren": (
        "A Randomised, Double-blind, Placebo-controlled Phase 2 Study of "
        "Subcutaneous Low-dose Aldesleukin in Primary Sjögren's Syndrome"
    ),
    "eu-ctr-gvhd": (
        "A phase II, open-label, single-arm, multicentre study of daily low-dose subcutaneous "
        "aldesleukin for steroid-refractory chronic graft-versus-host disease"
    ),
    "isrctn-sle": (
        "Low-dose interleukin-2 as add-on therapy in lupus nephritis: a single-centre, "
        "randomised, double-blind, placebo-controlled pilot trial"
    ),
}


@pytest.mark.parametrize("name", sorted(TITLES))
def test_registry_title(name: str, lexicon) -> None:
    records = registry.extract((CASES_DIR / name / "input.txt").read_text(encoding="utf-8"), lexicon=lexicon)
    assert [type(r) for r in records] == [Trial]
    assert _value(records[0].title) == TITLES[name]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_evidence_covers_value(case: Path, lexicon) -> None:
    text = (case / "input.txt").read_text(encoding="utf-8")
    for name, fact in walk_facts(registry.extract(text, lexicon=lexicon)):
        start, end = fact.evidence.start, fact.evidence.end
        span = text[start:end]
        assert 0 <= start < end <= len(text) and span == span.strip(), (name, fact)
        assert fact.evidence.method.startswith("registry."), (name, fact)
        if name in AS_WRITTEN:
            assert collapse(span) == fact.value, (name, fact)
        elif isinstance(fact.value, int) and not isinstance(fact.value, bool):
            assert span.replace(",", "") == str(fact.value), (name, fact)
        elif isinstance(fact.value, Quantity):
            assert str(fact.value.value.normalize()) in span.replace(",", ""), (name, fact)


@pytest.mark.parametrize(
    ("line", "n_enrolled"),
    [
        ("Enrollment: 60 (Actual)", 60),
        ("Actual Enrollment: 1,020 participants", 1020),
        ("Enrollment (Estimated): 80", None),
        ("Estimated Enrollment: 80 participants", None),
        ("Enrollment: 80", None),  # no status, no qualifier: could be the target
        ("Target number of participants: 80", None),
    ],
)
def test_only_actual_enrolment_counts(line: str, n_enrolled: int | None, lexicon) -> None:
    text = f"NCT Number: NCT00000001\nStudy Type: Interventional\n{line}\n"
    (trial,) = registry.extract(text, lexicon=lexicon)
    assert _value(trial.n_enrolled) == n_enrolled


@pytest.mark.parametrize(
    ("value", "phase"),
    [
        ("Phase 2", "2"),
        ("Phase 1/Phase 2", "1/2"),
        ("Phase 2a", "2a"),
        ("Phase II", "2"),
        ("Not Applicable", None),
        ("Early Phase 1", None),
    ],
)
def test_phase_normalised(value: str, phase: str | None, lexicon) -> None:
    (trial,) = registry.extract(f"NCT Number: NCT00000001\nPhase: {value}\n", lexicon=lexicon)
    assert _value(trial.phase) == phase


def test_arm_with_two_doses_has_no_dose(lexicon) -> None:
    text = (
        "NCT Number: NCT00000002\nArms and Interventions:\nExperimental: "
        "Dose escalation\n"
        "Aldesleukin 0.5 MIU/day, escalated to 3 "
        "MIU/day for 5 days\nDrug: Aldesleukin\n"
    )
    (trial,) = registry.extract(text, lexicon=lexicon)
    (arm,) = trial.arms
    assert arm.intervention.agent.value == "il2kg:aldesleukin"
    assert arm.intervention.dose is None and arm.intervention.dosing_days.value == 5


def test_estimated_start_left_out(lexicon) -> None:
    text = "NCT Number: NCT00000003\nStudy Start (Estimated): 2026-01\nStudy Type: Interventional\n"
    (trial,) = registry.extract(text, lexicon=lexicon)
    assert trial.recruitment_start is None


def test_no_fields_no_trial(lexicon) -> None:
    assert registry.extract("Low-dose IL-2 was well tolerated.\n", lexicon=lexicon) == []


def test_unknown_agent_gives_no_intervention(lexicon) -> None:
    text = (
        "NCT Number: NCT00000004\nArms and Interventions:\nActive "
        "Comparator: Zorvatumab\n8 mg/kg IV every 4 weeks\n"
    )
    (trial,) = registry.extract(text, lexicon=lexicon)
    (arm,) = trial.arms
    assert arm.role.value == "active-comparator" and arm.intervention is None
    assert [f.value for f in trial.design] == ["active-controlled"]
