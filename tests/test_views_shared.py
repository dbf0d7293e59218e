"""The views split between the build's two processes (views/shared.py): each unit of the queue goes to exactly one
process; whichever takes which, the files are the bytes `write_views` writes alone; the layouts cache keeps what
either used and drops the rest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_views import example_graph

from il2kg.views import write_views
from il2kg.views.shared import SHARED, Queue, SharedViews


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def alone(ontology, tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("alone")
    write_views(example_graph(), ontology, out)
    return _files(out)


@pytest.mark.parametrize("main_first", [True, False], ids=["main-claims-first", "child-claims-first"])
def test_either_split_writes_the_bytes_of_the_views_drawn_alone(main_first, alone, ontology, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    shared = SharedViews(example_graph(), ontology, out, cache)
    try:
        if main_first:
            shared.main()  # takes the plots, the citation map and the mechanism map
            assert sorted(os.listdir(out)) == sorted(n for n in alone if not n.startswith("full-graph"))
        shared.child()
        if not main_first:
            assert _files(out) == alone  # the child took everything
        shared.main()  # nothing left to take
        shared.done()
    finally:
        shared.close()
    assert _files(out) == alone


def test_done_keeps_the_layouts_either_process_used_and_drops_the_rest(ontology, tmp_path):
    cache = tmp_path / "cache"
    first = SharedViews(example_graph(), ontology, tmp_path / "first", cache)
    first.child()
    first.done()
    first.close()
    used = {p.name for p in (cache / "layouts").glob("*.json")}
    assert used, "the fixture's views have shapes of 8 nodes or more"
    stale = cache / "layouts" / ("0" * 64 + ".json")
    stale.write_text("[]")
    os.utime(stale, ns=(0, 0))  # last used long ago
    second = SharedViews(example_graph(), ontology, tmp_path / "second", cache)
    second.main()  # this process draws the small views, the child the full graph: both touch what they read
    second.child()
    second.done()
    second.close()
    assert {p.name for p in (cache / "layouts").glob("*.json")} == used


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the build shares the queue between forked processes")
def test_each_unit_of_the_queue_goes_to_exactly_one_process():
    queue = Queue(SHARED)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child takes what it can, as the views' child does, and reports it
        os.close(read)
        os.write(write, " ".join(queue).encode())
        os._exit(0)
    os.close(write)
    mine = list(queue)
    with os.fdopen(read) as pipe:
        theirs = pipe.read().split()
    os.waitpid(pid, 0)
    assert sorted(mine + theirs) == sorted(SHARED)
    assert queue.take() is None
    queue.close()
    assert queue.take() is None
