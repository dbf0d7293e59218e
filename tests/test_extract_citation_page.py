"""Citation-page extraction: evidence spans and statement ends of tests/cases/citation-page/, and the page 004."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import corpus_missing

from il2kg.extract import citation_page
from il2kg.extract.text import collapse
from il2kg.model import Citation, Fact, Publication, Trial

# The citation-page cases' facts are checked by tests/test_cases.py; here their evidence spans and statement ends.
CASES_DIR = Path(__file__).parent / "cases" / "citation-page"
CASES = sorted(p for p in CASES_DIR.iterdir() if p.is_dir())
CORPUS_PAGE = "004_2dff06129a8c0f6b.txt"


def summarise(records: list) -> dict:
    """The case-file view: the cited work, its counts by kind, and the statements."""
    pubs = [r for r in records if isinstance(r, Publication)]
    assert len(pubs) <= 1 and not any(isinstance(r, Trial) for r in records)
    pub = pubs[0] if pubs else Publication()
    return {
        "title": pub.title.value if pub.title else None,
        "doi": pub.doi.value if pub.doi else None,
        "year": pub.year.value if pub.year else None,
        "counts": {c.kind: c.count.value for c in pub.citation_counts},
        "statements": [_statement(r) for r in records if isinstance(r, Citation)],
    }


def _statement(citation: Citation) -> dict:
    return {
        "text": citation.statement.value,
        "intent": citation.intent.value,
        "section": citation.section.value if citation.section else None,
        "diseases": [f.value for f in citation.diseases],
        "agents": [f.value for f in citation.agents],
        "biomarkers": [f.value for f in citation.biomarkers],
    }


def walk_facts(record: object, name: str = "") -> list[tuple[str, Fact]]:
    """Every Fact inside a record, with the name of the field that holds it."""
    if isinstance(record, Fact):
        return [(name, record)]
    if isinstance(record, tuple | list):
        return [pair for item in record for pair in walk_facts(item, name)]
    if dataclasses.is_dataclass(record):
        return [pair for f in dataclasses.fields(record) for pair in walk_facts(getattr(record, f.name), f.name)]
    return []


def check_evidence(text: str, records: list) -> None:
    """Every span lies in the document, has no surrounding spaces and covers its value's text (the study a count
    page's abstract reports is read by the article readers, whose tests check their spans)."""
    for name, fact in walk_facts([r for r in records if not isinstance(r, Trial)]):
        start, end = fact.evidence.start, fact.evidence.end
        span = text[start:end]
        assert 0 <= start < end <= len(text) and span == span.strip(), (name, fact)
        # the page's own readers, or the bibliographic ones it shares with articles (a year, a cited DOI)
        assert fact.evidence.method.startswith(("citation_page.", "metadata.")), (name, fact)
        if name in {"title", "statement", "doi"}:
            assert collapse(span) == fact.value, (name, fact)
        elif name == "section":
            assert collapse(span).lower() == fact.value, (name, fact)
        elif name in {"count", "year"}:
            assert span.replace(",", "") == str(fact.value), (name, fact)
        elif name == "intent":
            assert span.lower() in {"mentioning", "supporting", "contrasting"}, (name, fact)


# What tests/cases/citation-page/*/expected.json cannot say: how each statement ends (the gold format keeps a
# statement's first 60 characters), in page order.
STATEMENT_ENDS = {
    "ambiguous-counts": [],
    "europepmc-like": [],
    "scholar-like": [],
    "scite-als": ["period studied [12].", "disease [4,5].", "in our cohort"],
    "scite-types-mismatch": ["by this group."],
}


@pytest.mark.parametrize("name", sorted(STATEMENT_ENDS))
def test_statements_end_where_the_page_ends_them(name: str, lexicon) -> None:
    text = (CASES_DIR / name / "input.txt").read_text(encoding="utf-8")
    statements = [s["text"] for s in summarise(citation_page.extract(text, lexicon=lexicon))["statements"]]
    assert len(statements) == len(STATEMENT_ENDS[name])
    for statement, end in zip(statements, STATEMENT_ENDS[name], strict=True):
        assert statement.endswith(end), (statement, end)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_evidence_covers_value(case: Path, lexicon) -> None:
    text = (case / "input.txt").read_text(encoding="utf-8")
    check_evidence(text, citation_page.extract(text, lexicon=lexicon))


@pytest.mark.parametrize(
    ("block", "counts"),
    [
        ("Cited by 5\n(3 citation statements)\nCitation Types\n1\n2\n0\n", {"supporting": 1, "mentioning": 2}),
        ("Cited by 5\n(4 citation statements)\nCitation Types\n1\n2\n0\n", {}),  # 1 + 2 + 0 != 4
        ("Cited by 5\nCitation Types\n1\n2\n0\n", {}),  # no statement count to check against
        ("(3 citation statements)\nCitation Types\n1\n2\n0\nSupporting 2\n", {}),  # two different supporting counts
    ],
)
def test_type_counts_need_the_statement_sum(block: str, counts: dict, lexicon) -> None:
    text = "A study of low-dose interleukin-2 in systemic sclerosis patients\n" + block
    got = summarise(citation_page.extract(text, lexicon=lexicon))["counts"]
    assert {k: v for k, v in got.items() if k in {"supporting", "mentioning"}} == counts


def test_statement_without_intent_is_left_out(lexicon) -> None:
    text = 'Cited by 2 publications\n"…Low-dose IL-2 was given to patients with psoriasis in an open study.…"\n'
    assert summarise(citation_page.extract(text, lexicon=lexicon))["statements"] == []


def test_count_inside_statement_is_not_a_count(lexicon) -> None:
    text = (
        "Cited by 3 publications\n"
        '"…This review summarises 120 references on Treg biology and low-dose IL-2 in lupus.…"\nmentioning\n'
    )
    assert summarise(citation_page.extract(text, lexicon=lexicon))["counts"] == {"citing-publications": 3}


@pytest.mark.corpus
def test_corpus_page(corpus_dir: Path, lexicon) -> None:
    path = corpus_dir / CORPUS_PAGE
    if not path.is_file():
        corpus_missing(f"corpus page not found at {path}")
    text = path.read_text(encoding="utf-8")
    records = citation_page.extract(text, lexicon=lexicon)
    got = summarise(records)
    assert got["counts"] == {
        "citing-publications": 63,
        "citation-statements": 41,
        "references": 34,
        "supporting": 0,
        "mentioning": 40,
        "contrasting": 1,
    }
    assert got["doi"] == "10.1136/ard-2022-222501" and got["year"] == 2022
    assert got["title"].startswith("Low-dose interleukin-2 therapy in active systemic lupus erythematosus")
    assert got["title"].endswith("placebo-controlled phase II trial")
    statements = got["statements"]
    assert [(s["intent"], s["section"]) for s in statements] == [
        ("mentions", "introduction"),
        ("mentions", None),
        ("mentions", "discussion"),
    ]
    assert len({s["text"] for s in statements}) == 3
    assert all(not s["text"].startswith(("…", '"', "“")) and not s["text"].endswith(("…", "”")) for s in statements)
    mentioned = {v for s in statements for key in ("diseases", "agents", "biomarkers") for v in s[key]}
    assert {"MONDO:0007915", "il2kg:interleukin2", "il2kg:tregs"} <= mentioned
    check_evidence(text, records)
