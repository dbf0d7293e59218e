"""Large components laid out in pieces (views/pieces.py): clusters around shared hubs, each cluster's shape cached,
so adding one document lays out its own cluster and the small graph between pieces, nothing else (issue 10)."""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest

from il2kg.views import pieces, positions
from il2kg.vocab import ID, LEX, OBO

HUBS = [str(OBO[f"MONDO_000{d}"]) for d in range(4)] + [str(LEX.interleukin2)]


def trials(count: int, first: int = 0) -> nx.Graph:
    """`count` trials of 12 data nodes each (a tree of varied shape), each linked to IL-2 and to one of 4
    diseases (vocabulary: the hubs)."""
    graph = nx.Graph()
    for t in range(first, first + count):
        rng = random.Random(t)
        names = [f"{ID}trial{t:04d}/n{i:02d}" for i in range(12)]
        for i, name in enumerate(names):
            graph.add_node(name)
            if i:
                graph.add_edge(names[rng.randrange(max(0, i - 3), i)], name)
        graph.add_edge(names[0], HUBS[t % 4])
        graph.add_edge(names[rng.randrange(12)], HUBS[4])
    return graph


def test_hubs_are_vocabulary_and_much_linked_nodes_and_clusters_what_is_left(monkeypatch):
    graph = trials(8)
    for t in range(8):
        graph.add_edge(f"{ID}agent", f"{ID}trial{t:04d}/n05")
    nodes = sorted(graph)
    index = {n: i for i, n in enumerate(nodes)}
    edges = sorted((min(index[a], index[b]), max(index[a], index[b])) for a, b in graph.edges())
    hubs, parts = pieces.clusters(nodes, edges)
    assert {nodes[h] for h in hubs} == set(HUBS)
    assert [len(p) for p in parts] == [97]  # an agent of 8 links is no hub: it joins the trials into one cluster
    monkeypatch.setattr(pieces, "HUB_DEGREE", 8)  # a tree node has 6 links at most
    hubs, parts = pieces.clusters(nodes, edges)
    assert {nodes[h] for h in hubs} == {*HUBS, f"{ID}agent"} and [len(p) for p in parts] == [12] * 8


def test_a_large_component_is_laid_out_in_pieces_with_clusters_together_near_their_disease():
    graph = trials(60)  # 724 nodes in one component: past EVEN_UP_TO
    where = positions.positions(graph)
    assert set(where) == set(graph)

    def distance(a: str, b: str) -> float:
        return math.dist(where[a], where[b])

    own = [distance(a, b) for a, b in graph.edges() if a.startswith(str(ID)) and b.startswith(str(ID))]
    nodes = sorted(n for n in graph if n.startswith(str(ID)))
    others = [distance(a, b) for a, b in zip(nodes, nodes[12:], strict=False)]  # 12 apart: another trial
    assert sum(own) / len(own) < 0.2 * sum(others) / len(others)  # a trial's nodes lie together
    for d in range(4):  # a disease sits nearer its own trials than the others
        mine = [distance(HUBS[d], f"{ID}trial{t:04d}/n00") for t in range(60) if t % 4 == d]
        theirs = [distance(HUBS[d], f"{ID}trial{t:04d}/n00") for t in range(60) if t % 4 != d]
        assert sum(mine) / len(mine) < sum(theirs) / len(theirs)
    close = [(a, b) for i, a in enumerate(nodes) for b in nodes[i + 1:] if distance(a, b) < 30]
    assert close == []  # no node sits on another


def test_adding_a_trial_lays_out_its_cluster_alone_and_gives_what_a_cold_layout_gives(tmp_path, monkeypatch):
    graph = trials(40)
    with positions.cached_in(tmp_path):
        positions.positions(graph)
    cached = sorted(p.name for p in tmp_path.glob("*.json"))
    assert cached  # the clusters' shapes are kept
    grown = nx.compose(graph, trials(1, first=977))
    cold = positions.positions(grown)
    laid_out = []
    real = positions._computed
    monkeypatch.setattr(positions, "_computed", lambda size, edges, piece=False: laid_out.append(size) or
                        real(size, edges, piece))
    with positions.cached_in(tmp_path):
        assert positions.positions(grown) == cold  # a function of the graph, not of what was cached before
    assert laid_out in ([], [12])  # at most the new trial's shape, when no other trial had it
    laid_out.clear()
    with positions.cached_in(tmp_path):
        assert positions.positions(grown) == cold
    assert laid_out == []


def test_cached_shapes_of_clusters_gone_from_the_graph_are_dropped_and_a_corrupt_one_is_redone(tmp_path):
    with positions.cached_in(tmp_path):
        first = positions.positions(trials(40))
    before = {p.name for p in tmp_path.glob("*.json")}
    with positions.cached_in(tmp_path):
        positions.positions(trials(40, first=500))  # other trials: mostly other shapes
    with positions.cached_in(tmp_path / "fresh"):
        positions.positions(trials(40, first=500))
    now = {p.name for p in tmp_path.glob("*.json")}
    assert now == {p.name for p in (tmp_path / "fresh").glob("*.json")} != before  # what the last build used
    with positions.cached_in(tmp_path):
        positions.positions(trials(40))
    for path in tmp_path.glob("*.json"):
        path.write_text("{not json")
    with positions.cached_in(tmp_path):
        assert positions.positions(trials(40)) == first
    assert {p.name for p in tmp_path.glob("*.json")} == before


@pytest.mark.parametrize("count", [1, 2])
def test_pushing_discs_apart_leaves_no_overlap(count):
    centres = [(0.0, 0.0)] * (30 * count) + [(float(i), 0.0) for i in range(30)]
    radii = [10.0 + (i % 7) for i in range(len(centres))]
    out = pieces.apart(centres, radii, 5.0, rounds=400)
    short = [(i, j) for i in range(len(out)) for j in range(i + 1, len(out))
             if math.dist(out[i], out[j]) < radii[i] + radii[j] + 5.0 - 1e-6]
    assert short == []
    assert out == pieces.apart(centres, radii, 5.0, rounds=400)  # no chance in it


def test_pieced_positions_are_the_same_whatever_the_hash_seed(tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = ("import json, sys; sys.path.insert(0, sys.argv[1]); from test_layout_pieces import trials; "
              "from il2kg.views.positions import positions, cached_in; from pathlib import Path\n"
              "with cached_in(Path(sys.argv[2])): print(json.dumps(sorted(positions(trials(40)).items())))")
    found = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent), str(tmp_path / seed)],
                              capture_output=True, text=True, env=env, check=True)
        found.append(json.loads(done.stdout))
    assert found[0] == found[1] == found[2] and len(found[0]) == 40 * 12 + len(HUBS)
