"""Store selection: `open_graph(store)` gives an rdflib Graph in memory or over an on-disk Oxigraph store.

`None` or "memory" is a plain rdflib Graph loaded from the ontology and data/triples/. "oxigraph:PATH"
is a persistent Oxigraph (RocksDB) store seen through oxrdflib, so the same rdflib code (`graph.query`,
`graph.triples`, `run_query`) runs on it, at Oxigraph's speed and without holding the graph in memory.
The store records the name and sha256 of every file it was loaded from; when they still match it
opens without reloading, otherwise it is cleared and bulk-loaded again. One difference to know:
through oxrdflib a plain string literal comes back as `Literal(..., datatype=XSD.string)` (the same
literal in RDF 1.1, but unequal in rdflib); compare `str(value)` or normalise before comparing rows.

Usage from another command (query, serve, viz)::

    graph = open_graph("oxigraph:.il2kg-store")
    try:
        rows = graph.query("SELECT ...")
    finally:
        graph.close()   # releases the store's lock; only one process may open it at a time
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from rdflib import Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from il2kg import resources
from il2kg.errors import Il2kgError
from il2kg.store import load_graph
from il2kg.vocab import IL, PREFIXES, mint, short_hash

MANIFEST_GRAPH = mint("store", "manifest")  # a named graph: never part of the default graph queries see


def default_sources() -> list[Path]:
    """The files a store holds by default: the ontology and every data/triples/*.ttl file."""
    return [resources.ONTOLOGY, *resources.triple_files(resources.TRIPLES_DIR)]


def parse_store(store: str | None) -> tuple[str, Path | None]:
    """Split a store spec into (kind, path): None/"memory" or "oxigraph:PATH"."""
    if store is None or store == "memory":
        return "memory", None
    kind, sep, path = store.partition(":")
    if kind != "oxigraph" or not sep or not path:
        raise Il2kgError(f"unknown store {store!r}: use 'memory' or 'oxigraph:PATH'")
    return kind, Path(path)


def open_graph(store: str | None = None, sources: Sequence[Path] | None = None) -> Graph:
    """Open the knowledge graph (ontology + data) in the chosen store, loading it when empty or stale."""
    kind, path = parse_store(store)
    files = list(default_sources() if sources is None else sources)
    if kind == "memory":
        return load_graph(files)
    return _open_oxigraph(path, files)


def _fingerprint(files: Sequence[Path]) -> dict[str, str]:
    """Map each source file (an IRI minted from its absolute path) to the sha256 of its bytes."""
    for path in files:
        if not path.is_file():
            raise Il2kgError(f"{path}: no such file to load into the store")
    return {str(mint("store", "source", short_hash(p.resolve()))): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in files}


def _open_oxigraph(path: Path, files: Sequence[Path]) -> Graph:
    import pyoxigraph as ox
    from oxrdflib import OxigraphStore

    try:
        inner = ox.Store(str(path))
    except OSError as err:
        raise Il2kgError(f"{path}: cannot open the Oxigraph store ({err}); is another process using it?") from err
    wanted = _fingerprint(files)
    manifest = ox.NamedNode(str(MANIFEST_GRAPH))
    sha = ox.NamedNode(str(IL.sha256))
    stored = {q.subject.value: q.object.value for q in inner.quads_for_pattern(None, sha, None, manifest)}
    if stored != wanted or not any(True for _ in inner.quads_for_pattern(None, None, None, ox.DefaultGraph())):
        _reload(inner, files, wanted, manifest)
    graph = Graph(store=OxigraphStore(store=inner), identifier=DATASET_DEFAULT_GRAPH_ID)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def _reload(inner, files: Sequence[Path], wanted: dict[str, str], manifest) -> None:
    import pyoxigraph as ox

    inner.clear()
    for file in files:
        try:
            inner.bulk_load(path=str(file), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        except SyntaxError as err:
            raise Il2kgError(f"{file}: broken Turtle ({err}); fix the file or regenerate it") from err
    sha = ox.NamedNode(str(IL.sha256))
    inner.extend([ox.Quad(ox.NamedNode(source), sha, ox.Literal(digest), manifest)
                  for source, digest in sorted(wanted.items())])
    inner.flush()
