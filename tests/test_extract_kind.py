"""Document-kind detection and the extractor dispatch table."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import corpus_missing

from il2kg.extract import EXTRACTORS, citation_page, extract, registry
from il2kg.extract.kind import KINDS, detect_kind
from il2kg.model import Citation, Trial

CASES_DIR = Path(__file__).parent / "cases"
# The kind of every example document (tests/cases/<kind>/<name>/) is checked by tests/test_cases.py.
REGISTRY_CASES = sorted((CASES_DIR / "registry-record").glob("*/input.txt"))
CITATION_CASES = sorted((CASES_DIR / "citation-page").glob("*/input.txt"))
CORPUS_KINDS = {
    "000_44e360388519de4c.txt": "article",
    "001_509308840a004aaf.txt": "article",
    "002_096bc95a6b289c23.txt": "article",
    "003_377301bb77fcbd7e.txt": "article",
    "004_2dff06129a8c0f6b.txt": "citation-page",
}


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "kind"), sorted(CORPUS_KINDS.items()))
def test_corpus_kinds(name: str, kind: str, corpus_dir: Path) -> None:
    path = corpus_dir / name
    if not path.is_file():
        corpus_missing(f"corpus document not found at {path}")
    assert detect_kind(path.read_text(encoding="utf-8")) == kind


def test_extractors_cover_every_kind() -> None:
    assert set(EXTRACTORS) == set(KINDS)
    assert EXTRACTORS["citation-page"] is citation_page.extract
    assert EXTRACTORS["registry-record"] is registry.extract


def test_extract_detects_and_dispatches(lexicon) -> None:
    kind, records = extract(REGISTRY_CASES[0].read_text(encoding="utf-8"), lexicon=lexicon)
    assert kind == "registry-record" and [type(r) for r in records] == [Trial]
    kind, records = extract(CITATION_CASES[0].read_text(encoding="utf-8"), lexicon=lexicon, kind="citation-page")
    assert kind == "citation-page" and not any(isinstance(r, Trial) for r in records)


def test_extract_article_kind(lexicon) -> None:
    text = (CASES_DIR / "article" / "structured-abstract" / "input.txt").read_text(encoding="utf-8")
    kind, records = extract(text, lexicon=lexicon)
    assert kind == "article" and not any(isinstance(r, Citation) for r in records)


def test_unknown_kind_is_refused(lexicon) -> None:
    with pytest.raises(ValueError, match="unknown document kind"):
        extract("text", lexicon=lexicon, kind="poster")
