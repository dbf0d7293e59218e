"""The exports joined from per-file pieces (exports/assemble.py) give the rdflib writers' bytes, and the pieces'
cache (exports/piece_cache.py) is used when it is current, and never when it is stale, corrupt or foreign."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from il2kg import resources
from il2kg.exports import FORMATS, LazyDocuments, Release, write_exports
from il2kg.exports import entries as entries_module
from il2kg.exports.piece_cache import PieceCache, entry_key
from il2kg.exports.release import documents_from_files
from il2kg.exports.void import void_bytes
from il2kg.rdf_io import new_graph, parse_turtle_bytes

PREFIXES = b"""@prefix bibo: <http://purl.org/ontology/bibo/> .
@prefix il2kg: <https://w3id.org/il2kg/> .
@base <https://w3id.org/il2kg/id/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
# Subjects several files describe, a subject the ontology describes too, one document's graph in two files, an
# evidence node two files describe and one a triple points at (the KGX summaries give way to their triples),
# a curated evidence, literals whose written forms differ between naive writers.
EDGES = {
    "curated-a.ttl": b"""
<doc/a> a il2kg:SourceDocument ; il2kg:fileName "a.txt" .
<publication/a> a il2kg:Publication ; bibo:pmid "111" ; prov:wasDerivedFrom <doc/a> .
<trial/SHARED> a il2kg:Trial ; il2kg:trialTitle "Shared \\"trial\\" <&>" , "essai"@fr ;
    il2kg:studiesDisease <disease/x> ; il2kg:numberRandomised "007"^^xsd:integer ; prov:wasDerivedFrom <doc/a> .
<evidence/e1> a il2kg:Evidence ; il2kg:evidenceFor <trial/SHARED> ; il2kg:evidenceProperty il2kg:studiesDisease ;
    il2kg:evidenceObject <disease/x> ; il2kg:extractionMethod "curated" ; prov:wasDerivedFrom <doc/a> .
<evidence/e2> a il2kg:Evidence ; il2kg:evidenceFor <trial/SHARED> ; il2kg:evidenceProperty il2kg:studiesDisease ;
    il2kg:evidenceObject <disease/y> ; prov:wasDerivedFrom <doc/a> .
il2kg:Trial rdfs:comment "a comment the data adds to an ontology class" .
""",
    "curated-b.ttl": b"""
<doc/b> a il2kg:SourceDocument ; il2kg:fileName "b.txt" .
<trial/SHARED> il2kg:acronym "SHR" , "1.50"^^xsd:decimal ; il2kg:studiesDisease <disease/y> ;
    prov:wasDerivedFrom <doc/b> .
<evidence/e2> il2kg:spanText "a second file describes this evidence node" ; prov:wasDerivedFrom <doc/b> .
<publication/b> a il2kg:Publication ; bibo:pmid "222" ; prov:wasDerivedFrom <doc/b> .
<evidence/e3> a il2kg:Evidence ; il2kg:evidenceFor <trial/SHARED> ; il2kg:evidenceProperty il2kg:studiesDisease ;
    il2kg:evidenceObject <disease/x> ; prov:wasDerivedFrom <doc/b> .
<trial/SHARED> il2kg:reports <evidence/e3> .
""",
    "curated-b-more.ttl": b"""
<doc/b> a il2kg:SourceDocument .
<trial/OTHER> a il2kg:Trial ; il2kg:acronym "OTH" ; prov:wasDerivedFrom <doc/b> .
""",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[tuple[Path, bytes]]:
    folder = tmp_path_factory.mktemp("data")
    found = [(p, p.read_bytes()) for p in resources.triple_files(resources.TRIPLES_DIR)][:10]
    for name, body in EDGES.items():
        (folder / name).write_bytes(PREFIXES + body)
        found.append((folder / name, PREFIXES + body))
    return found


def _written(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _assembled(files, ontology: Graph, out: Path, cache: Path | None = None) -> dict[str, bytes]:
    write_exports(None, ontology, LazyDocuments(files), out, True, cache=cache)
    return _written(out)


def test_the_pieces_give_the_rdflib_writers_bytes(files, ontology: Graph, tmp_path: Path):
    merged = new_graph()
    merged += ontology
    for path, data in files:
        parse_turtle_bytes(data, path, merged)
    reference = Release(merged, ontology, documents_from_files(path for path, _ in files))
    written = _assembled(files, ontology, tmp_path / "out")
    for name in ("ttl", "nt", "nq", "trig", "xml", "jsonld"):
        assert written[FORMATS[name].file_name] == FORMATS[name].write(reference), name
    for name in ("kgx", "schemaorg"):
        paths = FORMATS[name].write_folder(reference, tmp_path / "reference" / name)
        assert paths and all(written[f"{FORMATS[name].file_name}/{p.name}"] == p.read_bytes() for p in paths), name
    assert written["void.ttl"] == void_bytes(merged, tmp_path / "out", True)
    assert b"<https://w3id.org/il2kg/id/trial/SHARED>" in written["il2kg.nt"]  # the edge cases are in the data


def test_a_rebuild_uses_the_cache_and_a_changed_file_is_made_again(files, ontology: Graph, tmp_path: Path,
                                                                    monkeypatch):
    cache = tmp_path / "cache"
    first = _assembled(files, ontology, tmp_path / "first", cache)
    assert len(list(cache.glob("*.pieces"))) == len(files)
    made: list[int] = []
    original = entries_module.entry_of_part
    monkeypatch.setattr(entries_module, "entry_of_part", lambda *a: made.append(1) or original(*a))
    assert _assembled(files, ontology, tmp_path / "again", cache) == first and not made  # every entry a hit
    changed = [*files[:-1], (files[-1][0], files[-1][1] + b'<trial/OTHER> il2kg:acronym "NEW" .\n')]
    assert _assembled(changed, ontology, tmp_path / "changed", cache) == _assembled(changed, ontology,
                                                                                      tmp_path / "cold")
    assert len(made) == 1 + len(files)  # the changed file in the cached run, then every file in the cold one


def test_a_corrupt_or_foreign_entry_is_made_again(files, ontology: Graph, tmp_path: Path):
    cache = tmp_path / "cache"
    first = _assembled(files, ontology, tmp_path / "first", cache)
    entries = sorted(cache.glob("*.pieces"))
    entries[0].write_bytes(entries[0].read_bytes()[:-100])  # truncated
    flipped = bytearray(entries[1].read_bytes())
    flipped[len(flipped) // 2] ^= 0x20  # one bit in a piece: the checksum catches it
    entries[1].write_bytes(bytes(flipped))
    entries[2].write_bytes(b"not an entry at all")
    assert PieceCache(cache).get(entries[1].stem) is None
    assert _assembled(files, ontology, tmp_path / "again", cache) == first
    assert PieceCache(cache).get(entries[1].stem) is not None  # made again and stored


def test_entries_of_removed_files_leave_the_cache(files, ontology: Graph, tmp_path: Path):
    cache = tmp_path / "cache"
    _assembled(files, ontology, tmp_path / "first", cache)
    _assembled(files[1:], ontology, tmp_path / "second", cache)
    assert {p.stem for p in cache.glob("*.pieces")} == {entry_key(path, data) for path, data in files[1:]}


def test_a_renamed_file_is_another_entry(tmp_path: Path):
    # the stem names the graph of a file that declares no single document: it is part of the key
    data = PREFIXES + b"<trial/X> il2kg:acronym \"X\" .\n"
    assert entry_key(tmp_path / "curated-x.ttl", data) != entry_key(tmp_path / "curated-y.ttl", data)


def test_the_cold_entries_made_in_two_processes_are_the_same(files, ontology: Graph, tmp_path: Path, monkeypatch):
    alone = _assembled(files, ontology, tmp_path / "alone", tmp_path / "cache-alone")
    monkeypatch.setattr(entries_module, "PARALLEL_MIN_FILES", 2)
    assert _assembled(files, ontology, tmp_path / "forked", tmp_path / "cache-forked") == alone
    assert _assembled(files, ontology, tmp_path / "forked-uncached") == alone  # the child's entries through the pipe
    entries = [{p.stem: PieceCache(folder).get(p.stem) for p in folder.glob("*.pieces")}
               for folder in (tmp_path / "cache-alone", tmp_path / "cache-forked")]
    assert entries[0] == entries[1] and len(entries[0]) == len(files)


def test_the_shared_subjects_memo_is_reused_and_a_corrupt_one_ignored(files, ontology: Graph, tmp_path: Path,
                                                                       monkeypatch):
    from il2kg.exports import assemble

    cache = tmp_path / "cache"
    first = _assembled(files, ontology, tmp_path / "first", cache)
    memo = cache / "shared.memo"
    assert memo.is_file()
    merged: list[int] = []
    original = assemble.Assembly._merge
    monkeypatch.setattr(assemble.Assembly, "_merge", lambda self, *a: merged.append(1) or original(self, *a))
    assert _assembled(files, ontology, tmp_path / "again", cache) == first and not merged
    memo.write_bytes(memo.read_bytes()[:-10])
    assert _assembled(files, ontology, tmp_path / "corrupt", cache) == first and merged


_SEEDED = """import sys
from pathlib import Path
from il2kg.exports import LazyDocuments, write_exports
from il2kg.ontology import load_ontology
paths = [Path(p) for p in sys.argv[3:]]
write_exports(None, load_ontology(), LazyDocuments([(p, p.read_bytes()) for p in paths]), Path(sys.argv[1]), True,
              cache=Path(sys.argv[2]))
"""


@pytest.mark.slow
def test_the_bytes_and_the_cache_do_not_depend_on_the_hash_seed(files, tmp_path: Path):
    import os
    import subprocess
    import sys

    written = []
    for seed, cache in (("1", "a"), ("4242", "b"), ("99", "a")):  # the last one reads the first one's cache
        out = tmp_path / f"out-{seed}"
        subprocess.run([sys.executable, "-c", _SEEDED, str(out), str(tmp_path / cache), *(str(p) for p, _ in files)],
                       env=dict(os.environ, PYTHONHASHSEED=seed), check=True, capture_output=True)
        written.append(_written(out))
    assert written[0] == written[1] == written[2] and "il2kg.nq" in written[0]


def test_write_buffers_finishes_a_short_write_and_hashes_what_it_wrote(tmp_path: Path, monkeypatch):
    import hashlib
    import os

    from il2kg.exports.writing import write_buffers

    real = os.writev
    monkeypatch.setattr(os, "writev", lambda fd, buffers: real(fd, [bytes(buffers[0])[:3]]))  # 3 bytes a call
    buffers = [b"head\n", memoryview(b"xx piece one\n")[3:], b"", b"piece two\n", b"tail\n"]
    path = tmp_path / "out.nt"
    (found,) = write_buffers(path, buffers).values()
    expected = b"".join(buffers)
    assert path.read_bytes() == expected and found == hashlib.sha256(expected).hexdigest()


def test_a_key_collision_falls_back_to_the_parsed_documents_writers(files, ontology: Graph, tmp_path: Path,
                                                                     monkeypatch):
    from il2kg.exports import assemble

    expected = _assembled(files, ontology, tmp_path / "pieces")

    def collide(self, fmt, *args):
        raise assemble.KeysCollide(f"two subjects of the release have the same {fmt} key")

    monkeypatch.setattr(assemble.Assembly, "_pieces", collide)
    assert _assembled(files, ontology, tmp_path / "fallback") == expected


def test_the_ontology_key_names_the_graph_whatever_its_blank_node_labels(ontology: Graph):
    from rdflib import BNode, Literal, URIRef

    from il2kg.exports.piece_cache import ontology_key
    from il2kg.ontology import load_ontology

    xmlns = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf"}
    again = load_ontology()  # parsed again: other blank-node labels
    assert ontology_key(ontology, xmlns) == ontology_key(again, xmlns) is not None
    assert ontology_key(ontology, {**xmlns, "http://example.org/": "ns1"}) != ontology_key(ontology, xmlns)
    changed = Graph()
    changed += again
    inside = next(o for _, _, o in changed if isinstance(o, BNode))  # a triple below a blank node changes
    changed.add((inside, URIRef("http://example.org/p"), Literal("x")))
    assert ontology_key(changed, xmlns) not in (None, ontology_key(ontology, xmlns))
    shared = Graph()
    shared += again
    shared.add((URIRef("http://example.org/s"), URIRef("http://example.org/p"), inside))  # pointed at twice
    assert ontology_key(shared, xmlns) is None


def test_a_file_with_a_blank_node_is_written_by_the_rdflib_writers(files, ontology: Graph, tmp_path: Path):
    blank = tmp_path / "curated-blank.ttl"
    blank.write_bytes(b"<http://example.org/a> <http://example.org/p> [ <http://example.org/q> 1 ] .\n")
    with_blank = [*files[:3], (blank, blank.read_bytes())]
    merged = new_graph()
    merged += ontology
    for path, data in with_blank:
        parse_turtle_bytes(data, path, merged)
    write_exports(merged, ontology, LazyDocuments(with_blank), tmp_path / "out", True, cache=tmp_path / "cache")
    reference = Release(merged, ontology, documents_from_files(path for path, _ in with_blank))
    assert (tmp_path / "out" / "il2kg.nq").read_bytes() == FORMATS["nq"].write(reference)
    assert not list((tmp_path / "cache").glob("*.pieces"))  # nothing cached for a release the pieces cannot serve


def test_a_failure_in_the_cold_child_is_an_error_of_the_build(files, ontology: Graph, tmp_path: Path, monkeypatch):
    import os

    from il2kg.errors import Il2kgError

    parent, original = os.getpid(), entries_module.entry_of_part

    def in_child_only(*args):
        if os.getpid() != parent:
            raise OSError("disk full")
        return original(*args)

    monkeypatch.setattr(entries_module, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(entries_module, "entry_of_part", in_child_only)
    with pytest.raises(Il2kgError, match="second export process failed: .OSError: disk full"):
        _assembled(files, ontology, tmp_path / "out", tmp_path / "cache")
