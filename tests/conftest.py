"""Shared fixtures: the lexicon built from the ontology, and the corpus directory.

A test that needs the corpus skips when ../shared/corpus is absent on a developer's machine, but fails in
CI (environment variable CI set, or ../shared present): there a missing corpus is a broken set-up, and a
skip would hide that the corpus tests did not run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Graph

from il2kg.lexicon import load_lexicon
from il2kg.model import Lexicon
from il2kg.ontology import load_ontology
from il2kg.resources import DEFAULT_CORPUS, ONTOLOGY


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    """The extractor's lexicon, loaded once from ontology/il2kg.ttl."""
    return load_lexicon(ONTOLOGY)


@pytest.fixture(scope="session")
def ontology() -> Graph:
    """The ontology graph, parsed once; tests must not change it."""
    return load_ontology()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The shared corpus directory: fails in CI when it is missing, else skips with the reason."""
    if not DEFAULT_CORPUS.is_dir() or not any(DEFAULT_CORPUS.glob("*.txt")):
        corpus_missing(f"corpus not found at {DEFAULT_CORPUS}")
    return DEFAULT_CORPUS


def in_ci() -> bool:
    """True on CI (CI set to anything but '', '0' or 'false') or where ../shared is checked out."""
    flag = os.environ.get("CI", "").strip().lower()
    return flag not in ("", "0", "false") or DEFAULT_CORPUS.parent.is_dir()


def corpus_missing(reason: str) -> None:
    """Fail in CI, skip elsewhere: called when a corpus document a test needs is not there."""
    if in_ci():
        pytest.fail(f"{reason} (in CI the corpus must be present: check out ../shared/corpus)")
    pytest.skip(f"{reason} (not in CI: set up ../shared/corpus to run this test)")
