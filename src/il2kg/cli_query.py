"""The query commands: `il2kg query`, `il2kg queries` and `il2kg serve` (registered on the main group in cli.py)."""

from __future__ import annotations

import click

from il2kg import resources
from il2kg.errors import QueryError

FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "json-ld")


store_option = click.option("--store", default=None, metavar="memory|oxigraph:PATH",
                            help="Where the graph lives: memory, or a persistent Oxigraph store (default: "
                                 "the on-disk store above 16 MB of data, else memory).")


def _graph(store: str | None = None):
    from il2kg.triplestore import load_kg

    if not resources.triple_files():
        click.echo(f"il2kg: {resources.TRIPLES_DIR} has no .ttl files: querying the ontology only", err=True)
    return load_kg(store)


@click.command()
@click.argument("name", required=False)
@click.option("--sparql", "text", help="SPARQL text to run instead of a named query or .rq file.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--bind", "binds", multiple=True, metavar="VAR=VALUE",
              help="Bind a variable: <iri>, a CURIE (id:trial/NCT01234567), a number, true/false or text.")
@store_option
def query(name: str | None, text: str | None, fmt: str, binds: tuple[str, ...], store: str | None) -> None:
    """Run a query: NAME from 'il2kg queries', a FILE.rq, or --sparql TEXT; print the result."""
    from il2kg.query import execute, format_result, parse_binding

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


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--timeout", default=10.0, show_default=True, type=float, help="Seconds a query may run.")
@click.option("--max-rows", default=10000, show_default=True, type=int, help="Rows (or triples) per answer.")
@store_option
def serve(host: str, port: int, timeout: float, max_rows: int, store: str | None) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint with a query page at / and linked data at /id/."""
    from il2kg.serve import Limits
    from il2kg.serve import serve as run_server

    if not timeout > 0 or not max_rows > 0:
        raise QueryError(f"--timeout {timeout} / --max-rows {max_rows}: give positive numbers")
    _check_port(host, port)

    click.echo(f"il2kg: SPARQL endpoint on {host}:{port} at /sparql, query page at /", err=True)
    run_server(_graph(store), host, port, Limits(timeout, max_rows))


def _check_port(host: str, port: int) -> None:
    """Refuse a port we cannot listen on before saying the endpoint is up (uvicorn would exit 1 after)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as err:
        raise QueryError(f"--host {host}: not an address this machine has ({err})") from err
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as err:
            raise QueryError(f"{host}:{port}: cannot listen there ({err.strerror}); is another server on that port? "
                             "Choose another with --port") from err
