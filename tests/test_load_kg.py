"""One way to open the graph: load_kg(store) in memory or on Oxigraph, loaded incrementally."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from il2kg import resources, triplestore
from il2kg.cli import main
from il2kg.triplestore import load_kg


@pytest.fixture()
def sources(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "triples"
    folder.mkdir()
    paths = [resources.ONTOLOGY]
    for path in resources.triple_files()[:3]:
        paths.append(folder / path.name)
        paths[-1].write_bytes(path.read_bytes())
    return paths


def test_a_changed_file_is_the_only_one_loaded_again(tmp_path: Path, sources, monkeypatch):
    spec = f"oxigraph:{tmp_path / 'store'}"
    load_kg(spec, sources).close()
    loaded: list[str] = []
    real = triplestore._reload

    def spy(inner, files, wanted, stored):
        loaded.extend(name for name in wanted if stored.get(name) != wanted[name])
        return real(inner, files, wanted, stored)

    monkeypatch.setattr(triplestore, "_reload", spy)
    changed = sources[-1]
    changed.write_text(changed.read_text(encoding="utf-8").replace("il2kg:", "il2kg:", 1) + "\n# edited\n",
                       encoding="utf-8")
    graph = load_kg(spec, sources)
    try:
        assert loaded == [triplestore._graph_name(changed)]
        assert len(graph) == len(load_kg("memory", sources))
    finally:
        graph.close()


def test_a_removed_file_leaves_the_store_but_shared_triples_stay(tmp_path: Path, sources):
    spec = f"oxigraph:{tmp_path / 'store'}"
    load_kg(spec, sources).close()
    fewer = load_kg(spec, sources[:-1])
    try:
        assert len(fewer) == len(load_kg("memory", sources[:-1]))
    finally:
        fewer.close()


def test_the_default_store_is_memory_for_a_small_graph_and_oxigraph_above_the_size(tmp_path: Path, sources,
                                                                                  monkeypatch):
    assert triplestore.default_store(sources) == "memory"
    monkeypatch.setattr(triplestore, "AUTO_STORE_BYTES", 10)
    assert triplestore.default_store(sources, tmp_path / "triples").startswith("oxigraph:")


def test_graph_queries_answer_through_the_cli_on_oxigraph(tmp_path: Path):
    text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    on_disk = CliRunner().invoke(main, ["query", "--sparql", text, "--store", f"oxigraph:{tmp_path / 's'}"])
    assert on_disk.exit_code == 0, on_disk.output
    assert "id:graph/" in on_disk.output
    in_memory = CliRunner().invoke(main, ["query", "--sparql", text, "--store", "memory"])
    assert in_memory.exit_code == 2 and "--store oxigraph" in in_memory.output
    assert "Traceback" not in in_memory.output


def test_exports_are_the_same_bytes_from_memory_and_from_oxigraph(tmp_path: Path):
    runner = CliRunner()
    memory = runner.invoke(main, ["export", "--format", "nt", "--out", str(tmp_path / "m.nt"), "--store", "memory"])
    disk = runner.invoke(main, ["export", "--format", "nt", "--out", str(tmp_path / "o.nt"),
                                "--store", f"oxigraph:{tmp_path / 'store'}"])
    assert memory.exit_code == 0 and disk.exit_code == 0, memory.output + disk.output
    assert (tmp_path / "m.nt").read_bytes() == (tmp_path / "o.nt").read_bytes()
