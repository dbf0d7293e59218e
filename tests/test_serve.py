"""The SPARQL endpoint on a loopback port: formats, refusals, the time and size limits, linked data."""

from __future__ import annotations

import csv
import io
import socket
import threading
import time

import httpx
import pytest
from fixtures.query_graph import fixture_graph
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, POST, SPARQLWrapper

from il2kg.serve import Limits, make_app

TRIALS = ("PREFIX il2kg: <https://w3id.org/il2kg/> "
          "SELECT ?trial ?id WHERE { ?trial il2kg:registryId ?id } ORDER BY ?id")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def endpoint():
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = make_app(fixture_graph(), Limits(timeout=1.0, max_rows=50))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    httpx.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=60)  # wait for the workers to load the graph
    yield base
    server.should_exit = True
    thread.join(10)


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


def test_update_load_and_service_are_refused(endpoint):
    sparql = SPARQLWrapper(f"{endpoint}/sparql")
    sparql.setMethod(POST)
    sparql.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(Exception, match="403|Forbidden|read-only"):
        sparql.query()
    for text in ("LOAD <urn:x>", "SELECT * WHERE { SERVICE <urn:x> { ?s ?p ?o } }"):
        got = httpx.post(f"{endpoint}/sparql", data={"query": text}, timeout=30)
        assert got.status_code == 403 and "refused" in got.text


def test_malformed_query_is_400_with_line_and_column(endpoint):
    got = httpx.get(f"{endpoint}/sparql", params={"query": "SELECT ?x WHERE {\n ?x ?y }"}, timeout=30)
    assert got.status_code == 400 and "line 2, column" in got.text


def test_slow_query_stops_at_the_time_limit_and_the_server_still_answers(endpoint):
    started = time.monotonic()
    got = httpx.post(f"{endpoint}/sparql", data={"query": SLOW}, timeout=30)
    assert got.status_code == 503 and "time limit" in got.text
    assert time.monotonic() - started < 5
    for _ in range(3):  # both the surviving and the replacement worker answer
        assert httpx.get(f"{endpoint}/sparql", params={"query": TRIALS}, timeout=60).status_code == 200


def test_result_size_limit_truncates_and_says_so(endpoint):
    got = httpx.get(f"{endpoint}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=30)
    assert got.status_code == 200 and got.headers["x-result-truncated"] == "max-rows=50"
    assert len(got.json()["results"]["bindings"]) == 50


def test_service_description_at_the_endpoint(endpoint):
    got = httpx.get(f"{endpoint}/sparql", timeout=30)
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/turtle")
    description = Graph().parse(data=got.text, format="turtle")
    assert any("sparql-service-description#Service" in str(o) for o in description.objects())


def test_linked_data_dereferencing(endpoint):
    got = httpx.get(f"{endpoint}/id/trial/NCT02955615", headers={"Accept": "text/turtle"}, timeout=30)
    assert got.status_code == 200 and '"LUPIL-2"' in got.text
    page = httpx.get(f"{endpoint}/id/trial/NCT02955615", headers={"Accept": "text/html"}, timeout=30)
    assert page.headers["content-type"].startswith("text/html") and "LUPIL-2" in page.text
    assert "<script" not in page.text and 'href="/id/' in page.text
    assert httpx.get(f"{endpoint}/id/trial/NOPE", timeout=30).status_code == 404


def test_query_page_and_views(endpoint):
    page = httpx.get(f"{endpoint}/", timeout=30)
    assert page.status_code == 200 and "<textarea" in page.text and "src=" not in page.text
    assert httpx.get(f"{endpoint}/views/", timeout=30).status_code == 200
    assert httpx.get(f"{endpoint}/views/..%2Fsecret.html", timeout=30).status_code == 404
