"""validate(): Report values, the curator's text report, shape loading errors, the builder's output."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from fixtures.query_graph import FIXTURE
from rdflib import Graph

from il2kg import resources
from il2kg.errors import RdfSyntaxError
from il2kg.graph import Source, to_graph
from il2kg.model import Arm, Evidence, Fact, Intervention, Outcome, Quantity, Result, Trial
from il2kg.rdf_io import read_turtle
from il2kg.validate import Report, Violation, format_report, load_shapes, validate
from il2kg.vocab import IL, mint

TEXT = ("The DEMO-9 trial (NCT00000009) randomised 40 patients with systemic lupus erythematosus 1:1 to "
        "aldesleukin 1 MIU (n=20) or placebo (n=20). Treg percentage rose at day 8 (p=0.01; printed p=1.7).")
SOURCE = Source("demo.txt", hashlib.sha256(TEXT.encode()).hexdigest(), "article", TEXT, "0.1.0")
TRIAL = mint("trial", "NCT00000009")
PVALUE_RULE = "p-value must be between 0 and 1"


def fact(value: object, snippet: str) -> Fact:
    start = TEXT.index(snippet)
    return Fact(value, Evidence(start, start + len(snippet), TEXT, "test.rule"))


def demo_trial(p_value: str = "0.01", diseases: bool = True) -> Trial:
    """A small randomised trial with two arms and one result, built like an extractor would."""
    il2 = Arm("1 MIU", role=fact("experimental", "aldesleukin 1 MIU"), size=fact(20, "20"),
              intervention=Intervention(agent=fact("il2kg:aldesleukin", "aldesleukin"),
                                        dose=fact(Quantity(Decimal("1"), "MIU"), "1 MIU")))
    placebo = Arm("placebo", role=fact("placebo-comparator", "placebo"), size=fact(20, "20)."),
                  intervention=Intervention(agent=fact("il2kg:placebo", "placebo")))
    result = Result(arm="1 MIU", p_value=fact(Decimal(p_value), p_value), direction=fact("increase", "rose"),
                    timepoint=fact("day 8", "day 8"))
    outcome = Outcome(measure=fact("il2kg:tregPercentage", "Treg percentage"), results=(result,))
    return Trial(registry_ids=(fact("NCT00000009", "NCT00000009"),), acronym=fact("DEMO-9", "DEMO-9"),
                 design=(fact("randomised", "randomised"),), allocation_ratio=fact("1:1", "1:1"),
                 n_randomised=fact(40, "40"),
                 diseases=(fact("MONDO:0007915", "systemic lupus erythematosus"),) if diseases else (),
                 arms=(il2, placebo), outcomes=(outcome,))



@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def test_builder_output_conforms(ontology: Graph, shapes: Graph) -> None:
    report = validate(to_graph([demo_trial()], SOURCE), ontology, shapes)
    assert report.conforms, format_report(report)
    assert report.violations == ()


def test_the_query_fixture_conforms(ontology: Graph, shapes: Graph) -> None:
    # The fixture is static Turtle: when the shapes change, this says it must be written again.
    report = validate(read_turtle(FIXTURE), ontology, shapes)
    assert report.conforms, format_report(report)


def test_p_value_above_one_is_reported_with_its_node_and_rule(ontology: Graph, shapes: Graph) -> None:
    data = to_graph([demo_trial(p_value="1.7")], SOURCE)
    report = validate(data, ontology, shapes)
    assert not report.conforms
    [hit] = [v for v in report.violations if PVALUE_RULE in v.message]
    result = next(data.subjects(IL.pValue, None))
    assert (hit.focus, hit.path, hit.severity) == (str(result), str(IL.pValue), "Violation")
    assert hit.component == "MaxInclusiveConstraintComponent"
    assert hit.value is not None and "1.7" in hit.value
    text = format_report(report, data)
    node = "id:result/" + str(result).rpartition("/")[2]
    assert f"{node} (il2kg:Result)" in text
    assert f"Violation: il2kg:pValue = \"1.7\"^^xsd:decimal: {PVALUE_RULE}" in text
    assert "[ilsh:Result-pValue-range, MaxInclusiveConstraintComponent]" in text


def test_warnings_do_not_fail_validation(ontology: Graph, shapes: Graph) -> None:
    report = validate(to_graph([demo_trial(diseases=False)], SOURCE), ontology, shapes)
    assert report.conforms
    assert [v.shape.rpartition("/")[2] for v in report.warnings] == ["Trial-studiesDisease-missing"]
    assert report.errors == ()


def test_validate_leaves_the_data_graph_alone(ontology: Graph, shapes: Graph) -> None:
    data = to_graph([demo_trial()], SOURCE)
    before = set(data)
    validate(data, ontology, shapes)
    assert set(data) == before


def test_report_is_sorted_and_the_same_each_time(ontology: Graph, shapes: Graph) -> None:
    data = to_graph([demo_trial(p_value="1.7", diseases=False)], SOURCE)
    first, second = validate(data, ontology, shapes), validate(data, ontology, shapes)
    assert first == second
    keys = [(v.focus, v.severity != "Violation") for v in first.violations]
    assert keys == sorted(keys)


VIOLATIONS = (
    Violation(str(TRIAL), str(IL.studiesDisease), None, "Trial has no studied disease", "Warning",
              "MinCountConstraintComponent", "https://w3id.org/il2kg/shapes/Trial-studiesDisease-missing"),
    Violation(str(TRIAL), str(IL.numberRandomised), '"0"^^<http://www.w3.org/2001/XMLSchema#integer>',
              "Number randomised must be at least 1", "Violation", "MinInclusiveConstraintComponent",
              "https://w3id.org/il2kg/shapes/Trial-numberRandomised-range"),
    Violation(str(mint("trial", "NCT00000009", "arm", "placebo")), str(IL.armLabel), None,
              "An arm has exactly one il2kg:armLabel", "Violation", "MinCountConstraintComponent",
              "https://w3id.org/il2kg/shapes/Arm-armLabel-one"),
)


def test_format_report_groups_results_under_their_node() -> None:
    text = format_report(Report(conforms=False, violations=VIOLATIONS))
    lines = text.splitlines()
    assert lines[0] == "id:trial/NCT00000009"
    assert lines[1].startswith('  Violation: il2kg:numberRandomised = "0"^^xsd:integer: Number randomised')
    assert lines[2].startswith("  Warning: il2kg:studiesDisease: Trial has no studied disease")
    assert lines[3] == "id:trial/NCT00000009/arm/placebo"
    assert "[ilsh:Arm-armLabel-one, MinCountConstraintComponent]" in lines[4]
    assert lines[-1] == "2 violations, 1 warnings on 2 nodes"


def test_format_report_names_nodes_from_the_graph(ontology: Graph, shapes: Graph) -> None:
    data = to_graph([demo_trial()], SOURCE)
    text = format_report(Report(conforms=False, violations=VIOLATIONS), data)
    assert 'id:trial/NCT00000009 (il2kg:Trial) "NCT00000009"' in text
    assert 'id:trial/NCT00000009/arm/placebo (il2kg:Arm) "placebo"' in text


def test_format_report_of_a_clean_graph_is_the_summary_line() -> None:
    assert format_report(Report(conforms=True, violations=())) == "0 violations, 0 warnings on 0 nodes"


def test_load_shapes_names_the_broken_file_and_line(tmp_path, monkeypatch) -> None:
    (tmp_path / "broken.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n\nsh:a sh:b sh:c sh:d .\n")
    monkeypatch.setattr(resources, "SHAPES_DIR", tmp_path)
    with pytest.raises(RdfSyntaxError, match=r"broken\.ttl: line 3"):
        load_shapes()
