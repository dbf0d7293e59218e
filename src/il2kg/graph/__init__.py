"""Turn one document's records into RDF: `to_graph(records, source)` or `to_triples`; the only writer of triples."""

from __future__ import annotations

from rdflib import Graph

from il2kg.graph.emit import Emitter, Source
from il2kg.graph.publication import add_citation, add_publication, publication_key
from il2kg.graph.trial import add_trial, trial_key
from il2kg.model import Citation, Publication, Record, Trial
from il2kg.rdf_io import new_graph
from il2kg.vocab import IL

__all__ = ["Source", "to_graph", "to_triples"]


class _Triples:
    """A sink with Graph.add's signature that keeps each triple once, in order: what `il2kg extract` writes
    needs no rdflib graph, and adding to one (its indexes and events) cost more than the rest of the builder."""

    def __init__(self) -> None:
        self.found: dict[tuple, None] = {}

    def add(self, triple: tuple) -> None:
        self.found[triple] = None


def to_triples(records: list[Record], source: Source) -> list[tuple]:
    """The triples `to_graph` would add to an empty graph, each once."""
    sink = _Triples()
    _emit(records, source, sink)
    return list(sink.found)


def to_graph(records: list[Record], source: Source, graph: Graph | None = None) -> Graph:
    """Add the records of one document to a graph (a new one by default) with full provenance."""
    graph = new_graph() if graph is None else graph
    _emit(records, source, graph)
    return graph


def _emit(records: list[Record], source: Source, graph) -> None:
    em = Emitter(graph, source)
    publications = [r for r in records if isinstance(r, Publication)]
    main = publications[0] if publications else None
    pub_key = publication_key(main) if main else None
    if main and pub_key is None and any(isinstance(r, (Trial, Citation)) for r in records):
        pub_key = f"doc-{source.sha256[:16]}"  # an untitled report still reports its trial
    pub_iri = add_publication(em, main, pub_key) if main and pub_key else None
    for record in records:
        if isinstance(record, Trial):
            trial = add_trial(em, record, trial_key(record, pub_key, source.sha256[:16]))
            if pub_iri is not None:
                em.link(pub_iri, IL.reports, trial)
                em.link(trial, IL.reportedIn, pub_iri)
        elif isinstance(record, Citation) and pub_iri is not None:
            add_citation(em, record, pub_iri)
    em.finish()
