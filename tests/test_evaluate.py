"""Tests of the extraction evaluation: fact strings, scoring, the report, gold files, and the corpus gold."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import corpus_missing

from il2kg.errors import InputFileError
from il2kg.evaluate import evaluate, facts_of, format_report, load_gold, read_documents
from il2kg.gold import FIELDS, read_gold_file, show
from il2kg.model import (
    DESIGN_FEATURES,
    STATISTICS,
    AdverseEvent,
    Arm,
    Citation,
    CitationCount,
    Evidence,
    Fact,
    Intervention,
    Outcome,
    Publication,
    Quantity,
    Result,
    Trial,
)

HERE = Path(__file__).parent
GOLD_DIR = HERE / "gold" / "corpus"
CASES_DIR = HERE / "cases"
EV = Evidence(0, 1, "s", "test.rule")
TREG = "il2kg:tregPercentage"


def f(value):
    """Wrap a value in a Fact with dummy evidence."""
    return Fact(value, EV)


def mean_change(arm: str, value: str, sd: str) -> Result:
    return Result(arm=arm, statistic=f("mean-change"), value=f(Quantity(Decimal(value), "%")), sd=f(Decimal(sd)),
                  timepoint=f("After cycle 1"))


PUBLICATION = Publication(
    title=f("A  trial\nof ld-IL-2"), year=f(2020), doi=f("10.1136/ARD-2022-1"), keywords=(f("Regulatory T cells"),),
    funders=(f("The French Health Ministry (PHRC-I-14-056)"), f("EU H2020 (grant #633413)")),
    citation_counts=(CitationCount("citing-publications", f(37), "Scopus"),),
)
TRIAL = Trial(
    registry_ids=(f("NCT00000001"),), phase=f("2a"), design=(f("randomised"), f("double-blind")),
    n_randomised=f(36), diseases=(f("MONDO:0004976"),), recruitment_start=f("2015-10"),
    arms=(
        Arm("2 MIU", f("experimental"), f(12), Intervention(
            agent=f("il2kg:aldesleukin"), dose=f(Quantity(Decimal("2"), "MIU")), frequency=f("once daily"),
            dosing_days=f(5), cycle_length=f(Quantity(Decimal("4"), "week")))),
        Arm("placebo", f("placebo-comparator"), None, Intervention(agent=f("il2kg:placebo"))),
    ),
    outcomes=(Outcome(
        measure=f(TREG), role=f("primary"), timepoint=f("after cycle 1"), met=f(True),
        results=(
            mean_change("2 MIU", "6.20", "2.2"),
            mean_change("placebo", "-0.49", "1.3"),
            Result(p_value=f(Decimal("1E-4")), p_comparator=f("<"), timepoint=f("after cycle 1"),
                   significant=f(True), direction=f("increase")),
            Result(arm="2 MIU", statistic=f("effect-size"), value=f(Quantity(Decimal("3.7"), "")),
                   ci_low=f(Decimal("2.3")), ci_high=f(Decimal("4.9")), numerator=f(7), denominator=f(13)),
        ),
    ),),
    adverse_events=(AdverseEvent(f("Serious adverse event"), count=f(0), drug_related=f(True)),
                    AdverseEvent(f("injection site reaction"), arm="2 MIU",
                                 comparison=f("More frequent than comparator"), comparator="placebo")),
)
CITATION = Citation(
    statement=f("\u201c\u2026Indeed,  low-dose IL-2 restored Treg   function in patients with lupus nephritis and "
                "more text after sixty characters\u2026\u201d"),
    intent=f("mentions"), section=f("Introduction"), diseases=(f("MONDO:0005556"),), agents=(f("il2kg:interleukin2"),),
)


def test_show_prints_decimals_normalised_without_exponent():
    assert [show(Decimal(v)) for v in ("0.0001", "1E-4", "6.20", "-0.49", "30.00", "1.5E+6")] == [
        "0.0001", "0.0001", "6.2", "-0.49", "30", "1500000"]
    assert show(None) == "-"
    assert show(Quantity(Decimal("6.2"), "%")) == "6.2%"
    assert show(Quantity(Decimal("125000.0"), "IU/m2")) == "125000 IU/m2"
    assert show(Quantity(Decimal("3.70"), "1")) == show(Quantity(Decimal("3.7"), "")) == "3.7"


def test_facts_of_publication():
    facts = facts_of([PUBLICATION], kind="article")
    assert facts["kind"] == {"article"}
    assert facts["publication.title"] == {"A trial of ld-IL-2"}
    assert facts["publication.year"] == {"2020"}
    assert facts["publication.doi"] == {"10.1136/ard-2022-1"}
    assert facts["publication.keyword"] == {"regulatory t cells"}
    assert facts["publication.funder"] == {"French Health Ministry", "EU H2020"}
    assert facts["publication.citation_count"] == {"citing-publications=37"}


def test_facts_of_trial_arms_and_regimen():
    facts = facts_of([TRIAL])
    assert "kind" not in facts
    assert facts["trial.design"] == {"randomised", "double-blind"}
    assert facts["trial.n_randomised"] == {"36"}
    assert facts["trial.recruitment"] == {"2015-10..-"}
    assert facts["arm"] == {"2 MIU|experimental|12", "placebo|placebo-comparator|-"}
    assert facts["arm.agent"] == {"2 MIU|il2kg:aldesleukin", "placebo|il2kg:placebo"}
    assert facts["arm.dose"] == {"2 MIU|2 MIU"}
    assert facts["arm.dosing_days"] == {"2 MIU|5"}
    assert facts["arm.cycle_length"] == {"2 MIU|4 week"}


def test_facts_of_outcomes_and_results():
    facts = facts_of([TRIAL])
    assert facts["outcome"] == {f"{TREG}|primary|after cycle 1"}
    assert facts["outcome.met"] == {f"{TREG}|true"}
    assert facts["result.value"] == {
        f"{TREG}|2 MIU|mean-change|6.2%|-|after cycle 1", f"{TREG}|placebo|mean-change|-0.49%|-|after cycle 1",
        f"{TREG}|2 MIU|effect-size|3.7|-|after cycle 1"}
    assert facts["result.sd"] == {f"{TREG}|2 MIU|2.2", f"{TREG}|placebo|1.3"}
    assert facts["result.p"] == {f"{TREG}|-|<0.0001|-|after cycle 1"}
    assert facts["result.ci"] == {f"{TREG}|2 MIU|2.3..4.9"}
    assert facts["result.fraction"] == {f"{TREG}|2 MIU|7/13"}
    assert facts["result.significant"] == {f"{TREG}|-|-|after cycle 1|true"}
    assert facts["result.direction"] == {f"{TREG}|-|increase"}


def test_facts_of_adverse_events_and_citations():
    facts = facts_of([TRIAL, CITATION])
    assert facts["adverse_event"] == {"serious adverse event|-|0",
                                      "injection site reaction|2 MIU|more frequent than comparator"}
    assert facts["adverse_event.drug_related"] == {"serious adverse event|-|true"}
    assert facts["citation"] == {"mentions|introduction|Indeed, low-dose IL-2 restored Treg function in patients wit"}
    assert facts["citation.mentions"] == {"MONDO:0005556", "il2kg:interleukin2"}
    assert set(facts) <= set(FIELDS)


def fake_extractor(text, *, lexicon):
    """Return one trial whose registry id and phase are the first two words of the text."""
    registry_id, phase = text.split()[:2]
    return "article", [Trial(registry_ids=(f(registry_id),), phase=f(phase), diseases=(f("MONDO:0007915"),))]


def test_evaluate_scores_only_listed_fields():
    gold = {
        "a.txt": {"kind": ["article"], "trial.registry_id": ["NCT1"], "trial.phase": ["2"]},
        "b.txt": {"trial.registry_id": ["NCT2", "NCT3"], "trial.phase": []},
        "absent.txt": {"kind": ["article"]},
    }
    docs = [("a.txt", "NCT1 2"), ("b.txt", "NCT2 II"), ("c.txt", "NCT9 1")]
    report = evaluate(docs, gold, lexicon=None, extractor=fake_extractor)
    assert report.documents == ("a.txt", "b.txt")
    assert report.unscored == ("c.txt",)
    assert report.missing == ("absent.txt",)
    assert "trial.disease" not in [s.field for s in report.fields]
    ids = report.field("trial.registry_id")
    assert (ids.true_positives, ids.false_positives, ids.false_negatives) == (2, 0, 1)
    assert ids.missed == (("b.txt", "NCT3"),)
    assert ids.precision == 1.0 and ids.recall == pytest.approx(2 / 3)
    phase = report.field("trial.phase")
    assert phase.wrong == (("b.txt", "II"),)
    assert phase.precision == 0.5 and phase.recall == 1.0
    assert (report.true_positives, report.false_positives, report.false_negatives) == (4, 1, 1)
    assert report.precision == pytest.approx(0.8)


def test_empty_gold_field_makes_every_value_wrong_and_empty_scores_are_perfect():
    report = evaluate([("a.txt", "NCT1 2")], {"a.txt": {"trial.disease": [], "outcome": []}}, None,
                      extractor=fake_extractor)
    assert report.field("trial.disease").wrong == (("a.txt", "MONDO:0007915"),)
    assert report.field("outcome").precision == 1.0 and report.field("outcome").recall == 1.0


def test_format_report_lists_table_wrong_and_missed():
    gold = {"a.txt": {"trial.registry_id": ["NCT1", "NCT7"], "trial.phase": ["3"]}}
    text = format_report(evaluate([("a.txt", "NCT1 2")], gold, None, extractor=fake_extractor))
    lines = text.splitlines()
    assert lines[0].split() == ["field", "TP", "FP", "FN", "precision", "recall"]
    assert any(line.split() == ["trial.phase", "0", "1", "1", "0.000", "0.000"] for line in lines)
    assert any(line.split()[:4] == ["TOTAL", "1", "1", "2"] for line in lines)
    assert "a.txt  trial.phase  2" in text and "a.txt  trial.registry_id  NCT7" in text
    assert text.index("wrong values") < text.index("missed values")


def write_gold(directory: Path, name: str, data) -> None:
    (directory / name).write_text(json.dumps(data), encoding="utf-8")


def test_load_gold_reads_files_and_rejects_bad_ones(tmp_path):
    write_gold(tmp_path, "x.json", {"document": "x.txt", "facts": {"trial.phase": ["2"]}, "notes": "n"})
    assert load_gold(tmp_path) == {"x.txt": {"trial.phase": ["2"]}}
    write_gold(tmp_path, "y.json", {"document": "x.txt", "facts": {}})
    with pytest.raises(InputFileError, match="second gold file"):
        load_gold(tmp_path)
    for bad in ({"facts": {}}, {"document": "z.txt", "facts": {"trial.phase": "2"}},
                {"document": "z.txt", "facts": {"trial.phaze": ["2"]}}, ["not", "an", "object"]):
        write_gold(tmp_path, "bad.json", bad)
        with pytest.raises(InputFileError):
            read_gold_file(tmp_path / "bad.json")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(InputFileError, match="cannot read"):
        read_gold_file(tmp_path / "bad.json")


def test_read_documents(tmp_path):
    with pytest.raises(InputFileError):
        read_documents(tmp_path)
    (tmp_path / "b.txt").write_text("B", encoding="utf-8")
    (tmp_path / "a.txt").write_text("A", encoding="utf-8")
    assert read_documents(tmp_path) == [("a.txt", "A"), ("b.txt", "B")]


GOLD_FILES = sorted(GOLD_DIR.glob("*.json")) + sorted(CASES_DIR.glob("*/*/expected.json"))


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: str(p.relative_to(HERE)))
def test_gold_files_use_model_codes(path):
    _document, facts = read_gold_file(path)
    assert set(facts.get("trial.design", [])) <= set(DESIGN_FEATURES)
    statistics = {value.split("|")[2] for value in facts.get("result.value", [])}
    assert statistics <= {"-", *STATISTICS}  # "-": the page names no statistic ("rose from 42 to 96 cells/uL")
    for field in ("result.value", "result.p"):
        populations = {value.split("|")[-2] for value in facts.get(field, [])}
        assert populations <= {"-", "intention-to-treat", "per-protocol", "safety-population", "subgroup-population"}
    assert {v.split("|")[0] for v in facts.get("citation", [])} <= {"mentions", "supports", "disputes"}
    assert {v.split("|")[-1] for v in facts.get("result.direction", [])} <= {"increase", "decrease", "no-change"}


def test_corpus_gold_covers_every_corpus_document(corpus_dir):
    assert sorted(load_gold(GOLD_DIR)) == sorted(name for name, _ in read_documents(corpus_dir))


@pytest.mark.corpus
def test_corpus_extraction_has_no_wrong_value(corpus_dir, lexicon):
    report = evaluate(read_documents(corpus_dir), load_gold(GOLD_DIR), lexicon)
    print(format_report(report))
    assert not report.missing
    wrong = {s.field: s.wrong for s in report.fields if s.precision < 1.0}
    assert not wrong, format_report(report)


def test_a_field_with_no_facts_is_not_scored_as_perfect():
    from il2kg.evaluate import FieldScore, Report

    report = Report(fields=(FieldScore("trial.phase", 0, (), ()), FieldScore("trial.acronym", 0, (), (("d", "X"),))),
                    documents=("d",))
    rows = {line.split()[0]: line for line in format_report(report, details=False).splitlines()}
    assert rows["trial.phase"].split()[-2:] == ["n/a", "n/a"]
    assert rows["trial.acronym"].split()[-2:] == ["n/a", "0.000"]


DEV_GOLD_DIR = HERE / "gold" / "corpus-dev"
# The bar on pages the extractor was not written for: recall per field, and no wrong number.
DEV_RECALL = {f: 0.9 for f in ("trial.registry_id", "trial.disease", "trial.n_enrolled", "trial.n_randomised",
                                "trial.arm", "trial.dose", "trial.phase", "trial.design", "finding.p",
                                "finding.percent")}
NUMERIC = ("trial.n_enrolled", "trial.n_randomised", "trial.dose", "trial.phase", "finding.p", "finding.percent")


@pytest.fixture(scope="module")
def dev_report(corpus_dir, lexicon):
    dev = corpus_dir.parent / "corpus-dev"
    if not any(dev.glob("*.txt")):
        corpus_missing(f"development corpus not found at {dev}")
    return evaluate(read_documents(dev), load_gold(DEV_GOLD_DIR), lexicon)


@pytest.mark.corpus
def test_development_corpus_meets_the_recall_and_precision_bar(dev_report):
    assert not dev_report.missing
    low = {f: round(dev_report.field(f).recall, 3) for f, bar in DEV_RECALL.items() if dev_report.field(f).recall < bar}
    assert not low, format_report(dev_report)
    wrong = {f: dev_report.field(f).wrong for f in NUMERIC if dev_report.field(f).precision < 1.0}
    assert not wrong, format_report(dev_report)
    present = dev_report.field("trial.present")
    assert present.false_positives == present.false_negatives == 0, format_report(dev_report)
