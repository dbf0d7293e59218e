"""Open the knowledge graph: `load_kg(store)` gives an rdflib Graph in memory or over an on-disk Oxigraph store.

Every command that reads the graph (build's exports, validate, query, serve, viz, export, push) opens it
here. None picks by size: above AUTO_STORE_BYTES of Turtle (where the store benchmark shows rdflib's
load and queries seconds slower than Oxigraph's) the on-disk store under data/.il2kg-cache/store,
else memory. "memory" is a plain rdflib Graph; "oxigraph:PATH" a persistent Oxigraph (RocksDB) store
seen through oxrdflib, so the same rdflib code (`graph.query`, `graph.triples`, `run_query`) runs on it.

The store is loaded incrementally: each source file is also kept in a named graph of its own
(id:graph/<file stem>, the ontology in vocab.ONTOLOGY_IRI), and a manifest beside the store
(PATH.manifest.json) records each file's sha256; on opening, only files that changed, appeared or
went are taken out of the default graph (a triple another file also holds stays) and loaded again.
One difference to know: through oxrdflib a plain string literal comes back as
`Literal(..., datatype=XSD.string)` (the same literal in RDF 1.1, but unequal in rdflib).

Usage::

    graph = load_kg("oxigraph:.il2kg-store")
    try:
        rows = run_query("trials-by-disease", graph)
    finally:
        graph.close()   # releases the store's lock; only one process may open it at a time
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from rdflib import Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from il2kg import resources
from il2kg.errors import Il2kgError
from il2kg.rdf_io import atomic_write, read_turtle_files
from il2kg.vocab import ONTOLOGY_IRI, PREFIXES, mint, slug

AUTO_STORE_BYTES = 16 * 1024 * 1024  # ~200k triples: rdflib loads it in ~5 s, Oxigraph in ~0.4 s


def default_sources(triples_dir: Path | None = None) -> list[Path]:
    """The files a store holds by default: the ontology and every data/triples/*.ttl file."""
    return [resources.ONTOLOGY, *resources.triple_files(triples_dir or resources.TRIPLES_DIR)]


def default_store(files: Sequence[Path], triples_dir: Path | None = None) -> str:
    """The store `None` means: the on-disk store beside the data above AUTO_STORE_BYTES, else memory."""
    size = sum(p.stat().st_size for p in files if p.is_file())
    if size <= AUTO_STORE_BYTES:
        return "memory"
    return f"oxigraph:{(triples_dir or resources.TRIPLES_DIR).resolve().parent / '.il2kg-cache' / 'store'}"


def parse_store(store: str | None) -> tuple[str, Path | None]:
    """Split a store spec into (kind, path): "memory" or "oxigraph:PATH"."""
    if store is None or store == "memory":
        return "memory", None
    kind, sep, path = store.partition(":")
    if kind != "oxigraph" or not sep or not path:
        raise Il2kgError(f"unknown store {store!r}: use 'memory' or 'oxigraph:PATH'")
    return kind, Path(path)


def load_kg(store: str | None = None, sources: Sequence[Path] | None = None,
            triples_dir: Path | None = None) -> Graph:
    """Open the knowledge graph (ontology + data) in the chosen store, loading only what changed."""
    files = list(default_sources(triples_dir) if sources is None else sources)
    kind, path = parse_store(default_store(files, triples_dir) if store is None else store)
    if kind == "memory":
        return read_turtle_files(files)
    return _open_oxigraph(path, files)



def _graph_name(path: Path) -> str:
    if path.resolve() == resources.ONTOLOGY.resolve():
        return str(ONTOLOGY_IRI)
    return str(mint("graph", slug(path.stem)))


def _fingerprint(files: Sequence[Path]) -> dict[str, str]:
    """Map each source file's graph name to the sha256 of its bytes."""
    for path in files:
        if not path.is_file():
            raise Il2kgError(f"{path}: no such file to load into the store")
    return {_graph_name(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def _open_oxigraph(path: Path, files: Sequence[Path]) -> Graph:
    import pyoxigraph as ox
    from oxrdflib import OxigraphStore

    if path.exists() and not path.is_dir():
        raise Il2kgError(f"{path}: exists and is not a folder; give --store oxigraph:PATH a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        inner = ox.Store(str(path))
    except OSError as err:
        raise Il2kgError(f"{path}: cannot open the Oxigraph store ({err}); is another process using it?") from err
    wanted = _fingerprint(files)
    try:
        stored = json.loads(_manifest_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = None
    if not isinstance(stored, dict):
        inner.clear()
        stored = {}
    if stored != wanted:
        _manifest_path(path).unlink(missing_ok=True)  # a run killed mid-update then starts from a clear store
        _reload(inner, files, wanted, stored)
        atomic_write(_manifest_path(path), json.dumps(wanted, sort_keys=True, indent=1).encode("utf-8"))
    graph = Graph(store=OxigraphStore(store=inner), identifier=DATASET_DEFAULT_GRAPH_ID)
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def _reload(inner, files: Sequence[Path], wanted: dict[str, str], stored: dict[str, str]) -> None:
    """Take out the files that changed or went, load the ones that changed or came (default graph and own graph)."""
    import pyoxigraph as ox

    stale = sorted(name for name, digest in stored.items() if wanted.get(name) != digest)
    for name in stale:
        graph = ox.NamedNode(name)
        if not inner.contains_named_graph(graph):
            continue
        for quad in list(inner.quads_for_pattern(None, None, None, graph)):
            holders = {q.graph_name for q in inner.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)}
            if not holders - {graph, ox.DefaultGraph()}:  # no other file holds it: it leaves the default graph
                inner.remove(ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph()))
        inner.remove_graph(graph)
    changed = [file for file in files if stored.get(_graph_name(file)) != wanted[_graph_name(file)]]
    # One bulk load for every changed file: a bulk load per file writes its own sorted files, and at a
    # thousand files that costs minutes where one pass over the quads costs seconds.
    inner.bulk_extend(_quads(changed))
    inner.flush()


def _quads(files: Sequence[Path]):
    """Each file's triples twice: in the default graph and in the file's own named graph."""
    import pyoxigraph as ox

    default = ox.DefaultGraph()
    for file in files:
        graph = ox.NamedNode(_graph_name(file))
        try:
            for quad in ox.parse(path=str(file), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True):
                yield ox.Quad(quad.subject, quad.predicate, quad.object, default)
                yield ox.Quad(quad.subject, quad.predicate, quad.object, graph)
        except SyntaxError as err:
            raise Il2kgError(f"{file}: broken Turtle ({err}); fix the file or regenerate it") from err
