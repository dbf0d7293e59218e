"""A view under construction (nodes and edges keyed by IRI) and its sorted, disease-tagged networkx graph."""

from __future__ import annotations

from collections import deque

import networkx as nx
from rdflib import URIRef

from il2kg.views.lookup import Lookup
from il2kg.vocab import ID

# Node types that many trials share (vocabulary and provenance): disease tags stop there.
SHARED_TYPES = frozenset({"SourceDocument", "ExtractionActivity", "SoftwareAgent"})

Facts = list[tuple[str, str]]


class ViewBuilder:
    """Collect nodes and edges of one view; `graph()` returns them sorted as a networkx DiGraph.

    Node attributes: type, label, weight (evidence count), facts ((key, value) pairs),
    evidence (sentences), diseases (IRIs of the diseases the node belongs to, for the filter).
    Edge attributes: relation, plus whatever the view adds (direction, significant, detail, evidence).
    """

    def __init__(self, look: Lookup) -> None:
        self.look = look
        self.nodes: dict[str, dict[str, object]] = {}
        self.edges: dict[tuple[str, str], dict[str, object]] = {}

    def node(self, iri: URIRef, kind: str | None = None, facts: Facts = (), label: str | None = None,
             evidence: tuple[str, ...] | None = None) -> str:
        """Add a node once (later calls only add facts); return its id, the IRI."""
        key = str(iri)
        if key not in self.nodes:
            self.nodes[key] = {
                "type": kind or self.look.kind(iri),
                "label": label or self.look.label(iri),
                "weight": self.look.weight(iri),
                "facts": [],
                "evidence": self.look.evidence(iri) if evidence is None else evidence,
            }
        known = self.nodes[key]["facts"]
        known.extend(f for f in facts if f[1] and f not in known)  # type: ignore[union-attr]
        return key

    def edge(self, source: str, target: str, relation: str, **attrs: object) -> dict[str, object]:
        """Add an edge once and return its attribute dict (for the caller to enrich)."""
        data = self.edges.setdefault((source, target), {"relation": relation})
        data.update(attrs)
        return data

    def graph(self) -> nx.DiGraph:
        """The view as a DiGraph: nodes and edges inserted in sorted order, facts as tuples."""
        out = nx.DiGraph()
        for key in sorted(self.nodes):
            attrs = dict(self.nodes[key])
            attrs["facts"] = tuple(attrs["facts"])  # type: ignore[arg-type]
            out.add_node(key, **attrs)
        for source, target in sorted(self.edges):
            out.add_edge(source, target, **self.edges[(source, target)])
        tag_diseases(out)
        return out


def _is_shared(graph: nx.DiGraph, node: str) -> bool:
    return not node.startswith(str(ID)) or graph.nodes[node].get("type") in SHARED_TYPES


def tag_diseases(graph: nx.DiGraph) -> None:
    """Set each node's `diseases`: the diseases of the trials it hangs from, and those it links to itself.

    From each trial, a walk over the undirected graph collects the trial's own nodes; it does not go
    through another trial nor beyond shared (vocabulary or provenance) nodes, which get the tag and pass
    it only along their `indicates` edges (a biomarker's mechanisms belong with the trial that moved it).
    A Disease node is tagged with itself only, so choosing one disease does not show the other diseases
    of a trial that studied several; its data neighbours get its tag.
    """
    tags: dict[str, set[str]] = {node: set() for node in graph}
    # Neighbours either way, as plain sets: networkx's undirected view re-reads both adjacencies on every look.
    undirected = {node: set(graph.successors(node)) | set(graph.predecessors(node)) for node in graph}
    kinds = dict(graph.nodes(data="type"))
    for disease in sorted(n for n, kind in kinds.items() if kind == "Disease"):
        tags[disease].add(disease)
        for neighbour in sorted(undirected[disease]):
            if not _is_shared(graph, neighbour):
                tags[neighbour].add(disease)
    for trial in sorted(n for n, kind in kinds.items() if kind == "Trial"):
        studied = {n for n in undirected[trial] if kinds.get(n) == "Disease"}
        if not studied:
            continue
        seen, queue = {trial}, deque([trial])
        while queue:
            node = queue.popleft()
            if kinds.get(node) == "Disease":
                continue
            tags[node] |= studied
            if node != trial and _is_shared(graph, node):
                for mechanism in graph.successors(node):
                    if graph.edges[node, mechanism].get("relation") == "indicates":
                        tags[mechanism] |= studied
                continue
            for nxt in sorted(undirected[node]):
                if nxt not in seen and kinds.get(nxt) != "Trial":
                    seen.add(nxt)
                    queue.append(nxt)
    for node, found in tags.items():
        graph.nodes[node]["diseases"] = tuple(sorted(found))
