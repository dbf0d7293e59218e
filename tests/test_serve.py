"""The SPARQL endpoint on a loopback port: formats, refusals, time and size limits, headers, the /id/ page, the CLI."""

from __future__ import annotations

import csv
import io
import re
import socket

import httpx
import pytest
from click.testing import CliRunner
from fixtures.endpoint import running
from fixtures.query_graph import fixture_graph
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, POST, SPARQLWrapper

from il2kg.cli import main
from il2kg.serve import Limits, make_app

TRIALS = ("PREFIX il2kg: <https://w3id.org/il2kg/> "
          "SELECT ?trial ?id WHERE { ?trial il2kg:registryId ?id } ORDER BY ?id")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LUPIL2_PAGE = "/id/trial/NCT02955615"


@pytest.fixture(scope="module")
def endpoint():
    with running(make_app(fixture_graph(), Limits(timeout=1.0, max_rows=50))) as base:
        yield base


def wrapper(base: str, query: str, fmt: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(f"{base}/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


def test_select_as_json_and_csv_with_sparqlwrapper(endpoint):
    data = wrapper(endpoint, TRIALS, JSON).queryAndConvert()
    ids = [b["id"]["value"] for b in data["results"]["bindings"]]
    assert "NCT02955615" in ids and data["head"]["vars"] == ["trial", "id"]
    table = list(csv.reader(io.StringIO(wrapper(endpoint, TRIALS, CSV).queryAndConvert().decode("utf-8"))))
    assert table[0] == ["trial", "id"] and ["NCT02955615"] == [r[1] for r in table if r[1] == "NCT02955615"]


@pytest.mark.parametrize(("accept", "marker"), [("application/sparql-results+xml", "<sparql"),
                                                 ("text/tab-separated-values", "?trial\t?id")])
def test_select_as_xml_and_tsv_by_accept(endpoint, accept, marker):
    got = httpx.post(f"{endpoint}/sparql", data={"query": TRIALS}, headers={"Accept": accept}, timeout=30)
    assert got.status_code == 200 and got.headers["content-type"].startswith(accept) and marker in got.text


def test_construct_returns_turtle_and_json_ld(endpoint):
    query = "CONSTRUCT { ?t ?p ?o } WHERE { ?t a <https://w3id.org/il2kg/Trial> ; ?p ?o } LIMIT 20"
    got = httpx.post(f"{endpoint}/sparql", content=query, timeout=30,
                     headers={"Content-Type": "application/sparql-query", "Accept": "text/turtle"})
    assert got.status_code == 200 and len(Graph().parse(data=got.text, format="turtle")) == 20
    as_json_ld = httpx.get(f"{endpoint}/sparql", params={"query": query, "format": "json-ld"}, timeout=30)
    assert len(Graph().parse(data=as_json_ld.text, format="json-ld")) == 20


def test_update_load_service_and_from_are_refused(endpoint):
    sparql = SPARQLWrapper(f"{endpoint}/sparql")
    sparql.setMethod(POST)
    sparql.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(Exception, match="403|Forbidden|read-only"):
        sparql.query()
    for text in ("LOAD <urn:x>", "SELECT * WHERE { SERVICE <urn:x> { ?s ?p ?o } }",
                 "SELECT * FROM <urn:x> WHERE { ?s ?p ?o }"):
        got = httpx.post(f"{endpoint}/sparql", data={"query": text}, timeout=30)
        assert got.status_code == 403 and "refused" in got.text


def test_malformed_query_is_400_with_line_and_column(endpoint):
    got = httpx.get(f"{endpoint}/sparql", params={"query": "SELECT ?x WHERE {\n ?x ?y }"}, timeout=30)
    assert got.status_code == 400 and "line 2, column" in got.text


@pytest.mark.parametrize("blank", ["   ", "\n\t \n"])
def test_a_query_of_only_whitespace_is_an_empty_query_not_an_update(endpoint, blank):
    for got in (httpx.post(f"{endpoint}/sparql", content=blank, timeout=30,
                           headers={"Content-Type": "application/sparql-query"}),
                httpx.get(f"{endpoint}/sparql", params={"query": blank}, timeout=30)):
        assert got.status_code == 400 and "empty query" in got.text and "Update" not in got.text


def test_slow_query_stops_at_the_time_limit_and_the_server_still_answers(endpoint):
    got = httpx.post(f"{endpoint}/sparql", data={"query": SLOW}, timeout=30)
    assert got.status_code == 503 and "time limit" in got.text and got.headers["retry-after"]
    for n in range(5):  # the surviving workers and the replacement answer (distinct texts: no cache)
        assert httpx.get(f"{endpoint}/sparql", params={"query": f"{TRIALS} LIMIT {n + 1}"},
                         timeout=60).status_code == 200


def test_result_size_limit_truncates_and_says_so(endpoint):
    got = httpx.get(f"{endpoint}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=30)
    assert got.status_code == 200 and got.headers["x-result-truncated"] == "max-rows=50"
    assert len(got.json()["results"]["bindings"]) == 50


def test_service_description_at_the_endpoint(endpoint):
    got = httpx.get(f"{endpoint}/sparql", timeout=30)
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/turtle")
    description = Graph().parse(data=got.text, format="turtle")
    assert any("sparql-service-description#Service" in str(o) for o in description.objects())


def test_linked_data_turtle_and_404(endpoint):
    got = httpx.get(f"{endpoint}{LUPIL2_PAGE}", headers={"Accept": "text/turtle"}, timeout=30)
    assert got.status_code == 200 and '"LUPIL-2"' in got.text
    assert got.headers["content-type"].startswith("text/turtle")
    for path in ("/id/trial/NOPE", "/id/trial/a%20b", "/id/%3Cscript%3E"):
        missing = httpx.get(f"{endpoint}{path}", headers={"Accept": "text/html"}, timeout=30)
        assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/plain")


def test_resource_page_reads_label_type_facts_with_evidence_then_links(endpoint):
    page = httpx.get(f"{endpoint}{LUPIL2_PAGE}", headers={"Accept": "text/html"}, timeout=30).text
    assert re.search(r"<h1>LUPIL-2</h1><p class='type'>Trial · <code>id:trial/NCT02955615</code>", page)
    facts, links, records = page.index("<h2>Facts</h2>"), page.index("<h2>Linked from</h2>"), page.index("<details>")
    assert facts < links < records  # evidence records last, folded away, never first
    row = re.search(r"<tr><td title='il2kg:numberRandomised'>number randomised</td><td>100</td><td>(.*?)</td></tr>",
                    page).group(1)  # the fact with the sentence it was read from, the number marked
    assert "of <mark>100</mark> patients with lupus." in row and 'href="/id/doc/' in row
    disease = re.search(r"<td title='il2kg:studiesDisease'>studies disease</td><td>(.*?)</td>", page).group(1)
    assert disease == "systemic lupus erythematosus <code>MONDO:0007915</code>"  # label and CURIE, not the IRI
    assert ">https://" not in page and "evidenceFor" not in page  # no raw IRIs as text, no evidenceFor rows
    assert "<script" not in page


def test_security_headers_on_every_response(endpoint):
    hostile = "SELECT <script>alert(1)</script> WHERE {"
    answers = {
        "rows": httpx.get(f"{endpoint}/sparql", params={"query": TRIALS}, timeout=30),
        "error": httpx.get(f"{endpoint}/sparql", params={"query": hostile}, timeout=30),
        "refused": httpx.post(f"{endpoint}/sparql", data={"update": "CLEAR ALL"}, timeout=30),
        "missing": httpx.get(f"{endpoint}/nowhere", timeout=30),
        "query page": httpx.get(f"{endpoint}/", timeout=30),
        "resource page": httpx.get(f"{endpoint}{LUPIL2_PAGE}", headers={"Accept": "text/html"}, timeout=30),
        "views": httpx.get(f"{endpoint}/views/", timeout=30),
    }
    for name, got in answers.items():
        assert got.headers.get("x-content-type-options") == "nosniff", name
    error = answers["error"]
    assert error.status_code == 400 and error.headers["content-type"].startswith("text/plain")
    for name in ("query page", "resource page", "views"):
        csp = answers[name].headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, name
    assert "'unsafe-inline'" not in answers["query page"].headers["content-security-policy"].split("style-src")[0]


def test_query_page_and_views(endpoint):
    page = httpx.get(f"{endpoint}/", timeout=30)
    assert page.status_code == 200 and "<textarea" in page.text and "src=" not in page.text
    assert httpx.get(f"{endpoint}/views/", timeout=30).status_code == 200
    assert httpx.get(f"{endpoint}/views/..%2Fsecret.html", timeout=30).status_code == 404


@pytest.mark.parametrize(("args", "says"), [
    (["--port", "99999"], "99999 is not in the range"),
    (["--port", "0"], "0 is not in the range"),
    (["--host", "no-such-host.invalid"], "host 'no-such-host.invalid' is not an address"),
    (["--host", "192.0.2.1"], "host '192.0.2.1' is not an address of this machine"),
    (["--timeout", "nan"], "nan is not a positive number"),
])
def test_serve_refuses_a_bad_port_or_host_in_one_line(args, says):
    got = CliRunner().invoke(main, ["serve", *args])
    assert got.exit_code == 2 and says in got.output and "Traceback" not in got.output
    assert "SPARQL endpoint on" not in got.output


def test_serve_says_when_the_port_is_in_use():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        got = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert got.exit_code == 2 and "Traceback" not in got.output and "SPARQL endpoint on" not in got.output
    assert got.output.strip() == f"il2kg: port {port} is in use; pass --port with a free port"


def test_a_documents_page_folds_the_many_evidence_records_read_from_it(endpoint):
    trial = httpx.get(f"{endpoint}{LUPIL2_PAGE}", headers={"Accept": "text/html"}, timeout=30).text
    document = re.search(r'<a href="(/id/doc/[0-9a-f]+)">', trial).group(1)
    page = httpx.get(f"{endpoint}{document}", headers={"Accept": "text/html"}, timeout=30).text
    assert re.search(r"<details><summary>was derived from \(\d\d+\)</summary>", page)
    assert page.index("<h2>Facts</h2>") < page.index("<h2>Linked from</h2>")
