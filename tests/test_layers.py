"""Dependencies point one way: extraction is pure (no rdflib, no I/O layers); nothing imports the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "il2kg"
MODULES = sorted(SRC.rglob("*.py"))


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", [p for p in MODULES if "extract" in p.parts or p.name == "model.py"],
                         ids=lambda p: str(p.relative_to(SRC)))
def test_extraction_and_model_are_pure(path: Path):
    allowed_internal = ("il2kg.model", "il2kg.extract")
    for name in imports_of(path):
        assert not name.startswith(("rdflib", "pyshacl", "owlready2", "logging")), f"{path.name} imports {name}"
        if name.startswith("il2kg"):
            assert name.startswith(allowed_internal), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_nothing_imports_the_cli(path: Path):
    if path.name.startswith("cli") or path.name == "__main__.py":
        pytest.skip("the CLI itself")
    assert not any(name.startswith("il2kg.cli") for name in imports_of(path))


@pytest.mark.parametrize("path", [p for p in MODULES if p.parent.name == "graph" or p.name == "vocab.py"],
                         ids=lambda p: str(p.relative_to(SRC)))
def test_vocabulary_and_graph_do_not_import_later_layers(path: Path):
    later = ("il2kg.validate", "il2kg.query", "il2kg.build", "il2kg.views", "il2kg.exports", "il2kg.serve")
    assert not any(name.startswith(later) for name in imports_of(path))
