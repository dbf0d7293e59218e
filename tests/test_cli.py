"""The command line: bad input gives one line naming the file and exit 2; violations exit 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from il2kg.cli import main

PVALUE_17 = """@prefix il2kg: <https://w3id.org/il2kg/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix doc: <https://w3id.org/il2kg/id/doc/> .
@prefix res: <https://w3id.org/il2kg/id/result/> .
doc:z a il2kg:SourceDocument ; il2kg:fileName "x.txt" ;
    il2kg:sha256 "%s" .
res:bad a il2kg:Result ; prov:wasDerivedFrom doc:z ; il2kg:pValue 1.7 .
res:e1 a il2kg:Evidence ; il2kg:evidenceFor res:bad ; il2kg:evidenceProperty il2kg:pValue ;
    il2kg:evidenceValue "1.7" ; il2kg:spanStart 0 ; il2kg:spanEnd 8 ; il2kg:spanText "p = 1.7." ;
    il2kg:quote "p = 1.7." ; il2kg:extractionMethod "test" ; prov:wasDerivedFrom doc:z .
""" % ("0" * 64)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_help_lists_the_commands():
    result = run("--help")
    for command in ("build", "validate", "check", "extract", "evaluate"):
        assert command in result.output


def test_missing_file_is_one_line_exit_2(tmp_path: Path):
    result = run("validate", str(tmp_path / "nope.ttl"))
    assert result.exit_code == 2
    assert "nope.ttl" in result.output and "no such file" in result.output


def test_broken_turtle_names_file_and_line(tmp_path: Path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix a: <http://x/> .\na:b a:c a:d .\na:e a:f .\n", encoding="utf-8")
    result = run("validate", str(bad))
    assert result.exit_code == 2
    assert "bad.ttl: line 3" in result.output


def test_pvalue_above_one_fails_validation_naming_node_and_rule(tmp_path: Path):
    data = tmp_path / "p.ttl"
    data.write_text(PVALUE_17, encoding="utf-8")
    result = run("validate", str(data))
    assert result.exit_code == 1, result.output
    assert "result/bad" in result.output
    assert "pValue" in result.output and "between 0 and 1" in result.output


def test_no_traceback_from_the_console_script(tmp_path: Path):
    done = subprocess.run([sys.executable, "-m", "il2kg", "validate", str(tmp_path / "missing.ttl")],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_extract_reports_bad_documents_and_goes_on(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "empty.txt").write_bytes(b"")
    (docs / "latin.txt").write_bytes("Beh\u00e7et".encode("latin-1"))
    (docs / "good.txt").write_text(
        "A randomised, double-blind, placebo-controlled phase 2 trial of low-dose IL-2 in systemic lupus "
        "erythematosus.\n\nMethods: We randomly assigned 40 patients to IL-2 1 MIU or placebo.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("extract", "--corpus", str(docs), "--out", str(out))
    assert result.exit_code == 2
    assert "empty.txt" in result.output and "latin.txt" in result.output
    assert (out / "good.ttl").is_file()
    assert not (out / "empty.ttl").exists()


@pytest.mark.parametrize("args", [["extract"], ["build", "--corpus", "/nonexistent/corpus"]])
def test_usage_errors_exit_2(args):
    assert run(*args).exit_code == 2


def test_extract_says_when_a_document_reports_no_trial_or_nothing(tmp_path: Path):
    review = tmp_path / "review.txt"
    review.write_text("Low-dose interleukin-2 in autoimmunity: a systematic review and meta-analysis\n\n"
                      "We searched MEDLINE for trials of low-dose IL-2 in patients with lupus.\n", encoding="utf-8")
    weather = tmp_path / "weather.txt"
    weather.write_text("Weather forecast for the city of Paris on Tuesday morning\nSunny spells.\n", encoding="utf-8")
    result = run("extract", str(review), str(weather), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "review.txt: article (warning: no trial reported" in result.output
    assert "weather.txt: article (warning: nothing biomedical read" in result.output
