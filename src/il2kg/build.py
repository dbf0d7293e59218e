"""The main job: (re)extract the corpus, load ontology and data, validate, reason, write dist/."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from il2kg import resources
from il2kg.errors import Il2kgError, ValidationFailed
from il2kg.export import atomic_write, write_turtle
from il2kg.exports import documents_from_files, write_exports
from il2kg.graph import new_graph
from il2kg.lexicon import load_lexicon
from il2kg.ontology import load_ontology, write_release
from il2kg.pipeline import (
    changed_sources,
    extract_document,
    manifest_bytes,
    manifest_row,
    read_document,
    read_manifest,
)
from il2kg.reason import inferred_graph, reason
from il2kg.store import load_graph
from il2kg.validate import format_report, validate
from il2kg.views import write_views

Progress = Callable[[str], None]
CURATED_PREFIX = "curated-"


def _quiet(_: str) -> None:
    return None


@dataclass
class ExtractSummary:
    """Per-document outcome of an extraction run."""

    written: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)


def extract_to(paths: list[Path], out_dir: Path, progress: Progress = _quiet, max_mb: float = 10) -> ExtractSummary:
    """Extract each document, gate its triples with SHACL, write <stem>.ttl; go on past bad documents."""
    ontology = load_ontology()
    lexicon = load_lexicon(resources.ONTOLOGY)
    summary = ExtractSummary()
    for number, path in enumerate(paths, start=1):
        try:
            extraction = extract_document(read_document(path, max_mb), lexicon)
            report = validate(extraction.graph, ontology)
            if not report.conforms:
                details = format_report(report, extraction.graph)
                raise ValidationFailed(f"{path}: extracted triples fail the shapes:\n{details}")
        except Il2kgError as err:
            summary.failed.append(str(err))
            progress(f"[{number}/{len(paths)}] error: {err}")
            continue
        target = out_dir / f"{path.stem}.ttl"
        write_turtle(extraction.graph, target)
        summary.written.append(target)
        summary.rows.append(manifest_row(extraction))
        progress(f"[{number}/{len(paths)}] {path.name}: {extraction.kind}, {len(extraction.graph)} triples -> {target}")
    return summary


def corpus_files(corpus: Path) -> list[Path]:
    """The documents of a corpus folder: every .txt file except the README."""
    if not corpus.is_dir():
        raise Il2kgError(f"{corpus}: no such corpus folder; pass --corpus DIR with the documents")
    return sorted(p for p in corpus.glob("*.txt") if p.is_file())


def rebuild_triples(corpus: Path, triples_dir: Path = resources.TRIPLES_DIR,
                    progress: Progress = _quiet) -> ExtractSummary:
    """Re-extract a corpus into data/triples/ and data/sources.tsv, all or nothing (curated files stay)."""
    paths = corpus_files(corpus)
    documents = []
    for path in paths:
        try:
            documents.append(read_document(path))
        except Il2kgError:
            continue  # extract_to reports it with the others
    manifest = triples_dir.parent / resources.SOURCES_TSV.name  # data/sources.tsv beside data/triples/
    for note in changed_sources(read_manifest(manifest), documents):
        progress(f"source manifest: {note}")
    with tempfile.TemporaryDirectory(dir=triples_dir.parent) as tmp:
        summary = extract_to(paths, Path(tmp), progress)
        if summary.failed:
            raise Il2kgError(f"{len(summary.failed)} of {len(paths)} documents failed; data/triples/ left unchanged")
        for old in triples_dir.glob("*.ttl"):
            if not old.name.startswith(CURATED_PREFIX):
                old.unlink()
        for new in summary.written:
            shutil.move(str(new), triples_dir / new.name)
    atomic_write(manifest, manifest_bytes(summary.rows))
    return summary


def load_data(triples_dir: Path = resources.TRIPLES_DIR) -> Graph:
    """Load every Turtle file under data/triples/ into one graph."""
    files = resources.triple_files(triples_dir)
    if not files:
        raise Il2kgError(f"{triples_dir}: no .ttl files; run 'il2kg build --corpus DIR' to extract them")
    return load_graph(files)


def build(dist_dir: Path = resources.DIST_DIR, triples_dir: Path = resources.TRIPLES_DIR,
          progress: Progress = _quiet, with_reasoning: bool = True) -> dict[str, object]:
    """Load, validate, reason and write dist/ (all files swapped in at once; nothing on failure)."""
    ontology = load_ontology()
    data = load_data(triples_dir)
    progress(f"loaded {len(ontology)} ontology and {len(data)} data triples")
    report = validate(data, ontology)
    progress(f"SHACL: {'conforms' if report.conforms else 'does not conform'} ({len(report.violations)} results)")
    if not report.conforms:
        raise ValidationFailed(f"{triples_dir}: the graph does not conform to the shapes; nothing written\n"
                               + format_report(report, data))
    reasoning = reason(ontology, data) if with_reasoning else None
    if reasoning is not None:
        progress(reasoning.skipped or f"HermiT: {'consistent' if reasoning.consistent else 'INCONSISTENT'}, "
                 f"{len(reasoning.inferred)} inferred types on {reasoning.individuals} individuals "
                 f"in {reasoning.seconds:.1f} s")
        if reasoning.consistent is False:
            raise ValidationFailed("the ontology and data are inconsistent under HermiT; nothing written")
    merged = new_graph()
    for graph in (ontology, data):
        for triple in graph:
            merged.add(triple)
    staging = _staging_for(dist_dir)
    try:
        write_release(merged, staging)
        write_turtle(inferred_graph(reasoning) if reasoning else Graph(), staging / "inferred.ttl")
        atomic_write(staging / "validation-report.txt", format_report(report, data).encode("utf-8"))
        progress("writing views and plots")
        write_views(data, ontology, staging)
        progress("writing exports")
        documents = documents_from_files(resources.triple_files(triples_dir))
        write_exports(merged, ontology, documents, staging, report.conforms)  # last: it lists and hashes the files
        _swap(staging, dist_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {"triples": len(merged), "conforms": report.conforms, "reasoning": reasoning}


DIST_MARKER = ".il2kg-dist"  # written into every output folder, so a later build knows the folder is ours
_STAGING_PREFIX = ".il2kg-staging-"


def check_output_folder(target: Path) -> None:
    """Refuse an output path that a build would overwrite but did not write: a file, or a foreign folder."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise Il2kgError(f"{target}: exists and is not a folder; pass --out with a new or il2kg-built folder")
    if target.is_dir() and any(target.iterdir()) and not _is_ours(target):
        raise Il2kgError(f"{target}: folder exists, is not empty and was not written by il2kg build; "
                         "pass --out with a new or empty folder (nothing was changed)")


def _is_ours(folder: Path) -> bool:
    # Builds before the marker existed left SHA256SUMS and void.ttl; both together mean the folder is ours too.
    return (folder / DIST_MARKER).is_file() or all((folder / n).is_file() for n in ("SHA256SUMS", "void.ttl"))


def _staging_for(target: Path) -> Path:
    """A fresh staging folder beside the target; stale ones left by killed builds are removed first."""
    check_output_folder(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f"{_STAGING_PREFIX}*"):
        if stale.is_dir() and _is_ours(stale):
            shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=target.parent))
    staging.chmod(0o755)
    (staging / DIST_MARKER).write_text("written by il2kg build; this folder is replaced on each build\n")
    return staging


def _swap(staging: Path, target: Path) -> None:
    """Put the staged folder in place of the target; only a folder this tool wrote is ever removed."""
    check_output_folder(target)
    if not target.exists():
        staging.rename(target)
        return
    old = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=target.parent))
    old.rmdir()
    target.rename(old)
    staging.rename(target)
    if _is_ours(old):
        shutil.rmtree(old, ignore_errors=True)
    else:  # an empty folder of the user's: nothing in it to lose
        old.rmdir()
