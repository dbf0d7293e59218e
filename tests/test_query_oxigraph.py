"""Queries on the Oxigraph store through pyoxigraph itself: same rows as rdflib, same bytes as the rdflib writers,
bound values planned from (a leading VALUES block) without changing an answer."""

from __future__ import annotations

import pytest
from fixtures.query_graph import corpus_graph, fixture_graph, rows_of
from rdflib import BNode, Literal, URIRef, Variable

from il2kg import resources
from il2kg.errors import QueryError
from il2kg.exports.sparql_results import format_ox_rows, format_result, format_rows
from il2kg.query import execute, run_query, term_rows
from il2kg.query_oxigraph import NativeResult, lead_values
from il2kg.rdf_io import ntriples_bytes
from il2kg.serve.pool import worker_graph
from il2kg.vocab import ID, IL

REPORTS = sorted(p.stem for p in (resources.QUERIES_DIR / "report").glob("*.rq"))
LUPIL2 = ID["trial/NCT02955615"]
MIXED = """SELECT ?a ?b ?c ?d ?e WHERE { VALUES (?a ?b ?c ?d ?e) {
  (<http://x/y> "plain, \\"q\\"\\n2" "3.50"^^<http://www.w3.org/2001/XMLSchema#decimal> "fr"@fr UNDEF)
  (<https://w3id.org/il2kg/acronym> 12 true "2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date> "a\\tb") } }"""


@pytest.fixture(scope="module", params=["fixture", "corpus"])
def graphs(request):
    graph = fixture_graph() if request.param == "fixture" else corpus_graph()
    if graph is None:
        pytest.skip(f"no extracted corpus in {resources.TRIPLES_DIR}")
    return graph, worker_graph(ntriples_bytes(graph))


def unordered(rows):  # GROUP_CONCAT's order is the engine's choice (SPARQL leaves it open)
    return sorted(repr(sorted((k, sorted(v.split(", ")) if isinstance(v, str) else v) for k, v in row.items()))
                  for row in rows)


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_question_gives_the_same_rows_on_rdflib_and_on_oxigraph(graphs, name):
    memory, oxigraph = graphs
    assert isinstance(execute(name, oxigraph), NativeResult)
    assert unordered(run_query(name, oxigraph)) == unordered(rows_of(name, memory))


@pytest.mark.parametrize("fmt", ["csv", "json", "table", "tsv", "xml"])
def test_oxigraph_rows_are_written_in_the_same_bytes_as_rdflib_rows(fmt):
    oxigraph = worker_graph(ntriples_bytes(fixture_graph()))
    for text in [MIXED, *REPORTS]:
        result = execute(text, oxigraph)
        native = format_result(result, fmt)
        assert native == format_rows(term_rows(execute(text, oxigraph)), result.names, fmt), (text[:40], fmt)
        assert format_ox_rows(result.ox_rows(), result.names, fmt, compact=True) == format_rows(
            term_rows(execute(text, oxigraph)), result.names, fmt, compact=True)


def test_bound_values_open_the_where_group_of_a_plain_select_only():
    binding = {Variable("s"): URIRef("http://x/a"), Variable("n"): Literal(3)}
    text = "PREFIX a: <http://x/>\n# note { }\nSELECT ?s ?n WHERE { ?s a:p ?n }"
    assert lead_values(text, binding) == ("PREFIX a: <http://x/>\n# note { }\nSELECT ?s ?n WHERE {"
                                          ' VALUES (?n ?s) { ("3"^^<http://www.w3.org/2001/XMLSchema#integer> '
                                          "<http://x/a>) }  ?s a:p ?n }")
    assert lead_values("CONSTRUCT { ?s ?p ?n } WHERE { ?s ?p ?n }", binding) is None
    assert lead_values("SELECT (EXISTS { ?s ?p ?o } AS ?x) WHERE { ?s ?p ?n }", binding) is None
    assert lead_values('SELECT ("{" AS ?x) ?s WHERE { ?s ?p ?n }', binding) is None
    assert lead_values("SELECT ?s WHERE { ?s ?p ?o }", binding) is None  # ?n is not in it: substituted instead


def test_a_bound_question_gives_rdflibs_rows_on_oxigraph(graphs):
    memory, oxigraph = graphs
    for name, value in (("fact-provenance", {"subject": LUPIL2}),
                        ("fact-provenance", {"subject": LUPIL2, "property": IL.acronym}),
                        ("citing-works", {"cited": ID["publication/none"]})):
        assert unordered(run_query(name, oxigraph, **value)) == unordered(run_query(name, memory, **value))
    assert run_query("fact-provenance", memory, subject=LUPIL2)  # the check compares rows, not two empty lists


def test_a_finished_answer_lets_go_of_the_on_disk_store(tmp_path):
    # The store is locked while anything holds it: the query command's answer must not keep it (a reference cycle
    # did, until the next garbage collection, and the next `il2kg query` or `serve` found the store locked).
    import gc

    from il2kg.triplestore import load_kg

    spec = f"oxigraph:{tmp_path / 'store'}"
    sources = [resources.ONTOLOGY]
    gc.disable()
    try:
        for _ in range(2):
            graph = load_kg(spec, sources)
            format_result(execute("SELECT ?c WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> } ORDER BY ?c",
                                  graph), "csv")
            list(execute("SELECT ?c WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> } ORDER BY ?c", graph))
            graph.close()
    finally:
        gc.enable()


def test_a_value_that_could_end_its_term_early_is_substituted_not_written():
    text = "SELECT ?s ?n WHERE { ?s <http://x/p> ?n }"
    for term in (URIRef("http://x/a> } UNION { ?s ?p ?n"), URIRef("http://x/a b"),
                 Literal("x", datatype=URIRef("a>b"))):
        assert lead_values(text, {Variable("s"): term}) is None
    led = lead_values(text, {Variable("s"): Literal('a" } UNION { ?s ?p ?n } #')})
    assert led is not None and '"a\\" } UNION { ?s ?p ?n } #"' in led  # escaped: one literal
    assert lead_values(text, {Variable("s"): BNode("b1")}) is None  # VALUES cannot hold a blank node
    oxigraph = worker_graph(ntriples_bytes(fixture_graph()))
    with pytest.raises(QueryError, match="Invalid IRI"):  # substituted: Oxigraph refuses the IRI, one line
        run_query("fact-provenance", oxigraph, subject=URIRef(str(LUPIL2) + "> } UNION { ?x ?y ?z"))
