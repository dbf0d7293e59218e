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
    pool = Pool(graph.serialize(format="nt", encoding="utf-8"), workers or limits.workers, limits.queue,
                limits.timeout, limits.wait)
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
