"""Stable node positions: a seeded spring layout for small graphs, rings by node type for large ones."""

from __future__ import annotations

import math

import networkx as nx

SPRING_LIMIT = 400  # networkx's spring layout takes ~1 s at 500 nodes and ~45 s at 5,000
NODE_SPACING = 40.0  # pixels between neighbours on a ring
RING_GAP = 250.0
COMPONENT_GAP = 120.0


def positions(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Pixel positions for every node, the same for the same graph (rounded to 0.1 px)."""
    if graph.number_of_nodes() == 0:
        return {}
    found = spring_positions(graph) if graph.number_of_nodes() <= SPRING_LIMIT else ring_positions(graph)
    return {node: (round(x, 1), round(y, 1)) for node, (x, y) in found.items()}


def spring_positions(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """A seeded Fruchterman-Reingold layout per connected component, components packed in rows.

    Laid out together, disconnected parts drift apart and squeeze the rest into a corner.
    """
    undirected = graph.to_undirected(as_view=True)
    parts = sorted((sorted(c) for c in nx.connected_components(undirected)), key=lambda c: (-len(c), c[0]))
    row_width = 2 * _radius(len(parts[0])) * max(1.0, math.sqrt(len(parts)) / 1.5)
    found: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for part in parts:
        radius = _radius(len(part))
        if x > 0 and x + 2 * radius > row_width:
            x, y, row_height = 0.0, y + row_height + COMPONENT_GAP, 0.0
        layout = nx.spring_layout(undirected.subgraph(part), seed=7, iterations=80, scale=radius,
                                  center=(x + radius, y + radius)) if len(part) > 1 else {part[0]: (x + radius,
                                                                                                  y + radius)}
        found.update({node: (float(px), float(py)) for node, (px, py) in layout.items()})
        x += 2 * radius + COMPONENT_GAP
        row_height = max(row_height, 2 * radius)
    return found


def _radius(size: int) -> float:
    return 90.0 * math.sqrt(size) + 40.0


def ring_positions(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Concentric rings, one per node type (smallest type innermost); around each ring nodes are
    ordered by their first disease and label, so one disease's nodes share an angle on every ring.
    Linear-logarithmic time: 20,000 nodes take well under a second.
    """
    by_type: dict[str, list[str]] = {}
    for node, kind in graph.nodes(data="type"):
        by_type.setdefault(str(kind), []).append(node)
    radius, found = 0.0, {}
    for kind in sorted(by_type, key=lambda k: (len(by_type[k]), k)):
        members = sorted(by_type[kind], key=lambda n: (_first(graph.nodes[n].get("diseases")),
                                                        str(graph.nodes[n].get("label", "")), n))
        radius = max(radius + RING_GAP, len(members) * NODE_SPACING / (2 * math.pi))
        step = 2 * math.pi / len(members)
        for index, node in enumerate(members):
            found[node] = (radius * math.cos(index * step), radius * math.sin(index * step))
    return found


def _first(values: object) -> str:
    return str(values[0]) if isinstance(values, (tuple, list)) and values else "~"
