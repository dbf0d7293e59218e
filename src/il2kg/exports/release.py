"""What the exports are made from (`Release`): the merged graph, the ontology and one graph per source document,
the documents kept as file bytes and parsed when a writer asks (`LazyDocuments`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from il2kg.exports.fast import Parsed, Terms
from il2kg.rdf_io import parse_turtle_bytes, read_turtle
from il2kg.vocab import IL, ONTOLOGY_IRI, mint, slug


@dataclass(frozen=True)
class Release:
    """What the exports are made from: the merged graph, the ontology and one graph per source document.

    `merged_source` is the merged graph, or a function that makes it: the build passes one, so the rdflib graph
    is only loaded when a writer falls back to it (a file Oxigraph refuses, or one with a blank node)."""

    merged_source: Graph | Callable[[], Graph]
    ontology: Graph
    documents: Mapping[URIRef, Graph]
    memo: dict = field(default_factory=dict, compare=False, repr=False)  # what several writers share, made once
    _loaded: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def merged(self) -> Graph:
        """The merged rdflib graph, made the first time a writer asks for it."""
        if "graph" not in self._loaded:
            source = self.merged_source
            self._loaded["graph"] = source if isinstance(source, Graph) else source()
        return self._loaded["graph"]

    def named_graphs(self) -> Iterator[tuple[URIRef, Graph]]:
        """The ontology graph and the document graphs, sorted by graph IRI (each document graph made when reached)."""
        for name in sorted([ONTOLOGY_IRI, *self.documents], key=str):
            yield name, self.ontology if name == ONTOLOGY_IRI else self.documents[name]


def documents_from_files(paths: Iterable[Path]) -> dict[URIRef, Graph]:
    """Read data/triples/<stem>.ttl files into {document IRI: graph}; a file naming no single document
    (a curated file) gets the graph id:graph/<stem>."""
    return documents_from_graphs((path, read_turtle(path)) for path in paths)


def documents_from_graphs(files: Iterable[tuple[Path, Graph]]) -> dict[URIRef, Graph]:
    """Key already parsed data files' graphs by document, as documents_from_files does."""
    documents: dict[URIRef, Graph] = {}
    for path, graph in sorted(files, key=lambda pair: pair[0]):
        docs = sorted(set(graph.subjects(RDF.type, IL.SourceDocument)))
        key = docs[0] if len(docs) == 1 else mint("graph", slug(path.stem))
        if key in documents:
            documents[key] = documents[key] + graph
        else:
            documents[key] = graph
    return documents


class LazyDocuments(Mapping):
    """{document IRI: graph} over data files kept as bytes: each graph is parsed when asked for and not kept,
    so writing TriG and N-Quads holds one document's graph at a time, not a second copy of the whole data."""

    def __init__(self, files: Sequence[tuple[Path, bytes]]) -> None:
        self._source = sorted(files, key=lambda pair: pair[0])
        self._grouped: dict[URIRef, list[tuple[Path, bytes]]] | None = None
        self.terms = Terms()
        self._parsed: dict[URIRef, Parsed] | None | bool = None

    @property
    def files(self) -> list[tuple[Path, bytes]]:
        """The data files (path, bytes), sorted by path."""
        return self._source

    @property
    def _files(self) -> dict[URIRef, list[tuple[Path, bytes]]]:
        """The files by document IRI (from the parse in `parsed` when that came first: each file parsed once)."""
        if self._grouped is None:
            self._grouped = {}
            for path, data in self._source:
                self._grouped.setdefault(_key(path, _documents_in(data, path)), []).append((path, data))
        return self._grouped

    def parsed(self) -> dict[URIRef, Parsed] | None:
        """Every document's triples parsed by Oxigraph (once), for the fast writers; None when any has a blank node."""
        if self._parsed is None:
            scanned = [(path, data, Parsed.scan(data)) for path, data in self._source]
            if not scanned or any(found is None for *_, found in scanned):
                self._parsed = False
                return None
            grouped: dict[URIRef, list[tuple[Path, bytes]]] = {}
            triples: dict[URIRef, set] = {}
            for path, data, (found, documents) in scanned:
                key = _key(path, [URIRef(iri) for iri in documents])
                grouped.setdefault(key, []).append((path, data))
                if key in triples:
                    triples[key] |= found
                else:
                    triples[key] = found
            self._grouped = grouped if self._grouped is None else self._grouped
            self._parsed = {key: Parsed(list(found)) for key, found in triples.items()}
        return self._parsed or None

    def forget(self) -> None:
        """Let go of the parsed documents and formatted terms (parsed again if asked for)."""
        self._parsed, self.terms = None, Terms()

    def __getitem__(self, key: URIRef) -> Graph:
        graph = Graph()
        for path, data in self._files[key]:
            parse_turtle_bytes(data, path, graph)
        return graph

    def __iter__(self):
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


def _key(path: Path, documents: list[URIRef]) -> URIRef:
    """A data file's named graph: the one source document it declares, else id:graph/<file stem>."""
    return documents[0] if len(documents) == 1 else mint("graph", slug(path.stem))


def _documents_in(data: bytes, path: Path) -> list[URIRef]:
    """The il2kg:SourceDocument nodes a data file declares, sorted (Oxigraph's parser, no rdflib graph)."""
    import pyoxigraph as ox

    a, document = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(IL.SourceDocument))
    try:
        found = {q.subject.value for q in ox.parse(data, format=ox.RdfFormat.TURTLE)
                 if q.predicate == a and q.object == document and isinstance(q.subject, ox.NamedNode)}
    except (SyntaxError, ValueError):
        found = {str(s) for s in parse_turtle_bytes(data, path).subjects(RDF.type, IL.SourceDocument)}
    return sorted(URIRef(iri) for iri in found)
