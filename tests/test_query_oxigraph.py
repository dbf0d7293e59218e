"""Queries on the Oxigraph store through pyoxigraph itself: same rows as rdflib, same bytes as the rdflib writers,
bound values planned from (a leading VALUES block) without changing an answer."""

from __future__ import annotations

from pathlib import Path

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


def _extracted(limit: int = 6):
    """The graph of a few case documents as `il2kg extract` writes them (their counts recorded), with the ontology."""
    from il2kg.lexicon import load_lexicon
    from il2kg.pipeline import extract_document, read_document
    from il2kg.rdf_io import read_turtle_files

    lexicon = load_lexicon(resources.ONTOLOGY)
    graph = read_turtle_files([resources.ONTOLOGY])
    cases = sorted(Path(__file__).with_name("cases").glob("*/*/input.txt"))[:limit]
    for path in cases:
        graph += extract_document(read_document(path), lexicon).graph
    return graph


def test_each_document_records_the_facts_and_methods_read_from_it():
    from rdflib.namespace import PROV, RDF

    graph = _extracted()
    documents = set(graph.subjects(RDF.type, IL.SourceDocument))
    assert len(documents) == 6
    for document in documents:
        evidence = {e for e in graph.subjects(PROV.wasDerivedFrom, document) if (e, RDF.type, IL.Evidence) in graph}
        methods = {graph.value(e, IL.extractionMethod) for e in evidence}
        assert graph.value(document, IL.evidenceCount).toPython() == len(evidence) > 0
        assert graph.value(document, IL.extractionMethodCount).toPython() == len(methods)


def test_source_documents_reads_the_recorded_counts_and_counts_only_documents_without_them():
    from rdflib.namespace import RDF

    graph = _extracted()
    counted = {r["document"]: (r["facts"], r["methods"]) for r in run_query("source-documents", graph)}
    stripped = read_graph_copy(graph)
    for triple in [*stripped.triples((None, IL.evidenceCount, None)),
                   *stripped.triples((None, IL.extractionMethodCount, None))]:
        stripped.remove(triple)
    for one in (stripped, worker_graph(ntriples_bytes(stripped))):  # nothing recorded: counted, the same numbers
        assert {r["document"]: (r["facts"], r["methods"]) for r in run_query("source-documents", one)} == counted
    first = min(graph.subjects(RDF.type, IL.SourceDocument))
    graph.set((first, IL.evidenceCount, Literal(999)))  # what is recorded is what the question reports
    for one in (graph, worker_graph(ntriples_bytes(graph))):
        rows = {r["document"]: r["facts"] for r in run_query("source-documents", one)}
        assert rows[str(first)] == 999 and rows == {**{d: f for d, (f, _) in counted.items()}, str(first): 999}


def read_graph_copy(graph):
    from il2kg.rdf_io import new_graph

    copy = new_graph()
    copy += graph
    return copy


@pytest.mark.parametrize("which", ["fixture", "corpus"])
def test_trial_arms_are_in_trial_then_arm_label_order(which):
    graph = fixture_graph() if which == "fixture" else corpus_graph()
    if graph is None:
        pytest.skip(f"no extracted corpus in {resources.TRIPLES_DIR}")
    for one in (graph, worker_graph(ntriples_bytes(graph))):
        keys = [(r["trial"], r["armLabel"] is not None, r["armLabel"] or "")
                for r in run_query("trial-arms-and-regimens", one)]
        assert len(keys) > 5 and keys == sorted(keys)  # an arm without a label sorts first within its trial


def _bindings(body: bytes) -> tuple[list, list]:
    import json

    document = json.loads(body)
    return document["head"]["vars"], document["results"]["bindings"]


@pytest.mark.parametrize("text", [MIXED, *REPORTS, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3",
                                  "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s VALUES ?s { <http://x/none> }"])
def test_the_endpoint_writes_through_oxigraph_the_rows_python_writes(text):
    from il2kg.serve.answer import Job, answer

    oxigraph = worker_graph(ntriples_bytes(fixture_graph()))
    job = Job("query", text, "application/sparql-results+json")
    native = answer(oxigraph, job)
    python = format_result(execute(text, oxigraph), "json").encode("utf-8")
    assert native.status == 200 and not native.truncated
    assert _bindings(native.body) == _bindings(python)
    tsv = answer(oxigraph, Job("query", text, "text/tab-separated-values"))
    assert tsv.body.count(b"\n") == len(_bindings(python)[1]) + 1  # the header, then one line a row


def test_oxigraph_writes_no_more_than_the_row_limit_and_says_when_it_cut():
    from il2kg.serve.answer import Job, answer

    oxigraph = worker_graph(ntriples_bytes(fixture_graph()))
    text = "SELECT ?s ?p WHERE { ?s ?p ?o } ORDER BY ?s ?p"
    everything = _bindings(format_result(execute(text, oxigraph), "json").encode("utf-8"))[1]
    size = len(everything)
    for max_rows, cut in ((size + 5, False), (size, False), (size - 1, True), (7, True)):
        got = answer(oxigraph, Job("query", text, "application/sparql-results+json", max_rows=max_rows))
        assert got.truncated is cut and _bindings(got.body)[1] == everything[:max_rows]
        tsv = answer(oxigraph, Job("query", text, "text/tab-separated-values", max_rows=max_rows))
        assert tsv.truncated is cut and tsv.body.count(b"\n") == min(size, max_rows) + 1
    result = execute(text, oxigraph, lazy=True, row_limit=8)
    assert result.limited and len(result.ox_rows()) == 8  # the appended LIMIT: Oxigraph made no more rows
    for own in ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3 # mine", "ASK { ?s ?p ?o }"):
        assert not getattr(execute(own, oxigraph, lazy=True, row_limit=8), "limited", False)


@pytest.mark.parametrize(("max_rows", "cut"), [(5, False), (3, False), (2, True)])
def test_json_written_at_once_only_when_it_cannot_hold_too_many_rows(max_rows, cut):
    """Rows are counted by the '},{' between them; one inside a string only raises the bound, never hides a row."""
    from il2kg.serve.answer import Job, answer

    oxigraph = worker_graph(ntriples_bytes(fixture_graph()))
    text = 'SELECT ?x WHERE { VALUES ?x { "a},{b},{c" "d" "e" } }'
    got = answer(oxigraph, Job("query", text, "application/sparql-results+json", max_rows=max_rows))
    values = [b["x"]["value"] for b in _bindings(got.body)[1]]
    assert got.truncated is cut and values == ["a},{b},{c", "d", "e"][:max_rows]
