"""What a query worker does with one job: parse, run and format a query, or describe a resource, as an Answer.

Everything here runs inside a worker process, never in the server's event loop: parsing a 1 MB query or one
nested thousands of levels deep takes seconds, and only the worker that took the job waits for it. Every failure
becomes a 4xx answer with a one-line text/plain body; nothing here may raise, or the worker would die.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from rdflib import Graph, Literal, URIRef

from il2kg.errors import QueryError
from il2kg.exports.formats import ANSWER_FORMATS
from il2kg.exports.sparql_results import format_graph, format_ox_rows, format_result, format_rows
from il2kg.query import QueryRefused, execute
from il2kg.query_oxigraph import NativeResult

# What the endpoint offers, by kind of answer, from the format registry; "html" is the /id/ page.
OFFERED = {kind: {name: f.media_type for name, f in ANSWER_FORMATS.items() if f.served and f.answers == kind}
           for kind in ("rows", "graph")}
ROW_TYPES, GRAPH_TYPES = OFFERED["rows"], OFFERED["graph"]
ALIASES = {alias: name for name, f in ANSWER_FORMATS.items() for alias in f.aliases} | {"html": "html",
                                                                                      "text/html": "html"}
TEXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Job:
    """One unit of work for a worker; frozen and hashable, so it is also the key of the answer cache.

    kind is "query" (text = SPARQL), "resource" (text = the resource IRI) or "service" (text = the endpoint URL).
    """

    kind: str
    text: str
    accept: str = ""
    fmt: str | None = None
    max_rows: int = 10000


@dataclass(frozen=True)
class Answer:
    """A worker's reply: HTTP status, media type, body bytes and whether the result was cut to the row limit."""

    status: int
    media_type: str
    body: bytes
    truncated: bool = False


def refusal(status: int, message: str) -> Answer:
    """A one-line text/plain answer (the message may quote the query: served as text/plain, nosniff)."""
    return Answer(status, TEXT, (message.rstrip("\n") + "\n").encode("utf-8", "replace"))


@lru_cache(maxsize=512)  # clients send the same few Accept headers: pick once
def negotiate(accept: str, fmt: str | None, kind: str) -> str:
    """Pick a format name for a result kind ("rows" or "graph") from ?format= or the Accept header."""
    offered = GRAPH_TYPES if kind == "graph" else ROW_TYPES
    by_type = {v: k for k, v in offered.items()} | {k: k for k in offered} | ALIASES
    wanted = [fmt] if fmt else [p.split(";")[0].strip() for p in _by_quality(accept)]
    for item in wanted:
        name = by_type.get(item)
        if name in offered or (kind == "graph" and name == "html"):
            return name
    return "turtle" if kind == "graph" else "json"


def _by_quality(accept: str) -> list[str]:
    def quality(part: str) -> float:
        match = re.search(r";\s*q=([0-9.]+)", part)
        try:
            return float(match.group(1)) if match else 1.0
        except ValueError:  # "q=1.2.3": treat as absent rather than fail the request
            return 1.0
    return sorted((p for p in accept.split(",")[:50] if p.strip()), key=quality, reverse=True)


def answer(graph: Graph, job: Job) -> Answer:
    """Run one job and return its answer; any failure is a 4xx (or 503 when the worker ran out of memory)."""
    try:
        if job.kind == "service":
            return _service(graph, job)
        if job.kind == "resource":
            from il2kg.serve.page import answer_resource  # the page module is only needed for /id/

            return answer_resource(graph, job)
        return _query(graph, job)
    except QueryRefused as err:
        return refusal(403, str(err))
    except RecursionError:
        return _too_deep()
    except QueryError as err:
        return _too_deep() if isinstance(err.__cause__, RecursionError) else refusal(400, str(err))
    except MemoryError:
        return refusal(503, "the query needed more memory than this endpoint has; narrow it or add LIMIT")
    except Exception as err:  # rdflib fails on some valid queries (and only while results are read): still a 4xx
        return refusal(400, f"the query could not be evaluated here ({type(err).__name__}: {_short(err)}); "
                            "rewrite or simplify it")


def _too_deep() -> Answer:
    return refusal(400, "the query is nested too deeply (or has too many UNION / OPTIONAL branches) for this "
                        "endpoint's parser; split it into smaller queries")


def _short(err: Exception) -> str:
    text = " ".join(str(err).split())
    return text if len(text) <= 200 else text[:199] + "…"


def _query(graph: Graph, job: Job) -> Answer:
    try:
        # Read no further than the row limit; on Oxigraph a SELECT runs with that limit, so Oxigraph can write it.
        result = execute(job.text, graph, lazy=True, row_limit=job.max_rows + 1)
        if isinstance(result, NativeResult):
            name = negotiate(job.accept, job.fmt, "rows")
            written = result.written(name, job.max_rows)
            if written is not None:
                return Answer(200, ROW_TYPES[name], written[0], written[1])
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            triples = sorted(result.graph or Graph())
        elif isinstance(result, NativeResult):  # Oxigraph's own terms, formatted without rdflib's
            names, rows = result.names, result.ox_rows(job.max_rows + 1)
        elif result.type == "SELECT":  # read one row past the limit, not the whole result (a cross product)
            names = [str(v) for v in result.vars or []]
            rows = [dict(zip(names, row, strict=True)) for row in islice(result, job.max_rows + 1)]
    except QueryError:
        raise
    except Exception as err:  # rdflib evaluates lazily: errors surface while the results are read
        raise QueryError(f"the query failed: {type(err).__name__}: {_short(err)}") from err
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return graph_answer(triples, job)
    name = negotiate(job.accept, job.fmt, "rows")
    if result.type == "ASK":
        name = "xml" if name == "xml" else "json"
        return Answer(200, ROW_TYPES[name], _encode(format_result(result, name)))
    write = format_ox_rows if isinstance(result, NativeResult) else format_rows
    body = _written(lambda: write(rows[: job.max_rows], names, name, compact=True), name)
    return body if isinstance(body, Answer) else Answer(200, ROW_TYPES[name], body, len(rows) > job.max_rows)


def graph_answer(triples: list, job: Job) -> Answer:
    """Serialise CONSTRUCT / DESCRIBE triples in the negotiated graph format, cut to the row limit."""
    out = Graph()
    for triple in triples[: job.max_rows]:
        out.add(triple)
    name = negotiate(job.accept, job.fmt, "graph")
    name = "turtle" if name == "html" else name
    body = _written(lambda: format_graph(out, name), name)
    return body if isinstance(body, Answer) else Answer(200, GRAPH_TYPES[name], body, len(triples) > job.max_rows)


def _written(write, name: str) -> bytes | Answer:
    try:
        return _encode(write())
    except QueryError as err:  # a value the format cannot carry (NUL in XML): another format can
        return refusal(406, str(err))
    except Exception as err:
        return refusal(400, f"the result cannot be written as {name} ({_short(err)}); ask for another format")


def _encode(text: str) -> bytes:
    # A lone surrogate (SPARQL "\uD800") is not Unicode text: replace it rather than fail the whole answer.
    return text.encode("utf-8", "replace")


def _service(graph: Graph, job: Job) -> Answer:
    result = execute("endpoint/service-description", Graph(),
                     {"endpoint": URIRef(job.text), "triples": Literal(len(graph))})
    return Answer(200, GRAPH_TYPES["turtle"], _encode(format_graph(result.graph, "turtle")))
