"""The query commands: `il2kg query`, `il2kg queries` and `il2kg serve` (registered on the main group in cli.py)."""

from __future__ import annotations

import click

from il2kg import resources
from il2kg.errors import QueryError

FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "json-ld")


def _graph():
    from il2kg.query import load_graph

    if not resources.triple_files():
        click.echo(f"il2kg: {resources.TRIPLES_DIR} has no .ttl files: querying the ontology only", err=True)
    return load_graph()


@click.command()
@click.argument("name", required=False)
@click.option("--sparql", "text", help="SPARQL text to run instead of a named query or .rq file.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--bind", "binds", multiple=True, metavar="VAR=VALUE",
              help="Bind a variable: <iri>, a CURIE (id:trial/NCT01234567), a number, true/false or text.")
def query(name: str | None, text: str | None, fmt: str, binds: tuple[str, ...]) -> None:
    """Run a query: NAME from 'il2kg queries', a FILE.rq, or --sparql TEXT; print the result."""
    from il2kg.query import execute, format_result, parse_binding

    if bool(name) == bool(text):
        raise QueryError("give exactly one of NAME, FILE.rq or --sparql TEXT")
    result = execute(text or name or "", _graph(), dict(parse_binding(b) for b in binds))
    click.echo(format_result(result, fmt), nl=False)


@click.command()
def queries() -> None:
    """List the query library: each query's name and the question it answers."""
    from il2kg.query import list_queries

    for name, question in list_queries():
        click.echo(f"{name}\n    {question}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--timeout", default=10.0, show_default=True, type=float, help="Seconds a query may run.")
@click.option("--max-rows", default=10000, show_default=True, type=int, help="Rows (or triples) per answer.")
def serve(host: str, port: int, timeout: float, max_rows: int) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint with a query page at / and linked data at /id/."""
    from il2kg.serve import Limits
    from il2kg.serve import serve as run_server

    click.echo(f"il2kg: SPARQL endpoint on {host}:{port} at /sparql, query page at /", err=True)
    run_server(_graph(), host, port, Limits(timeout, max_rows))
