"""Reasoning that scales: the SPARQL rules give HermiT's inferred types; above the threshold the build uses them."""

from __future__ import annotations

import shutil

import pytest

from il2kg import resources
from il2kg.rdf_io import read_turtle_files
from il2kg.reason import reason

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java (default-jre-headless)")


@needs_java
def test_rules_infer_the_same_types_as_hermit_on_the_corpus_graph(ontology):
    data = read_turtle_files(resources.triple_files())
    hermit = reason(ontology, data, engine="hermit")
    rules = reason(ontology, data, engine="rules")
    assert hermit.consistent and hermit.inferred, "the corpus graph should give HermiT something to infer"
    assert rules.engine == "rules" and rules.inferred == hermit.inferred


def test_above_the_threshold_the_rules_classify(ontology):
    data = read_turtle_files(resources.triple_files())
    result = reason(ontology, data, max_individuals=10)
    assert result.engine == "rules" and result.consistent is None
    classes = {cls.rpartition("/")[2] for _, cls in result.inferred}
    assert {"PlaceboArm", "SignificantResult", "AutoimmuneDiseaseTrial"} <= classes


def test_the_rules_store_holds_every_view_triple_iris_blank_nodes_and_literals():
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import RDF, XSD

    from il2kg.reason import _view_store
    from il2kg.vocab import IL

    result, arm = URIRef("https://example.org/r1"), BNode("b1")
    triples = [(result, RDF.type, IL.Result), (result, IL.significant, Literal("true", datatype=XSD.boolean)),
               (arm, RDF.type, IL.Arm), (result, IL.forArm, arm), (result, RDF.type, IL.Result)]
    store = _view_store(triples)
    assert len(store) == 4  # the repeated triple once
    assert {(q.subject.value, q.object.value) for q in store} == {
        (str(result), str(IL.Result)), (str(result), "true"), ("b1", str(IL.Arm)), (str(result), "b1")}
