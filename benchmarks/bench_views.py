"""Time the layout and write_html and report the page size for synthetic view graphs of 500, 5,000 and 20,000
nodes; and the aggregated mechanism map of 1,000 generated trials.

Run: python benchmarks/bench_views.py  (prints one line per size; no assertions)
     python benchmarks/bench_views.py --data /tmp/bbv/1000/data/triples  (the build's views step on a data folder,
     e.g. one kept by bench_build.py --keep: view parts and views with an empty cache; "+1", the views of all the
     files with a cache warmed on all but the last one (a rebuild after adding one document); then warm; as wall
     and CPU seconds, and the reasoner on the same index; the cache goes to a temporary folder)
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import networkx as nx

from il2kg.views.html import write_html
from il2kg.views.network import tag_diseases
from il2kg.views.positions import positions

TESTS = Path(__file__).resolve().parents[1] / "tests"

BASE = "https://w3id.org/il2kg/id/"
TYPES = ("Trial", "Intervention", "Outcome", "Result", "Publication")


def synthetic(nodes: int, seed: int = 1) -> nx.DiGraph:
    """A trial-shaped graph: 20 diseases and 12 biomarkers shared by trials with their own parts."""
    rng = random.Random(seed)
    graph = nx.DiGraph()
    diseases = [f"{BASE}disease/{i}" for i in range(20)]
    markers = [f"{BASE}biomarker/{i}" for i in range(12)]
    for iri in diseases:
        graph.add_node(iri, type="Disease", label=iri[-12:], weight=0, facts=(), evidence=())
    for iri in markers:
        graph.add_node(iri, type="CellPopulation", label=iri[-12:], weight=0, facts=(), evidence=())
    index = 0
    while graph.number_of_nodes() < nodes:
        trial = f"{BASE}trial/T{index}"
        graph.add_node(trial, type="Trial", label=f"TRIAL-{index}", weight=rng.randint(1, 30),
                       facts=(("registry id", f"NCT{index:08d}"),), evidence=(f"Trial {index} <b>sentence</b> & co.",))
        graph.add_edge(trial, rng.choice(diseases), relation="studies")
        for part in range(rng.randint(3, 12)):
            kind = TYPES[1 + part % (len(TYPES) - 1)]
            node = f"{trial}/{kind.lower()}/{part}"
            graph.add_node(node, type=kind, label=f"{kind} {part}", weight=rng.randint(0, 8), facts=(),
                           evidence=(f"Evidence for {kind} {part} of trial {index}.",))
            graph.add_edge(trial, node, relation="has")
            if kind == "Result":
                graph.add_edge(node, rng.choice(markers), relation="effect", direction="increase", significant="yes",
                               results=1, detail=("week 12: increase, p < 0.001",), evidence=())
        index += 1
    tag_diseases(graph)
    return graph


def mechanism_map_of_trials(trials: int, tmp: str) -> None:
    """The aggregated mechanism map of generated trials (the test suite's generator): size and times."""
    import sys

    sys.path.insert(0, str(TESTS))
    from test_views import many_trials_graph

    from il2kg.ontology import load_ontology
    from il2kg.views.projections import mechanism_map

    graph = many_trials_graph(trials)
    start = time.perf_counter()
    view = mechanism_map(graph, load_ontology())
    project = time.perf_counter() - start
    path = Path(tmp) / "mechanism-map.html"
    start = time.perf_counter()
    write_html(view, path, "mechanism map")
    write = time.perf_counter() - start
    print(f"mechanism map of {trials} trials ({len(graph)} triples): {view.number_of_nodes()} nodes "
          f"{view.number_of_edges()} edges, projection {project:.2f} s, write_html {write:.2f} s, "
          f"{path.stat().st_size / 1e6:.2f} MB")


def _clock() -> tuple[float, float]:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter(), usage.ru_utime + usage.ru_stime


def _since(start: tuple[float, float]) -> str:
    now = _clock()
    return f"{now[0] - start[0]:.2f} s ({now[1] - start[1]:.2f} s CPU)"


def views_of_data(triples: Path) -> None:
    """The build's views step on a data folder: cold (no cache), +1 (cache warm on all files but the last), warm."""
    import gc
    import os
    import shutil

    import igraph  # noqa: F401  (imports timed apart: the build has most of them loaded by then)
    import matplotlib.figure  # noqa: F401
    import pyvis.network  # noqa: F401

    from il2kg.build import load_files
    from il2kg.ontology import load_ontology
    from il2kg.reason import reason
    from il2kg.views import write_views
    from il2kg.views.parts import view_data_of_files

    files, ontology = load_files(triples), load_ontology()
    print(f"{len(files)} data files under {triples}; load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        for run, given in (("cold", files), ("warm on all but one", files[:-1]), ("+1", files), ("warm", files)):
            if run == "cold":
                shutil.rmtree(cache, ignore_errors=True)
            start = _clock()
            data = view_data_of_files(given, cache / "views")
            parts = _since(start)
            gc.freeze()  # as the build does: the index lives to the end
            start = _clock()
            reasoning = reason(ontology, data)
            reasoned = _since(start)
            start = _clock()
            write_views(data, ontology, Path(tmp) / "out", layouts=cache / "layouts")
            print(f"  {run}: view parts {parts}, reason ({reasoning.engine}) {reasoned}, write_views {_since(start)}, "
                  f"{len(data)} triples kept", flush=True)
            gc.unfreeze()


def main() -> None:
    import sys

    if sys.argv[1:2] == ["--data"]:
        views_of_data(Path(sys.argv[2]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        for size in (500, 5_000, 20_000):
            graph = synthetic(size)
            path = Path(tmp) / f"view-{size}.html"
            start = time.perf_counter()
            positions(graph)
            layout = time.perf_counter() - start
            start = time.perf_counter()
            write_html(graph, path, f"synthetic {size}")  # lays the graph out again, then writes
            seconds = time.perf_counter() - start
            counts = f"{graph.number_of_nodes():>6} nodes {graph.number_of_edges():>6} edges"
            print(f"{counts}: layout {layout:6.2f} s, write_html (layout included) {seconds:6.2f} s, "
                  f"{path.stat().st_size / 1e6:6.2f} MB", flush=True)
        mechanism_map_of_trials(1_000, tmp)


if __name__ == "__main__":
    main()
