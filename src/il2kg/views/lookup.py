"""Read what the views show of an RDF resource: its label, type, key facts, evidence sentences and weight."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from il2kg.curie import READER, curie
from il2kg.views.data import ViewData, view_data
from il2kg.vocab import BIBO, IL

META_NAMESPACES = (str(OWL), str(RDF), str(RDFS))
LABEL_WIDTH = 48
_TYPE, _OWN = RDF.type, str(IL._NS)
# Looked up once: a closed namespace's attribute is a function call, and labels are made ~13k times a build.
LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel)
KEY_PROPERTIES = (IL.armLabel, IL.acronym, IL.registryId, IL.publicationTitle, IL.trialTitle, IL.eventTerm,
                  IL.authorName, IL.funderName, IL.fileName, BIBO.doi)


def local_name(iri: URIRef | str) -> str:
    """The last segment of an IRI (after '#' or '/')."""
    text = str(iri).rstrip("/")
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def short(text: str, width: int = LABEL_WIDTH) -> str:
    """Shorten text to `width` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _english(values: list[Literal]) -> str | None:
    ranked = sorted(values, key=lambda lit: (lit.language not in (None, "en"), str(lit)))
    return str(ranked[0]) if ranked else None


class Lookup:
    """Labels, types and evidence of resources, read from the data (ViewData) and the ontology graph."""

    def __init__(self, graph: Graph | ViewData, ontology: Graph | None = None) -> None:
        self.graph = view_data(graph)
        # The ontology indexed once: the views ask it for every node's types and labels (~100k times).
        self.ontology = ViewData(ontology if ontology is not None else (), ())
        self._quotes = self.graph.quotes
        self._weight = self.graph.weights
        self._labels: dict[URIRef, str] = {}
        self._types: dict[URIRef, list[URIRef]] = {}
        self._kinds: dict[URIRef, str] = {}  # asked ~70k times a build for ~12k nodes

    def value(self, node: URIRef, prop: URIRef) -> object | None:
        """The smallest value of a property, from the data graph or else the ontology."""
        values = sorted(self.graph.objects(node, prop)) or sorted(self.ontology.objects(node, prop))
        return values[0] if values else None

    def text(self, node: URIRef, prop: URIRef) -> str | None:
        """A property's value as a string (None when absent)."""
        found = self.value(node, prop)
        return None if found is None else str(found)

    def types(self, node: URIRef) -> list[URIRef]:
        """The node's classes outside OWL/RDF/RDFS, sorted."""
        known = self._types.get(node)
        if known is None:
            found = set(self.graph.objects(node, _TYPE)) | set(self.ontology.objects(node, _TYPE))
            known = sorted(t for t in found if isinstance(t, URIRef) and not str(t).startswith(META_NAMESPACES))
            self._types[node] = known
        return list(known)

    def kind(self, node: URIRef) -> str:
        """The node's class local name (the most specific il2kg class where there is one)."""
        found = self._kinds.get(node)
        if found is None:
            types = self.types(node)
            own = [t for t in types if str(t).startswith(_OWN)]
            found = self._kinds[node] = local_name((own or types or [RDFS.Resource])[0])
        return found

    def evidence(self, node: URIRef) -> tuple[str, ...]:
        """The evidence sentences of the facts about the node, sorted."""
        return tuple(sorted(self._quotes.get(node, ())))

    def weight(self, node: URIRef) -> int:
        """How many evidence nodes support a fact about the node or pointing at it."""
        return self._weight.get(node, 0)

    def label(self, node: URIRef) -> str:
        """What a reader knows the node as: its vocabulary label, else a name from its type and facts
        (names.py), else its data rdfs:label or another key, else its CURIE; never a bare hash where a name exists.
        """
        if node not in self._labels:
            self._labels[node] = self._label(node)
        return self._labels[node]

    def _label(self, node: URIRef) -> str:
        from il2kg.views.names import NAMERS

        for prop in LABEL_PROPERTIES:
            found = _english([o for o in self.ontology.objects(node, prop) if isinstance(o, Literal)])
            if found:
                return short(found)
        namer = NAMERS.get(self.kind(node))
        found = namer(self, node) if namer else None
        if found:
            return short(found)
        for prop in LABEL_PROPERTIES:
            found = _english([o for o in self.graph.objects(node, prop) if isinstance(o, Literal)])
            if found:
                return short(found)
        for prop in KEY_PROPERTIES:
            found = self.text(node, prop)
            if found:
                return short(found)
        return curie(node, READER)

    def arm(self, node: URIRef) -> str:
        """An arm by its own label ("placebo"), where its trial is already named nearby."""
        return self.text(node, IL.armLabel) or self.label(node)

    def labels(self, nodes: object) -> str:
        """Labels of several nodes, sorted and joined with ', '."""
        return ", ".join(sorted(self.label(n) for n in nodes))  # type: ignore[union-attr]


_SHARED: dict[tuple[int, int], Lookup] | None = None  # set while write_views draws every view of one graph


def lookup(graph: Graph | ViewData, ontology: Graph | None = None) -> Lookup:
    """A Lookup of the graph: while `sharing()` is on, one per graph for every view and plot (its index of
    evidence and its labels cost seconds at a thousand documents, and the graph does not change meanwhile)."""
    if _SHARED is None:
        return Lookup(graph, ontology)
    key = (id(graph), id(ontology))
    if key not in _SHARED:
        _SHARED[key] = Lookup(graph, ontology)
    return _SHARED[key]


@contextmanager
def sharing() -> Iterator[None]:
    """Share one Lookup per graph inside the block (the graphs must not change in it)."""
    global _SHARED
    _SHARED = {}
    try:
        yield
    finally:
        _SHARED = None
