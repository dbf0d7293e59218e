"""`write_exports`: every format of the registry into dist/, on two processes when the release is large.

Data files given as `LazyDocuments` are written from their per-file pieces (exports/assemble.py): each RDF
format is a list of buffers, written with writev and hashed for SHA256SUMS on a thread while the next format is
sorted, and above PARALLEL_MIN_TRIPLES a forked child writes KGX and schema.org from an index of the cached
triples meanwhile. Otherwise (a blank node, a file Oxigraph refuses, keys the pieces cannot order) each document
is parsed once (exports/fast.py), the formats that share what they are made of are written one after the other,
and a forked child writes JSON-LD, RDF/XML, KGX and schema.org from the same parsed documents (copy-on-write,
nothing sent) while this process writes Turtle, TriG, N-Triples and N-Quads. The bytes are the same every way
(tests/test_release_fast.py, tests/test_export_pieces.py).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rdflib import Graph, URIRef

from il2kg.errors import Il2kgError
from il2kg.exports.assemble import Assembly, KeysCollide, assembly_of
from il2kg.exports.formats import CHECKSUMS, FORMATS, _fast, merged_lines, sha256sums_bytes
from il2kg.exports.release import LazyDocuments, Release
from il2kg.rdf_io import atomic_write, current_umask

PARALLEL_MIN_TRIPLES = 100_000  # below this a second process costs more than it saves
_ORDER = ("ttl", "trig", "nt", "nq")  # this process; the child (or this process after them) writes the others
ASSEMBLED = ("nt", "nq", "ttl", "trig", "xml", "jsonld")  # joined from the pieces, in this order (nt before VoID)
_SHARED_UNTIL = {"trig": "ttl", "nq": "nt"}  # after this format, let go of what it shared with an earlier one

Progress = Callable[[str], None]


def write_exports(merged_graph: Graph, ontology: Graph, data_by_document: Mapping[URIRef, Graph],
                  out_dir: Path, shacl_conforms: bool, progress: Progress | None = None,
                  cache: Path | None = None, before_listing: Callable[[], object] | None = None) -> list[Path]:
    """Write every export into out_dir: RDF formats, JSON-LD context, KGX, schema.org, void.ttl, SHA256SUMS last.

    Data files as `LazyDocuments` are written from their pieces (exports/assemble.py), kept in the folder `cache`
    when one is given, so a rebuild makes only the changed files' pieces. `progress`, when given, gets a
    'timing: export NAME ...' line per export (benchmarks/bench_exports.py). `before_listing` is called before
    void.ttl and SHA256SUMS list the folder's files (the build's views, drawn meanwhile, are waited for there)."""
    # The writers allocate millions of short-lived, acyclic strings, tuples and dicts: each of the collector's
    # full passes walks all of them again (at 1,000 documents that was a third of the exports' time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        release, clock = Release(merged_graph, ontology, data_by_document), _Clock(progress)
        listing = before_listing or (lambda: None)
        assembly = None
        if isinstance(data_by_document, LazyDocuments):
            assembly = assembly_of(data_by_document.files, ontology, data_by_document.terms, cache)
            clock.done("pieces")
        if assembly is not None:
            try:
                return _write_assembled(assembly, release, out_dir, shacl_conforms, clock, listing)
            except KeysCollide:
                pass  # the files written so far are written again, from the parsed documents
        return _write_all(release, out_dir, shacl_conforms, clock, listing)
    finally:
        if collecting:
            gc.enable()


class _Clock:
    """Seconds per export, reported through progress (nothing when there is none)."""

    def __init__(self, progress: Progress | None, where: str = "") -> None:
        self.progress, self.where = progress, where
        self.started, self.cpu = time.perf_counter(), time.process_time()

    def done(self, name: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        if self.progress:  # CPU seconds beside wall seconds: the fairer figure on a shared machine
            import resource

            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux
            self.progress(f"timing: export {name} {now - self.started:.2f} s (CPU {cpu - self.cpu:.2f} s, "
                          f"peak RSS {peak} MiB{self.where})")
        self.started, self.cpu = now, cpu


def _write_all(release: Release, out_dir: Path, shacl_conforms: bool, clock: _Clock,
               before_listing: Callable[[], object]) -> list[Path]:
    from il2kg.exports.jsonld import CONTEXT_FILE, context_bytes
    from il2kg.exports.void import void_bytes

    found = _fast(release) if isinstance(release.documents, LazyDocuments) else None
    clock.done("parse")
    large = found is not None and sum(len(part.triples) for part in found[0].values()) >= PARALLEL_MIN_TRIPLES
    others = [n for n in FORMATS if n not in _ORDER]
    child = _fork(lambda child_clock: _write_formats(release, out_dir, others, child_clock), clock) if large else None
    try:
        written = _write_formats(release, out_dir, [n for n in _ORDER if n in FORMATS], clock)
    except BaseException:
        if child:
            child(True)  # waited for, so it writes nothing into a folder that is about to be removed
        raise
    counts = release.memo.pop("counts", None)
    if child:
        written += child()
        clock.done("waiting for the second process")
    else:
        written += _write_formats(release, out_dir, others, clock)
    atomic_write(out_dir / CONTEXT_FILE.name, context_bytes(release.ontology))  # the ontology's own, never stale
    release.memo.clear()
    before_listing()
    atomic_write(out_dir / "void.ttl", void_bytes(counts or release.merged, out_dir, shacl_conforms))
    clock.done("void")
    atomic_write(out_dir / CHECKSUMS, sha256sums_bytes(out_dir))
    clock.done("sha256sums")
    return [*written, out_dir / CONTEXT_FILE.name, out_dir / "void.ttl", out_dir / CHECKSUMS]


def _write_assembled(assembly: Assembly, release: Release, out_dir: Path, shacl_conforms: bool,
                     clock: _Clock, before_listing: Callable[[], object]) -> list[Path]:
    """Write the RDF formats joined from the pieces, each written and hashed on a thread while the next is joined;
    KGX and schema.org (from an Index of the files' cached triples) in a forked child when the release is large."""
    from il2kg.exports import kgx, schemaorg
    from il2kg.exports.jsonld import CONTEXT_FILE, context_bytes
    from il2kg.exports.void import void_bytes

    joined = [name for name in ASSEMBLED if name in FORMATS]
    others = [name for name in FORMATS if name not in ASSEMBLED]

    def write_others(clock: _Clock) -> list[Path]:
        release.memo["index"] = assembly.index(kgx.READS | schemaorg.READS)
        clock.done("index")
        return _write_formats(release, out_dir, others, clock)

    large = sum(entry["lines"] for entry in assembly.entries) >= PARALLEL_MIN_TRIPLES
    child = _fork(write_others, clock) if large else None
    try:
        known = _write_joined(assembly, joined, out_dir, clock)
    except BaseException:
        if child:
            child(True)  # waited for, so it writes nothing into a folder that is about to be removed
        raise
    written = [out_dir / FORMATS[name].file_name for name in joined]
    if child:
        written += child()
        clock.done("waiting for the second process")
    else:
        written += write_others(clock)
    atomic_write(out_dir / CONTEXT_FILE.name, context_bytes(release.ontology))
    before_listing()
    atomic_write(out_dir / "void.ttl", void_bytes(assembly.counts(), out_dir, shacl_conforms))
    clock.done("void")
    atomic_write(out_dir / CHECKSUMS, sha256sums_bytes(out_dir, known))
    clock.done("sha256sums")
    return [*written, out_dir / CONTEXT_FILE.name, out_dir / "void.ttl", out_dir / CHECKSUMS]


def _write_joined(assembly: Assembly, names: list[str], out_dir: Path, clock: _Clock) -> dict[Path, str]:
    """Write the formats joined from the pieces, each on a thread while the next is sorted; their sha256s."""
    known: dict[Path, str] = {}
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = None
        for name in names:
            buffers = assembly.buffers(name)
            if pending is not None:
                known.update(pending.result())
            pending = pool.submit(write_buffers, out_dir / FORMATS[name].file_name, buffers)
            del buffers
            clock.done(name)
        if pending is not None:
            known.update(pending.result())
    return known


def write_buffers(path: Path, buffers: list) -> dict[Path, str]:
    """Write the buffers one after the other into the file atomically (a temporary file, then a rename) and give
    the sha256 of what was written: the kernel copies each piece from the cache's pages into the file's, and
    writing and hashing let go of the GIL, so this runs on a thread beside the next format's sorting."""
    digest = hashlib.sha256()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:64]}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())  # mkstemp makes 0600; a file written the usual way respects umask
        for start in range(0, len(buffers), _IOV_MAX):
            batch = buffers[start:start + _IOV_MAX]
            for buffer in batch:
                digest.update(buffer)
            written = os.writev(fd, batch)
            if written < sum(len(buffer) for buffer in batch):  # a short write: the rest one buffer at a time
                _write_rest(fd, batch, written)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise
    return {path: digest.hexdigest()}


_IOV_MAX = min(os.sysconf("SC_IOV_MAX") if hasattr(os, "sysconf") else 1024, 1024)


def _write_rest(fd: int, batch: list, written: int) -> None:
    for buffer in batch:
        view = memoryview(buffer)
        if written >= len(view):
            written -= len(view)
            continue
        view, written = view[written:], 0
        while view:
            view = view[os.write(fd, view):]


def _write_formats(release: Release, out_dir: Path, names: list[str], clock: _Clock) -> list[Path]:
    """Write the named formats, letting shared work go after the last format that uses it."""
    from il2kg.exports.void import counts_of_lines

    written: list[Path] = []
    for name in names:
        fmt = FORMATS[name]
        if fmt.write:
            atomic_write(out_dir / fmt.file_name, fmt.write(release))
            written.append(out_dir / fmt.file_name)
        else:
            written += fmt.write_folder(release, out_dir / fmt.file_name)
        if name == "nt" and (lines := merged_lines(release)) is not None:
            release.memo["counts"] = counts_of_lines(lines)  # VoID is written last (it lists the files)
        if name in _SHARED_UNTIL:
            _let_go(release, _SHARED_UNTIL[name])
        clock.done(name)
    return written


def _let_go(release: Release, kind: str) -> None:
    """Drop what the formats of a kind ("ttl" or "nt") shared, once the last of them is written."""
    release.memo.pop(kind, None)
    if found := _fast(release):
        for part in found[0].values():
            part.let_go(kind)
        found[1].let_go(kind)


def in_second_process(work: Callable[[], object], what: str) -> Callable[..., object]:
    """Run work in a forked child (the second core) while the caller goes on; the returned function waits for it
    and raises its error, naming `what` failed (quiet=True: only waits). Where fork is missing, work runs now."""
    child = _fork(lambda _clock: (work(), [])[1], _Clock(None), what)
    if child is None:
        work()
        return lambda quiet=False: None
    return child


def _fork(work: Callable[[_Clock], list[Path]], clock: _Clock,
          what: str = "the second export process") -> Callable[..., list[Path]] | None:
    """Run work in a forked child; the returned function waits for it and gives the paths it wrote (or raises
    its error; with quiet=True it only waits). None where fork is not available (the caller then does the work)."""
    if not hasattr(os, "fork"):
        return None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: write, report through the pipe, and leave without running the parent's cleanup
        os.close(read_end)
        code, timings = 0, []
        child_clock = _Clock(timings.append if clock.progress else None, ", second process")
        try:
            answer = {"paths": [str(p) for p in work(child_clock)]}
        except BaseException as err:  # reported to the parent, which raises it as its own error
            answer, code = {"error": f"{type(err).__name__}: {err}"}, 1
        with os.fdopen(write_end, "w", encoding="utf-8") as pipe:
            json.dump({**answer, "timings": timings}, pipe)
        os._exit(code)
    os.close(write_end)

    def join(quiet: bool = False) -> list[Path]:
        with os.fdopen(read_end, encoding="utf-8") as pipe:
            text = pipe.read()
        _, status = os.waitpid(pid, 0)
        try:
            answer = json.loads(text)
        except ValueError:
            answer = {"error": f"it stopped with status {status} (out of memory?)"}
        for line in answer.get("timings", []):
            clock.progress(line)
        if quiet:
            return []
        if "error" in answer:
            raise Il2kgError(f"{what} failed: {answer['error']}; nothing was written. "
                             "Run the build again; if it fails again, report it")
        return [Path(p) for p in answer["paths"]]

    return join

