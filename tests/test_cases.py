"""The example documents: tests/cases/<kind>/<name>/input.txt and expected.json, one runner for every kind.

expected.json is a gold fact file (tests/gold/README.md): the runner extracts input.txt with the kind detected
from the text, prints the records with `il2kg.gold.facts_of` and compares field by field. Only the fields a case
lists are checked, and each listed field is complete: a value extracted but not listed fails as much as a value
listed but not extracted. The directory names the kind, so every case lists its `kind` fact.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from il2kg.extract import extract
from il2kg.gold import facts_of, read_gold_file

CASES_DIR = Path(__file__).parent / "cases"
KINDS = ("article", "citation-page", "registry-record")
# The folder of tests/cases that holds grammar tables, not documents (test_recognisers.py, test_extract_numbers.py).
NOT_DOCUMENTS = {"recognisers"}
CASES = sorted(p for kind in KINDS for p in (CASES_DIR / kind).iterdir() if p.is_dir())


def compare(want: dict[str, list[str]], got: dict[str, set[str]]) -> list[str]:
    """One readable line per listed field that differs: values expected but not extracted, and the reverse."""
    lines = []
    for field, values in want.items():
        expected, extracted = set(values), got.get(field, set())
        if expected == extracted:
            continue
        lines.append(f"{field}:")
        lines += [f"  - missed    {v!r}" for v in sorted(expected - extracted)]
        lines += [f"  + unwanted  {v!r}" for v in sorted(extracted - expected)]
    return lines


def run_case(case: Path, lexicon) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """The case's expected facts and the facts the extractor prints for its document."""
    document, want = read_gold_file(case / "expected.json")
    kind, records = extract((case / document).read_text(encoding="utf-8"), lexicon=lexicon)
    return want, facts_of(records, kind)


def test_layout() -> None:
    folders = {p.name for p in CASES_DIR.iterdir() if p.is_dir()}
    assert folders - NOT_DOCUMENTS == set(KINDS), "tests/cases/<kind>/ must be one of " + ", ".join(KINDS)
    for kind in KINDS:
        assert len([c for c in CASES if c.parent.name == kind]) >= 5, f"too few {kind} cases"
    for case in CASES:
        assert sorted(p.name for p in case.iterdir()) == ["expected.json", "input.txt"], case
        document, facts = read_gold_file(case / "expected.json")
        assert document == "input.txt", case
        assert facts.get("kind") == [case.parent.name], f"{case}: the 'kind' fact must name the folder's kind"


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case(case: Path, lexicon) -> None:
    want, got = run_case(case, lexicon)
    problems = compare(want, got)
    assert not problems, f"{case.relative_to(CASES_DIR)}: extracted facts differ from expected.json\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_extraction_is_deterministic(case: Path, lexicon) -> None:
    text = (case / "input.txt").read_text(encoding="utf-8")
    assert extract(text, lexicon=lexicon) == extract(text, lexicon=lexicon)


def test_a_corrupted_expectation_fails(lexicon) -> None:
    """The comparison is not vacuous: change one expected value of a real case and it is reported."""
    case = CASES_DIR / "article" / "t1d-randomized-two-doses"
    want, got = run_case(case, lexicon)
    assert compare(want, got) == []
    want["trial.n_randomised"] = ["46"]
    assert compare(want, got) == ["trial.n_randomised:", "  - missed    '46'", "  + unwanted  '45'"]
    del want["trial.n_randomised"]
    want["trial.design"] = [v for v in want["trial.design"] if v != "double-blind"]
    assert compare(want, got) == ["trial.design:", "  + unwanted  'double-blind'"]


def test_every_case_document_passes_the_gate(lexicon) -> None:
    """What the extractor reads from a case must also pass the shapes: a value the shapes refuse (an unknown
    registry-id form, a p-value text that disagrees with its number) leaves the whole document out of the graph."""
    import hashlib

    from il2kg.gate import gate
    from il2kg.pipeline import Document, extract_triples
    from il2kg.rdf_io import turtle_bytes

    failing = []
    for case in CASES:
        data = (case / "input.txt").read_bytes()
        document = Document(case / "input.txt", hashlib.sha256(data).hexdigest(), data.decode("utf-8"))
        report = gate(turtle_bytes(extract_triples(document, lexicon)[2]))
        if not report.conforms:
            failing.append(f"{case.parent.name}/{case.name}: {report.errors[0].message[:120]}")
    assert failing == []
