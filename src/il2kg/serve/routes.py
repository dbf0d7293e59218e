"""The endpoint's routes: /sparql, /id/..., / and /views/, and the security headers every response carries.

Imported by `make_app` only, so that the rest of il2kg never loads Starlette. The handlers read requests and hand
jobs to the worker pool; they never parse SPARQL themselves.
"""

from __future__ import annotations

import html
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from il2kg import resources
from il2kg.serve.answer import Answer, Job
from il2kg.serve.app import Limits
from il2kg.serve.pool import Busy, Pool
from il2kg.serve.query_page import QUERY_PAGE_CSP, query_page
from il2kg.serve.request import BadRequest, TooLarge, query_text
from il2kg.vocab import ID

NO_SCRIPT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; "
                 "form-action 'none'; frame-ancestors 'none'")
SECURITY = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY")]
_IRI_SAFE = re.compile(r"[^\s<>\"{}|\\^`]+")


def plain(status: int, message: str, headers: dict | None = None) -> Response:
    """A one-line text/plain answer (nosniff is added to every response by the middleware)."""
    return PlainTextResponse(message.rstrip("\n") + "\n", status, headers)


class Endpoint:
    """The route handlers, sharing one worker pool and one set of limits."""

    def __init__(self, pool: Pool, limits: Limits) -> None:
        self.pool, self.limits = pool, limits

    async def respond(self, job: Job) -> Response:
        """Run a job on the pool and turn its answer (or a time-out, or a full queue) into a response."""
        try:
            got: Answer | None = await self.pool.answer(job)
        except Busy:
            return plain(503, "the endpoint is busy: every query worker is taken; retry shortly", {"Retry-After": "2"})
        if got is None:
            return plain(503, f"query stopped at the {self.limits.timeout:g} s time limit; narrow it or add LIMIT",
                         {"Retry-After": "1"})
        headers = {"X-Result-Truncated": f"max-rows={self.limits.max_rows}"} if got.truncated else {}
        return Response(got.body, got.status, headers, media_type=got.media_type)

    async def sparql(self, request: Request) -> Response:
        """/sparql: a query (GET or POST), or the service description when none is given."""
        try:
            text = await query_text(request, self.limits.max_body)
        except TooLarge:
            return plain(413, f"the request body is over {self.limits.max_body} bytes; send a shorter query",
                         {"Connection": "close"})
        except PermissionError as err:
            return plain(403, str(err))
        except BadRequest as err:
            return plain(400, str(err))
        if text is None:
            if request.method == "POST":
                return plain(400, "no query: send query= or an application/sparql-query body")
            endpoint = str(request.url.replace(query=""))
            return await self.respond(Job("service", endpoint if _IRI_SAFE.fullmatch(endpoint) else "urn:il2kg:sparql"))
        accept = request.headers.get("accept", "")[:1000]
        return await self.respond(Job("query", text, accept, request.query_params.get("format"), self.limits.max_rows))

    async def resource(self, request: Request) -> Response:
        """/id/...: the resource's page for a browser, its triples otherwise."""
        path = request.path_params["path"]
        if not _IRI_SAFE.fullmatch(path):  # a space or '<' cannot be in one of our IRIs
            return plain(404, f"{ID}{path}: no such resource in the graph")
        accept = request.headers.get("accept", "")[:1000]
        fmt = "html" if "text/html" in accept and "turtle" not in accept else request.query_params.get("format")
        return await self.respond(Job("resource", str(ID[path]), accept, fmt, self.limits.max_rows))

    async def views(self, request: Request) -> Response:
        """/views/ and /views/NAME.html: the HTML views in dist/."""
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

    def home(self, request: Request) -> Response:
        """/: the offline query page."""
        return HTMLResponse(query_page(), headers={"Content-Security-Policy": QUERY_PAGE_CSP})


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


class SecurityHeaders:
    """`security_headers` as the class Starlette's add_middleware wants."""

    def __init__(self, app: Any) -> None:
        self.app = security_headers(app)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)
