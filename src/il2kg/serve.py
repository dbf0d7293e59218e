"""A read-only SPARQL 1.1 Protocol endpoint over the graph: `make_app(graph)`, `serve(graph, host, port)`.

Why Starlette + uvicorn: both are small, well kept and ASGI-standard, so the endpoint is a few routes we can read
in one sitting and test in-process; rdflib-endpoint (the usual wrapper) has no query time or result size limits,
and a runaway rdflib query in a thread cannot be stopped. Here every query runs in a worker *process* with a
deadline: on timeout the worker is killed and replaced, the client gets 503, and later requests are answered.
Both libraries are imported lazily, inside `make_app` / `serve`, so the rest of il2kg never loads them.
"""

from __future__ import annotations

import asyncio
import html
import multiprocessing
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from rdflib import Graph, Literal, URIRef

from il2kg import resources
from il2kg.errors import QueryError
from il2kg.query import QueryRefused, execute, format_graph, format_result, format_rows, prepare, term_rows
from il2kg.vocab import ID

ROW_TYPES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
             "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_TYPES = {"turtle": "text/turtle", "json-ld": "application/ld+json", "ntriples": "application/n-triples"}
ALIASES = {"application/json": "json", "application/xml": "xml", "text/xml": "xml", "application/x-turtle": "turtle",
           "html": "html", "text/html": "html", "ttl": "turtle", "jsonld": "json-ld", "nt": "ntriples"}
_WORKER_GRAPH: Graph | None = None  # set once in each worker process


@dataclass(frozen=True)
class Limits:
    """How long one query may run and how many rows (or triples) an answer may carry."""

    timeout: float = 10.0
    max_rows: int = 10000


@dataclass(frozen=True)
class Answer:
    """A worker's reply: HTTP status, media type, body and whether it was truncated to the row limit."""

    status: int
    media_type: str
    body: str
    truncated: bool = False
    size: int = 0  # rows or triples before truncation


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
        return float(match.group(1)) if match else 1.0
    return sorted((p for p in accept.split(",") if p.strip()), key=quality, reverse=True)


def answer(graph: Graph, text: str, accept: str, fmt: str | None, max_rows: int,
           bindings: dict[str, Any] | None = None) -> Answer:
    """Run one query and format its result for the client (runs inside a worker process)."""
    try:
        result = execute(text, graph, bindings)
    except QueryRefused as err:
        return Answer(403, "text/plain", f"{err}\n")
    except QueryError as err:
        return Answer(400, "text/plain", f"{err}\n")
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        triples = sorted(result.graph or Graph())
        out = Graph()
        for triple in triples[:max_rows]:
            out.add(triple)
        name = negotiate(accept, fmt, "graph")
        body = render_resource(out) if name == "html" else format_graph(out, name)
        media_type = "text/html" if name == "html" else GRAPH_TYPES[name]
        return Answer(200, media_type, body, len(triples) > max_rows, len(triples))
    name = negotiate(accept, fmt, "rows")
    if result.type == "ASK":
        name = "xml" if name == "xml" else "json"
        return Answer(200, ROW_TYPES[name], format_result(result, name))
    rows = term_rows(result)
    names = [str(v) for v in result.vars or []]
    return Answer(200, ROW_TYPES[name], format_rows(rows[:max_rows], names, name), len(rows) > max_rows, len(rows))


def render_resource(graph: Graph) -> str:
    """A small self-contained HTML page of triples; every text is escaped and /id/ IRIs link locally."""
    def cell(term: object) -> str:
        text = html.escape(str(term))
        if isinstance(term, URIRef) and str(term).startswith(str(ID)):
            return f'<a href="/id/{html.escape(str(term)[len(str(ID)):], quote=True)}">{text}</a>'
        return f"<q>{text}</q>" if isinstance(term, Literal) else text
    rows = "".join(f"<tr><td>{cell(s)}</td><td>{cell(p)}</td><td>{cell(o)}</td></tr>" for s, p, o in sorted(graph))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>il2kg resource</title></head><body>"
            f"<table border='1'><tr><th>subject</th><th>property</th><th>value</th></tr>{rows}</table></body></html>")


def _worker_main(conn: Any, data: bytes) -> None:
    """Worker process: load the graph once, then answer jobs until the pipe closes."""
    global _WORKER_GRAPH
    import rdflib.plugins.sparql

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # never fetch FROM graphs over the network
    _WORKER_GRAPH = Graph().parse(data=data, format="nt")
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        conn.send(answer(_WORKER_GRAPH, *job))


class Worker:
    """One query process; `ask` waits at most `timeout` seconds, then kills the process."""

    def __init__(self, data: bytes) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, data), daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def ask(self, job: tuple, timeout: float) -> Answer | None:
        """Send a job and wait for the answer; None (and the process killed) when the deadline passes."""
        if not self.ready:
            self.ready = self.conn.poll(120) and self.conn.recv() == "ready"
        self.conn.send(job)
        if self.conn.poll(timeout):
            return self.conn.recv()
        self.stop()
        return None

    def stop(self) -> None:
        """Kill the process."""
        self.process.kill()
        self.process.join(5)


class Pool:
    """A few workers shared by the requests; a worker that timed out is replaced at once."""

    def __init__(self, graph: Graph, size: int = 2) -> None:
        self.data = graph.serialize(format="nt", encoding="utf-8")
        self.size = size
        self.idle: asyncio.Queue[Worker] | None = None

    async def run(self, job: tuple, timeout: float) -> Answer | None:
        """Run a job on an idle worker; None on timeout."""
        from starlette.concurrency import run_in_threadpool

        if self.idle is None:
            self.idle = asyncio.Queue()
            for _ in range(self.size):
                self.idle.put_nowait(Worker(self.data))
        worker = await self.idle.get()
        try:
            reply = await run_in_threadpool(worker.ask, job, timeout)
        except (EOFError, OSError):
            reply, worker = Answer(500, "text/plain", "the query worker died; try again\n"), worker
            worker.stop()
        self.idle.put_nowait(worker if worker.process.is_alive() else Worker(self.data))
        return reply

    def close(self) -> None:
        """Stop every idle worker."""
        while self.idle is not None and not self.idle.empty():
            self.idle.get_nowait().stop()


PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>il2kg SPARQL</title><style>
body{font:14px sans-serif;margin:1em}textarea{width:100%;height:16em;font:13px monospace}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}</style></head>
<body><h1>il2kg SPARQL endpoint</h1><p>Competency question: <select id="pick"></select>
Views: <a href="/views/">/views/</a>. Endpoint: <code>/sparql</code> (read-only).</p>
<textarea id="q"></textarea><p><button id="run">Run</button> <span id="status"></span></p>
<table id="out"></table><pre id="raw"></pre>
<script type="application/json" id="queries">__QUERIES__</script><script>
const qs = JSON.parse(document.getElementById('queries').textContent), pick = document.getElementById('pick');
const box = document.getElementById('q'), out = document.getElementById('out'), raw = document.getElementById('raw');
const status = document.getElementById('status');
for (const name of Object.keys(qs)) {
  const o = document.createElement('option'); o.textContent = name; pick.append(o);
}
pick.onchange = () => { box.value = qs[pick.value]; }; pick.onchange();
function cell(tag, text) { const c = document.createElement(tag); c.textContent = text; return c; }
document.getElementById('run').onclick = async () => {
  status.textContent = 'running...'; out.replaceChildren(); raw.textContent = '';
  const r = await fetch('/sparql', {method: 'POST', body: box.value, headers: {'Content-Type':
    'application/sparql-query', 'Accept': 'application/sparql-results+json, text/turtle;q=0.9'}});
  const text = await r.text(), cut = r.headers.get('X-Result-Truncated');
  status.textContent = r.status + ' ' + r.statusText + (cut ? ' (truncated: ' + cut + ')' : '');
  if (!r.ok || !(r.headers.get('Content-Type') || '').includes('json')) { raw.textContent = text; return; }
  const data = JSON.parse(text), head = document.createElement('tr');
  if ('boolean' in data) { raw.textContent = String(data.boolean); return; }
  for (const v of data.head.vars) head.append(cell('th', v)); out.append(head);
  for (const b of data.results.bindings) { const tr = document.createElement('tr');
    for (const v of data.head.vars) tr.append(cell('td', b[v] ? b[v].value : '')); out.append(tr); }
  status.textContent += ' ' + data.results.bindings.length + ' rows';
};
</script></body></html>"""


def query_page() -> str:
    """The offline query page: plain HTML and JS, the report queries embedded as JSON (no CDN)."""
    import json

    texts = {p.stem: p.read_text(encoding="utf-8") for p in resources.query_files() if p.parent.name == "report"}
    return PAGE.replace("__QUERIES__", json.dumps(texts).replace("<", "\\u003c"))


def make_app(graph: Graph, limits: Limits = Limits(), workers: int = 2) -> Any:
    """Build the Starlette app: /sparql (SPARQL 1.1 Protocol), /id/... (linked data), / (query page), /views/."""
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
    from starlette.routing import Route

    pool = Pool(graph, workers)

    def respond(got: Answer | None) -> Response:
        if got is None:
            return PlainTextResponse(f"query stopped at the {limits.timeout:g} s time limit; narrow it or add LIMIT\n",
                                     503, headers={"Retry-After": "1"})
        headers = {"X-Result-Truncated": f"max-rows={limits.max_rows}"} if got.truncated else {}
        return Response(got.body, got.status, headers, media_type=got.media_type)

    async def sparql(request: Request) -> Response:
        params, ctype = request.query_params, request.headers.get("content-type", "").split(";")[0].strip()
        text = params.get("query")
        if request.method == "POST":
            if ctype == "application/sparql-update":
                return PlainTextResponse("SPARQL Update is refused: this endpoint is read-only\n", 403)
            if ctype == "application/sparql-query":
                text = (await request.body()).decode("utf-8")
            elif ctype == "application/x-www-form-urlencoded":  # parsed here: no python-multipart needed
                form = parse_qs((await request.body()).decode("utf-8"))
                if "update" in form:
                    return PlainTextResponse("SPARQL Update is refused: this endpoint is read-only\n", 403)
                text = form.get("query", [None])[0]
        if params.get("update"):
            return PlainTextResponse("SPARQL Update is refused: this endpoint is read-only\n", 403)
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            return PlainTextResponse("default-graph-uri / named-graph-uri are not supported: one default graph\n", 400)
        if not text:
            if request.method == "POST":
                return PlainTextResponse("no query: send query= or an application/sparql-query body\n", 400)
            return service_description(str(request.url.replace(query="")))
        try:
            prepare(str(text))  # answer syntax errors and refusals without using a worker
        except QueryRefused as err:
            return PlainTextResponse(f"{err}\n", 403)
        except QueryError as err:
            return PlainTextResponse(f"{err}\n", 400)
        job = (str(text), request.headers.get("accept", ""), params.get("format"), limits.max_rows)
        return respond(await pool.run(job, limits.timeout))

    def service_description(endpoint: str) -> Response:
        result = execute("endpoint/service-description", Graph(),
                         {"endpoint": URIRef(endpoint), "triples": Literal(len(graph))})
        return Response(format_graph(result.graph, "turtle"), media_type="text/turtle")

    async def resource(request: Request) -> Response:
        iri = ID[request.path_params["path"]]
        accept = request.headers.get("accept", "")
        fmt = "html" if "text/html" in accept and "turtle" not in accept else request.query_params.get("format")
        got = await pool.run(("endpoint/describe-resource", accept, fmt, limits.max_rows, {"resource": iri}),
                             limits.timeout)
        if got is not None and got.status == 200 and got.size == 0:
            return PlainTextResponse(f"{iri}: no such resource in the graph\n", 404)
        return respond(got)

    async def views(request: Request) -> Response:
        name = request.path_params.get("name", "")
        if not name:
            links = "".join(f'<li><a href="/views/{html.escape(p.name)}">{html.escape(p.name)}</a></li>'
                            for p in sorted(resources.DIST_DIR.glob("*.html")))
            return HTMLResponse(f"<!doctype html><meta charset='utf-8'><title>views</title><ul>{links}</ul>")
        path = resources.DIST_DIR / name
        if not re.fullmatch(r"[A-Za-z0-9_.-]+\.html", name) or not path.is_file():
            return PlainTextResponse(f"no view named {name!r} in dist/; run 'il2kg build'\n", 404)
        return FileResponse(path, media_type="text/html")

    @asynccontextmanager
    async def lifespan(app: Any):
        yield
        pool.close()

    routes = [Route("/", lambda request: HTMLResponse(query_page())),
              Route("/sparql", sparql, methods=["GET", "POST"]), Route("/id/{path:path}", resource),
              Route("/views/", views), Route("/views/{name}", views)]
    return Starlette(routes=routes, lifespan=lifespan)


def serve(graph: Graph, host: str = "127.0.0.1", port: int = 8000, limits: Limits = Limits()) -> None:
    """Run the endpoint under uvicorn until interrupted (loopback only by default)."""
    import uvicorn

    uvicorn.run(make_app(graph, limits), host=host, port=port)
