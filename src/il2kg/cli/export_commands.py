"""The `export` and `push` commands: each parses its options and calls one function of il2kg.exports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from il2kg import resources
from il2kg.cli.options import store_option
from il2kg.exports.formats import FORMATS, Format
from il2kg.exports.release import Release, documents_from_files


def _release(store: str | None, fmt: Format):
    from il2kg.ontology import load_ontology
    from il2kg.triplestore import load_kg

    merged = load_kg(store)
    documents = documents_from_files(resources.triple_files(resources.TRIPLES_DIR)) if fmt.per_document else {}
    return Release(merged, load_ontology() if fmt.per_document else merged, documents)


def run_export(name: str, out: Path | None, store: str | None) -> list[Path]:
    """Write one export format to OUT (a file; a folder for the formats of several files), or to stdout."""
    from il2kg.rdf_io import atomic_write

    fmt = FORMATS[name]
    if fmt.write_folder and out is None:
        raise click.UsageError(f"--format {name} writes several files: give --out DIR")
    release = _release(store, fmt)
    try:
        if fmt.write_folder:
            return fmt.write_folder(release, out)
        data = fmt.write(release)
        if out is None:
            sys.stdout.buffer.write(data)
            return []
        atomic_write(out, data)
        return [out]
    finally:
        release.merged.close()


@click.command()
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="ttl", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="Output file (folder for kgx, schemaorg); default stdout.")
@store_option
def export(fmt: str, out: Path | None, store: str | None) -> None:
    """Export the graph (ontology + data/triples) as Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML or KGX."""
    for path in run_export(fmt, out, store):
        click.echo(f"wrote {path}", err=True)


def _bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    click.echo(f"\rpush [{'#' * filled}{'.' * (width - filled)}] {done}/{total} requests", err=True,
               nl=done >= total)


def run_push(endpoint: str, graph: str | None, gsp: str | None, update: str | None, user: str | None,
             password: str | None, source: Path | None, store: str | None):
    """Load the source graph and push it to the endpoint; return the PushResult."""
    from il2kg.exports.push import Target, graph_iri, push
    from il2kg.rdf_io import read_turtle
    from il2kg.triplestore import load_kg
    from il2kg.vocab import ONTOLOGY_IRI

    built = resources.DIST_DIR / "il2kg.ttl"
    data = read_turtle(source or built) if (source or (store is None and built.is_file())) else load_kg(store)
    target = Target(endpoint, graph_iri(graph, ONTOLOGY_IRI), update, gsp, user, password)
    try:
        return push(data, target, progress=_bar)
    finally:
        data.close()


@click.command(name="push")
@click.option("--endpoint", required=True, help="SPARQL query endpoint URL (Virtuoso: <server>/sparql).")
@click.option("--graph", help="Named graph to replace (default: the ontology IRI).")
@click.option("--gsp", help="Graph Store Protocol endpoint (default: --endpoint); Virtuoso: /sparql-graph-crud-auth.")
@click.option("--update", help="SPARQL Update endpoint for the fallback (default: --endpoint).")
@click.option("--user", help="User for basic or digest authentication.")
@click.option("--password", envvar="IL2KG_PASSWORD", help="Password (or set IL2KG_PASSWORD).")
@click.option("--source", type=click.Path(path_type=Path, dir_okay=False),
              help="Turtle file to push (default: dist/il2kg.ttl, else ontology + data/triples).")
@store_option
def push(endpoint: str, graph: str | None, gsp: str | None, update: str | None, user: str | None,
         password: str | None, source: Path | None, store: str | None) -> None:
    """Replace a named graph in a SPARQL store with the built graph, and check the triple count after."""
    from urllib.parse import urlparse

    for option, url in (("--endpoint", endpoint), ("--gsp", gsp), ("--update", update)):
        if url is None:
            continue
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise click.BadParameter(f"{url!r} is not an http(s) URL of a SPARQL service (scheme, host and path, "
                                     "as Virtuoso's localhost:8890/sparql)", param_hint=option)
    result = run_push(endpoint, graph, gsp, update, user, password, source, store)
    click.echo(f"pushed {result.sent} triples by {result.method} in {result.requests} request(s); "
               f"the store holds {result.stored}")
