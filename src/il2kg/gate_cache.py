"""The gate's verdict cache: one JSON file, so a rebuild gates and extracts only what changed.

A verdict is keyed by what decides it: for an extracted document its file name, sha256 and the
extractor fingerprint (version plus the hash of the extraction code); for a data file the sha256 of
its bytes; for a group of documents that share nodes the keys of its members. Every key also
carries `rules_hash()` (shapes, ontology, gate engine), so changing a shape re-gates everything.
A corrupt or foreign cache file is ignored (and rewritten), never an error: it only saves time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from il2kg.gate import rules_hash
from il2kg.rdf_io import atomic_write
from il2kg.validate import Report, Violation

CACHE_DIR_NAME = ".il2kg-cache"
_FORMAT = 1
_CODE = Path(__file__).resolve().parent


def cache_dir(triples_dir: Path) -> Path:
    """The cache folder of a data folder: beside it (data/.il2kg-cache for data/triples), gitignored."""
    return triples_dir.resolve().parent / CACHE_DIR_NAME


@lru_cache(maxsize=1)
def extractor_fingerprint() -> str:
    """The extractor version plus a hash of the code that turns text into triples (a change re-extracts)."""
    from il2kg.pipeline import extractor_version

    digest = hashlib.sha256(extractor_version().encode())
    for folder in ("extract", "graph"):
        for path in sorted((_CODE / folder).glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in ("model.py", "vocab.py", "lexicon.py", "pipeline.py"):
        digest.update((_CODE / name).read_bytes())
    return digest.hexdigest()


def _key(*parts: str) -> str:
    return hashlib.sha256("\0".join([*parts, rules_hash()]).encode()).hexdigest()


def document_key(file_name: str, sha256: str) -> str:
    """The key of one source document's extraction and gate verdict."""
    return _key("document", file_name, sha256, extractor_fingerprint())


def file_key(data: bytes) -> str:
    """The key of one data Turtle file's gate verdict (by its bytes)."""
    return file_key_of(hashlib.sha256(data).hexdigest())


def file_key_of(sha256: str) -> str:
    """file_key from the sha256 of the bytes (so extraction and build name a group of files alike)."""
    return _key("file", sha256)


def group_key(member_keys: list[str]) -> str:
    """The key of a group of documents that share nodes: their keys, in order."""
    return _key("group", *sorted(member_keys))


def report_to_json(report: Report) -> dict:
    """A report as plain JSON values."""
    return {"conforms": report.conforms, "violations": [asdict(v) for v in report.violations]}


def report_from_json(entry: dict) -> Report:
    """A report back from its JSON form."""
    return Report(conforms=bool(entry["conforms"]), violations=tuple(Violation(**v) for v in entry["violations"]))


class GateCache:
    """Verdicts (and what else a rebuild needs to skip work) by key, read once and written atomically."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "gate.json"
        self.entries: dict[str, dict] = {}
        self.used: set[str] = set()
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            if loaded.get("format") == _FORMAT and isinstance(loaded.get("entries"), dict):
                self.entries = loaded["entries"]
        except (OSError, ValueError, AttributeError):
            pass

    def get(self, key: str) -> dict | None:
        """The entry of a key, marked as used by this run."""
        entry = self.entries.get(key)
        if entry is not None:
            self.used.add(key)
        return entry

    def put(self, key: str, entry: dict) -> None:
        """Record an entry."""
        self.entries[key] = entry
        self.used.add(key)

    def save(self, prune: bool = False) -> None:
        """Write the cache; with prune, keep only the entries this run used (a rebuild of the whole folder)."""
        entries = {k: v for k, v in self.entries.items() if not prune or k in self.used}
        text = json.dumps({"format": _FORMAT, "entries": entries}, sort_keys=True, separators=(",", ":"))
        try:
            atomic_write(self.path, text.encode("utf-8"))
        except OSError:
            pass  # a read-only checkout still builds; it only re-gates next time
