"""The data files' export pieces (exports/pieces.py), cached by what decides them, made only for what changed.

An entry is keyed by the sha256 of `fingerprint()` (VERSION, the writers' code, the context), the file's stem
(it names the file's graph when the file declares no single document) and the file's bytes; it is stored as a
checksummed marshal file under data/.il2kg-cache/exports/, beside the memo of the shared subjects' merged pieces
(`Memo`). A stale, foreign, truncated or corrupt entry is never used: it is made again from
the file. Entries of files no longer in the data are removed, so the folder holds one data folder's pieces.
The RDF/XML pieces also depend on the namespace map of every predicate in the release: an entry made under
another map is made again. Above PARALLEL_MIN_FILES missing entries (a cold build), a forked child makes half.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import mmap
import os
import zlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from rdflib import Graph

from il2kg.exports.fast import Parsed, Terms
from il2kg.exports.pieces import FIELDS, VERSION, Writers, entry_of_part
from il2kg.exports.release import _key
from il2kg.ontology import rdfxml_namespaces
from il2kg.rdf_io import atomic_write, canonical_triples

MAGIC = b"il2kg export pieces\n"
PARALLEL_MIN_FILES = 200  # fewer missing entries than this are made in this process: a fork costs more


_CODE = Path(__file__).resolve().parents[1]
# The code that writes a piece's bytes: a change to any of it makes every entry again.
_WRITERS = ("exports/fast.py", "exports/pieces.py", "exports/xml_rows.py", "exports/jsonld_fast.py",
            "exports/jsonld.py", "exports/assemble.py", "exports/kgx.py", "exports/schemaorg.py", "rdf_io.py",
            "ontology.py", "vocab.py")


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """VERSION, the writers' code, the JSON-LD context and the RDF libraries' versions: what every piece depends on
    besides its file."""
    import pyoxigraph
    import rdflib

    from il2kg.exports.jsonld import CONTEXT_FILE

    digest = hashlib.sha256(f"{VERSION}\0{rdflib.__version__}\0{pyoxigraph.__version__}".encode())
    for name in _WRITERS:
        digest.update(b"\0" + name.encode() + b"\0" + (_CODE / name).read_bytes())
    digest.update(b"\0" + CONTEXT_FILE.read_bytes())
    return digest.hexdigest()


def entry_key(path: Path, data: bytes) -> str:
    """The cache key of a data file's entry."""
    return hashlib.sha256(f"{fingerprint()}\0{path.stem}\0".encode() + data).hexdigest()


class PieceCache:
    """Entries by key in a folder (None: nothing is kept, every entry is made)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get(self, key: str) -> dict | None:
        """The entry, its pieces memoryviews of the mapped file (no copy: the release's bytes are copied once, from
        the page cache into the files written); None when it is missing or not a whole, current entry."""
        if self.folder is None:
            return None
        try:
            with (self.folder / f"{key}.pieces").open("rb") as handle:
                data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
            return None
        return decode_entry(data)

    def put(self, key: str, entry: dict) -> None:
        if self.folder is None:
            return
        try:
            atomic_write(self.folder / f"{key}.pieces", encode_entry(entry))
        except OSError:
            pass  # a read-only checkout still builds; it only makes the pieces again next time

    def has(self, key: str) -> bool:
        """Whether an entry is stored under the key (whole or not: get() says)."""
        return self.folder is not None and (self.folder / f"{key}.pieces").is_file()

    def keep_only(self, keys: set[str]) -> None:
        """Remove the entries of files no longer in the data."""
        if self.folder is not None and self.folder.is_dir():
            for path in self.folder.glob("*.pieces"):
                if path.stem not in keys:
                    path.unlink(missing_ok=True)


class Memo:
    """The merged pieces of shared subjects (exports/assemble.py) by the key of what they are made from, in one
    file of the cache folder; a build keeps only the keys it used (None: nothing is kept)."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / "shared.memo" if folder is not None else None
        self._old: dict = {}
        if self.path is not None:
            try:
                found = decode(self.path.read_bytes())
            except OSError:
                found = None
            if found is not None and found.get("fingerprint") == fingerprint() and \
                    isinstance(found.get("pieces"), dict):
                self._old = found["pieces"]
        self._used: dict = {}

    def get(self, key: str) -> dict | None:
        found = self._old.get(key)
        if found is not None:
            self._used[key] = found
        return found

    def put(self, key: str, value: dict) -> dict:
        self._used[key] = value
        return value

    def save(self) -> None:
        if self.path is None or self._used.keys() == self._old.keys():
            return
        try:
            atomic_write(self.path, encode({"fingerprint": fingerprint(), "pieces": self._used}))
        except OSError:
            pass  # a read-only checkout still builds; it only merges again next time
        self._old = self._used


_BLOBS = ("nt", "nq", "ttl", "xml", "jsonld")  # lists of pieces, stored as lengths in the index and bytes after it
_SINGLE = ("trig", "reads")


def encode_entry(entry: dict) -> bytes:
    """MAGIC, crc32 of the rest, the index's length, the index (marshal: the entry, its pieces as lengths), pieces."""
    index = {name: value for name, value in entry.items() if name not in _BLOBS and name not in _SINGLE}
    chunks: list = []
    for name in _BLOBS:
        index[name] = [len(piece) for piece in entry[name]]
        chunks.extend(entry[name])
    for name in _SINGLE:
        index[name] = len(entry[name])
        chunks.append(entry[name])
    head = marshal.dumps(index)
    body = len(head).to_bytes(8, "big") + head + b"".join(chunks)
    return MAGIC + zlib.crc32(body).to_bytes(4, "big") + body


def decode_entry(data) -> dict | None:
    """An entry from its stored bytes (or mapped file), its pieces memoryviews of them; None for anything but a
    whole, current entry."""
    start = len(MAGIC) + 12
    if len(data) < start or data[: len(MAGIC)] != MAGIC:
        return None
    view = memoryview(data)
    if zlib.crc32(view[start - 8:]).to_bytes(4, "big") != data[len(MAGIC):start - 8]:
        return None
    size = int.from_bytes(data[start - 8:start], "big")
    try:
        entry = marshal.loads(view[start:start + size])
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(entry, dict) or entry.get("version") != VERSION:
        return None
    offset = start + size
    try:
        for name in _BLOBS:
            pieces = []
            for length in entry[name]:
                pieces.append(view[offset:offset + length])
                offset += length
            entry[name] = pieces
        for name in _SINGLE:
            entry[name], offset = view[offset:offset + entry[name]], offset + entry[name]
    except (KeyError, TypeError):
        return None
    lengths = {len(entry[name]) if isinstance(entry.get(name), list) else -1 for name in FIELDS}
    return entry if offset == len(data) and len(lengths) == 1 and -1 not in lengths else None


def encode(entry: dict) -> bytes:
    payload = marshal.dumps(entry)
    return MAGIC + zlib.crc32(payload).to_bytes(4, "big") + payload


def decode(data: bytes) -> dict | None:
    """A memo from its stored bytes; None for anything but a whole one."""
    if not data.startswith(MAGIC):
        return None
    head = len(MAGIC)
    payload = memoryview(data)[head + 4:]
    if zlib.crc32(payload).to_bytes(4, "big") != data[head:head + 4]:
        return None
    try:
        entry = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    return entry if isinstance(entry, dict) else None


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
    predicates = {str(p) for _, p, _ in canonical_triples(ontology)}
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
    if pid == 0:  # the child: make its half, send them through the pipe, leave without the parent's cleanup
        os.close(read_end)
        code = 0
        try:
            made = make(theirs)
            payload = marshal.dumps({"entries": {n: e for n, e in made.items() if not cache.has(keys[n])}})
        except BaseException as err:  # reported to the parent, which raises it as its own error
            payload, code = marshal.dumps({"error": f"{type(err).__name__}: {err}"}), 1
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        os._exit(code)
    os.close(write_end)
    try:
        found = make(mine)
    finally:
        with os.fdopen(read_end, "rb") as pipe:
            payload = pipe.read()
        os.waitpid(pid, 0)
    try:
        answer = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        answer = {"error": "it stopped before it answered (out of memory?)"}
    if "error" in answer:
        from il2kg.errors import Il2kgError

        raise Il2kgError(f"the second export process failed: {json.dumps(answer.get('error'))}; nothing was "
                         "written. Run the build again; if it fails again, report it")
    for n in theirs:
        entry = answer["entries"].get(n) or cache.get(keys[n])
        found[n] = entry if entry is not None else entry_of_part(*parts[n], writers)
    return found
