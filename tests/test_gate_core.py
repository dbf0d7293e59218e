"""The gate's simple checks (gate_core, gate_checks): they take every shape off pyrudof on a clean document,
and whatever breaks one of their constraints gets pyrudof's own report (the per-node reference)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from il2kg import gate_core
from il2kg.gate import _session, gate, gate_per_node
from il2kg.validate import load_shapes

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from corpus_gen import write_corpus  # noqa: E402


def _full(report) -> tuple:
    return report.conforms, report.violations


@pytest.fixture(scope="module")
def documents(tmp_path_factory, lexicon) -> list[Graph]:
    from il2kg.pipeline import extract_document, read_document

    folder = tmp_path_factory.mktemp("corpus")
    return [extract_document(read_document(p), lexicon).graph for p in write_corpus(folder, 8)]


def test_every_shape_of_ours_is_checked_without_pyrudof():
    from il2kg.gate_sparql import split

    shapes = load_shapes()
    rest, checks = gate_core.split(split(shapes)[0])
    assert not gate_core.needs_engine(rest)
    assert {c.shape for c in checks} >= {str(s) for s in shapes.objects(None, SH.property)
                                         if not shapes.value(s, SH.sparql)}


def test_a_shape_the_checks_cannot_read_is_left_to_pyrudof():
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:p1 , ex:p2 , ex:p3 , ex:p4 .
        ex:p1 sh:path ex:a ; sh:minCount 1 .
        ex:p2 sh:path ex:b ; sh:pattern "^a[0-9]$" ; sh:flags "i" .
        ex:p3 sh:path ex:c ; sh:pattern "(?i)^a$" .
        ex:p4 sh:path ex:d ; sh:datatype ex:odd .
    """, format="turtle")
    rest, checks = gate_core.split(shapes)
    assert [c.shape for c in checks] == ["http://example.org/p1"]
    assert gate_core.needs_engine(rest)


def test_clean_documents_take_the_fast_path(documents):
    session = _session()
    for graph in documents:
        store = session._store(graph.serialize(format="nt"))
        assert session._core_results(store) is not None
        assert _full(gate(graph)) == _full(gate_per_node(graph))


def _focus_cases(graph: Graph) -> list[tuple[object, URIRef]]:
    """(check, a focus node of it in the graph) for each kind of single-predicate check the graph has a node for."""
    cases, seen = [], set()
    for check in _session()._core:
        kinds = (tuple(name for name, _ in check.constraints), check.severity)
        if len(check.paths) != 1 or check.paths[0][1] or kinds in seen:
            continue  # one check of each kind (its constraints and severity) keeps the test to seconds
        for cls in check.classes:
            node = next(iter(sorted(graph.subjects(RDF.type, URIRef(cls)))), None)
            if node is not None:
                cases.append((check, node))
                seen.add(kinds)
                break
    return cases


@pytest.mark.slow
def test_breaking_each_check_gets_the_per_node_report(documents):
    # For each check: its values removed, then an odd value added (a string with a newline, a wrong datatype,
    # a literal where an IRI goes, a second value). The report must be pyrudof's per-node one in every field.
    graph = max(documents, key=len)
    cases = _focus_cases(graph)
    assert len(cases) > 20
    for check, node in cases:
        predicate = URIRef(check.paths[0][0])
        for mutate in ("remove", "add"):
            changed = Graph()
            changed += graph
            if mutate == "remove":
                changed.remove((node, predicate, None))
            else:
                changed.add((node, predicate, Literal("x y\n", datatype=XSD.token)))
            assert _full(gate(changed)) == _full(gate_per_node(changed)), (check.shape, mutate)


@pytest.mark.parametrize("value", [Literal("+5", datatype=XSD.integer), Literal("5.", datatype=XSD.decimal),
                                   Literal("1", datatype=XSD.boolean), Literal("-1", datatype=XSD.integer),
                                   Literal("5", datatype=XSD.string), Literal("5", lang="en")])
def test_numbers_an_engine_may_read_otherwise_get_pyrudofs_report(documents, value):
    graph = max(documents, key=len)
    evidence = next(iter(sorted(graph.subjects(RDF.type, URIRef("https://w3id.org/il2kg/Evidence")))))
    changed = Graph()
    changed += graph
    changed.set((evidence, URIRef("https://w3id.org/il2kg/spanStart"), value))
    assert _full(gate(changed)) == _full(gate_per_node(changed))
