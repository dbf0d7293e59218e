"""Records become triples with one Evidence node per fact; the reasoner classifies the result."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from rdflib import Literal
from rdflib.namespace import PROV, RDF, XSD

from il2kg.graph import Source, to_graph
from il2kg.graph.emit import literal
from il2kg.model import Arm, Evidence, Fact, Intervention, Outcome, Publication, Quantity, Result, Trial
from il2kg.ontology import load_ontology
from il2kg.reason import reason
from il2kg.vocab import ID, IL, OBO

TEXT = "A randomised, placebo-controlled trial (NCT00000001) of 3 MIU IL-2 in 40 patients with lupus; p = 0.01."
SOURCE = Source("example.txt", "ab" * 32, "article", TEXT, "0.0.0")
TRIAL = ID["trial/NCT00000001"]


def fact(value, needle: str, method: str = "test.rule") -> Fact:
    start = TEXT.index(needle)
    return Fact(value, Evidence(start, start + len(needle), TEXT, method))


RECORDS = [
    Publication(title=fact("A randomised trial", "A randomised")),
    Trial(
        registry_ids=(fact("NCT00000001", "NCT00000001"),),
        design=(fact("randomised", "randomised"), fact("placebo-controlled", "placebo-controlled")),
        n_randomised=fact(40, "40"),
        diseases=(fact("MONDO:0007915", "lupus"),),
        arms=(
            Arm("3 MIU", role=fact("experimental", "3 MIU"), intervention=Intervention(
                fact("il2kg:interleukin2", "IL-2"), dose=fact(Quantity(Decimal(3), "MIU"), "3 MIU"))),
            Arm("placebo", role=fact("placebo-comparator", "placebo")),
        ),
        outcomes=(Outcome(fact("il2kg:sri4", "trial"), role=fact("primary", "trial"), results=(
            Result(arm="3 MIU", comparator="placebo", p_value=fact(Decimal("0.01"), "0.01"),
                   p_comparator=fact("=", "="), significant=fact(True, "p = 0.01")),)),),
    ),
]


@pytest.fixture(scope="module")
def graph():
    return to_graph(RECORDS, SOURCE)


def test_facts_are_typed_literals_and_vocabulary_iris(graph):
    assert (TRIAL, IL.numberRandomised, Literal(40, datatype=XSD.integer)) in graph
    assert (TRIAL, IL.studiesDisease, OBO.MONDO_0007915) in graph
    assert (TRIAL, IL.hasDesignFeature, IL.placeboControlled) in graph
    arm = ID["trial/NCT00000001/arm/3-miu"]
    assert (TRIAL, IL.hasArm, arm) in graph
    intervention = graph.value(arm, IL.receives)
    assert graph.value(intervention, IL.doseAmount) == Literal("3", datatype=XSD.decimal)
    assert str(graph.value(intervention, IL.doseUnit)) == "MIU"


def test_every_fact_has_evidence_with_span_text(graph):
    evidence = list(graph.subjects(RDF.type, IL.Evidence))
    assert evidence
    for ev in evidence:
        start, end = int(graph.value(ev, IL.spanStart)), int(graph.value(ev, IL.spanEnd))
        assert str(graph.value(ev, IL.spanText)) == TEXT[start:end]
        assert graph.value(ev, PROV.wasDerivedFrom) == SOURCE.iri
        assert graph.value(ev, PROV.wasGeneratedBy) == SOURCE.activity
    ev = next(e for e in evidence if graph.value(e, IL.evidenceProperty) == IL.numberRandomised)
    assert graph.value(ev, IL.evidenceFor) == TRIAL
    assert str(graph.value(ev, IL.evidenceValue)) == "40"


def test_same_records_give_same_triples():
    assert set(to_graph(RECORDS, SOURCE)) == set(to_graph(list(reversed(RECORDS)), SOURCE))


def test_the_triples_without_a_graph_are_the_graphs_and_write_the_same_turtle(graph):
    from il2kg.graph import to_triples
    from il2kg.rdf_io import turtle_bytes

    triples = to_triples(RECORDS, SOURCE)
    assert len(triples) == len(set(triples)) == len(graph) and set(triples) == set(graph)
    assert turtle_bytes(triples) == turtle_bytes(graph)


def test_publication_reports_trial(graph):
    pub = next(graph.subjects(RDF.type, IL.Publication))
    assert (pub, IL.reports, TRIAL) in graph
    assert (TRIAL, IL.reportedIn, pub) in graph


@pytest.mark.skipif(shutil.which("java") is None, reason="Java not installed: HermiT cannot run")
def test_reasoner_infers_rct_placebo_arm_and_autoimmune_trial(graph):
    result = reason(load_ontology(), graph)
    assert result.consistent is True
    inferred = set(result.inferred)
    assert (str(TRIAL), str(IL.RandomisedControlledTrial)) in inferred
    assert (str(TRIAL), str(IL.AutoimmuneDiseaseTrial)) in inferred
    assert (str(ID["trial/NCT00000001/arm/placebo"]), str(IL.PlaceboArm)) in inferred


@pytest.mark.parametrize("value, lexical", [
    (Decimal("-0.0"), "0"), (Decimal("0.00"), "0"), (Decimal("2.50"), "2.5"), (Decimal("-1.20"), "-1.2"),
    (Decimal("1E+1"), "10"),
])
def test_decimal_has_the_lexical_form_parsers_give_back(value, lexical):
    # "-0.0 (SD 2.9) with placebo": a parser reads "-0" back as 0, so the evidence value must say 0 too.
    assert str(literal(value)) == lexical
