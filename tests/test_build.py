"""The main job: committed triples are exactly what the extractor writes, and dist/ is byte-stable."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, XSD

from il2kg import resources
from il2kg.build import build, corpus_files
from il2kg.errors import Il2kgError, ValidationFailed
from il2kg.extract.number_words import parse_number_word
from il2kg.lexicon import load_lexicon
from il2kg.pipeline import extract_document, read_document, read_manifest
from il2kg.rdf_io import read_turtle_files, turtle_bytes
from il2kg.vocab import IL

# Rules whose numbers are derived, not copied: "no X was observed" is a count of 0, a cycle is its dosing
# weeks plus its break. The span holds what the number was derived from.
DERIVED_METHODS = {"safety.absent", "safety.no-generation", "intervention.cycle-dosing-plus-break"}


def test_committed_triples_are_what_the_extractor_writes(corpus_dir: Path):
    lexicon = load_lexicon(resources.ONTOLOGY)
    for path in corpus_files(corpus_dir):
        committed = resources.TRIPLES_DIR / f"{path.stem}.ttl"
        fresh = turtle_bytes(extract_document(read_document(path), lexicon).graph)
        assert committed.read_bytes() == fresh, f"{committed} is stale: run 'il2kg build --corpus {corpus_dir}'"


def test_manifest_records_every_corpus_document(corpus_dir: Path):
    manifest = read_manifest(resources.SOURCES_TSV)
    for path in corpus_files(corpus_dir):
        assert manifest[path.name]["sha256"] == read_document(path).sha256


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _numbers_in(span: str) -> set[Decimal]:
    span = span.replace("\u00b7", ".").replace("\u2212", "-").replace("\u2013", "-")
    span = re.sub(r"(?<=\d)[,\u2009\u202f ](?=\d{3}\b)", "", span)
    numbers = {n for n in (_number(m) for m in re.findall(r"\d+(?:\.\d+)?|\.\d+", span)) if n is not None}
    words = (parse_number_word(w) for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)?", span))
    return numbers | {Decimal(n) for n in words if n is not None}


def test_every_numeric_fact_is_in_its_evidence_span():
    graph = read_turtle_files(resources.triple_files())
    checked = 0
    for ev in graph.subjects(RDF.type, IL.Evidence):
        value = graph.value(graph.value(ev, IL.evidenceFor), graph.value(ev, IL.evidenceProperty))
        method = str(graph.value(ev, IL.extractionMethod))
        if not isinstance(value, Literal) or value.datatype not in (XSD.integer, XSD.decimal):
            continue
        if method in DERIVED_METHODS:
            continue
        number = abs(Decimal(str(graph.value(ev, IL.evidenceValue))))
        if method in ("population.sum-of-arms", "population.subgroup-sum"):  # the parts in the span add up to it
            sizes = re.findall(r"(?<![\d.])\d+(?![\d.])", str(graph.value(ev, IL.spanText)))
            assert number == sum(Decimal(n) for n in sizes), (str(ev), method)
            continue
        derived = re.search(r"\(10\^(\d+) -> (M?IU)\)$", method)  # a dose written with a power of ten
        if derived:  # the written number is the value undone by the named multiplier
            power = int(derived.group(1)) - (6 if derived.group(2) == "MIU" else 0)
            number = (number / Decimal(10) ** power).normalize()
        assert number in _numbers_in(str(graph.value(ev, IL.spanText))), (str(ev), method)
        checked += 1
    assert checked > 50


@pytest.mark.slow
def test_build_twice_gives_identical_files_and_a_violation_writes_nothing(tmp_path: Path):
    first, second = tmp_path / "a", tmp_path / "b"
    build(first, with_reasoning=False)
    build(second, with_reasoning=False)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    broken = tmp_path / "triples"
    shutil.copytree(resources.TRIPLES_DIR, broken)
    target = next(p for p in sorted(broken.glob("*.ttl")) if re.search(r"il2kg:pValue [0-9.]+", p.read_text("utf-8")))
    text = target.read_text(encoding="utf-8")
    target.write_text(re.sub(r"il2kg:pValue [0-9.]+", "il2kg:pValue 1.7", text, count=1), encoding="utf-8")
    with pytest.raises(ValidationFailed):
        build(tmp_path / "c", broken, with_reasoning=False)
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("layout", ["user-folder", "user-file", "user-sibling-old"])
def test_build_never_deletes_or_moves_what_it_did_not_write(tmp_path: Path, layout: str):
    out = tmp_path / "out"
    if layout == "user-folder":
        out.mkdir()
        (out / "my-notes.txt").write_text("keep me")
        keep = out / "my-notes.txt"
    elif layout == "user-file":
        out.write_text("keep me")
        keep = out
    else:  # a folder the user named like the old backup a build once used
        keep = tmp_path / "out.old" / "my-notes.txt"
        keep.parent.mkdir()
        keep.write_text("keep me")
    if layout == "user-sibling-old":
        small = tmp_path / "triples"  # two documents are enough to build twice into the same folder
        small.mkdir()
        for name in sorted(p.name for p in resources.triple_files())[:2]:
            shutil.copy(resources.TRIPLES_DIR / name, small / name)
        build(out, small, with_reasoning=False)
        build(out, small, with_reasoning=False)
        assert (out / "SHA256SUMS").is_file()
    else:
        with pytest.raises(Il2kgError, match="not"):
            build(out, with_reasoning=False)
    assert keep.read_text() == "keep me"
    assert not list(tmp_path.glob(".il2kg-staging-*"))


def test_a_failure_drawing_the_views_beside_the_exports_writes_nothing(tmp_path: Path, monkeypatch):
    """The views are drawn in a second process while the exports are written: its failure is the build's."""
    import il2kg.build as build_module

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "_write_views", broken)
    with pytest.raises(Il2kgError, match="drawing the views failed: OSError: disk full"):
        build(tmp_path / "dist", with_reasoning=False)
    assert not (tmp_path / "dist").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dist-")]  # no staging folder left
