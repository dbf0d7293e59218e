"""Build the Starlette app: `make_app(graph, limits)`; the routes live in routes.py, the workers in pool.py.

The server process only reads requests and hands jobs to the worker pool: it never parses SPARQL, so a huge or
deeply nested query keeps one worker busy until the time limit and no other client waits for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import Graph


@dataclass(frozen=True)
class Limits:
    """The endpoint's limits: query time, answer rows, request body bytes, worker processes, waiting jobs and how
    long a job may wait for a worker (seconds)."""

    timeout: float = 10.0
    max_rows: int = 10000
    max_body: int = 1 << 20
    workers: int = 4
    queue: int = 256
    wait: float = 30.0


def make_app(graph: Graph, limits: Limits | None = None, workers: int | None = None) -> Any:
    """Build the app over `graph`: /sparql, /id/..., / and /views/; `workers` overrides limits.workers."""
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.routing import Route

    from il2kg.serve.pool import Pool
    from il2kg.serve.routes import Endpoint, SecurityHeaders

    limits = limits or Limits()
    pool = Pool(_ntriples(graph), workers or limits.workers, limits.queue, limits.timeout, limits.wait)
    endpoint = Endpoint(pool, limits)

    @asynccontextmanager
    async def lifespan(app: Any):
        await pool.start()
        yield
        pool.close()

    routes = [Route("/", endpoint.home), Route("/sparql", endpoint.sparql, methods=["GET", "POST"]),
              Route("/id/{path:path}", endpoint.resource), Route("/views/", endpoint.views),
              Route("/views/{name}", endpoint.views)]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(SecurityHeaders)
    return app


def _ntriples(graph: Graph) -> bytes:
    """The graph as N-Triples for the workers: from an Oxigraph store, its own dump (at 1M triples ~4 s where
    rdflib's serializer takes ~30 s before the endpoint can answer)."""
    from il2kg.query_oxigraph import inner_store

    inner = inner_store(graph)
    if inner is None:
        return graph.serialize(format="nt", encoding="utf-8")
    import pyoxigraph as ox

    return inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
