"""End to end through the CLI: a generated corpus of 30 documents builds, every document that passes the gate
is in the graph, adding one document re-extracts only that one, and that rebuild writes the bytes a cold build of
the same documents writes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import RDF

from il2kg.cli import main
from il2kg.vocab import IL

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from corpus_gen import documents, write_corpus  # noqa: E402


@pytest.mark.slow
def test_a_generated_corpus_builds_end_to_end_and_a_rebuild_extracts_only_the_new_document(tmp_path: Path):
    corpus, data, out = tmp_path / "corpus", tmp_path / "data" / "triples", tmp_path / "dist"
    paths = write_corpus(corpus, 30)
    args = ["build", "--no-reason", "--corpus", str(corpus), "--data", str(data), "--out", str(out)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code in (0, 3), first.output[-2000:]
    assert "Traceback" not in first.output
    left_out = first.output.count("il2kg: left out ")
    assert left_out <= len(paths) // 20, first.output[-3000:]  # the generator writes what the extractor reads
    built = Graph().parse(out / "il2kg.nt", format="nt")
    in_graph = {str(name) for name in built.objects(None, IL.fileName)}
    written = {p.name for p in paths} - {line.split()[3].rstrip(":") for line in first.output.splitlines()
                                         if line.startswith("il2kg: left out ")}
    assert in_graph == written
    articles = [p for p in paths if p.name.endswith("-article.txt")]  # each article reports its own trial
    assert len(set(built.subjects(RDF.type, IL.Trial))) >= len(articles) > 0
    name, text = documents(31)[-1]
    (corpus / f"new-{name}").write_text(text, encoding="utf-8")
    second = CliRunner().invoke(main, args)
    assert second.exit_code in (0, 3), second.output[-2000:]
    assert f"extracted 1 documents, reused {len(written)} unchanged" in second.output
    cold = tmp_path / "cold"
    third = CliRunner().invoke(main, [*args[:-4], "--data", str(cold / "triples"), "--out", str(cold / "dist")])
    assert third.exit_code == second.exit_code, third.output[-2000:]
    assert _files(out) == _files(cold / "dist")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
