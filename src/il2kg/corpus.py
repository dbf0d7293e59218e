"""From documents to data/triples/: extract, gate each document, check what crosses documents, write.

A document is extracted and gated once per (file name, sha256, extractor fingerprint, shapes):
the verdict and the Turtle's hash go into the gate cache, so a rebuild after adding one document
extracts and gates that one. A document that fails is left out with its report, and the others are
written; `strict` keeps the old all-or-nothing rule (nothing written if any document fails).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from il2kg import resources
from il2kg.crossing import Member, check_groups, node_sets, uncached_groups, union_report_of
from il2kg.errors import Il2kgError, InputFileError, ValidationFailed
from il2kg.gate import gate
from il2kg.gate_cache import GateCache, cache_dir, document_key, file_key, file_key_of, group_key, report_to_json
from il2kg.model import Trial
from il2kg.pipeline import (
    MAX_MEGABYTES,
    changed_sources,
    extract_triples,
    manifest_bytes,
    manifest_row_of,
    read_document,
    read_manifest,
)
from il2kg.rdf_io import atomic_write, new_graph, parse_turtle_bytes, read_turtle, turtle_bytes
from il2kg.validate import format_report

Progress = Callable[[str], None]
CURATED_PREFIX = "curated-"


def _quiet(_: str) -> None:
    return None


@dataclass
class ExtractSummary:
    """Per-document outcome of an extraction run: files written, documents left out (name, report), rows."""

    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    reused: int = 0
    gate_failed: bool = False  # some document failed the shapes (exit 1 under --strict), not only bad input


def corpus_files(corpus: Path) -> list[Path]:
    """The documents of a corpus folder: every .txt file except the README."""
    if not corpus.is_dir():
        raise InputFileError(f"{corpus}: no such corpus folder; pass --corpus DIR with the documents")
    return sorted(p for p in corpus.glob("*.txt") if p.is_file())


@dataclass
class _Gated:
    member: Member
    entry: dict
    data: bytes | None  # new Turtle to write; None when the file on disk is already this extraction


def _gate_document(path: Path, target: Path, cache: GateCache, max_mb: float) -> _Gated | Path:
    """Reuse the cached verdict when the document and its Turtle are unchanged; else the path, to extract."""
    document = read_document(path, max_mb)
    key = document_key(document.name, document.sha256)
    entry = cache.get(key)
    if entry is not None and (not entry["conforms"] or _sha_of(target) == entry.get("ttl_sha256")):
        member = Member(document.name, file_key_of(entry.get("ttl_sha256", key)),
                        frozenset(entry["described"]), frozenset(entry["mentioned"]), lambda: read_turtle(target))
        return _Gated(member, entry, None)
    return path


_WORKER: dict = {}  # per process: the lexicon and the ontology's vocabulary, loaded once


def _worker_state() -> tuple:
    if not _WORKER:
        from il2kg.lexicon import load_lexicon
        from il2kg.ontology import load_ontology

        _WORKER["lexicon"] = load_lexicon(resources.ONTOLOGY)
        _WORKER["vocabulary"] = frozenset(str(t) for triple in load_ontology() for t in triple)
    return _WORKER["lexicon"], _WORKER["vocabulary"]


def _extract_one(job: tuple[Path, float]) -> tuple[str, dict, bytes] | str:
    """Extract and gate one document: (document key, cache entry, Turtle bytes), or the one-line error."""
    path, max_mb = job
    lexicon, vocabulary = _worker_state()
    try:
        document = read_document(path, max_mb)
        kind, records, triples = extract_triples(document, lexicon)
    except Il2kgError as err:
        return str(err)
    except Exception as err:  # an extractor bug must cost one document, not the run
        return (f"{path}: the extractor failed ({type(err).__name__}: {err}); "
                "please report it with this document")
    data = turtle_bytes(triples)  # the writer reads any iterable of triples; the same bytes as from a graph
    report = gate(data)  # the bytes written, parsed by Oxigraph: no second serialisation
    described, mentioned = node_sets(triples, vocabulary)
    entry = {**report_to_json(report), "row": manifest_row_of(document, kind, records),
             "ttl_sha256": hashlib.sha256(data).hexdigest(),
             "described": sorted(described), "mentioned": sorted(mentioned),
             "trials": sum(isinstance(r, Trial) for r in records), "records": len(records),
             "report": "" if report.conforms else format_report(report, _graph(triples))}
    return document_key(document.name, document.sha256), entry, data


def _graph(triples: list[tuple]):
    """An rdflib graph of the triples, for a failing document's report (which names nodes by their labels)."""
    graph = new_graph()
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph


PARALLEL_FROM = 24  # jobs per worker: a spawned worker's start (~1.5 s) is worth ~20 documents


class _Workers:
    """Map jobs over every core, results in job order (so the output is the same); one pool per run.

    Spawned, not forked: a fork copies whatever threads' locks the parent holds (a test runner's, a native
    engine's) and a worker can hang on one; a fresh interpreter costs a second and loads the lexicon once.
    """

    def __init__(self) -> None:
        self.pool = None

    def map(self, function, jobs: list):
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        workers = min(cores, len(jobs) // PARALLEL_FROM)
        if workers < 2 and self.pool is None:
            return map(function, jobs)
        if self.pool is None:
            import multiprocessing

            self.pool = multiprocessing.get_context("spawn").Pool(max(workers, 2))
        return self.pool.imap(function, jobs, chunksize=4)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool = None


def _gated_from(name: str, target: Path, key: str, entry: dict, data: bytes, cache: GateCache) -> _Gated:
    cache.put(key, entry)
    # The build gates data files by their bytes: give it this verdict and the node sets, so it parses nothing.
    cache.put(file_key(data), {"conforms": entry["conforms"], "violations": entry["violations"],
                               "described": entry["described"], "mentioned": entry["mentioned"]})
    # Groups are keyed by the members' file keys, as the build keys them: its group check is then a cache hit.
    member = Member(name, file_key(data), frozenset(entry["described"]), frozenset(entry["mentioned"]),
                    lambda: parse_turtle_bytes(data, target))
    return _Gated(member, entry, data)


def _yield_note(entry: dict) -> str:
    """Say when a document reports no trial, or nothing at all, so a user sees it without reading Turtle."""
    if entry.get("records") == 0:
        return " (warning: nothing biomedical read; no publication, no trial)"
    if entry.get("trials") == 0 and entry["row"]["kind"] != "citation-page":
        return " (warning: no trial reported: a review, an animal study, or no study facts on the page)"
    return ""


def _sha_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def gate_documents(paths: Sequence[Path], out_dir: Path, progress: Progress = _quiet,
                   max_mb: float = MAX_MEGABYTES) -> tuple[ExtractSummary, list[_Gated]]:
    """Extract and gate each document (cached), then the groups of documents that share nodes."""
    cache = GateCache(cache_dir(out_dir))
    summary, stems = ExtractSummary(), {}
    found: dict[int, _Gated | Path | str] = {}
    for number, path in enumerate(paths, start=1):
        if path.stem in stems:
            found[number] = f"{path}: the same file name as {stems[path.stem]}; rename one"
            continue
        stems[path.stem] = path
        try:
            found[number] = _gate_document(path, out_dir / f"{path.stem}.ttl", cache, max_mb)
        except Il2kgError as err:
            found[number] = str(err)
    todo = [number for number, item in found.items() if isinstance(item, Path)]
    workers = _Workers()
    try:
        passed = _extract_and_gate(paths, out_dir, progress, max_mb, cache, summary, found, todo, workers)
    finally:
        workers.close()
    summary.rows = [g.entry["row"] for g in passed]
    cache.save()
    return summary, passed


def _extract_and_gate(paths, out_dir, progress, max_mb, cache, summary, found, todo, workers) -> list[_Gated]:
    jobs = [(found[n], max_mb) for n in todo]
    for number, result in zip(todo, workers.map(_extract_one, jobs), strict=True):
        path = found[number]
        found[number] = result if isinstance(result, str) else _gated_from(
            path.name, out_dir / f"{path.stem}.ttl", *result, cache)
    passed = []
    for number, path in enumerate(paths, start=1):
        gated = found[number]
        if isinstance(gated, str):
            summary.failed.append((path.name, gated))
            progress(f"[{number}/{len(paths)}] left out: {gated}")
            continue
        if not gated.entry["conforms"]:
            summary.gate_failed = True
            summary.failed.append((path.name, f"{path}: extracted triples fail the shapes:\n{gated.entry['report']}"))
            progress(f"[{number}/{len(paths)}] left out: {path.name} fails the shapes")
            continue
        if gated.data is None:
            summary.reused += 1
        else:
            progress(f"[{number}/{len(paths)}] {path.name}: {gated.entry['row']['kind']}{_yield_note(gated.entry)} "
                     f"-> {path.stem}.ttl")
        passed.append(gated)
    # The groups of documents that share nodes are gated on the workers too (~0.2 s each, hundreds of them).
    members = [g.member for g in passed]
    todo_groups = uncached_groups(members, cache)
    data = {g.member.name: g.data if g.data is not None else out_dir / f"{Path(g.member.name).stem}.ttl"
            for g in passed}
    payloads = [[(m.name, data[m.name]) for m in group] for group in todo_groups]
    for group, report in zip(todo_groups, workers.map(union_report_of, payloads), strict=True):
        cache.put(group_key([m.key for m in group]), report_to_json(report))
    left_out, _ = check_groups(members, cache)
    for member, report in left_out:
        summary.gate_failed = True
        graph = member.graph()
        summary.failed.append((member.name, f"{member.name}: conflicts with other documents that describe the same "
                                            f"nodes:\n{format_report(report, graph)}"))
        progress(f"left out: {member.name} conflicts with other documents")
    dropped = {m.name for m, _ in left_out}
    return [g for g in passed if g.member.name not in dropped]


def extract_to(paths: list[Path], out_dir: Path, progress: Progress = _quiet,
               max_mb: float = MAX_MEGABYTES) -> ExtractSummary:
    """Extract each document, gate it, write OUT/<stem>.ttl; go on past bad documents."""
    summary, passed = gate_documents(paths, out_dir, progress, max_mb)
    for gated in passed:
        target = out_dir / f"{Path(gated.member.name).stem}.ttl"
        if gated.data is not None:
            atomic_write(target, gated.data)
        summary.written.append(target)
    return summary


def rebuild_triples(corpora: Sequence[Path], triples_dir: Path = resources.TRIPLES_DIR,
                    progress: Progress = _quiet, strict: bool = False) -> ExtractSummary:
    """Re-extract the corpora into data/triples/ and data/sources.tsv (curated files stay).

    Documents that fail are left out and listed; with `strict`, any failure leaves data/ unchanged.
    """
    paths = [p for corpus in corpora for p in corpus_files(corpus)]
    if not paths:
        raise InputFileError(f"{', '.join(map(str, corpora))}: no .txt documents; nothing to extract")
    manifest = triples_dir.parent / resources.SOURCES_TSV.name  # data/sources.tsv beside data/triples/
    summary, passed = gate_documents(paths, triples_dir, progress)
    documents = [read_document(p) for p in paths if p.name in {g.member.name for g in passed}]
    notes = changed_sources(read_manifest(manifest), documents)
    for note in notes[:20]:
        progress(f"source manifest: {note}")
    if len(notes) > 20:  # a first build of a thousand documents need not list each as new
        progress(f"source manifest: ... and {len(notes) - 20} more changes")
    if strict and summary.failed:
        listing = "\n".join(report for _, report in summary.failed)
        error = ValidationFailed if summary.gate_failed else Il2kgError
        raise error(f"{len(summary.failed)} of {len(paths)} documents failed (--strict): data/ left unchanged\n"
                    f"{listing}")
    triples_dir.mkdir(parents=True, exist_ok=True)
    keep = set()
    for gated in passed:
        target = triples_dir / f"{Path(gated.member.name).stem}.ttl"
        if gated.data is not None:
            atomic_write(target, gated.data)
        keep.add(target.name)
        summary.written.append(target)
    for old in triples_dir.glob("*.ttl"):
        if old.name not in keep and not old.name.startswith(CURATED_PREFIX):
            old.unlink()
    atomic_write(manifest, manifest_bytes(summary.rows))
    return summary
