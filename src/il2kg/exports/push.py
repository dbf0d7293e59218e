"""Load the built graph into a running SPARQL store: Graph Store Protocol PUT, else SPARQL Update, then count.

GSP `PUT <gsp>?graph=<iri>` replaces the named graph in one request (atomic on the server). Where the
server has no GSP endpoint (404/405/501), the fallback sends the updates of queries/push/ (drop the graph,
insert the batches) to the update endpoint: in one request when it fits `max_request_bytes` (one
transaction on most stores), else one request per batch. Either way the graph's triple count is checked
afterwards with queries/push/graph-triple-count.rq, its ?graph bound by a VALUES block.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import BNode, Graph, URIRef

from il2kg import resources
from il2kg.errors import Il2kgError
from il2kg.query import with_values
from il2kg.rdf_io import ntriples_bytes

Progress = Callable[[int, int], None]


class PushError(Il2kgError):
    """The SPARQL store refused the data, or holds a different number of triples afterwards."""


@dataclass(frozen=True)
class Target:
    """Where to push: the query endpoint, the update and graph-store endpoints, the graph and credentials."""

    endpoint: str
    graph: str
    update: str | None = None  # default: the query endpoint
    gsp: str | None = None  # default: the query endpoint (Virtuoso: /sparql-graph-crud-auth)
    user: str | None = None
    password: str | None = None


@dataclass(frozen=True)
class PushResult:
    """How the graph was sent and how many triples the store holds afterwards."""

    method: str
    sent: int
    stored: int
    requests: int


def _opener(target: Target) -> urllib.request.OpenerDirector:
    if not target.user:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    for url in {target.endpoint, target.update or target.endpoint, target.gsp or target.endpoint}:
        passwords.add_password(None, url, target.user, target.password or "")
    return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords),
                                       urllib.request.HTTPBasicAuthHandler(passwords))


def _send(opener, url: str, data: bytes | None, content_type: str | None, method: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, data=data, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    request.add_header("Accept", "application/sparql-results+json, */*;q=0.1")
    with opener.open(request, timeout=timeout) as response:
        return response.read()


def count_triples(target: Target, timeout: float = 60) -> int:
    """Ask the store how many triples the named graph holds."""
    query = with_values(resources.read_query("push/graph-triple-count"), {"graph": URIRef(target.graph)})
    url = target.endpoint + ("&" if "?" in target.endpoint else "?") + urllib.parse.urlencode({"query": query})
    body = _send(_opener(target), url, None, None, "GET", timeout)
    rows = json.loads(body)["results"]["bindings"]
    return int(rows[0]["n"]["value"]) if rows else 0  # no row: the graph holds nothing


def _batches(graph: Graph, batch_size: int) -> list[str]:
    """N-Triples lines in batches; every triple with a blank node goes in one batch (labels are per request)."""
    lines = ntriples_bytes(graph).decode("utf-8").splitlines()
    blank = [line for line in lines if "_:" in line and _has_bnode(line)]
    blank_set = set(blank)
    plain = [line for line in lines if line not in blank_set]
    chunks = ["\n".join(plain[i : i + batch_size]) for i in range(0, len(plain), batch_size)]
    return ([("\n".join(blank))] if blank else []) + chunks


def fill_update(name: str, graph: str, triples: str = "") -> str:
    """The update queries/push/<name>.ru with $graph filled in as an IRI term and $triples with N-Triples lines
    (written by rdf_io, never user text): a SPARQL Update request has no bindings."""
    text = (resources.QUERIES_DIR / "push" / f"{name}.ru").read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#")).strip()
    terms = {"graph": URIRef(graph).n3(), "triples": triples}
    return re.sub(r"\$(graph|triples)\b", lambda m: terms[m.group(1)], body)  # one pass: inserted text is not re-read


def _insert(graph: str, batch: str) -> str:
    """Insert one batch; a batch with blank nodes goes as INSERT ... WHERE {} (Virtuoso 7 refuses them otherwise)."""
    blank = batch.startswith("_:") or " _:" in batch
    return fill_update("insert-blank-nodes" if blank else "insert-data", graph, batch)


def _has_bnode(line: str) -> bool:
    head = line.split(" ", 1)[0]
    return head.startswith("_:") or line.rstrip(" .").rsplit(" ", 1)[-1].startswith("_:")


def push(graph: Graph, target: Target, progress: Progress | None = None, batch_size: int = 5000,
         max_request_bytes: int = 8_000_000, timeout: float = 300) -> PushResult:
    """Replace the named graph on the server with `graph`; raise PushError when the count differs after."""
    progress = progress or (lambda done, total: None)
    opener = _opener(target)
    try:
        result = _push_gsp(opener, graph, target, progress, timeout)
    except urllib.error.HTTPError as err:
        if err.code not in (400, 404, 405, 406, 415, 501):
            raise PushError(f"{target.gsp or target.endpoint}: graph store refused the data: HTTP {err.code}") from err
        result = _push_update(opener, graph, target, progress, batch_size, max_request_bytes, timeout)
    except urllib.error.URLError as err:
        raise PushError(f"{target.gsp or target.endpoint}: cannot connect ({err.reason})") from err
    stored = count_triples(target, timeout)
    if stored != result.sent:
        raise PushError(f"{target.endpoint}: graph <{target.graph}> holds {stored} triples after the push, "
                        f"{result.sent} were sent")
    return PushResult(result.method, result.sent, stored, result.requests)


def _push_gsp(opener, graph: Graph, target: Target, progress: Progress, timeout: float) -> PushResult:
    base = target.gsp or target.endpoint
    url = base + ("&" if "?" in base else "?") + urllib.parse.urlencode({"graph": target.graph})
    progress(0, 1)
    _send(opener, url, ntriples_bytes(graph), "text/turtle", "PUT", timeout)  # N-Triples is Turtle
    progress(1, 1)
    return PushResult("graph-store-protocol", len(graph), -1, 1)


def _push_update(opener, graph: Graph, target: Target, progress: Progress, batch_size: int,
                 max_request_bytes: int, timeout: float) -> PushResult:
    url = target.update or target.endpoint
    ops = [_insert(target.graph, batch) for batch in _batches(graph, batch_size)]
    drop = fill_update("drop-graph", target.graph)
    whole = " ;\n".join([drop, *ops])
    requests = [whole] if len(whole.encode("utf-8")) <= max_request_bytes else [drop, *ops]
    progress(0, len(requests))
    try:
        for done, update in enumerate(requests, start=1):
            _send(opener, url, urllib.parse.urlencode({"update": update}).encode("utf-8"),
                  "application/x-www-form-urlencoded", "POST", timeout)
            progress(done, len(requests))
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", "replace")[:300]
        raise PushError(f"{url}: SPARQL Update refused: HTTP {err.code}: {detail}") from err
    return PushResult("sparql-update", len(graph), -1, len(requests))


def graph_iri(value: str | None, default: URIRef) -> str:
    """The named graph to replace: the given IRI, else the dataset default; blank nodes are not graph names."""
    iri = value or str(default)
    if isinstance(iri, BNode) or not urllib.parse.urlparse(iri).scheme or re.search(r'[\s<>"{}|^`\\]', iri):
        raise Il2kgError(f"graph name {iri!r} is not an absolute IRI")
    return iri
