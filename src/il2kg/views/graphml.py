"""GraphML export of a view: every attribute a string, nodes and edges in sorted order, same bytes each run."""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx

from il2kg.rdf_io import atomic_write


def _text(value: object) -> str:
    if isinstance(value, (tuple, list)):
        if value and all(isinstance(v, (tuple, list)) and len(v) == 2 for v in value):
            return "\n".join(f"{k}: {v}" for k, v in value)
        return "\n".join(str(v) for v in value)
    return str(value)


def stringified(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy of a view with every attribute as a string (facts as 'key: value' lines), sorted."""
    out = nx.DiGraph()
    for node in sorted(graph):
        out.add_node(node, **{k: _text(v) for k, v in sorted(graph.nodes[node].items())})
    for source, target in sorted(graph.edges()):
        out.add_edge(source, target, **{k: _text(v) for k, v in sorted(graph.edges[source, target].items())})
    return out


def graphml_bytes(graph: nx.DiGraph) -> bytes:
    """The GraphML document of a view."""
    buffer = io.BytesIO()
    nx.write_graphml(stringified(graph), buffer, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return buffer.getvalue()


def write_graphml(graph: nx.DiGraph, path: Path) -> Path:
    """Write a view as GraphML to `path`; return the path."""
    atomic_write(Path(path), graphml_bytes(graph))
    return Path(path)
