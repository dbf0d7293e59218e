"""The query commands: `il2kg query`, `il2kg queries` and `il2kg serve`."""

from __future__ import annotations

import math

import click

from il2kg import resources
from il2kg.cli.options import store_option
from il2kg.errors import QueryError
from il2kg.exports.formats import ANSWER_FORMATS


def _graph(store: str | None = None):
    from il2kg.triplestore import load_kg

    if not resources.triple_files():
        click.echo(f"il2kg: {resources.TRIPLES_DIR} has no .ttl files: querying the ontology only", err=True)
    return load_kg(store)


@click.command()
@click.argument("name", required=False)
@click.option("--sparql", "text", help="SPARQL text to run instead of a named query or .rq file.")
@click.option("--format", "fmt", type=click.Choice(list(ANSWER_FORMATS)), default="table", show_default=True)
@click.option("--bind", "binds", multiple=True, metavar="VAR=VALUE",
              help="Bind a variable: <iri>, a CURIE (id:trial/NCT01234567), a number, true/false or text.")
@store_option
def query(name: str | None, text: str | None, fmt: str, binds: tuple[str, ...], store: str | None) -> None:
    """Run a query: NAME from 'il2kg queries', a FILE.rq, or --sparql TEXT; print the result."""
    from il2kg.exports.sparql_results import format_result
    from il2kg.query import execute, parse_binding

    if (name is None) == (text is None):
        raise QueryError("give exactly one of NAME, FILE.rq or --sparql TEXT")
    bindings = dict(parse_binding(b) for b in binds)
    graph = _graph(store)
    try:
        click.echo(format_result(execute(name if text is None else text, graph, bindings), fmt), nl=False)
    finally:
        graph.close()


@click.command()
def queries() -> None:
    """List the query library: each query's name and the question it answers."""
    from il2kg.query import list_queries

    for name, question in list_queries():
        click.echo(f"{name}\n    {question}")


def _finite(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        raise click.BadParameter(f"{value} is not a positive number of seconds")
    return value


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--timeout", default=10.0, show_default=True, type=float, callback=_finite,
              help="Seconds a query may run.")
@click.option("--max-rows", default=10000, show_default=True, type=click.IntRange(1),
              help="Rows (or triples) per answer.")
@click.option("--max-body", default=1 << 20, show_default=True, type=click.IntRange(1024),
              help="Bytes a request body may have (413 beyond).")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Query worker processes (each holds a copy of the graph).")
@store_option
def serve(host: str, port: int, timeout: float, max_rows: int, max_body: int, workers: int,
          store: str | None) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint with a query page at / and linked data at /id/."""
    from il2kg.serve import Limits, listen
    from il2kg.serve import serve as run_server

    sock = listen(host, port)  # a port in use or a bad host fails here, in one line, before anything is loaded
    graph = _graph(store)
    click.echo(f"il2kg: SPARQL endpoint on {host}:{port} at /sparql, query page at /", err=True)
    run_server(graph, host, port, Limits(timeout, max_rows, max_body, workers), sock=sock)
