"""The main job: load the gated data, check what crosses documents, reason, write dist/ at once.

Each data file is gated alone (cached by its bytes, so an unchanged file costs a lookup), then the
groups of files that share nodes are gated together; together that is the merged graph's verdict
without validating all of it. The committed graph is built strict: any failure writes nothing.
"""

from __future__ import annotations

import gc
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import cache as cache_of
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from il2kg import resources
from il2kg.corpus import CURATED_PREFIX, ExtractSummary, corpus_files, extract_to, rebuild_triples  # noqa: F401
from il2kg.crossing import Member, check_groups, node_sets
from il2kg.errors import Il2kgError, ValidationFailed
from il2kg.exports import LazyDocuments, write_exports
from il2kg.exports.writing import in_second_process
from il2kg.gate import gate
from il2kg.gate_cache import GateCache, cache_dir, file_key, report_from_json, report_to_json
from il2kg.ontology import load_ontology
from il2kg.rdf_io import atomic_write, canonical, current_umask, new_graph, parse_turtle_bytes, write_turtle
from il2kg.reason import HERMIT_MAX_INDIVIDUALS, inferred_graph, reason
from il2kg.validate import Report, format_report
from il2kg.views.parts import view_data_of_files
from il2kg.views.shared import SharedViews

Progress = Callable[[str], None]
_Lazy = Callable[[], Graph]


def _quiet(_: str) -> None: ...


class Phases:
    """Seconds per build phase, reported through progress as 'timing: PHASE SECONDS s' lines."""

    def __init__(self, progress: Progress) -> None:
        self.progress, self.started = progress, time.perf_counter()

    def done(self, phase: str) -> None:
        import resource

        now = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux
        self.progress(f"timing: {phase} {now - self.started:.2f} s (peak RSS {peak} MiB)")
        self.started = now


def load_files(triples_dir: Path = resources.TRIPLES_DIR) -> list[tuple[Path, bytes]]:
    """Read every data/triples/*.ttl file: (path, bytes); none is an error that says what to run."""
    files = resources.triple_files(triples_dir)
    if not files:
        raise Il2kgError(f"{triples_dir}: no .ttl files; run 'il2kg build --corpus DIR' to extract them")
    return [(path, path.read_bytes()) for path in files]


def gate_files(files: Sequence[tuple[Path, bytes]], vocabulary: frozenset[str], cache: GateCache) -> Report:
    """Gate each file alone, then the groups that share nodes; the union of every result.

    A file's verdict and node sets are cached by its bytes, so an unchanged file is not even parsed here.
    """
    found, failed, members = set(), [], []
    for path, data in files:
        key = file_key(data)
        cached = cache.get(key)
        if cached is None or "described" not in cached:
            graph = parse_turtle_bytes(data, path)
            described, mentioned = node_sets(graph, vocabulary)
            cached = {**report_to_json(gate(graph)), "described": sorted(described), "mentioned": sorted(mentioned)}
            cache.put(key, cached)
        report = report_from_json(cached)
        found.update(report.violations)
        if not report.conforms:
            failed.append(path.name)
        members.append(Member(path.name, key, frozenset(cached["described"]), frozenset(cached["mentioned"]),
                              lambda path=path, data=data: parse_turtle_bytes(data, path)))
    left_out, reports = check_groups(members, cache)
    for member, report in left_out:
        failed.append(f"{member.name} (with the files that share its nodes)")
        found.update(report.violations)
    for report in reports:
        found.update(report.violations)
    violations = tuple(sorted(found, key=lambda v: (v.focus, v.severity, v.path or "", v.shape, v.message)))
    return Report(conforms=not failed, violations=violations)


def write_rejected(left_out: Sequence[tuple[str, str]], path: Path) -> None:
    """List the documents a build left out, each with its report."""
    blocks = [f"{name}\n  " + report.replace("\n", "\n  ") for name, report in sorted(left_out)]
    atomic_write(path, ("\n\n".join(blocks) + "\n").encode("utf-8"))


def build(dist_dir: Path = resources.DIST_DIR, triples_dir: Path = resources.TRIPLES_DIR,
          progress: Progress = _quiet, with_reasoning: bool = True,
          left_out: Sequence[tuple[str, str]] = ()) -> dict[str, object]:
    """Gate, reason and write dist/ (all files swapped in at once; nothing on failure).

    No rdflib graph of the data is loaded on the way: the gate reads each file's cached verdict, the views and
    the reasoner a compact index merged from per-file parts cached by sha256, the exports the files as Oxigraph
    parses them. The rdflib graph is made only where something falls back to it (a report with results to
    label, a file Oxigraph refuses)."""
    phases = Phases(progress)
    ontology = load_ontology()
    files = load_files(triples_dir)
    progress(f"read {len(ontology)} ontology triples and {len(files)} data files")
    cache = GateCache(cache_dir(triples_dir))
    graph = cache_of(lambda: _merged(files))  # made the first time it is asked for
    phases.done("load")
    vocabulary = frozenset(str(t) for triple in ontology for t in triple)
    report = gate_files(files, vocabulary, cache)
    cache.save()
    progress(f"SHACL: {'conforms' if report.conforms else 'does not conform'} ({len(report.violations)} results)")
    phases.done("validate")
    view_data = view_data_of_files(files, cache_dir(triples_dir) / "views")
    phases.done("index")  # the views' and the reasoner's index, merged from the files' cached parts
    if not report.conforms:
        raise ValidationFailed(f"{triples_dir}: the graph does not conform to the shapes; nothing written\n"
                               + format_report(report, _labels(report, view_data, graph)))
    # Millions of objects live to the end: kept out of the collector's full passes, which would walk them again
    # each time the views and exports allocate their own.
    gc.freeze()
    staging = _staging_for(dist_dir)
    try:
        return _reason_and_write(ontology, files, graph, report, view_data, staging, dist_dir, triples_dir, phases,
                                 progress, with_reasoning, left_out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _reason_and_write(ontology: Graph, files, graph: _Lazy, report: Report, view_data, staging: Path, dist_dir: Path,
                      triples_dir: Path, phases: Phases, progress: Progress, with_reasoning: bool,
                      left_out: Sequence[tuple[str, str]]) -> dict[str, object]:
    """Reason and write dist/ through `staging`. The views, which read the index only, are drawn on the second
    core meanwhile; the exports list and hash the folder's files (void.ttl, SHA256SUMS) once the views are there."""
    progress("writing views and plots (a second process)")
    shared = SharedViews(view_data, ontology, staging, cache_dir(triples_dir))
    views = _Once(in_second_process(lambda: _write_views(shared), "drawing the views"))

    def views_written() -> None:
        views()
        shared.done()

    try:
        result = _reason_and_export(ontology, files, graph, report, view_data, staging, phases, progress,
                                    with_reasoning, left_out, (shared.main, views_written),
                                    cache_dir(triples_dir) / "exports")
        _swap(staging, dist_dir)
        phases.done("views")  # the rest of the wait for the views' child, the folder listed and swapped in
        return result
    finally:
        views(quiet=True)  # never leave the child writing into a folder about to be removed
        shared.close()


def _reason_and_export(ontology: Graph, files, graph: _Lazy, report: Report, view_data, staging: Path,
                       phases: Phases, progress: Progress, with_reasoning: bool, left_out: Sequence[tuple[str, str]],
                       views: tuple[Callable[[], None], Callable[[], None]], exports_cache: Path) -> dict[str, object]:
    """Reason, write the release's own files and the exports, then draw the views' units the child has not taken
    (`views`: that, then the wait for the child) before the exports list the folder. Reasoning goes first: measured
    after the exports instead, the +1 build took 7.8-8.1 s where this order took 4.6 s (load 3-3.5)."""
    reasoning = reason(ontology, view_data) if with_reasoning else None
    if reasoning is not None:
        verdict = {True: "consistent", False: "INCONSISTENT", None: "consistency not checked"}[reasoning.consistent]
        engine = reasoning.engine if reasoning.engine == "HermiT" else (
            f"{reasoning.individuals} individuals is over HermiT's {HERMIT_MAX_INDIVIDUALS}: SPARQL rules")
        progress(reasoning.skipped or f"{engine}: {verdict}, {len(reasoning.inferred)} inferred types on "
                 f"{reasoning.individuals} individuals in {reasoning.seconds:.1f} s")
        if reasoning.consistent is False:
            raise ValidationFailed("the ontology and data are inconsistent under HermiT; nothing written")
    phases.done("reason")
    # il2kg.owl and il2kg.ttl (what write_release writes) come with the exports: not written twice.
    write_turtle(inferred_graph(reasoning) if reasoning else Graph(), staging / "inferred.ttl")
    atomic_write(staging / "validation-report.txt",
                 format_report(report, _labels(report, view_data, graph)).encode("utf-8"))
    if left_out:
        write_rejected(left_out, staging / "rejected.txt")
    progress("writing exports")
    phases.done("release")

    def then_views() -> None:  # where the exports list the folder (void.ttl, SHA256SUMS)
        phases.done("exports")
        views[0]()  # the views' units the child has not taken: this core would otherwise wait for it
        phases.done("views-shared")
        views[1]()

    # The merged graph (data and ontology labelled as the exports label it) is made only if a writer falls back.
    write_exports(lambda: _with_ontology(graph(), ontology), ontology, LazyDocuments(files), staging,
                  report.conforms, cache=exports_cache, before_listing=then_views)
    return {"triples": _line_count(staging / "il2kg.nt"), "conforms": report.conforms, "reasoning": reasoning}


class _Once:
    """A wait made once: where the exports need the views' files, and again (quietly, a no-op) on any stop."""

    def __init__(self, join: Callable[..., object]) -> None:
        self._join, self._done = join, False

    def __call__(self, quiet: bool = False) -> None:
        if not self._done:
            self._done = True
            self._join(quiet)


def _labels(report: Report, view_data, graph: _Lazy):
    """What names the report's focus nodes: the views' index when it types them all (it holds every node but
    the evidence nodes), else the rdflib graph of the data; nothing when there is nothing to name."""
    if not report.violations:
        return None
    typed = all(next(iter(view_data.objects(URIRef(v.focus), RDF.type)), None) is not None
                for v in report.violations)
    return view_data if typed else graph()


def _merged(files: Sequence[tuple[Path, bytes]]) -> Graph:
    data = new_graph()
    for path, text in files:
        parse_turtle_bytes(text, path, data)
    return data


def _with_ontology(data: Graph, ontology: Graph) -> Graph:
    data += canonical(ontology)  # labelled as the exports label them: JSON-LD then copies nothing
    return data


def _line_count(path: Path) -> int:
    """The triples of the release: one line each in its sorted, distinct N-Triples."""
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def _write_views(shared: SharedViews) -> None:
    shared.child()


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
    staging.chmod(0o777 & ~current_umask())  # mkdtemp makes 0700; dist/ is for readers too
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
