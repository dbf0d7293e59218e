"""Shared fixtures: the lexicon built from the ontology, and the corpus directory (skipped when absent)."""

from __future__ import annotations

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
    """The shared corpus directory; the test is skipped when it is not there."""
    if not DEFAULT_CORPUS.is_dir() or not any(DEFAULT_CORPUS.glob("*.txt")):
        pytest.skip(f"corpus not found at {DEFAULT_CORPUS}")
    return DEFAULT_CORPUS
