"""Read documents, pick an extractor, turn records into graphs; the source manifest. Writes nothing."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from rdflib import Graph

from il2kg.errors import InputFileError
from il2kg.extract import extract
from il2kg.graph import Source, to_graph, to_triples
from il2kg.model import Lexicon, Publication, Record
from il2kg.vocab import DOI, PUBMED

MAX_MEGABYTES = 10
MANIFEST_FIELDS = ("file_name", "sha256", "kind", "doi", "pmid", "url")


@dataclass(frozen=True, slots=True)
class Document:
    """A document read from disk: its name, sha256 and text."""

    path: Path
    sha256: str
    text: str

    @property
    def name(self) -> str:
        """The file name."""
        return self.path.name


@dataclass(frozen=True, slots=True)
class Extraction:
    """What one document gave: its kind, records and graph."""

    document: Document
    kind: str
    records: tuple[Record, ...]
    graph: Graph


def read_document(path: Path, max_megabytes: float = MAX_MEGABYTES) -> Document:
    """Read a document as UTF-8 text, refusing missing, oversized, empty, binary or non-UTF-8 files."""
    if path.is_dir():
        raise InputFileError(f"{path}: is a folder; give the documents in it, or pass it as --corpus")
    if not path.is_file():
        raise InputFileError(f"{path}: no such file; check the path")
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError as err:
        shown = path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        raise InputFileError(f"{path.parent / shown}: the file name is not UTF-8; rename the file") from err
    size = path.stat().st_size
    if size > max_megabytes * 1024 * 1024:
        raise InputFileError(
            f"{path}: {size / 1048576:.1f} MB is over the {max_megabytes:g} MB limit for one document; "
            "give the article's text, not a whole site dump (or raise --max-mb)"
        )
    data = path.read_bytes()
    if b"\x00" in data[:65536]:
        raise InputFileError(f"{path}: looks binary (it has NUL bytes); give a plain-text capture of the page")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputFileError(
            f"{path}: not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); re-save it as UTF-8"
        ) from err
    if not text.strip():
        raise InputFileError(f"{path}: the document is empty; nothing to extract")
    return Document(path, hashlib.sha256(data).hexdigest(), text)


def extractor_version() -> str:
    """The installed il2kg version, recorded on every extraction activity."""
    return version("il2kg")


def extract_document(document: Document, lexicon: Lexicon, kind: str | None = None) -> Extraction:
    """Run the extractor for the document's kind and build its graph with provenance."""
    used, records = extract(document.text, lexicon=lexicon, kind=kind)
    source = Source(document.name, document.sha256, used, document.text, extractor_version())
    return Extraction(document, used, tuple(records), to_graph(list(records), source))


def extract_triples(document: Document, lexicon: Lexicon) -> tuple[str, tuple[Record, ...], list[tuple]]:
    """(kind, records, triples) of a document: extract_document's triples without an rdflib graph (for the
    workers of `il2kg extract`, which write Turtle and gate it, and read no graph)."""
    used, records = extract(document.text, lexicon=lexicon)
    source = Source(document.name, document.sha256, used, document.text, extractor_version())
    return used, tuple(records), to_triples(list(records), source)


def manifest_row(extraction: Extraction) -> dict[str, str]:
    """The source-manifest row of one extraction."""
    return manifest_row_of(extraction.document, extraction.kind, extraction.records)


def manifest_row_of(document: Document, kind: str, records: tuple[Record, ...]) -> dict[str, str]:
    """The source-manifest row of a document read as `kind` into `records`."""
    pub = next((r for r in records if isinstance(r, Publication)), None)
    doi = pub.doi.value if pub and pub.doi else ""
    pmid = pub.pmid.value if pub and pub.pmid else ""
    url = str(DOI[doi]) if doi else (str(PUBMED[f"{pmid}/"]) if pmid else "")
    return {"file_name": document.name, "sha256": document.sha256, "kind": kind, "doi": doi, "pmid": pmid, "url": url}


def manifest_bytes(rows: list[dict[str, str]]) -> bytes:
    """The manifest as TSV, sorted by file name."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=MANIFEST_FIELDS, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    for row in sorted(rows, key=lambda r: r["file_name"]):
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def read_manifest(path: Path) -> dict[str, dict[str, str]]:
    """Read data/sources.tsv into {file name: row}; a missing manifest is empty."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["file_name"]: row for row in csv.DictReader(handle, delimiter="\t")}


def changed_sources(manifest: dict[str, dict[str, str]], documents: list[Document]) -> list[str]:
    """Say which documents differ from the manifest: changed hash, new file, or gone."""
    notes = []
    seen = {d.name for d in documents}
    for doc in documents:
        row = manifest.get(doc.name)
        if row is None:
            notes.append(f"{doc.name}: new document (not in the manifest)")
        elif row["sha256"] != doc.sha256:
            notes.append(f"{doc.name}: changed (sha256 {row['sha256'][:12]}... -> {doc.sha256[:12]}...)")
    notes += [f"{name}: in the manifest but not in the corpus" for name in sorted(set(manifest) - seen)]
    return notes
