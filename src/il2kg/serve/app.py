"""The Starlette app: /sparql (SPARQL 1.1 Protocol), /id/... (linked data), / (query page), /views/.

The server process only reads requests and hands jobs to the worker pool: it never parses SPARQL, so a huge or
deeply nested query keeps one worker busy until the time limit and no other client waits for it. Request bodies
are read up to a size limit (413 beyond it, before the rest is read) and must be UTF-8 (else 400).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from rdflib import Graph

from il2kg import resources
from il2kg.serve.answer import Answer, Job
from il2kg.serve.pool import Busy, Pool
from il2kg.serve.query_page import QUERY_PAGE_CSP, query_page
from il2kg.vocab import ID

READ_ONLY = "SPARQL Update is refused: this endpoint is read-only"
NO_SCRIPT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; "
                 "form-action 'none'; frame-ancestors 'none'")
SECURITY = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY")]
_IRI_SAFE = re.compile(r"[^\s<>\"{}|\\^`]+")


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


class TooLarge(Exception):
    """The request body passed the size limit."""


class BadRequest(Exception):
    """The request cannot be read: its message is the one-line answer."""


def security_headers(app: Any) -> Any:
    """ASGI middleware: nosniff, no referrer and no framing on every response; a no-script CSP on HTML without one."""
    async def wrapped(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() not in dict(SECURITY)]
                names = {h[0].lower() for h in headers}
                html_body = any(h[0].lower() == b"content-type" and h[1].startswith(b"text/html") for h in headers)
                if html_body and b"content-security-policy" not in names and not scope["path"].startswith("/views/"):
                    headers.append((b"content-security-policy", NO_SCRIPT_CSP.encode()))
                message = {**message, "headers": headers + SECURITY}
            await send(message)
        await app(scope, receive, send_with_headers)
    return wrapped


async def read_body(request: Any, limit: int) -> bytes:
    """The request body, refused (TooLarge) as soon as its declared or received size passes `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadRequest(f"the request body is not UTF-8 (byte {err.start}); send the query as UTF-8 text") from None


async def query_text(request: Any, limit: int) -> str | None:
    """The query of a SPARQL Protocol request (None when none was sent); BadRequest / TooLarge / PermissionError."""
    params = request.query_params
    if "update" in params:
        raise PermissionError(READ_ONLY)
    text = params.get("query")
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            raise PermissionError(READ_ONLY)
        body = await read_body(request, limit)
        if ctype == "application/sparql-query":
            text = _text(body)
        elif ctype == "application/x-www-form-urlencoded":  # parsed here: no python-multipart needed
            try:
                form = parse_qs(_text(body), errors="strict", max_num_fields=100)
            except (UnicodeDecodeError, ValueError) as err:
                raise BadRequest(f"the form body cannot be read ({err}); send query=... as UTF-8") from None
            if "update" in form:
                raise PermissionError(READ_ONLY)
            text = form.get("query", [text])[0]
        elif body.strip():
            raise BadRequest(f"unsupported Content-Type {ctype!r}: use application/sparql-query or a form")
    if params.get("default-graph-uri") or params.get("named-graph-uri"):
        raise BadRequest("default-graph-uri / named-graph-uri are not supported: one default graph")
    if text is not None and not text.strip():
        raise BadRequest("empty query: send a SPARQL query in query= or an application/sparql-query body")
    return text


def make_app(graph: Graph, limits: Limits = Limits(), workers: int | None = None) -> Any:
    """Build the app over `graph`; `workers` overrides limits.workers."""
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
    from starlette.routing import Route

    size = workers or limits.workers
    pool = Pool(graph.serialize(format="nt", encoding="utf-8"), size, limits.queue, limits.timeout, limits.wait)

    def plain(status: int, message: str, headers: dict | None = None) -> Response:
        return PlainTextResponse(message.rstrip("\n") + "\n", status, headers)

    async def respond(job: Job) -> Response:
        try:
            got: Answer | None = await pool.answer(job)
        except Busy:
            return plain(503, "the endpoint is busy: every query worker is taken; retry shortly", {"Retry-After": "2"})
        if got is None:
            return plain(503, f"query stopped at the {limits.timeout:g} s time limit; narrow it or add LIMIT",
                         {"Retry-After": "1"})
        headers = {"X-Result-Truncated": f"max-rows={limits.max_rows}"} if got.truncated else {}
        return Response(got.body, got.status, headers, media_type=got.media_type)

    async def sparql(request: Request) -> Response:
        try:
            text = await query_text(request, limits.max_body)
        except TooLarge:
            return plain(413, f"the request body is over {limits.max_body} bytes; send a shorter query",
                         {"Connection": "close"})
        except PermissionError as err:
            return plain(403, str(err))
        except BadRequest as err:
            return plain(400, str(err))
        if text is None:
            if request.method == "POST":
                return plain(400, "no query: send query= or an application/sparql-query body")
            endpoint = str(request.url.replace(query=""))
            return await respond(Job("service", endpoint if _IRI_SAFE.fullmatch(endpoint) else "urn:il2kg:sparql"))
        accept = request.headers.get("accept", "")[:1000]
        return await respond(Job("query", text, accept, request.query_params.get("format"), limits.max_rows))

    async def resource(request: Request) -> Response:
        path = request.path_params["path"]
        if not _IRI_SAFE.fullmatch(path):  # a space or '<' cannot be in one of our IRIs
            return plain(404, f"{ID}{path}: no such resource in the graph")
        accept = request.headers.get("accept", "")[:1000]
        fmt = "html" if "text/html" in accept and "turtle" not in accept else request.query_params.get("format")
        return await respond(Job("resource", str(ID[path]), accept, fmt, limits.max_rows))

    async def views(request: Request) -> Response:
        name = request.path_params.get("name", "")
        if not name:
            links = "".join(f'<li><a href="/views/{html.escape(p.name)}">{html.escape(p.name)}</a></li>'
                            for p in sorted(resources.DIST_DIR.glob("*.html")))
            return HTMLResponse(f"<!doctype html><meta charset='utf-8'><title>views</title><ul>{links}</ul>",
                                headers={"Content-Security-Policy": NO_SCRIPT_CSP})
        path = resources.DIST_DIR / name
        if not re.fullmatch(r"[A-Za-z0-9_.-]+\.html", name) or not path.is_file():
            return plain(404, f"no view named {name!r} in dist/; run 'il2kg build'")
        return FileResponse(path, media_type="text/html")  # each view carries its own Content-Security-Policy

    def home(request: Request) -> Response:
        return HTMLResponse(query_page(), headers={"Content-Security-Policy": QUERY_PAGE_CSP})

    @asynccontextmanager
    async def lifespan(app: Any):
        await pool.start()
        yield
        pool.close()

    routes = [Route("/", home), Route("/sparql", sparql, methods=["GET", "POST"]),
              Route("/id/{path:path}", resource), Route("/views/", views), Route("/views/{name}", views)]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(_Middleware)
    return app


class _Middleware:
    """Starlette's add_middleware wants a class: this wraps `security_headers`."""

    def __init__(self, app: Any) -> None:
        self.app = security_headers(app)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)
