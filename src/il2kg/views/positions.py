"""Stable node positions: a seeded force-directed layout (igraph: Kamada-Kawai, DrL for large parts) per component;
a component above EVEN_UP_TO nodes that falls apart into clusters around shared hubs is laid out in pieces
(views/pieces.py), which is what every view at a thousand documents is. Each shape (a component's or a cluster's
size and edges) is laid out once and, inside `cached_in`, kept on disk by its hash: a rebuild after one more
document lays out the new document's cluster and the small graph between pieces, nothing else.

Everything is sorted before the layout sees it (nodes, edges, components) and the layout's random
numbers come from a private seeded generator, so the same graph gets the same positions whatever
PYTHONHASHSEED is. networkx's layouts were measured and left out: its subgraph views iterate a set
(node order, hence positions, changed with the hash seed), its forceatlas2_layout is dense O(n^2) per
iteration (2,000 nodes 12 s, 5,000 nodes 98 s and 1.25 GB) and spring_layout needs scipy above 500
nodes and took ~45 s at 5,000. igraph's layouts run in C (benchmarks/bench_views.py prints the times).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import networkx as nx

from il2kg.rdf_io import atomic_write

SEED = 7
COMPONENT_GAP = 120.0
HUB_MARGIN = 60.0  # pixels around the outermost node of a component laid out in pieces
MIN_GAP = 70.0  # pixels between node centres in small components, so labels have room
EVEN_UP_TO = 300  # Kamada-Kawai spaces small components evenly (FR packs leaves on top of each other); O(n^2)
# Above that, DrL (OpenOrd's force-directed layout, built for large graphs) keeps clusters together: on 40
# linked trees of 30 nodes the mean distance within a tree over that between trees is 0.16 (FR with a grid
# 0.55, Kamada-Kawai 0.47), in ~1-3 s at 1,200 nodes and ~3.5 s at 5,000; but ~20 s at 20,000 nodes.
CLUSTERED_UP_TO = 5000
# Above that, Fruchterman-Reingold on a grid: near-linear, ~1 s at 20,000 nodes; clusters less tight.


def positions(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Pixel positions for every node, the same for the same graph (rounded to 0.1 px)."""
    if graph.number_of_nodes() == 0:
        return {}
    found = force_positions(graph)
    return {node: (round(x, 1), round(y, 1)) for node, (x, y) in found.items()}


def components(graph: nx.Graph) -> list[tuple[list[str], list[tuple[int, int]]]]:
    """Connected components, largest first: each its sorted nodes and its edges as sorted index pairs."""
    nodes = sorted(graph)
    index = {node: i for i, node in enumerate(nodes)}
    neighbours: dict[int, set[int]] = {i: set() for i in range(len(nodes))}
    for source, target in graph.edges():
        a, b = index[source], index[target]
        if a != b:
            neighbours[a].add(b)
            neighbours[b].add(a)
    seen: set[int] = set()
    parts = []
    for start in range(len(nodes)):  # a walk in sorted order: no set iteration decides anything
        if start in seen:
            continue
        seen.add(start)
        stack, members = [start], []
        while stack:
            current = stack.pop()
            members.append(current)
            for nxt in sorted(neighbours[current] - seen):
                seen.add(nxt)
                stack.append(nxt)
        members.sort()
        local = {m: i for i, m in enumerate(members)}
        edges = sorted({(min(local[a], local[b]), max(local[a], local[b])) for a in members for b in neighbours[a]})
        parts.append(([nodes[m] for m in members], edges))
    parts.sort(key=lambda part: (-len(part[0]), part[0][0]))
    return parts


LAYOUT_VERSION = "igraph-kk-drl-fr-pieces-2"  # change it with the layout code: cached layouts are then made again
CACHE_FROM = 8  # shapes smaller than this lay out in a millisecond: not worth a file
_CACHE: list[Path] = []  # the folder layouts are cached in, while `cached_in` is on
_USED: set[str] = set()
_MEMO: dict[str, list[tuple[float, float]]] = {}  # shapes laid out in this block: clusters often share one


@contextmanager
def cached_in(folder: Path | None, prune: bool = True) -> Iterator[None]:
    """Inside the block, keep the layout of each shape (a component's or a cluster's size and edges, which decide
    its layout) in `folder` by a hash of the shape, and reuse it; layouts the block did not use are removed at its
    end, so the folder holds only what the last build drew. With prune=False (the build, whose two processes
    share the folder) nothing is removed here: each layout used is touched (its file time), and views/shared.py
    removes, once both are done, those neither touched since the build started."""
    if folder is None:
        yield
        return
    _CACHE.append(folder)
    _USED.clear()
    _MEMO.clear()
    try:
        yield
        if prune:
            for stale in folder.glob("*.json"):
                if stale.name not in _USED:
                    stale.unlink(missing_ok=True)
    finally:
        _CACHE.pop()
        _MEMO.clear()


def shape(size: int, edges: list[tuple[int, int]], piece: bool = False) -> list[tuple[float, float]]:
    """The coordinates of one shape (nodes 0..size-1, sorted index edges) in the unit disc, small ones spaced
    for their labels: from this block's memo, else the cache folder when one is on, else laid out. A `piece`
    (a cluster of a component laid out in pieces) above EVEN_UP_TO nodes is laid out by grid Fruchterman-Reingold:
    its clusters are already apart, and DrL took 0.6 s at 500 nodes where FR takes 0.02 s."""
    piece = piece and size > EVEN_UP_TO
    name = hashlib.sha256(json.dumps([_layout_code(), size, edges, piece]).encode()).hexdigest() + ".json"
    found = _MEMO.get(name)
    if found is not None:
        return found
    path = _CACHE[-1] / name if _CACHE and size >= CACHE_FROM else None
    if path is not None:
        _USED.add(name)
        found = _read(path, size)
        if found is not None:
            _touch(path)
    if found is None:
        found = _computed(size, edges, piece)
        if 1 < size <= EVEN_UP_TO:
            found = separated(found, MIN_GAP / _radius(size))
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(path, json.dumps(found).encode())  # floats written as repr: read back to the same bits
            except OSError:
                pass  # a read-only checkout still builds; it only lays out again next time
    _MEMO[name] = found
    return found


def _touch(path: Path) -> None:
    try:
        os.utime(path)  # used in this build: kept by prune_unused
    except OSError:
        pass  # a read-only checkout still builds


def _read(path: Path, size: int) -> list[tuple[float, float]] | None:
    """A cached layout, or None when it is absent, corrupt or of another size (laid out again)."""
    try:
        found = json.loads(path.read_bytes())
        if isinstance(found, list) and len(found) == size:
            return [(float(x), float(y)) for x, y in found]
    except (OSError, ValueError, TypeError):
        pass
    return None


@cache
def _layout_code() -> list[object]:
    """What else decides a layout: this code's version and settings, and igraph's version."""
    from importlib.metadata import version

    return [LAYOUT_VERSION, SEED, EVEN_UP_TO, CLUSTERED_UP_TO, version("igraph")]


def _computed(size: int, edges: list[tuple[int, int]], piece: bool = False) -> list[tuple[float, float]]:
    """Kamada-Kawai, DrL or grid Fruchterman-Reingold coordinates of one shape, normalised to the unit disc."""
    if size == 1:
        return [(0.0, 0.0)]
    igraph = igraph_module()
    rng = random.Random(SEED)
    igraph.set_random_number_generator(rng)  # igraph draws its start positions from this generator
    try:
        drawn = igraph.Graph(n=size, edges=edges)
        if size <= EVEN_UP_TO:
            found = drawn.layout_kamada_kawai().coords
        elif size <= CLUSTERED_UP_TO and not piece:
            found = drawn.layout_drl().coords
        else:
            found = drawn.layout_fruchterman_reingold(niter=500, grid=True).coords
    finally:
        igraph.set_random_number_generator(random)
    cx = sum(x for x, _ in found) / size
    cy = sum(y for _, y in found) / size
    reach = max(math.hypot(x - cx, y - cy) for x, y in found) or 1.0
    return [((x - cx) / reach, (y - cy) / reach) for x, y in found]


def igraph_module():
    """igraph, imported without matplotlib: its drawing package imports matplotlib.pyplot when it can (~0.3 s of
    every build, and pyplot's global state), and the layouts never draw. With matplotlib hidden from that import,
    igraph keeps a stand-in that raises only if something plots through igraph; the plots import matplotlib
    themselves, afterwards, as usual."""
    import sys

    found = sys.modules.get("igraph")
    if found is not None:
        return found
    hidden = {name: sys.modules.pop(name) for name in [n for n in sys.modules if n == "matplotlib"
                                                         or n.startswith("matplotlib.")]}
    sys.modules["matplotlib"] = None  # type: ignore[assignment]  # makes `import matplotlib` raise ImportError
    try:
        import igraph
    finally:
        del sys.modules["matplotlib"]
        sys.modules.update(hidden)
    return igraph


def force_positions(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """A seeded force-directed layout per connected component, components packed in rows, largest first.

    Laid out together, disconnected parts drift apart and squeeze the rest into a corner. A component above
    EVEN_UP_TO nodes with shared hubs is laid out in pieces (pieces.py), each piece's shape cached.
    """
    from il2kg.views.pieces import pieced

    if not _CACHE:
        _MEMO.clear()  # a memo for this call only: without a cache block nothing says when the graph is done
    placed = []
    for nodes, edges in components(graph):
        coords = pieced(nodes, edges, shape, _radius) if len(nodes) > EVEN_UP_TO else None
        if coords is None:
            radius = _radius(len(nodes))
            placed.append((nodes, [(x * radius, y * radius) for x, y in shape(len(nodes), edges)], radius))
        else:
            placed.append((nodes, coords, max(math.hypot(x, y) for x, y in coords) + HUB_MARGIN))
    row_width = 2 * placed[0][2] * max(1.0, math.sqrt(len(placed)) / 1.5)
    found: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for nodes, coords, radius in placed:
        if x > 0 and x + 2 * radius > row_width:
            x, y, row_height = 0.0, y + row_height + COMPONENT_GAP, 0.0
        for node, (px, py) in zip(nodes, coords, strict=True):
            found[node] = (x + radius + px, y + radius + py)
        x += 2 * radius + COMPONENT_GAP
        row_height = max(row_height, 2 * radius)
    return found


def separated(points: list[tuple[float, float]], gap: float, rounds: int = 40) -> list[tuple[float, float]]:
    """Push apart points closer than `gap` (pairs of hubs with the same neighbours land on one spot), in place of
    each other, never by chance: coincident points are split along a direction fixed by their index."""
    import numpy as np

    at = np.array(points, dtype=float)
    angles = np.arange(len(points), dtype=float) * 2.399963  # the golden angle: distinct directions
    at += 1e-6 * np.column_stack([np.cos(angles), np.sin(angles)])
    for _ in range(rounds):
        diff = at[:, None, :] - at[None, :, :]
        dist = np.hypot(diff[..., 0], diff[..., 1])
        np.fill_diagonal(dist, np.inf)
        close = dist < gap
        if not close.any():
            break
        push = np.where(close, (gap - dist) / (2 * np.where(close, dist, 1.0)), 0.0)
        at += (diff * push[..., None]).sum(axis=1)
    return [(float(x), float(y)) for x, y in at]


def _radius(size: int) -> float:
    return 110.0 * math.sqrt(size) + 40.0
