"""A read-only SPARQL 1.1 Protocol endpoint over the graph: `make_app(graph)`, `serve(graph, host, port)`.

Why Starlette + uvicorn: both are small, well kept and ASGI-standard, so the endpoint is a few routes we can read
in one sitting and test in-process; rdflib-endpoint (the usual wrapper) has no query time or result size limits,
and a runaway rdflib query in a thread cannot be stopped. Here every query is parsed and run in a worker *process*
with a deadline (pool.py); the server process only reads requests (app.py). Starlette and uvicorn are imported
inside `make_app` / `serve`, so the rest of il2kg never loads them.

Modules: app (Limits, make_app), routes (handlers, security headers), request (reading a request: body limit,
UTF-8), pool (worker processes, queue, cache), answer (what a worker does with a job), page (the /id/ HTML page),
query_page (the page at /), server (binding the port, running uvicorn).
"""

from il2kg.serve.answer import Answer, Job, negotiate
from il2kg.serve.app import Limits, make_app
from il2kg.serve.server import AddressError, listen, serve

__all__ = ["AddressError", "Answer", "Job", "Limits", "listen", "make_app", "negotiate", "serve"]
