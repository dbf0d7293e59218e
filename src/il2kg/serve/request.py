"""Read a SPARQL 1.1 Protocol request: the query text from GET, a form or an application/sparql-query body.

Bodies are read up to a size limit (TooLarge as soon as the declared or received size passes it, before the rest is
read) and must be UTF-8; updates are refused here (PermissionError), before any worker is involved.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

READ_ONLY = "SPARQL Update is refused: this endpoint is read-only"


class TooLarge(Exception):
    """The request body passed the size limit."""


class BadRequest(Exception):
    """The request cannot be read: its message is the one-line answer."""


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
