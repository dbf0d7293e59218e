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
    if "cli" in path.relative_to(SRC).parts or path.name == "__main__.py":
        pytest.skip("the CLI itself")
    assert not any(name.startswith("il2kg.cli") for name in imports_of(path))


@pytest.mark.parametrize("path", [p for p in MODULES if p.parent.name == "graph" or p.name == "vocab.py"],
                         ids=lambda p: str(p.relative_to(SRC)))
def test_vocabulary_and_graph_do_not_import_later_layers(path: Path):
    later = ("il2kg.validate", "il2kg.query", "il2kg.build", "il2kg.views", "il2kg.exports", "il2kg.serve")
    assert not any(name.startswith(later) for name in imports_of(path))


# The layers, bottom first. A module may import only from its own layer or lower ones (function-local
# imports included); every module must be placed, so a new module is a decision, not an accident.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("vocabulary and model: errors, paths, IRIs and CURIEs, records",
     ("errors", "resources", "vocab", "curie", "model", "deep")),
    ("text and extraction: documents to records (pure), the lexicon, gold fact strings",
     ("extract", "lexicon", "gold")),
    ("RDF I/O: read, write, new_graph, atomic writes; the ontology", ("rdf_io", "ontology")),
    ("graph building: records to RDF", ("graph",)),
    ("the store: load_kg", ("triplestore",)),
    ("validation, reasoning, queries: the gate, SHACL, SPARQL, rules, evaluation",
     ("validate", "gate", "gate_sparql", "gate_core", "gate_checks", "gate_cache", "query", "query_oxigraph",
      "reason", "rules", "pipeline", "crossing", "evaluate")),
    ("outputs: views, exports, the endpoint, corpus extraction", ("views", "exports", "serve", "corpus")),
    ("the main job", ("build",)),
    ("command line: thin commands", ("cli", "__main__")),
)


def layer_of(module: str) -> int | None:
    """The layer of a dotted il2kg module name (the longest matching prefix), or None when unplaced."""
    parts = module.split(".")
    if parts[0] != "il2kg" or len(parts) < 2:
        return None
    return next((i for i, (_, names) in enumerate(LAYERS) if parts[1] in names), None)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return {n for n in names if n.startswith("il2kg.")}


@pytest.mark.parametrize("path", [p for p in MODULES if _module_name(p) != "il2kg"],
                         ids=lambda p: str(p.relative_to(SRC)))
def test_every_module_imports_only_its_layer_or_lower(path: Path):
    own = layer_of(_module_name(path))
    assert own is not None, f"{path.relative_to(SRC)} is in no layer: place it in tests/test_layers.py LAYERS"
    upward = sorted(n for n in _imported(path) if (layer_of(n) or 0) > own)
    assert upward == [], f"{path.relative_to(SRC)} ({LAYERS[own][0]}) imports a later layer: {upward}"


def test_the_contract_can_fail():
    assert layer_of("il2kg.build") > layer_of("il2kg.extract.doses") and layer_of("il2kg.nowhere") is None
