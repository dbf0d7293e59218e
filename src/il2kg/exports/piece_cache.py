"""The data files' export pieces (exports/pieces.py), cached by what decides them, made only for what changed.

An entry is keyed by the sha256 of `fingerprint()` (VERSION, the writers' code, the context), the file's stem
(it names the file's graph when the file declares no single document) and the file's bytes; it is stored as a
checksummed marshal file under data/.il2kg-cache/exports/, beside the memo of the shared subjects' merged pieces
(`Memo`). A stale, foreign, truncated or corrupt entry is never used: it is made again from
the file. Entries of files no longer in the data are removed, so the folder holds one data folder's pieces.
The RDF/XML pieces also depend on the namespace map of every predicate in the release: an entry made under
another map is made again.
"""

from __future__ import annotations

import hashlib
import marshal
import mmap
import resource
import zlib
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph

from il2kg.exports.pieces import FIELDS, VERSION
from il2kg.rdf_io import atomic_write

MAGIC = b"il2kg export pieces\n"
_MAPS = resource.getrlimit(resource.RLIMIT_NOFILE)[0] // 2  # mapped entries at most: half the open-files limit


_CODE = Path(__file__).resolve().parents[1]
# The code that writes a piece's bytes: a change to any of it makes every entry again.
_WRITERS = ("exports/fast.py", "exports/pieces.py", "exports/xml_rows.py", "exports/jsonld_fast.py",
            "exports/jsonld.py", "exports/assemble.py", "exports/piece_cache.py", "exports/kgx.py",
            "exports/schemaorg.py", "rdf_io.py", "ontology.py", "vocab.py")


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
        self.folder, self._maps = folder, 0

    def get(self, key: str) -> dict | None:
        """The entry, its pieces memoryviews of the mapped file (no copy: the release's bytes are copied once, from
        the page cache into the files written); None when it is missing or not a whole, current entry."""
        if self.folder is None:
            return None
        try:
            with (self.folder / f"{key}.pieces").open("rb") as handle:
                if self._maps < _MAPS:  # a map keeps a file descriptor open: past the budget, a copy
                    data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                    self._maps += 1
                else:
                    data = handle.read()
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
        if self.folder is None:
            return
        try:
            for path in self.folder.glob("*.pieces"):
                if path.stem not in keys:
                    path.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only cache: it only holds more than it needs


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


def ontology_key(ontology: Graph, xmlns: dict[str, str]) -> str | None:
    """A key that names the ontology graph exactly (and the namespace map its RDF/XML pieces use), without RGDA1's
    cost: each blank node is named by a hash of the tree below it. That is exact where the blank nodes form trees,
    each the object of one triple at most, as an OWL ontology's restrictions and lists do; None otherwise."""
    below: dict = {}
    referenced: dict = {}
    plain = []
    for s, p, o in ontology:
        if isinstance(o, BNode):
            referenced[o] = referenced.get(o, 0) + 1
        (below.setdefault(s, []).append((p, o)) if isinstance(s, BNode) else plain.append((s, p, o)))
    if any(n > 1 for n in referenced.values()) or not referenced.keys() <= below.keys():
        return None
    names: dict = {}

    def name(term) -> str:
        if not isinstance(term, BNode):
            return term.n3()
        if term not in names:
            names[term] = None  # on the way down: met again below itself, it is a cycle
            items = sorted(f"{p.n3()} {name(o)}" for p, o in below[term])
            names[term] = "_:" + hashlib.sha256("\n".join(items).encode()).hexdigest()
        if names[term] is None:
            raise ValueError("a cycle of blank nodes")
        return names[term]

    try:
        lines = sorted(f"{s.n3()} {p.n3()} {name(o)}" for s, p, o in plain)
        lines += sorted(name(b) for b in below if b not in referenced)
    except (ValueError, RecursionError):
        return None
    if names.keys() != below.keys():  # a blank node no root reaches: in a cycle
        return None
    lines.append(str(sorted(xmlns.items())))
    return hashlib.sha256(f"{fingerprint()}\0".encode() + "\n".join(lines).encode()).hexdigest()


def ontology_entry_cached(ontology: Graph, xmlns: dict[str, str], terms, context: dict, folder: Path | None) -> dict:
    """The ontology's entry (exports/pieces.py), kept in the cache folder by ontology_key: made again only when the
    ontology, the namespace map or the writers change. A cached entry has no "structured" part (None): the rare
    merge that needs it makes the entry again."""
    from il2kg.exports.pieces import ontology_entry

    key = ontology_key(ontology, xmlns) if folder is not None else None
    path = folder / "ontology.memo" if folder is not None else None
    if key is not None:
        try:
            found = decode(path.read_bytes())
        except OSError:
            found = None
        if found is not None and found.get("key") == key and isinstance(found.get("entry"), dict):
            return {**found["entry"], "structured": None}
    entry = ontology_entry(ontology, xmlns, terms, context)
    if key is not None:
        try:
            atomic_write(path, encode({"key": key, "entry": {k: v for k, v in entry.items() if k != "structured"}}))
        except OSError:
            pass
    return entry
