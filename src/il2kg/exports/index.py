"""The merged graph as the KGX and schema.org writers read it, from the parsed documents, without rdflib's graph.

Those writers only look triples up by subject and predicate or by predicate and object; a few dictionaries
over rdflib terms answer that, built in one pass over the Oxigraph-parsed documents (~1 s at 1,000 documents),
where rdflib's triple index answered each lookup through several layers of generators. `Index` offers the
handful of rdflib `Graph` methods they call, with the same answers (tests/test_release_fast.py compares the
files written from each).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.paths import SequencePath

from il2kg.exports.fast import Parsed, Terms
from il2kg.rdf_io import canonical_triples


class Index:
    """The triples of some predicates, by predicate, then subject (and object): set semantics, as in a graph.

    Only the predicates a writer declares it reads are kept (converting every literal to rdflib's terms was most
    of the cost); a lookup of any other predicate is a programming error, raised, never an empty answer."""

    def __init__(self, predicates: Iterable[URIRef]) -> None:
        self.predicates = frozenset(predicates)
        self._forward: dict = {p: {} for p in self.predicates}  # p -> s -> {o: None} (insertion-ordered, distinct)
        self._backward: dict = {p: {} for p in self.predicates}  # p -> o -> {s: None}

    @classmethod
    def of(cls, ontology: Graph, parts: Iterable[Parsed], terms: Terms, predicates: Iterable[URIRef]) -> Index:
        """The merged graph of the ontology (canonical blank-node labels, as the release has it) and the parts,
        restricted to the predicates."""
        index = cls(predicates)
        index.add_all(t for t in canonical_triples(ontology) if t[1] in index.predicates)
        convert, wanted = terms.rdflib, {ox.NamedNode(str(p)) for p in index.predicates}
        for part in parts:
            index.add_all((convert(s), convert(p), convert(o)) for s, p, o in part.triples if p in wanted)
        return index

    def add_all(self, triples: Iterable[tuple]) -> None:
        forward, backward = self._forward, self._backward
        for s, p, o in triples:
            by_subject = forward[p]
            objects = by_subject.get(s)
            if objects is None:
                objects = by_subject[s] = {}
            if o not in objects:
                objects[o] = None
                backward[p].setdefault(o, {})[s] = None

    def objects(self, subject, predicate) -> Iterator:
        if isinstance(predicate, SequencePath):
            nodes = [subject]
            for step in predicate.args:
                nodes = [o for node in nodes for o in self.objects(node, step)]
            return iter(nodes)
        return iter(self._by(self._forward, predicate).get(subject, ()))

    def subjects(self, predicate, obj) -> Iterator:
        return iter(self._by(self._backward, predicate).get(obj, ()))

    def subject_objects(self, predicate) -> Iterator[tuple]:
        return ((s, o) for s, objects in self._by(self._forward, predicate).items() for o in objects)

    def _by(self, table: dict, predicate) -> dict:
        found = table.get(predicate)
        if found is None:
            raise KeyError(f"{predicate}: not among the predicates this Index holds; add it to the writer's READS")
        return found

    def value(self, subject, predicate):
        return next(self.objects(subject, predicate), None)

    def all_nodes(self) -> set:
        """The nodes of the indexed triples (the KGX writer keeps those that are edge ends: all indexed)."""
        nodes = set()
        for by_subject in self._forward.values():
            nodes.update(by_subject)
            for objects in by_subject.values():
                nodes.update(objects)
        return nodes

    def __contains__(self, triple: tuple) -> bool:
        s, p, o = triple
        objects = self._by(self._forward, p).get(s, ())
        return bool(objects) if o is None else o in objects
