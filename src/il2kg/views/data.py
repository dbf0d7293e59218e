"""What the views read of the data graph: every triple but the evidence nodes' own, and each node's evidence.

At a thousand documents, evidence nodes hold 500k of the 600k data triples (quote, span, offsets,
provenance), yet a view only shows their sentences on the node they support and counts them (a node's
weight). `ViewData` keeps the other triples in two small indexes, with rdflib terms (so sorting, labels
and `toPython()` behave as on an rdflib graph), and each evidence node as (node, evidenceFor, quote,
evidenceObject) values. No view shows an evidence node (the full graph leaves out whatever is typed
il2kg:Evidence, and no other projection reaches one), so none of their triples is kept, rdf:type included.

It answers the few rdflib `Graph` calls the projections make (`objects`, `subjects`, `subject_objects`,
`predicate_objects`, `triples`), so the same projection code reads an rdflib graph (`ViewData.of_graph`,
for tests and `il2kg viz`) or the per-document parts the build caches (`views.parts`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from rdflib import Graph
from rdflib.namespace import RDF

from il2kg.query_oxigraph import to_ox
from il2kg.vocab import IL

# An evidence node's record: its IRI and the values of evidenceFor, quote and evidenceObject (each a sequence).
EvidenceRecord = tuple[object, Sequence, Sequence, Sequence]
EVIDENCE_PROPERTIES = (IL.evidenceFor, IL.quote, IL.evidenceObject)


def merge_evidence(records: Iterable[EvidenceRecord]) -> list[EvidenceRecord]:
    """One record per evidence node: the values of a node given in several records (files) joined, each once."""
    found: dict[object, EvidenceRecord] = {}
    for record in records:
        known = found.get(record[0])
        if known is None:
            found[record[0]] = record
        elif known != record:
            found[record[0]] = (record[0], *(_joined(a, b) for a, b in zip(known[1:], record[1:], strict=True)))
    return list(found.values())


def _joined(first: Sequence, second: Sequence) -> list:
    seen: dict = {}
    for value in (*first, *second):  # JSON literals come as lists: compared as tuples
        seen.setdefault(tuple(value) if isinstance(value, list) else value, value)
    return list(seen.values())


class ViewData:
    """The triples and evidence the views read, indexed by subject and by predicate."""

    def __init__(self, triples: Iterable[tuple], evidence: Iterable[EvidenceRecord]) -> None:
        """`evidence` holds one record per evidence node (`merge_evidence` joins the records of one node)."""
        self._spo: dict[object, dict[object, set]] = {}
        self._pos: dict[object, dict[object, set]] = {}
        self.quotes: dict[object, set[str]] = {}
        self.weights: dict[object, int] = {}
        self._queryable: dict[frozenset | None, Graph] = {}
        weights = self.weights
        for _, targets, quotes, objects in evidence:
            # rdflib's Graph.value took any one value; the smallest is the same where there is one, and stable.
            if targets:
                target = targets[0] if len(targets) == 1 else min(targets)
                weights[target] = weights.get(target, 0) + 1
                if quotes:
                    self.quotes.setdefault(target, set()).add(str(quotes[0] if len(quotes) == 1 else min(quotes)))
            if objects:
                obj = objects[0] if len(objects) == 1 else min(objects)
                weights[obj] = weights.get(obj, 0) + 1
        spo, pos, size = self._spo, self._pos, 0
        for s, p, o in triples:  # _add, inlined: ~100k triples at 1,000 documents
            by_predicate = spo.get(s)
            if by_predicate is None:
                by_predicate = spo[s] = {}
            objects = by_predicate.get(p)
            if objects is None:
                objects = by_predicate[p] = set()
            if o not in objects:
                objects.add(o)
                by_object = pos.get(p)
                if by_object is None:
                    by_object = pos[p] = {}
                subjects = by_object.get(o)
                if subjects is None:
                    by_object[o] = {s}
                else:
                    subjects.add(s)
                size += 1
        self._size = size

    @classmethod
    def of_graph(cls, graph: Graph) -> ViewData:
        """The view data of an rdflib graph (evidence nodes are the subjects typed il2kg:Evidence)."""
        evidence = set(graph.subjects(RDF.type, IL.Evidence))
        kept, records = [], []
        for s, p, o in graph:
            if s not in evidence:
                kept.append((s, p, o))
        for node in evidence:
            records.append((node, *(tuple(graph.objects(node, prop)) for prop in EVIDENCE_PROPERTIES)))
        return cls(kept, records)

    def __len__(self) -> int:
        return self._size

    def objects(self, subject: object, predicate: object) -> Iterator:
        """The objects of (subject, predicate, ?)."""
        return iter(self._spo.get(subject, {}).get(predicate, ()))

    def subjects(self, predicate: object, obj: object | None = None) -> Iterator:
        """The subjects of (?, predicate, obj), each once; any object when obj is None."""
        by_object = self._pos.get(predicate, {})
        if obj is not None:
            return iter(by_object.get(obj, ()))
        return iter({s for subjects in by_object.values() for s in subjects})

    def subject_objects(self, predicate: object) -> Iterator[tuple]:
        """The (subject, object) pairs of a predicate."""
        return ((s, o) for o, subjects in self._pos.get(predicate, {}).items() for s in subjects)

    def predicate_objects(self, subject: object) -> Iterator[tuple]:
        """The (predicate, object) pairs of a subject."""
        return ((p, o) for p, objects in self._spo.get(subject, {}).items() for o in objects)

    def triples(self, pattern: tuple = (None, None, None)) -> Iterator[tuple]:
        """Every triple (only the all-variables pattern is asked for)."""
        if pattern != (None, None, None):
            raise ValueError(f"ViewData.triples answers (None, None, None) only, not {pattern}")
        return ((s, p, o) for s, by_p in self._spo.items() for p, objects in by_p.items() for o in objects)

    def __iter__(self) -> Iterator[tuple]:
        return self.triples()

    def queryable(self, predicates: frozenset | None = None) -> Graph:
        """An in-memory Oxigraph graph (through oxrdflib) of the triples, or of those with one of `predicates`,
        for the plots' SPARQL; made once per predicate set. rdflib's own store took ~5 s to index all of them
        at 1,000 documents."""
        made = self._queryable.get(predicates)
        if made is None:
            import pyoxigraph as ox
            from oxrdflib import OxigraphStore
            from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

            inner, terms, default = ox.Store(), {}, ox.DefaultGraph()

            def term(node):
                known = terms.get(node)
                if known is None:
                    known = terms[node] = to_ox(node)
                return known

            wanted = self._pos if predicates is None else {p: self._pos[p] for p in predicates if p in self._pos}
            inner.extend(ox.Quad(term(s), term(p), term(o), default)
                         for p, by_object in wanted.items() for o, subjects in by_object.items() for s in subjects)
            made = self._queryable[predicates] = Graph(store=OxigraphStore(store=inner),
                                                       identifier=DATASET_DEFAULT_GRAPH_ID)
        return made


def view_data(graph: Graph | ViewData) -> ViewData:
    """The graph as ViewData (itself when it is one)."""
    return graph if isinstance(graph, ViewData) else ViewData.of_graph(graph)
