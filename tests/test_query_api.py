"""run_query, bindings, formats, refusals and the query CLI."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from fixtures.query_graph import fixture_graph
from rdflib import Graph, Literal

from il2kg import resources
from il2kg.cli import main
from il2kg.errors import QueryError
from il2kg.exports.sparql_results import format_result, format_rows
from il2kg.query import QueryRefused, execute, list_queries, parse_binding, run_query
from il2kg.vocab import ID, IL

ACRONYMS = "SELECT ?t ?a WHERE { ?t <https://w3id.org/il2kg/acronym> ?a } ORDER BY ?a"


@pytest.fixture(scope="module")
def graph():
    return fixture_graph()


def test_name_path_and_text_give_the_same_rows(graph):
    path = resources.QUERIES_DIR / "report" / "safety-findings.rq"
    assert run_query("safety-findings", graph) == run_query(str(path), graph) == run_query(path.read_text(), graph)


def test_rows_are_plain_python_values(graph):
    rows = run_query(ACRONYMS, graph)
    assert rows == [{"t": str(ID["trial/NCT02059759"]), "a": "IMODALS"}, {"t": str(ID["trial/NCT02955615"]),
                                                                        "a": "LUPIL-2"}]
    assert type(rows[0]["t"]) is str


def test_bound_values_are_never_spliced_into_the_text(graph):
    assert run_query(ACRONYMS, graph, a=Literal('x" } ?s ?p ?o { "')) == []
    assert run_query(ACRONYMS, graph, a="LUPIL-2") == [{"t": str(ID["trial/NCT02955615"]), "a": "LUPIL-2"}]


def test_malformed_sparql_names_line_and_column(graph):
    with pytest.raises(QueryError, match=r"line 2, column \d+"):
        run_query("SELECT ?x WHERE {\n  ?x ?y }", graph)


def test_unknown_query_name_is_a_query_error(graph):
    with pytest.raises(QueryError, match="no query named"):
        run_query("no-such-question", graph)


# Updates, LOAD, SERVICE and FROM, however written: refused by rdflib's full check and by the Oxigraph path alike.
REFUSED = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "LOAD <urn:elsewhere>",
    "SELECT * WHERE { SERVICE <urn:elsewhere> { ?s ?p ?o } }",
    "SELECT * FROM <urn:elsewhere> WHERE { ?s ?p ?o }",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * FROM NAMED <http://127.0.0.1:9/x> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "DROP ALL",
]


@pytest.mark.parametrize("text", REFUSED)
def test_updates_service_and_from_are_refused(text, graph):
    with pytest.raises(QueryRefused):
        execute(text, graph)


def test_list_queries_gives_each_question():
    listed = dict(list_queries())
    assert len([n for n in listed if n.startswith("report/")]) >= 15
    assert all(q.endswith("?") or "?" in q for q in listed.values())
    assert listed["report/randomised-treg-evidence"].startswith("Which diseases have randomised evidence")


@pytest.mark.parametrize(("text", "expected"), [
    ("subject=id:trial/NCT02955615", ("subject", ID["trial/NCT02955615"])),
    ("?p=il2kg:acronym", ("p", IL.acronym)),
    ("n=53", ("n", Literal(53))),
    ("p=0.0168", ("p", Literal(Decimal("0.0168")))),
    ("met=false", ("met", Literal(False))),
    ("name=LUPIL-2", ("name", Literal("LUPIL-2"))),
])
def test_parse_binding(text, expected):
    assert parse_binding(text) == expected


def test_formats(graph):
    rows = [{"t": ID["trial/X"], "n": Literal(3), "s": None}]
    sparql_json = json.loads(format_rows(rows, ["t", "n", "s"], "json"))
    assert sparql_json["head"]["vars"] == ["t", "n", "s"]
    assert sparql_json["results"]["bindings"][0]["t"] == {"type": "uri", "value": str(ID["trial/X"])}
    assert "s" not in sparql_json["results"]["bindings"][0]
    assert list(csv.reader(io.StringIO(format_rows(rows, ["t", "n", "s"], "csv")))) == [
        ["t", "n", "s"], [str(ID["trial/X"]), "3", ""]]
    assert format_rows(rows, ["t", "n", "s"], "tsv").splitlines()[1].startswith(f"<{ID['trial/X']}>\t\"3\"^^")
    assert "<sparql" in format_rows(rows, ["t", "n", "s"], "xml")
    assert "id:trial/X" in format_rows(rows, ["t", "n", "s"], "table")
    turtle = format_result(execute("CONSTRUCT { ?t ?p ?o } WHERE { ?t a il2kg:Trial ; ?p ?o }", graph), "turtle")
    assert len(Graph().parse(data=turtle, format="turtle")) > 10


def test_cli_queries_lists_the_library():
    out = CliRunner().invoke(main, ["queries"])
    assert out.exit_code == 0 and "report/trials-by-disease" in out.output


def test_cli_query_csv_with_binding():
    out = CliRunner().invoke(main, ["query", "fact-provenance", "--format", "csv",
                                    "--bind", "subject=id:trial/NCT02955615", "--bind", "property=il2kg:acronym"])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("subject,property,value,")


def test_cli_malformed_query_exits_2_with_line_and_column():
    out = CliRunner().invoke(main, ["query", "--sparql", "SELECT ?x WHERE {\n ?x ?y }"])
    assert out.exit_code == 2
    assert "line 2, column" in out.output


@pytest.mark.parametrize("char", ["\x00", "\x08", "\ufffe"])
def test_xml_results_refuse_a_character_xml_cannot_carry_and_stay_well_formed_otherwise(char):
    from xml.dom.minidom import parseString

    with pytest.raises(QueryError, match=f"U\\+{ord(char):04X}.*JSON"):
        format_rows([{"x": Literal(f"a{char}b")}], ["x"], "xml")
    parseString(format_rows([{"x": Literal("a\tb<&>")}], ["x"], "xml"))  # tab, markup: escaped, well-formed


def test_cli_xml_results_with_a_nul_exit_2_in_one_line():
    query = 'SELECT ?x WHERE { BIND("a\\u0000b" AS ?x) }'
    done = CliRunner().invoke(main, ["query", "--sparql", query, "--format", "xml"])
    assert done.exit_code == 2 and "U+0000" in done.output and "Traceback" not in done.output


@pytest.fixture(scope="module")
def oxigraph(graph):
    from il2kg.rdf_io import ntriples_bytes
    from il2kg.serve.pool import worker_graph

    return worker_graph(ntriples_bytes(graph))


@pytest.mark.parametrize("text", REFUSED)
def test_the_oxigraph_fast_path_refuses_what_the_full_check_refuses(oxigraph, text):
    with pytest.raises(QueryRefused):
        execute(text, oxigraph)


def test_the_oxigraph_fast_path_gives_the_same_answers_and_errors(graph, oxigraph):
    def unordered(rows):  # GROUP_CONCAT's order is the engine's choice (SPARQL leaves it open)
        return [{k: sorted(v.split(", ")) if isinstance(v, str) else v for k, v in row.items()} for row in rows]

    for name in ("trials-by-disease", "safety-findings", "fact-provenance", "dose-versus-treg-change"):
        assert unordered(run_query(name, oxigraph)) == unordered(run_query(name, graph)), name
    assert run_query(ACRONYMS, oxigraph, a="LUPIL-2") == run_query(ACRONYMS, graph, a="LUPIL-2")
    with pytest.raises(QueryError, match="line 1, column"):
        execute("SELECT * WHERE { ?s ?p }", oxigraph)
    text = 'SELECT ?s WHERE { ?s ?p "from service" } # FROM in a comment takes the full check, and passes'
    assert execute(text, oxigraph).type == "SELECT"
    assert execute("# rows from a service\nSELECT ?s WHERE { ?s ?p ?o } LIMIT 1", oxigraph).type == "SELECT"
    with pytest.raises(QueryRefused):  # a comment line ends at the line's end: what follows is checked
        execute('SELECT * WHERE {\n# a note\nSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }', oxigraph)
    with pytest.raises(QueryError):  # a '#' inside a string opens no comment (rdflib's parser even refuses it)
        execute('SELECT * WHERE { ?s ?p "#" . SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }', oxigraph)
