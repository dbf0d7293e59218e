"""What the views read without the rdflib data graph: ViewData, the per-file parts cached by sha256, the
GraphML writer and the layout cache, each against what the rdflib path gives (issue 10: views at scale)."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from test_views import example_graph, hostile_graph

from il2kg import resources
from il2kg.rdf_io import read_turtle_files, write_turtle
from il2kg.views import parts, positions, write_views
from il2kg.views.data import ViewData
from il2kg.views.graphml import graphml_bytes, stringified
from il2kg.views.lookup import Lookup
from il2kg.views.parts import view_data_of_files
from il2kg.views.plot_data import dose_points, effect_cells, forest_rows, predicates
from il2kg.views.projections import full_graph, mechanism_map
from il2kg.vocab import IL


def _files(folder: Path) -> list[tuple[Path, bytes]]:
    return [(path, path.read_bytes()) for path in sorted(folder.glob("*.ttl"))]


def _same(a: ViewData, b: ViewData) -> None:
    assert set(a) == set(b)
    assert a.quotes == b.quotes
    assert a.weights == b.weights


@pytest.fixture(scope="module")
def fixture_files(tmp_path_factory) -> Path:
    """The hostile fixture graph as one Turtle file."""
    folder = tmp_path_factory.mktemp("triples")
    write_turtle(hostile_graph(), folder / "all.ttl")
    return folder


def test_parts_of_the_data_files_give_what_the_rdflib_graph_gives(tmp_path):
    files = _files(resources.TRIPLES_DIR)
    assert files
    from_graph = ViewData.of_graph(read_turtle_files(path for path, _ in files))
    _same(view_data_of_files(files, tmp_path / "views"), from_graph)
    _same(view_data_of_files(files, tmp_path / "views"), from_graph)  # now every part from the cache
    assert len(list((tmp_path / "views").glob("*.json"))) == len({data for _, data in files})
    assert from_graph.weights and from_graph.quotes
    evidence = set(read_turtle_files(path for path, _ in files).subjects(None, IL.Evidence))
    assert not evidence & {s for s, _, _ in from_graph}  # no evidence node's own triple is kept


def test_views_from_cached_parts_have_the_bytes_of_views_from_the_rdflib_graph(fixture_files, ontology, tmp_path):
    write_views(hostile_graph(), ontology, tmp_path / "graph")
    files = _files(fixture_files)
    view_data_of_files(files, tmp_path / "cache")
    write_views(view_data_of_files(files, tmp_path / "cache"), ontology, tmp_path / "parts")
    written = sorted(p.name for p in (tmp_path / "graph").iterdir())
    assert len(written) == 12
    assert [n for n in written if (tmp_path / "graph" / n).read_bytes() != (tmp_path / "parts" / n).read_bytes()] == []


def test_a_part_is_read_from_the_cache_and_a_corrupt_or_stale_one_is_made_again(fixture_files, tmp_path, monkeypatch):
    files, cache = _files(fixture_files), tmp_path / "views"
    first = view_data_of_files(files, cache)
    (cached,) = cache.glob("*.json")
    (cache / "stale.json").write_text("{}")
    monkeypatch.setattr(parts, "part_of", lambda data, path: pytest.fail("parsed although cached"))
    _same(view_data_of_files(files, cache), first)
    assert not (cache / "stale.json").exists()  # a part no file has any more is removed
    monkeypatch.undo()
    cached.write_text('{"format": "il2kg-view-part-2", "triples": [[')
    _same(view_data_of_files(files, cache), first)
    assert json.loads(cached.read_bytes())["format"] == parts.FORMAT  # rewritten whole
    whole = json.loads(cached.read_bytes())
    for broken in ({**whole, "triples": whole["triples"] + [len(whole["terms"]), 0, 0]},  # an index past the terms
                   {**whole, "triples": whole["triples"][:-1]},  # a triple cut short
                   {**whole, "terms": None}, {**whole, "evidence": "x"}):
        cached.write_text(json.dumps(broken))
        _same(view_data_of_files(files, cache), first)
        assert json.loads(cached.read_bytes()) == whole  # made again, never an IndexError


def test_an_evidence_node_in_two_files_counts_once(fixture_files, tmp_path):
    (path, data), = _files(fixture_files)
    copy = tmp_path / "copy.ttl"
    copy.write_bytes(data)
    once = view_data_of_files([(path, data)])
    twice = view_data_of_files([(path, data), (copy, data + b"\n")])
    _same(once, twice)


def test_a_file_oxigraph_refuses_is_reported_by_name(tmp_path):
    from il2kg.errors import Il2kgError

    broken = tmp_path / "broken.ttl"
    broken.write_bytes(b"<a> <b> .\n")
    with pytest.raises(Il2kgError, match="broken.ttl"):
        view_data_of_files([(broken, broken.read_bytes())], tmp_path / "views")


def test_plot_rows_from_oxigraph_equal_those_from_rdflib(ontology):
    graph = example_graph()
    data = ViewData.of_graph(graph)
    by_rdflib, by_oxigraph = Lookup(graph, ontology), Lookup(data, ontology)
    assert effect_cells(graph, by_rdflib) == effect_cells(data, by_oxigraph) != {}
    markers = set(ontology.subjects(IL.indicatesMechanism, IL.tregExpansion))
    assert dose_points(graph, by_rdflib, markers) == dose_points(data, by_oxigraph, markers)
    assert forest_rows(graph, by_rdflib) == forest_rows(data, by_oxigraph) != []
    assert {IL.hasArmRole, IL.hasAgent, IL.receives, IL.forArm} <= predicates()  # named in FILTER NOT EXISTS paths


@pytest.mark.parametrize("project", [mechanism_map, full_graph])
def test_graphml_is_byte_for_byte_what_networkx_writes(project, ontology):
    import io

    for view in (project(hostile_graph(), ontology), nx.DiGraph()):
        buffer = io.BytesIO()
        nx.write_graphml(stringified(view), buffer, encoding="utf-8", prettyprint=True, named_key_ids=True)
        assert graphml_bytes(view) == buffer.getvalue()
    assert b"&lt;script&gt;" in graphml_bytes(project(hostile_graph(), ontology))


def test_a_cached_layout_gives_the_same_positions_and_a_corrupt_one_is_laid_out_again(tmp_path, monkeypatch):
    monkeypatch.setattr(positions, "CACHE_FROM", 3)
    graph = nx.path_graph([f"n{i:02d}" for i in range(12)])
    graph.add_edges_from([("m1", "m2"), ("m2", "m3"), ("m3", "m1")])
    fresh = positions.positions(graph)
    with positions.cached_in(tmp_path):
        assert positions.positions(graph) == fresh
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) == 2  # both components are cached
    monkeypatch.setattr(positions, "_computed", lambda *shape: pytest.fail("laid out although cached"))
    with positions.cached_in(tmp_path):
        assert positions.positions(graph) == fresh
    monkeypatch.undo()
    monkeypatch.setattr(positions, "CACHE_FROM", 3)
    files[0].write_text("[[0.5")
    (tmp_path / "stale.json").write_text("[]")
    with positions.cached_in(tmp_path):
        assert positions.positions(graph) == fresh
    assert sorted(tmp_path.glob("*.json")) == files  # rewritten, and the stale layout removed


def test_the_plot_predicates_are_kept_on_disk_and_a_corrupt_or_stale_entry_is_worked_out_again(tmp_path, monkeypatch):
    from il2kg.views import plot_data

    path = tmp_path / "plot-predicates.json"
    monkeypatch.setattr(plot_data, "PREDICATES_CACHE", path)
    plot_data.predicates.cache_clear()
    parsed = plot_data.predicates()
    assert parsed and IL.forArm in parsed and json.loads(path.read_bytes())["predicates"] == sorted(map(str, parsed))
    real = plot_data._named_predicates
    monkeypatch.setattr(plot_data, "_named_predicates", lambda texts: pytest.fail("parsed although cached"))
    plot_data.predicates.cache_clear()
    assert plot_data.predicates() == parsed
    monkeypatch.setattr(plot_data, "_named_predicates", real)
    for broken in ("{not json", json.dumps({"key": "another", "predicates": []}),
                   json.dumps({"key": json.loads(path.read_bytes())["key"], "predicates": [1]})):
        path.write_text(broken)
        plot_data.predicates.cache_clear()
        assert plot_data.predicates() == parsed
        assert json.loads(path.read_bytes())["predicates"] == sorted(map(str, parsed))  # written again
    plot_data.predicates.cache_clear()
