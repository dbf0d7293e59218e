"""Documents are read as UTF-8 text or refused with a one-line reason naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from il2kg.errors import InputFileError
from il2kg.pipeline import changed_sources, manifest_bytes, read_document, read_manifest

BAD_DOCUMENTS = [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"   \n\n  ", "empty"),
    ("latin1.txt", "Beh\u00e7et disease".encode("latin-1"), "not UTF-8"),
    ("binary.txt", b"%PDF-1.4\x00\x01\x02", "binary"),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD_DOCUMENTS, ids=[c[0] for c in BAD_DOCUMENTS])
def test_bad_documents_are_refused_with_the_reason(tmp_path: Path, name: str, data: bytes, reason: str):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputFileError) as err:
        read_document(path)
    assert reason in str(err.value) and name in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_and_oversized_documents(tmp_path: Path):
    with pytest.raises(InputFileError, match="no such file"):
        read_document(tmp_path / "nope.txt")
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(2 * 1024 * 1024)  # sparse: size is what is checked first
    with pytest.raises(InputFileError, match="over the 1 MB limit"):
        read_document(big, max_megabytes=1)


def test_utf8_document_and_hash(tmp_path: Path):
    path = tmp_path / "ok.txt"
    path.write_text("Low-dose IL-2 \u00b7 6\u00b72", encoding="utf-8")
    doc = read_document(path)
    assert doc.text.endswith("6\u00b72") and len(doc.sha256) == 64


def test_manifest_round_trip_and_change_detection(tmp_path: Path):
    rows = [{"file_name": "b.txt", "sha256": "2" * 64, "kind": "article", "doi": "", "pmid": "1", "url": ""},
            {"file_name": "a.txt", "sha256": "1" * 64, "kind": "article", "doi": "10.1/x", "pmid": "", "url": ""}]
    path = tmp_path / "sources.tsv"
    path.write_bytes(manifest_bytes(rows))
    manifest = read_manifest(path)
    assert list(manifest) == ["a.txt", "b.txt"]
    doc = tmp_path / "a.txt"
    doc.write_text("changed text", encoding="utf-8")
    notes = changed_sources(manifest, [read_document(doc)])
    assert any(n.startswith("a.txt: changed") for n in notes)
    assert any(n.startswith("b.txt: in the manifest but not in the corpus") for n in notes)
