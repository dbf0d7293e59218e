"""The endpoint under careless or hostile requests: large and broken bodies, hard queries, slow queries at once.

The server runs on a loopback port with four workers and a 5 s time limit. Nothing here times a request: the tests
compare which answer came first, and what the status and body say.
"""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest
from fixtures.endpoint import running
from fixtures.query_graph import fixture_graph
from rdflib.plugins.sparql import parser

from il2kg.serve import Answer, Job, Limits, make_app
from il2kg.serve.pool import Busy, Cache, Pool

SPARQL_QUERY = {"Content-Type": "application/sparql-query"}
SIMPLE = "PREFIX il2kg: <https://w3id.org/il2kg/> SELECT ?id WHERE { ?t il2kg:registryId ?id } ORDER BY ?id"
SLOW = "SELECT (COUNT(*) AS ?{v}) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }}"  # never ends on the fixture graph


@pytest.fixture(scope="module")
def endpoint():
    with running(make_app(fixture_graph(), Limits(timeout=2.5, max_rows=50, max_body=1 << 20, workers=4))) as base:
        yield base


def post(base: str, body: bytes | str, **kwargs) -> httpx.Response:
    return httpx.post(f"{base}/sparql", content=body, headers=SPARQL_QUERY, timeout=60, **kwargs)


class Background:
    """A request sent from a thread; `done` tells whether its answer has come back."""

    def __init__(self, send) -> None:
        self.response: httpx.Response | None = None
        self.thread = threading.Thread(target=self._run, args=(send,), daemon=True)
        self.thread.start()

    def _run(self, send) -> None:
        self.response = send()

    @property
    def done(self) -> bool:
        return not self.thread.is_alive()

    def wait(self) -> httpx.Response:
        self.thread.join(60)
        assert self.response is not None
        return self.response


def test_a_body_over_the_limit_is_413_whether_declared_or_streamed(endpoint):
    declared = post(endpoint, b"#" * (3 << 20))
    assert declared.status_code == 413 and "over 1048576 bytes" in declared.text
    streamed = post(endpoint, (b"#" * 65536 for _ in range(40)))  # chunked: no Content-Length to go by
    assert streamed.status_code == 413
    assert post(endpoint, SIMPLE).status_code == 200


@pytest.mark.parametrize(("body", "ctype"), [(b"SELECT * WHERE { ?s ?p \"\xff\" }", "application/sparql-query"),
                                             (b"query=SELECT%20%FF", "application/x-www-form-urlencoded")])
def test_a_body_that_is_not_utf8_is_400(endpoint, body, ctype):
    got = httpx.post(f"{endpoint}/sparql", content=body, headers={"Content-Type": ctype}, timeout=30)
    assert got.status_code == 400 and "UTF-8" in got.text


def test_the_server_process_never_parses_sparql(endpoint, monkeypatch):
    calls = []

    def spy(element):
        original = element.parse_string

        def parse_string(*args, **kwargs):
            calls.append(element)
            return original(*args, **kwargs)
        return parse_string

    for element in (parser.Query, parser.UpdateUnit):  # every rdflib query and update parse goes through these
        monkeypatch.setattr(element, "parse_string", spy(element))
    assert post(endpoint, "SELECT ?x WHERE {").status_code == 400
    assert post(endpoint, "INSERT DATA { <urn:a> <urn:b> <urn:c> }").status_code == 403
    assert post(endpoint, "SELECT * FROM <urn:x> WHERE { ?s ?p ?o }").status_code == 403
    assert post(endpoint, SIMPLE + " LIMIT 2").status_code == 200
    assert calls == []  # the workers parsed them, in their own processes


def test_a_large_query_being_parsed_does_not_hold_up_other_clients(endpoint):
    values = " ".join(f'"value {i}"' for i in range(40000))
    large = f"SELECT * FROM <urn:x> WHERE {{ VALUES ?x {{ {values} }} }}"  # ~0.5 MB: seconds to parse
    slow = Background(lambda: post(endpoint, large))
    time.sleep(0.3)  # let it reach the server
    assert post(endpoint, SIMPLE + " LIMIT 3").status_code == 200
    assert not slow.done  # answered while the large query was still being parsed
    assert slow.wait().status_code in (403, 503)  # refused for FROM after parsing, or stopped at the time limit


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?g WHERE { GRAPH ?g { } }",
    "SELECT * WHERE { GRAPH <urn:x> { ?s ?p ?o } }",
    "ASK { GRAPH ?g { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
])
def test_graph_patterns_are_answered_from_no_named_graphs(endpoint, query):
    got = post(endpoint, query, params={"format": "json"})
    assert got.status_code == 200
    assert got.json().get("results", {}).get("bindings", []) == [] if "json" in got.headers["content-type"] else True


def test_a_value_xml_cannot_carry_is_refused_in_xml_and_answered_in_json(endpoint):
    query = 'SELECT ?x WHERE { BIND("a\\u0000b" AS ?x) }'

    def ask(text: str, accept: str) -> httpx.Response:
        return httpx.post(f"{endpoint}/sparql", content=text, timeout=60,
                          headers={**SPARQL_QUERY, "Accept": f"application/sparql-results+{accept}"})

    xml = ask(query, "xml")
    assert xml.status_code == 406 and xml.headers["content-type"].startswith("text/plain")
    assert "U+0000" in xml.text and "application/sparql-results+json" in xml.text
    fine = ask(query.replace("\\u0000", "\\t"), "xml")
    assert fine.status_code == 200 and "<literal>a\tb</literal>" in fine.text
    assert ask(query, "json").json()["results"]["bindings"][0]["x"]["value"] == "a\x00b"


def test_a_thousand_unions_are_answered(endpoint):
    branches = " UNION ".join(f"{{ ?s il2kg:numberRandomised {i} }}" for i in range(1000))
    got = post(endpoint, f"PREFIX il2kg: <https://w3id.org/il2kg/> SELECT ?s WHERE {{ {branches} }}")
    assert got.status_code == 200  # the branch for 100 finds LUPIL-2
    assert any(b["s"]["value"].endswith("/trial/NCT02955615") for b in got.json()["results"]["bindings"])


def test_a_cross_product_is_read_only_up_to_the_row_limit(endpoint):
    got = post(endpoint, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")  # 19 million rows: never all read
    assert got.status_code == 200 and got.headers["x-result-truncated"] == "max-rows=50"
    assert len(got.json()["results"]["bindings"]) == 50


def test_a_query_nested_past_any_parser_is_refused_with_a_4xx(endpoint):
    deep = "SELECT * WHERE " + "{ " * 200000 + "?s ?p ?o" + " }" * 200000
    got = post(endpoint, deep)
    assert got.status_code in (400, 503) and got.headers["content-type"].startswith("text/plain")
    assert post(endpoint, SIMPLE + " LIMIT 4").status_code == 200


def test_a_simple_query_is_answered_while_two_slow_ones_run(endpoint):
    slow = [Background(lambda v=v: post(endpoint, SLOW.format(v=v))) for v in ("n", "m")]  # distinct: not shared
    time.sleep(0.5)  # both are running on a worker by now
    got = post(endpoint, SIMPLE + " LIMIT 5")
    assert got.status_code == 200 and not any(s.done for s in slow)
    assert [s.wait().status_code for s in slow] == [503, 503]


def test_a_full_queue_is_503_with_retry_after_and_waiting_is_first_come_first_served():
    async def scenario():
        pool = Pool(b"", size=1, queue=2, timeout=5.0)
        first, second = (asyncio.ensure_future(pool._acquire()) for _ in range(2))
        await asyncio.sleep(0)
        with pytest.raises(Busy):  # two waiting already: the third is turned away at once
            await pool._acquire()
        pool._release("worker")
        assert await first == "worker" and not second.done()
        second.cancel()
    asyncio.run(scenario())


def test_busy_is_answered_503_with_retry_after():
    app = make_app(fixture_graph(), Limits(timeout=1.0, workers=1, queue=0))
    with running(app) as base:
        blocked = threading.Thread(target=lambda: post(base, SLOW.format(v="q")), daemon=True)
        blocked.start()
        time.sleep(0.3)
        got = post(base, SIMPLE)
        blocked.join(30)
    assert got.status_code == 503 and got.headers["retry-after"] and "busy" in got.text


def test_the_cache_keeps_final_answers_within_its_byte_budget():
    cache = Cache(max_bytes=800)
    jobs = [Job("query", f"q{i}") for i in range(10)]
    for job in jobs:
        cache.put(job, Answer(200, "text/plain", b"x" * 100))
    assert cache.size <= 800 and cache.get(jobs[0]) is None and cache.get(jobs[-1]) is not None
    cache.put(Job("query", "failed"), Answer(503, "text/plain", b"no"))
    assert cache.get(Job("query", "failed")) is None


def test_a_client_that_gives_up_leaves_no_answer_behind_for_the_next_job():
    """The job runs on in its own task until the time limit (its worker then replaced); the next job on the one
    worker gets its own answer, not the abandoned one's."""
    from il2kg.rdf_io import ntriples_bytes

    async def scenario():
        pool = Pool(ntriples_bytes(fixture_graph()), size=1, queue=4, timeout=1.0)
        await pool.start()
        try:
            abandoned = asyncio.ensure_future(pool.answer(Job("query", SLOW.format(v="gone"))))
            await asyncio.sleep(0.3)
            abandoned.cancel()
            got = await pool.answer(Job("query", SIMPLE + " LIMIT 2", "application/sparql-results+json"))
            assert got is not None and got.status == 200 and b'"id"' in got.body and b"gone" not in got.body
            assert pool.cache.get(Job("query", SLOW.format(v="gone"))) is None  # a time-out is not kept
        finally:
            pool.close()
    asyncio.run(scenario())
