"""Run the extractor on the example documents under tests/examples and score it against their expected facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from il2kg.evaluate import evaluate, format_report
from il2kg.gold import read_gold_file

EXAMPLES = sorted(p for p in (Path(__file__).parent / "examples").iterdir() if (p / "input.txt").is_file())

# Fields a careful reader always gets from an abstract: every listed value must be found.
HEADLINE = frozenset({
    "kind", "publication.title", "publication.doi", "publication.pmid", "publication.year", "publication.type",
    "publication.citation_count", "trial.registry_id", "trial.disease", "trial.design", "trial.phase",
    "trial.allocation_ratio", "trial.n_randomised", "trial.n_enrolled", "arm", "arm.agent", "arm.dose",
    "outcome", "result.p", "citation",
})


def test_there_are_enough_examples():
    assert len(EXAMPLES) >= 12


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example(example, lexicon):
    document, facts = read_gold_file(example / "expected.json")
    text = (example / document).read_text(encoding="utf-8")
    report = evaluate([(document, text)], {document: facts}, lexicon)
    shown = format_report(report)
    print(shown)
    assert not [s.field for s in report.fields if s.false_positives], shown
    assert not [s.field for s in report.fields if s.field in HEADLINE and s.recall < 1.0], shown
