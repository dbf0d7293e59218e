"""The fast release writers (exports/fast.py) give the rdflib writers' bytes (a rebuild after one added document
writing a cold build's bytes is tests/test_build_generated.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from rdflib import Graph

from il2kg import resources
from il2kg.errors import Il2kgError
from il2kg.exports import FORMATS, LazyDocuments, Release, write_exports, writing
from il2kg.exports.formats import lookup_graph, merged_lines
from il2kg.exports.index import Index
from il2kg.exports.release import documents_from_files
from il2kg.exports.void import counts_of_lines, void_bytes
from il2kg.rdf_io import new_graph, parse_turtle_bytes

# Literals whose written forms differ between naive writers: escapes, a tab, language tags, numbers and
# booleans in a non-canonical lexical form (rdflib normalises them), a long string, an IRI no prefix fits.
TRICKY = b"""@prefix il2kg: <https://w3id.org/il2kg/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/il2kg/id/trial/TRICKY> a il2kg:Trial ;
    il2kg:trialTitle "quote \\" backslash \\\\ tab \\t newline \\n return \\r <&> done" , "titre"@fr ;
    il2kg:numberRandomised "007"^^xsd:integer ;
    il2kg:acronym "1.50"^^xsd:decimal , "1"^^xsd:boolean , "2024-01-01"^^xsd:date ;
    il2kg:registryId "x"^^<http://example.org/custom#type> ;
    il2kg:studiesDisease <http://example.org/path/with%20space> .
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[tuple[Path, bytes]]:
    found = [(p, p.read_bytes()) for p in resources.triple_files(resources.TRIPLES_DIR)][:12]
    tricky = tmp_path_factory.mktemp("tricky") / "curated-tricky.ttl"
    tricky.write_bytes(TRICKY)
    return [*found, (tricky, TRICKY)]


def test_fast_writers_give_the_rdflib_writers_bytes(files, ontology: Graph, tmp_path: Path):
    merged = new_graph()
    merged += ontology
    for path, data in files:
        parse_turtle_bytes(data, path, merged)
    lazy = LazyDocuments(files)
    assert lazy.parsed() is not None, "the fast path was not taken"
    fast = Release(merged, ontology, lazy)
    reference = Release(merged, ontology, documents_from_files(path for path, _ in files))
    for name in ("ttl", "nt", "nq", "trig", "xml", "jsonld"):
        assert FORMATS[name].write(fast) == FORMATS[name].write(reference), name
    lines = merged_lines(fast)
    assert lines is not None and merged_lines(reference) is None
    assert void_bytes(counts_of_lines(lines), tmp_path, True) == void_bytes(merged, tmp_path, True)
    for name in ("kgx", "schemaorg"):  # from the Index of the parsed documents, and from rdflib's graph
        written = [_read(FORMATS[name].write_folder(release, tmp_path / kind / name))
                   for kind, release in (("fast", fast), ("reference", reference))]
        assert written[0] == written[1] and written[0], name
    assert isinstance(lookup_graph(fast), Index) and lookup_graph(reference) is merged


def _read(paths: list[Path]) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in paths}


def test_a_file_with_a_blank_node_keeps_the_rdflib_path(tmp_path: Path):
    data = b"<http://example.org/a> <http://example.org/p> [ <http://example.org/q> 1 ] .\n"
    assert LazyDocuments([(tmp_path / "b.ttl", data)]).parsed() is None


def test_a_file_only_rdflib_reads_keeps_the_rdflib_path(tmp_path: Path):
    data = b"<http://example.org/a b> <http://example.org/p> 1 .\n"  # Oxigraph refuses the space in the IRI
    lazy = LazyDocuments([(tmp_path / "curated-space.ttl", data)])
    assert lazy.parsed() is None
    (key,) = lazy
    assert str(key) == "https://w3id.org/il2kg/id/graph/curated-space" and len(lazy[key]) == 1


def _exports(files, ontology: Graph, out: Path, with_merged: bool = True) -> dict[str, bytes]:
    merged = new_graph()
    if with_merged:
        merged += ontology
        for path, data in files:
            parse_turtle_bytes(data, path, merged)
    write_exports(merged, ontology, LazyDocuments(files), out, True)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_the_second_export_process_writes_the_same_files(files, ontology: Graph, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(writing, "PARALLEL_MIN_TRIPLES", 10**12)
    alone = _exports(files, ontology, tmp_path / "alone")
    monkeypatch.setattr(writing, "PARALLEL_MIN_TRIPLES", 0)
    forked = _exports(files, ontology, tmp_path / "forked")
    assert forked == alone and "il2kg.jsonld" in forked and "kgx/il2kg_edges.tsv" in forked


def test_the_exports_of_parsed_documents_never_read_the_merged_graph(files, ontology: Graph, tmp_path: Path):
    # So a build whose data files hold no blank node needs no rdflib graph of the data for its exports.
    assert _exports(files, ontology, tmp_path / "empty", with_merged=False) == _exports(files, ontology,
                                                                                       tmp_path / "full")


def test_a_failure_in_the_second_export_process_is_an_error_of_the_build(files, ontology: Graph, tmp_path: Path,
                                                                           monkeypatch):
    def broken(release, folder):
        raise OSError("disk full")

    monkeypatch.setattr(writing, "PARALLEL_MIN_TRIPLES", 0)
    monkeypatch.setitem(FORMATS, "kgx", dataclasses.replace(FORMATS["kgx"], write_folder=broken))
    with pytest.raises(Il2kgError, match="second export process failed: OSError: disk full"):
        _exports(files, ontology, tmp_path / "out")
