"""Paths of the repository's data directories: ontology, shapes, queries, data, dist."""

from __future__ import annotations

import os
from pathlib import Path

from il2kg.errors import QueryError

# The package is installed editable from the checkout: the data directories sit at its root.
ROOT = Path(os.environ.get("IL2KG_ROOT", Path(__file__).resolve().parents[2]))
ONTOLOGY = ROOT / "ontology" / "il2kg.ttl"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"
DATA_DIR = ROOT / "data"
TRIPLES_DIR = DATA_DIR / "triples"
SOURCES_TSV = DATA_DIR / "sources.tsv"
DIST_DIR = ROOT / "dist"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_CORPORA = (DEFAULT_CORPUS, ROOT.parent / "shared" / "corpus-dev")
GOLD_DIR = ROOT / "tests" / "gold"
DEFAULT_GOLD = (GOLD_DIR / "corpus", GOLD_DIR / "corpus-dev")


def shape_files() -> list[Path]:
    """Return the SHACL shape files, sorted."""
    return sorted(SHAPES_DIR.glob("*.ttl"))


def triple_files(directory: Path = TRIPLES_DIR) -> list[Path]:
    """Return the data Turtle files, sorted."""
    return sorted(directory.glob("*.ttl"))


def query_files() -> list[Path]:
    """Return every .rq file under queries/, sorted."""
    return sorted(QUERIES_DIR.rglob("*.rq"))


def read_query(name: str) -> str:
    """Return the text of a named query (file stem, or path relative to queries/ without .rq)."""
    def named(path: Path) -> bool:
        return path.stem == name or path.relative_to(QUERIES_DIR).with_suffix("").as_posix() == name

    candidates = [p for p in query_files() if named(p)]
    if not candidates:
        raise QueryError(f"no query named {name!r} under {QUERIES_DIR}: run 'il2kg queries' to list them")
    if len(candidates) > 1:
        raise QueryError(f"query name {name!r} is ambiguous: {', '.join(str(p) for p in candidates)}")
    return candidates[0].read_text(encoding="utf-8")
