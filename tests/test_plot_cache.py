"""The plots' cache (views/plot_cache.py): a hit copies the bytes drawn before and draws nothing, a changed spec is
drawn, a corrupt entry is drawn again, stale entries are dropped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_plots import _with_ratio
from test_views import example_graph

from il2kg.rdf_io import new_graph
from il2kg.views import plot_cache, plots
from il2kg.views.plot_cache import NAMES, read_entry, spec_key, write_entry, write_plots


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _no_drawing(monkeypatch) -> None:
    def refuse(name, _spec):
        raise AssertionError(f"{name} drawn though its spec was cached")

    monkeypatch.setattr(plots, "draw", refuse)


def test_a_hit_draws_nothing_and_writes_the_bytes_an_uncached_drawing_writes(ontology, tmp_path, monkeypatch):
    graph, cache = _with_ratio(example_graph()), tmp_path / "cache"
    write_plots(graph, ontology, tmp_path / "uncached")
    write_plots(graph, ontology, tmp_path / "first", cache)
    assert len(list(cache.glob("*.plot"))) == len(NAMES)
    _no_drawing(monkeypatch)
    write_plots(graph, ontology, tmp_path / "second", cache)
    assert _files(tmp_path / "second") == _files(tmp_path / "first") == _files(tmp_path / "uncached")


def test_a_changed_spec_is_drawn_and_the_stale_entries_are_dropped(ontology, tmp_path):
    cache = tmp_path / "cache"
    write_plots(_with_ratio(example_graph()), ontology, tmp_path / "full", cache)
    before = {p.name for p in cache.glob("*.plot")}
    write_plots(new_graph(), ontology, tmp_path / "empty", cache)
    after = {p.name for p in cache.glob("*.plot")}
    assert len(after) == len(NAMES) and not before & after  # every plot of the empty graph differs
    write_plots(new_graph(), ontology, tmp_path / "uncached")
    assert _files(tmp_path / "empty") == _files(tmp_path / "uncached")
    assert _files(tmp_path / "empty")["forest.png"] != _files(tmp_path / "full")["forest.png"]


@pytest.mark.parametrize("damage", [lambda d: d[:-10], lambda d: d[:40] + b"X" + d[41:], lambda d: b"not a plot",
                                    lambda d: d.replace(b" ", b" x", 1)],
                         ids=["truncated", "flipped", "foreign", "bad-header"])
def test_a_corrupt_entry_is_drawn_again_never_an_error(damage, ontology, tmp_path):
    graph, cache = _with_ratio(example_graph()), tmp_path / "cache"
    write_plots(graph, ontology, tmp_path / "first", cache)
    for entry in cache.glob("*.plot"):
        entry.write_bytes(damage(entry.read_bytes()))
        assert read_entry(entry) is None
    write_plots(graph, ontology, tmp_path / "second", cache)
    assert _files(tmp_path / "second") == _files(tmp_path / "first")
    assert all(read_entry(entry) is not None for entry in cache.glob("*.plot"))  # written anew


def test_an_entry_reads_back_what_was_written(tmp_path):
    entry = tmp_path / "x.plot"
    write_entry(entry, (b"\x89PNG one", b"<svg>two</svg>"))
    assert read_entry(entry) == (b"\x89PNG one", b"<svg>two</svg>")
    assert read_entry(tmp_path / "missing.plot") is None


def test_the_key_follows_the_spec_and_not_the_hash_seed(ontology):
    graph = _with_ratio(example_graph())
    spec = plot_cache.SPECS["dose-treg"](graph, ontology)
    assert spec["panels"], "the fixture has dose points"
    assert spec_key("dose-treg", spec) != spec_key("dose-treg", {**spec, "skipped": spec["skipped"] + 1})
    code = ("import sys; sys.path.insert(0, 'tests'); from test_plots import _with_ratio; from test_views import "
            "example_graph; from il2kg.ontology import load_ontology; from il2kg.views.plot_cache import SPECS, "
            "spec_key; g = _with_ratio(example_graph()); o = load_ontology(); "
            "print(*(spec_key(n, SPECS[n](g, o)) for n in SPECS))")
    root = Path(__file__).resolve().parents[1]
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(keys) == 1 and spec_key("dose-treg", spec) in keys.pop()

