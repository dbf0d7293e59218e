"""What a careless or hostile user does to the command line: one line and a documented exit code, never a
traceback; build --corpus leaves out a failing document (exit 3) unless --strict; files respect the umask."""

from __future__ import annotations

import os
import random
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from il2kg import corpus as corpus_module
from il2kg import resources
from il2kg.cli import main
from il2kg.validate import Report, Violation

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from corpus_gen import write_corpus  # noqa: E402

DOC = '@prefix il2kg: <https://w3id.org/il2kg/> .\n<https://w3id.org/il2kg/id/doc/x> il2kg:fileName {value} .\n'


def run(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def _build(tmp_path: Path, *corpora: Path, strict: bool = False):
    args = ["build", "--no-reason", "--data", tmp_path / "data" / "triples", "--out", tmp_path / "dist"]
    for folder in corpora:
        args += ["--corpus", folder]
    return run(*args, *(["--strict"] if strict else []))


@pytest.mark.slow
def test_a_document_failing_the_gate_is_left_out_and_listed(tmp_path: Path, monkeypatch):
    docs = write_corpus(tmp_path / "corpus", 3)
    bad = docs[1].name
    real = corpus_module.gate

    def failing(data):  # the Turtle bytes the worker writes (or a graph)
        text = data.decode("utf-8") if isinstance(data, bytes) else data.serialize(format="nt")
        if bad in text:
            return Report(False, (Violation("x", None, None, "planted failure", "Violation", "Test", "s"),))
        return real(data)

    monkeypatch.setattr(corpus_module, "gate", failing)
    result = _build(tmp_path, tmp_path / "corpus")
    assert result.exit_code == 3, result.output
    assert f"left out {bad}" in result.output and "planted failure" in result.output
    assert bad in (tmp_path / "dist" / "rejected.txt").read_text(encoding="utf-8")
    written = sorted(p.name for p in (tmp_path / "data" / "triples").glob("*.ttl"))
    assert written == sorted(p.stem + ".ttl" for p in docs if p.name != bad)
    strict = run("build", "--no-reason", "--strict", "--corpus", tmp_path / "corpus",
                 "--data", tmp_path / "strict" / "triples", "--out", tmp_path / "strict-dist")
    assert strict.exit_code == 1, strict.output
    assert not (tmp_path / "strict-dist").exists() and not list((tmp_path / "strict").rglob("*.ttl"))


@pytest.mark.slow
def test_build_takes_several_corpus_folders_and_writes_files_by_the_umask(tmp_path: Path):
    first = write_corpus(tmp_path / "a", 2)
    written = write_corpus(tmp_path / "b", 4)
    for duplicate in written[:2]:  # the same texts as folder a's: they would be left out as one text in two files
        duplicate.unlink()
    second = written[2:]
    for path in first:  # the same names in both folders would clash: rename the first folder's
        path.rename(path.with_name("a-" + path.name))
    old = os.umask(0o022)
    try:
        result = _build(tmp_path, tmp_path / "a", tmp_path / "b")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    names = {p.stem for p in (tmp_path / "data" / "triples").glob("*.ttl")}
    assert names == {f"a-{p.stem}" for p in first} | {p.stem for p in second}
    for path in [tmp_path / "dist" / "il2kg.ttl", tmp_path / "data" / "sources.tsv",
                 *(tmp_path / "data" / "triples").glob("*.ttl")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    assert stat.S_IMODE((tmp_path / "dist").stat().st_mode) == 0o755


def test_build_help_names_no_default_corpus():
    result = run("build", "--help")
    assert "../shared/corpus" not in result.output and "Exit 0" in result.output.replace("\n", " ")


def test_extract_and_validate_take_folders(tmp_path: Path):
    write_corpus(tmp_path / "docs", 2)
    extracted = run("extract", tmp_path / "docs", "--out", tmp_path / "out")
    assert extracted.exit_code == 0, extracted.output
    checked = run("validate", tmp_path / "out")
    assert checked.exit_code == 0, checked.output


def test_validate_refuses_an_empty_file(tmp_path: Path):
    (tmp_path / "empty.ttl").write_text("", encoding="utf-8")
    result = run("validate", tmp_path / "empty.ttl")
    assert result.exit_code == 2 and "no triples" in result.output


@pytest.mark.parametrize("value, message", [
    ('"abc"^^<http://www.w3.org/2001/XMLSchema#integer>', "not a valid"),
    ('"a\\u0000b"', "U+0000"),
    ('"form\\u000cfeed"', "U+000C"),
    ('"\\uD800"', "U+D800"),
])
def test_a_literal_xml_cannot_carry_or_of_the_wrong_form_is_refused(tmp_path: Path, value: str, message: str):
    (tmp_path / "bad.ttl").write_text(DOC.format(value=value), encoding="utf-8")
    result = run("validate", tmp_path / "bad.ttl")
    assert result.exit_code == 2 and message in result.output and "bad.ttl" in result.output


def test_build_refuses_a_lone_surrogate_in_the_data(tmp_path: Path):
    (tmp_path / "triples").mkdir()
    (tmp_path / "triples" / "x.ttl").write_text(DOC.format(value='"\\uDC80"'), encoding="utf-8")
    result = run("build", "--no-reason", "--data", tmp_path / "triples", "--out", tmp_path / "dist")
    assert result.exit_code == 2 and "U+DC80" in result.output


@pytest.mark.parametrize("name", ["x" * 250 + ".txt", "caf\udcff.txt"])
def test_extract_odd_file_names(tmp_path: Path, name: str):
    path = os.path.join(os.fsencode(tmp_path), os.fsencode(name))
    try:
        with open(path, "wb") as handle:
            handle.write(b"Low-dose IL-2 in lupus: a pilot.\n\nWe treated 10 patients.\n")
    except OSError as err:
        pytest.skip(f"the file system refuses the name: {err}")
    result = run("extract", os.fsdecode(path), "--out", tmp_path / "out")
    assert result.exit_code in (0, 2), result.output


def test_extract_out_is_a_file(tmp_path: Path):
    (tmp_path / "file").write_text("keep", encoding="utf-8")
    doc = write_corpus(tmp_path / "docs", 1)[0]
    result = run("extract", doc, "--out", tmp_path / "file")
    assert result.exit_code == 2 and "not a folder" in result.output
    assert (tmp_path / "file").read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize("content", [b"SELECT * WHERE { ?s ?p \"caf\xe9\" }", random.Random(7).randbytes(64) + b"\xff"])
def test_query_file_that_is_not_utf8(tmp_path: Path, content: bytes):
    (tmp_path / "q.rq").write_bytes(content)
    result = run("query", str(tmp_path / "q.rq"))
    assert result.exit_code == 2 and "q.rq" in result.output


@pytest.mark.parametrize("args, fragment", [
    (["extract", "x.txt", "--max-mb", "nan"], "--max-mb"),
    (["query", "--sparql", "   \n "], "empty"),
    (["push", "--endpoint", "not-a-url"], "not an http"),
    (["serve", "--port", "99999"], "99999"),
    (["build", "--store", "x"], "No such option"),
])
def test_bad_values_exit_2_with_one_line(args, fragment):
    result = run(*args)
    assert result.exit_code == 2 and fragment in result.output, result.output


def test_a_query_of_a_thousand_unions_is_answered():
    union = " UNION ".join(f"{{ ?s il2kg:acronym ?o{i} }}" for i in range(1000))
    result = run("query", "--sparql", f"SELECT * WHERE {{ {union} }} LIMIT 1")
    assert result.exit_code == 0, result.output[:300]


def test_exit_codes_are_in_the_readme():
    readme = (resources.ROOT / "README.md").read_text(encoding="utf-8")
    assert "3 built, but some documents were left out" in readme


def test_serve_on_a_port_in_use_is_refused_before_claiming_to_listen():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = run("serve", "--port", str(port))
    assert result.exit_code == 2 and "in use" in result.output
    assert "SPARQL endpoint on" not in result.output
