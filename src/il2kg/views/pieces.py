"""A large component laid out in pieces: each cluster alone (cached by its shape), the clusters and hubs placed by a
cheap force-directed layout of the small graph between them.

At a thousand documents every view is one component (all trials share IL-2, placebo, the extractor...), so a
whole-component layout changes, and is computed again, whenever one document is added. Here the hubs are the
nodes many documents share: vocabulary (any IRI outside the data namespace) and nodes of HUB_DEGREE links or
more. Without them the component falls apart into clusters, mostly one document's or one trial's nodes. Each
cluster is laid out alone by `shape` (its layout depends only on its shape, so positions.py caches it by a hash of
that), then a quotient graph (one node per cluster and per hub, edges weighted by the links between them) is laid
out by Fruchterman-Reingold on a grid (~0.03 s at 600 pieces), its discs pushed apart, and each cluster turned to
face the hubs it links to. Adding a document lays out its own cluster and the quotient graph again: the positions
stay a function of the graph alone (no previous build's positions are read), whatever the order of the build.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from il2kg.vocab import ID

HUB_DEGREE = 40  # a data node with this many links is shared (the extractor agent, a much-cited trial)
HUB_RADIUS = 60.0  # pixels a hub claims around itself
DENSITY = 0.35  # of the layout's disc covered by pieces, before they are pushed apart
SPACING = 60.0  # pixels between the discs of two pieces
APART_UP_TO = 3000  # pieces; above, pushing every pair apart costs more than it is worth (discs may overlap)
SEED = 7

Shape = Callable[[int, list[tuple[int, int]], bool], list[tuple[float, float]]]
Radius = Callable[[int], float]


def clusters(nodes: list[str], edges: list[tuple[int, int]]) -> tuple[list[int], list[list[int]]]:
    """The hubs (indices, sorted) and the clusters: connected parts left when the hubs are taken out, each its
    sorted indices, in the order of their first index."""
    neighbours: list[list[int]] = [[] for _ in nodes]
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    data = str(ID)
    hub = [not node.startswith(data) or len(neighbours[i]) >= HUB_DEGREE for i, node in enumerate(nodes)]
    seen = list(hub)
    found = []
    for start in range(len(nodes)):  # a walk in index order: nothing iterates a set
        if seen[start]:
            continue
        seen[start] = True
        stack, members = [start], []
        while stack:
            current = stack.pop()
            members.append(current)
            for nxt in neighbours[current]:
                if not seen[nxt]:
                    seen[nxt] = True
                    stack.append(nxt)
        found.append(sorted(members))
    return [i for i, is_hub in enumerate(hub) if is_hub], found


def pieced(nodes: list[str], edges: list[tuple[int, int]], shape: Shape, radius: Radius
           ) -> list[tuple[float, float]] | None:
    """Pixel positions of a component's nodes (centred on 0), or None when it does not fall apart into pieces."""
    hubs, parts = clusters(nodes, edges)
    if not hubs or len(parts) < 2:
        return None
    piece = [0] * len(nodes)  # node index -> piece index: hubs first, then clusters
    for k, hub in enumerate(hubs):
        piece[hub] = k
    local: list[list[tuple[int, int]]] = [[] for _ in parts]
    attached: list[list[tuple[int, int]]] = [[] for _ in parts]  # per cluster: (member's position, hub's piece)
    position = {}
    for k, members in enumerate(parts):
        for j, member in enumerate(members):
            piece[member], position[member] = len(hubs) + k, j
    links: dict[tuple[int, int], int] = {}
    for a, b in edges:
        pa, pb = piece[a], piece[b]
        if pa == pb:
            local[pa - len(hubs)].append((min(position[a], position[b]), max(position[a], position[b])))
        else:
            key = (min(pa, pb), max(pa, pb))
            links[key] = links.get(key, 0) + 1
            if key[1] >= len(hubs) > key[0]:  # a cluster's member linked to a hub
                member = a if pa == key[1] else b
                attached[key[1] - len(hubs)].append((position[member], key[0]))
    radii = [HUB_RADIUS] * len(hubs) + [radius(len(members)) for members in parts]
    centres = _quotient(len(radii), links, radii)
    out: list[tuple[float, float]] = [(0.0, 0.0)] * len(nodes)
    for k, hub in enumerate(hubs):
        out[hub] = centres[k]
    for k, members in enumerate(parts):
        coords = shape(len(members), sorted(set(local[k])), True)
        cx, cy = centres[len(hubs) + k]
        turn = _facing(coords, attached[k], (cx, cy), centres)
        cos, sin, r = math.cos(turn), math.sin(turn), radii[len(hubs) + k]
        for member, (x, y) in zip(members, coords, strict=True):
            out[member] = (cx + r * (x * cos - y * sin), cy + r * (x * sin + y * cos))
    return out


def _quotient(size: int, links: dict[tuple[int, int], int], radii: list[float]) -> list[tuple[float, float]]:
    """Centres of the pieces: a seeded grid Fruchterman-Reingold of the quotient graph (weights: links, damped),
    scaled to give the pieces room, then discs pushed apart."""
    from il2kg.views.positions import igraph_module

    igraph = igraph_module()
    pairs = sorted(links)
    degree = [0] * size
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    # A hub that every cluster links to (IL-2, the extractor) would pull them all into one ring around it; a
    # link weighs less the more pieces its ends link to, so the rarer hubs (a disease) gather their clusters.
    weights = [math.sqrt(links[(a, b)] / max(degree[a], degree[b])) for a, b in pairs]
    igraph.set_random_number_generator(random.Random(SEED))
    try:
        drawn = igraph.Graph(n=size, edges=pairs)
        found = drawn.layout_fruchterman_reingold(weights=weights, niter=500, grid=True).coords
    finally:
        igraph.set_random_number_generator(random)
    cx = sum(x for x, _ in found) / size
    cy = sum(y for _, y in found) / size
    reach = max(math.hypot(x - cx, y - cy) for x, y in found) or 1.0
    scale = math.sqrt(sum(r * r for r in radii) / DENSITY) / reach
    centres = [((x - cx) * scale, (y - cy) * scale) for x, y in found]
    return apart(centres, radii, SPACING) if size <= APART_UP_TO else centres


def apart(centres: list[tuple[float, float]], radii: list[float], gap: float, rounds: int = 100
          ) -> list[tuple[float, float]]:
    """Push apart discs (centre, radius) that overlap or come closer than `gap`: each close pair half the
    shortfall per round, never by chance (coincident centres split along a direction fixed by their index).

    Only pairs found near each other (within half as far again as they may come) are pushed; they are found
    again (a blockwise all-pairs pass) every 25 rounds, so a round costs the near pairs, not all n^2 of them
    (600 pieces: ~0.05 s in all)."""
    import numpy as np

    at = np.array(centres, dtype=float)
    size = np.array(radii, dtype=float)
    angles = np.arange(len(centres), dtype=float) * 2.399963  # the golden angle: distinct directions
    at += 1e-6 * np.column_stack([np.cos(angles), np.sin(angles)])
    reach = 1.5 * (2 * size.max() + gap)  # a pair further apart than this is not near
    for _sweep in range(max(1, rounds // 25)):
        first, second = _near(at, 1.5 * (size + gap / 2), reach)
        if not len(first):
            break
        need = size[first] + size[second] + gap
        for _round in range(25):
            diff = at[first] - at[second]
            dist = np.maximum(np.hypot(diff[:, 0], diff[:, 1]), 1e-9)
            short = np.maximum(need - dist, 0.0)
            if not short.any():
                break
            push = diff * (short / (2 * dist))[:, None]
            for axis in (0, 1):
                at[:, axis] += np.bincount(first, push[:, axis], len(at)) - np.bincount(second, push[:, axis], len(at))
    return [(float(x), float(y)) for x, y in at]


def _near(at, claim, reach: float, block: int = 512):
    """Index pairs (i < j) of discs that overlap, claims (radius plus half the gap) included; blockwise, so the
    memory is block x n, never n^2."""
    import numpy as np

    firsts, seconds = [], []
    for start in range(0, len(at), block):
        rows = at[start:start + block]
        dist = np.hypot(rows[:, None, 0] - at[None, :, 0], rows[:, None, 1] - at[None, :, 1])
        i, j = np.nonzero((dist < claim[start:start + block, None] + claim[None, :]) & (dist < reach))
        i += start
        keep = i < j
        firsts.append(i[keep])
        seconds.append(j[keep])
    return np.concatenate(firsts), np.concatenate(seconds)


def _facing(coords: list[tuple[float, float]], attached: list[tuple[int, int]], centre: tuple[float, float],
            centres: list[tuple[float, float]]) -> float:
    """The turn (radians) that points the cluster's members linked to hubs towards those hubs' centres."""
    ax = ay = tx = ty = 0.0
    for member, hub in attached:
        ax, ay = ax + coords[member][0], ay + coords[member][1]
        tx, ty = tx + centres[hub][0] - centre[0], ty + centres[hub][1] - centre[1]
    if math.hypot(ax, ay) < 1e-9 or math.hypot(tx, ty) < 1e-9:
        return 0.0
    return math.atan2(ty, tx) - math.atan2(ay, ax)
