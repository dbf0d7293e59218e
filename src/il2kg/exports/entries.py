"""The data files' entries (exports/pieces.py) for a build: from the cache (exports/piece_cache.py) where current,
else made from the file; above PARALLEL_MIN_FILES missing entries (a cold build) a forked child makes half."""

from __future__ import annotations

import json
import marshal
import os
from collections.abc import Sequence
from pathlib import Path

from rdflib import Graph

from il2kg.exports.fast import Parsed, Terms
from il2kg.exports.piece_cache import PieceCache, entry_key
from il2kg.exports.pieces import Writers, entry_of_part
from il2kg.exports.release import _key
from il2kg.ontology import rdfxml_namespaces

PARALLEL_MIN_FILES = 200  # fewer missing entries than this are made in this process: a fork costs more


def entries_of(files: Sequence[tuple[Path, bytes]], ontology: Graph, terms: Terms, context: dict,
               cache: PieceCache, reads: frozenset[str]) -> tuple[list[dict], dict[str, str]] | None:
    """Every data file's entry (in the files' order) and the release's XML namespace map; None when a file
    is one the fast writers cannot take (a blank node, or Oxigraph refuses it)."""
    keys = [entry_key(path, data) for path, data in files]
    entries: list[dict | None] = [cache.get(key) for key in keys]
    parts: dict[int, tuple[Parsed, str]] = {}
    for n, entry in enumerate(entries):
        if entry is None and not _parse(files[n], parts, n):
            return None
    predicates = {str(p) for p in ontology.predicates(unique=True)}  # relabelling blank nodes changes no predicate
    predicates.update(p for entry in entries if entry is not None for p in entry["used"])
    predicates.update(t[1].value for part, _ in parts.values() for t in part.triples)
    xmlns = rdfxml_namespaces(predicates)
    for n, entry in enumerate(entries):
        if entry is not None and entry["xmlns"] != sorted(xmlns.items()):  # made under another namespace map
            entries[n] = None
            if not _parse(files[n], parts, n):
                return None
    for n, entry in _make(parts, keys, cache, terms, xmlns, context, reads).items():
        entries[n] = entry
    cache.keep_only(set(keys))
    return entries, xmlns


def _parse(file: tuple[Path, bytes], parts: dict[int, tuple[Parsed, str]], n: int) -> bool:
    """Parse a data file into parts[n] (its triples and its graph's name); False if the fast
    writers cannot take it."""
    found = Parsed.scan(file[1])
    if found is None:
        return False
    parts[n] = (Parsed(list(found[0])), str(_key(file[0], found[1])))
    return True


def _make(parts: dict[int, tuple[Parsed, str]], keys: list[str], cache: PieceCache, terms: Terms,
          xmlns: dict[str, str], context: dict, reads: frozenset[str]) -> dict[int, dict]:
    """The entries of the parsed files, each stored in the cache; half of them made (and stored) by a forked child
    when there are many, the parent then mapping them from the cache (or reading them from the pipe, uncached)."""
    order = sorted(parts)
    writers = Writers(terms, xmlns, context, reads)

    def make(numbers: list[int]) -> dict[int, dict]:
        made = {n: entry_of_part(*parts[n], writers) for n in numbers}
        for n, entry in made.items():
            cache.put(keys[n], entry)
        return made

    if len(order) < PARALLEL_MIN_FILES or not hasattr(os, "fork"):
        return make(order)
    theirs, mine = order[: len(order) // 2], order[len(order) // 2:]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(lambda: make(theirs), keys, cache, write_end)
    os.close(write_end)
    try:
        found = make(mine)
    finally:
        with os.fdopen(read_end, "rb") as pipe:
            payload = pipe.read()
        os.waitpid(pid, 0)
    answer = _answer(payload)
    for n in theirs:
        entry = answer["entries"].get(n) or cache.get(keys[n])
        found[n] = entry if entry is not None else entry_of_part(*parts[n], writers)
    return found


def _child(make, keys: list[str], cache: PieceCache, write_end: int) -> None:
    """The forked child: make its half, send what it could not store through the pipe, and leave without running
    the parent's cleanup."""
    code = 0
    try:
        made = make()
        payload = marshal.dumps({"entries": {n: e for n, e in made.items() if not cache.has(keys[n])}})
    except BaseException as err:  # reported to the parent, which raises it as its own error
        payload, code = marshal.dumps({"error": f"{type(err).__name__}: {err}"}), 1
    with os.fdopen(write_end, "wb") as pipe:
        pipe.write(payload)
    os._exit(code)


def _answer(payload: bytes) -> dict:
    """The child's answer, or its failure as this process's error."""
    try:
        answer = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        answer = {"error": "it stopped before it answered (out of memory?)"}
    if "error" in answer:
        from il2kg.errors import Il2kgError

        raise Il2kgError(f"the second export process failed: {json.dumps(answer.get('error'))}; nothing was "
                         "written. Run the build again; if it fails again, report it")
    return answer
