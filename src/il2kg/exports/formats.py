"""Every export format as a bytes function over one `Release`, and `write_exports` that writes them all.

Formats map to functions through a plain dict (sssom-py's registry pattern). Per-document named
graphs (TriG, N-Quads) come from `Release.documents`; everything else from the merged graph, or from the
documents as Oxigraph parsed them when they hold no blank node (the same bytes; exports/fast.py).
exports/writing.py writes them all into dist/.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from il2kg.exports import fast, xml_rows
from il2kg.exports.fast import Parsed, Terms
from il2kg.exports.release import LazyDocuments, Release
from il2kg.ontology import rdfxml_bytes
from il2kg.rdf_io import ntriples_bytes, turtle_bytes
from il2kg.vocab import ONTOLOGY_IRI, PREFIXES


def _fast(release: Release) -> tuple[dict[URIRef, Parsed], Terms] | None:
    """The parsed documents and the term formatter when the fast writers (exports/fast.py) may be used."""
    documents = release.documents
    if isinstance(documents, LazyDocuments) and (parsed := documents.parsed()) is not None:
        return parsed, documents.terms
    return None


def _merged(fast_writer: Callable, rdflib_writer: Callable[[Graph], bytes]) -> Callable[[Release], bytes]:
    """A writer of the merged graph: from the Oxigraph-parsed documents when they serve, else from rdflib's graph
    (both give the same bytes: tests/test_release_fast.py)."""
    def write(release: Release) -> bytes:
        if found := _fast(release):
            return fast_writer(release.ontology, found[0].values(), found[1])
        return rdflib_writer(release.merged)
    return write


turtle_release = _merged(fast.turtle, turtle_bytes)  # sorted Turtle


def merged_lines(release: Release) -> list[str] | None:
    """The merged graph's sorted N-Triples lines from the parsed documents (made once), or None off the fast path."""
    if (found := _fast(release)) is None:
        return None
    if "nt" not in release.memo:
        release.memo["nt"] = fast.ntriples_lines(release.ontology, found[0].values(), found[1])
    return release.memo["nt"]


def ntriples_release(release: Release) -> bytes:
    """Sorted N-Triples of the merged graph."""
    lines = merged_lines(release)
    if lines is None:
        return ntriples_bytes(release.merged)
    return fast.lines_bytes(list(lines))


rdfxml_release = _merged(xml_rows.rdfxml, rdfxml_bytes)  # flat, sorted RDF/XML


def nquads_bytes(release: Release) -> bytes:
    """Serialise the named graphs as N-Quads, lines sorted, blank nodes labelled canonically per graph."""
    if found := _fast(release):
        parsed, terms = found
        graphs = [(str(name), parsed.get(name, release.ontology)) for name in [ONTOLOGY_IRI, *parsed]]
        return fast.nquads(graphs, terms)
    rows: set[str] = set()
    documents = release.documents
    for name in sorted([ONTOLOGY_IRI, *documents], key=str):
        graph = release.ontology if name == ONTOLOGY_IRI else documents[name]
        lines = ntriples_bytes(graph).decode("utf-8").splitlines()
        rows.update(f"{line[:-2]} <{name}> ." for line in lines if line.endswith(" ."))
    return ("\n".join(sorted(rows)) + "\n").encode("utf-8")


def trig_bytes(release: Release) -> bytes:
    """Serialise the named graphs as TriG: the fixed prefixes once, then one sorted block per graph."""
    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(prefixes.items())]
    found = _fast(release)
    for name in sorted([ONTOLOGY_IRI, *release.documents], key=str):
        graph = release.ontology if name == ONTOLOGY_IRI else None
        if found:  # the parsed document, never an rdflib graph of it
            body = fast.trig_block(found[0][name] if graph is None else graph, found[1])
        else:
            graph = graph if graph is not None else release.documents[name]
            body = turtle_bytes(graph, prefixes).decode("utf-8").partition("\n\n")[2]
        indented = "\n".join(f"    {line}" if line else "" for line in body.rstrip("\n").split("\n"))
        lines += ["", f"<{name}> {{", indented, "}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _jsonld(release: Release) -> bytes:
    from il2kg.exports import jsonld_fast
    from il2kg.exports.jsonld import jsonld_bytes, load_context

    context = load_context()
    if (found := _fast(release)) and jsonld_fast.supported(context, found[0].values()):
        return jsonld_fast.jsonld(release.ontology, found[0].values(), found[1], context)
    return jsonld_bytes(release.merged, context)


def lookup_graph(release: Release):
    """What the KGX and schema.org writers read: an Index of the parsed documents (made once), else the merged graph."""
    if "index" in release.memo:  # made by the caller (from the cached pieces: exports/writing.py)
        return release.memo["index"]
    if (found := _fast(release)) is None:
        return release.merged
    if "index" not in release.memo:
        from il2kg.exports import kgx, schemaorg
        from il2kg.exports.index import Index

        reads = kgx.READS | schemaorg.READS
        release.memo["index"] = Index.of(release.ontology, found[0].values(), found[1], reads)
    return release.memo["index"]


def _kgx(release: Release, folder: Path) -> list[Path]:
    from il2kg.exports.kgx import write_kgx

    return write_kgx(lookup_graph(release), folder)


def _schemaorg(release: Release, folder: Path) -> list[Path]:
    from il2kg.exports.schemaorg import write_schemaorg

    return write_schemaorg(lookup_graph(release), folder)


@dataclass(frozen=True)
class Format:
    """One export: its name in dist/ (a file, or a folder of files), IANA media type, and its writer:
    `write` gives one file's bytes, `write_folder` writes several files into a folder and lists them."""

    file_name: str
    media_type: str
    write: Callable[[Release], bytes] | None = None
    write_folder: Callable[[Release, Path], list[Path]] | None = None
    per_document: bool = False  # reads Release.documents (one named graph per source document)


# The one registry of formats: what `il2kg export --format`, the build (dist/) and the endpoint offer.
FORMATS: dict[str, Format] = {
    "ttl": Format("il2kg.ttl", "text/turtle", turtle_release),
    "nt": Format("il2kg.nt", "application/n-triples", ntriples_release),
    "nq": Format("il2kg.nq", "application/n-quads", nquads_bytes, per_document=True),
    "trig": Format("il2kg.trig", "application/trig", trig_bytes, per_document=True),
    "jsonld": Format("il2kg.jsonld", "application/ld+json", _jsonld),
    "xml": Format("il2kg.owl", "application/rdf+xml", rdfxml_release),
    "kgx": Format("kgx", "text/tab-separated-values", write_folder=_kgx),
    "schemaorg": Format("schema", "application/ld+json", write_folder=_schemaorg),
}


@dataclass(frozen=True)
class AnswerFormat:
    """How a query's answer can be written (`il2kg query --format`, the endpoint's Accept or ?format=):
    `answers` is "rows" (SELECT, ASK) or "graph" (CONSTRUCT, DESCRIBE, /id/ pages' data)."""

    media_type: str
    answers: str
    rdflib: str | None = None  # rdflib's serializer of a graph answer
    aliases: tuple[str, ...] = ()  # other names and media types clients send for it
    served: bool = True  # offered by the endpoint (the table is for people at a terminal)


ANSWER_FORMATS: dict[str, AnswerFormat] = {
    "table": AnswerFormat("text/plain; charset=utf-8", "rows", served=False),
    "csv": AnswerFormat("text/csv", "rows"),
    "tsv": AnswerFormat("text/tab-separated-values", "rows"),
    "json": AnswerFormat("application/sparql-results+json", "rows", aliases=("application/json",)),
    "xml": AnswerFormat("application/sparql-results+xml", "rows", aliases=("application/xml", "text/xml")),
    "turtle": AnswerFormat(FORMATS["ttl"].media_type, "graph", "turtle", ("ttl", "application/x-turtle")),
    "json-ld": AnswerFormat(FORMATS["jsonld"].media_type, "graph", "json-ld", ("jsonld",)),
    "ntriples": AnswerFormat(FORMATS["nt"].media_type, "graph", "nt", ("nt",)),
}
MEDIA_TYPES = {
    **{f.file_name: f.media_type for f in FORMATS.values() if f.write},
    ".tsv": "text/tab-separated-values", ".jsonld": "application/ld+json", ".ttl": "text/turtle",
    ".txt": "text/plain",
}
CHECKSUMS = "SHA256SUMS"


def media_type(path: Path) -> str:
    """The media type of a dist/ file, by name, then by suffix."""
    return MEDIA_TYPES.get(path.name) or MEDIA_TYPES.get(path.suffix, "application/octet-stream")


def sha256sums_bytes(out_dir: Path, known: dict[Path, str] | None = None) -> bytes:
    """List the sha256 of every file under out_dir (except SHA256SUMS itself), in `sha256sum -c` format;
    `known` gives the digests of files hashed as they were written (not read back)."""
    files = sorted(p for p in out_dir.rglob("*") if p.is_file() and p.name != CHECKSUMS and not p.name.startswith("."))
    known = known or {}
    lines = [f"{known.get(p) or hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(out_dir).as_posix()}"
             for p in files]
    return ("\n".join(lines) + "\n").encode("utf-8")
