"""Article extraction, part A: evidence spans of the article cases, safety sentences and the corpus headlines."""

from __future__ import annotations

import dataclasses
import html
import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import corpus_missing

from il2kg.extract.article import extract
from il2kg.extract.number_words import parse_count
from il2kg.model import Arm, Fact, Publication, Quantity, Trial

# The article cases' facts are checked by tests/test_cases.py; here what the gold format cannot say.
CASES_DIR = Path(__file__).parent / "cases" / "article"
CASES = sorted(CASES_DIR.glob("*/input.txt"))
# Rules whose value is a code or a normalised form, not a copy of the text (the span still shows the source).
NORMALISING_RULES = re.compile(
    r"publication-type|design\.|\.role$|\.agent$|\.placebo$|\.disease$|recruitment|per-day-dose|frequency|"
    r"comparison|absent$|no-generation$|registry-id|cycle-dosing-plus-break|sum-of-arms$|\.route$|->|title-and-subtitle|pages$|no-intervention-arm"
)
# A citation export's "Family, Given" read as "Given Family", LaTeX accents as letters (extract/export_authors.py).
NORMALISED_NAMES = re.compile(r"export-author-normalised$")
# Part A's rules; outcome and result facts are checked by their own tests.
PART_A = ("metadata.", "design.", "population.", "intervention.", "safety.")


def _records(text: str, lexicon) -> tuple[Publication, Trial | None]:
    records = extract(text, lexicon=lexicon)
    publication = next(r for r in records if isinstance(r, Publication))
    trials = [r for r in records if isinstance(r, Trial)]
    assert len(trials) <= 1
    return publication, (trials[0] if trials else None)


def _plain(value: object) -> object:
    """Turn a Fact / Quantity / tuple of Facts into what the expectation files write."""
    if isinstance(value, Fact):
        return _plain(value.value)
    if isinstance(value, Quantity):
        return f"{format(value.value.normalize(), 'f')} {value.unit}"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _arm_view(arm: Arm) -> dict[str, object]:
    view = {"label": arm.label, "role": _plain(arm.role), "size": _plain(arm.size)}
    if arm.intervention:
        for field in dataclasses.fields(arm.intervention):
            view[field.name] = _plain(getattr(arm.intervention, field.name))
    return view


def _subset(want: dict, got: dict, where: str) -> None:
    for key, expected in want.items():
        assert got.get(key) == expected, f"{where}.{key}: expected {expected!r}, got {got.get(key)!r}"


def facts_in(obj: object):
    """Every Fact inside a record, its fields and tuples or lists of them (other tests walk records with it)."""
    if isinstance(obj, Fact):
        yield obj
    elif dataclasses.is_dataclass(obj):
        for field in dataclasses.fields(obj):
            yield from facts_in(getattr(obj, field.name))
    elif isinstance(obj, tuple | list):
        for item in obj:
            yield from facts_in(item)


def _check_evidence(raw: str, records) -> None:
    for fact in facts_in(tuple(records)):
        span = html.unescape(raw[fact.evidence.start : fact.evidence.end]).replace("\u00b7", ".")  # XML: "&amp;"
        assert fact.evidence.end > fact.evidence.start, fact
        assert fact.evidence.sentence, fact
        value = fact.value
        if not fact.evidence.method.startswith(PART_A):
            continue
        if isinstance(value, bool) or NORMALISING_RULES.search(fact.evidence.method) \
                or NORMALISED_NAMES.search(fact.evidence.method):
            continue
        if isinstance(value, Quantity):
            value = format(value.value.normalize(), "f")
        text = str(value)
        words = 0 if span.strip().lower() == "none" else parse_count(span)  # "Fifty adults", "in none given placebo"
        digits = re.sub(r"(?<=\d),(?=\d{3})", "", span)  # "125,000 IU/m2" holds 125000
        one_line = " ".join(re.sub(r"(?<=\w-)\s*\n\s*", "", span).split())  # a title wrapped over lines
        in_words = any(str(parse_count(w)) == text for w in re.findall(r"[A-Za-z-]+", span))  # "for eight weeks"
        ok = text.lower() in span.lower() or text in digits or words == value or text in one_line or in_words
        assert ok, f"{fact.evidence.method}: {text!r} not in span {span!r}"


# What tests/cases/article/*/expected.json cannot say: the arm an adverse-event comparison is made against.
COMPARATORS = {"t1d-randomized-two-doses": [("injection-site reaction", "more frequent than comparator", "placebo")]}


@pytest.mark.parametrize("name", sorted(COMPARATORS))
def test_adverse_event_comparators(name: str, lexicon) -> None:
    _, trial = _records((CASES_DIR / name / "input.txt").read_text(encoding="utf-8"), lexicon)
    got = [(e.term.value, e.comparison.value, e.comparator) for e in trial.adverse_events if e.comparison]
    assert got == COMPARATORS[name]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.parent.name)
def test_case_evidence_spans_hold_their_values(case: Path, lexicon) -> None:
    raw = case.read_text(encoding="utf-8")
    _check_evidence(raw, extract(raw, lexicon=lexicon))


@pytest.mark.parametrize(
    ("sentence", "term", "count", "arm"),
    [
        ("Results: No drug-related serious adverse event was observed.", "serious adverse event", 0, None),
        ("Results: There were no deaths in the placebo group.", "death", 0, "placebo"),
        ("Results: Three patients experienced grade 3 infections.", "grade 3 infection", 3, None),
        ("Results: ILT-101 was well tolerated.", None, None, None),
        ("Results: There was no development of anti-IL-2 antibodies.", "anti-il-2 antibodies", 0, None),
    ],
)
def test_safety_sentences(sentence: str, term: str | None, count: int | None, arm: str | None, lexicon) -> None:
    from il2kg.extract.safety import find_adverse_events
    from il2kg.extract.text import read_page

    placebo = Arm("placebo")
    events = find_adverse_events(read_page(sentence), (Arm("IL-2"), placebo))
    if term is None:
        assert events == ()
        return
    assert [(e.term.value, e.count.value if e.count else None, e.arm) for e in events] == [(term, count, arm)]


@pytest.mark.parametrize(
    ("sentence", "arms", "expected"),
    [
        ("Results: Rash occurred in 4 patients given IL-2 and in none given placebo; no serious adverse events were "
         "reported.", ("IL-2", "placebo"),
         [("rash", 4, "IL-2"), ("rash", 0, "placebo"), ("serious adverse event", 0, None)]),
        ("Results: Serious adverse events occurred in 3 patients in each group.", ("IL-2", "placebo"),
         [("serious adverse event", 3, "IL-2"), ("serious adverse event", 3, "placebo")]),
        ("Results: Headache was reported by 7 participants with 300,000 IU/m2, 2 with 100,000 IU/m2 and 1 with "
         "placebo (adverse events).", ("100000 IU/m2", "300000 IU/m2", "placebo"),
         [("headache", 7, "300000 IU/m2"), ("headache", 2, "100000 IU/m2"), ("headache", 1, "placebo")]),
        ("Results: Adverse events were mainly mild injection site reactions (IL-2 9/25; placebo 1/24).",
         ("IL-2", "placebo"), [("injection site reaction", 9, "IL-2"), ("injection site reaction", 1, "placebo")]),
        ("Results: Injection site reactions were more common with IL-2 (11 vs 2 patients).", ("IL-2", "placebo"),
         [("injection site reaction", 11, "IL-2"), ("injection site reaction", 2, "placebo")]),
        ("Results: The most frequent adverse events were nausea (6 patients) and fatigue (4 patients).", ("IL-2",),
         [("nausea", 6, None), ("fatigue", 4, None)]),
        # an outcome is not an adverse event, and a sentence without a safety cue names no new event
        ("Results: Clinical remission occurred in 8 patients given IL-2 and 3 given placebo.", ("IL-2", "placebo"), []),
        ("Results: Hair regrowth occurred in 8 patients given IL-2 and 3 given placebo.", ("IL-2", "placebo"), []),
    ],
)
def test_safety_counts_per_arm(sentence: str, arms: tuple[str, ...], expected: list, lexicon) -> None:
    from il2kg.extract.safety import find_adverse_events
    from il2kg.extract.text import read_page

    events = find_adverse_events(read_page(sentence), tuple(Arm(label) for label in arms))
    assert [(e.term.value, e.count.value if e.count else None, e.arm) for e in events] == expected


def test_safety_comparison_naming_several_dose_arms_is_given_to_each() -> None:
    from il2kg.extract.safety import find_adverse_events
    from il2kg.extract.text import read_page

    page = read_page("Results: Adverse events were more frequent with the 0.5 and 1 MIU doses than with placebo.")
    events = find_adverse_events(page, (Arm("0.5 MIU"), Arm("1 MIU"), Arm("placebo")))
    assert [e.arm for e in events] == ["0.5 MIU", "1 MIU"]  # stated per arm, not repeated arm-less


# --- the real corpus: headline facts of the five documents -------------------------------------------------

CORPUS = {
    "000": {"registry_ids": ["NCT02059759"], "phase": "2a", "allocation_ratio": "1:1:1",
            "design": {"randomised", "double-blind", "placebo-controlled", "single-centre", "parallel-group"},
            "arms": [("2 MIU", 12, "2 MIU"), ("1 MIU", 12, "1 MIU"), ("placebo", 12, None)],
            "schedule": {"dosing_days": 5, "cycle_length": "4 week", "cycles": 3, "frequency": "once daily"}},
    "001": {"registry_ids": ["NCT01988506"], "phase": "1/2a", "n_enrolled": 46, "n_diseases": 11,
            "design": {"open-label", "prospective", "non-randomised", "single-group"},
            "arms": [("ld-IL2", 46, "1 MIU")],
            "schedule": {"dosing_days": 5, "frequency": "once daily", "maintenance_frequency": "fortnightly",
                         "duration": "6 month"}},
    "002": {"registry_ids": ["NCT02955615"], "phase": "2", "allocation_ratio": "1:1", "n_randomised": 100,
            "design": {"randomised", "double-blind", "placebo-controlled", "multicentre"},
            "arms": [("ILT-101", None, "1.5 MIU"), ("placebo", None, None)],
            "schedule": {"dosing_days": 5, "route": "subcutaneous", "maintenance_frequency": "weekly",
                         "duration": "12 week"}},
    "003": {"registry_ids": ["NCT02465580", "NCT02932137"], "n_randomised": 60,
            "design": {"randomised", "double-blind", "placebo-controlled"},
            "arms": [("IL-2", 30, "1 MIU"), ("placebo", 30, None)],
            "schedule": {"frequency": "every other day", "break_length": "2 week", "route": "subcutaneous",
                         "cycle_length": "4 week", "duration": "12 week"}},
}


def _corpus_file(corpus_dir: Path, prefix: str) -> Path:
    matches = sorted(corpus_dir.glob(f"{prefix}_*.txt"))
    if not matches:
        corpus_missing(f"corpus document {prefix}_*.txt not found in {corpus_dir}")
    return matches[0]


@pytest.mark.corpus
@pytest.mark.parametrize("prefix", sorted(CORPUS))
def test_corpus_trial_headlines(prefix: str, corpus_dir: Path, lexicon) -> None:
    want = CORPUS[prefix]
    raw = _corpus_file(corpus_dir, prefix).read_text(encoding="utf-8")
    publication, trial = _records(raw, lexicon)
    assert publication.publication_type.value == "trial-report"
    assert trial is not None
    assert _plain(trial.registry_ids) == want["registry_ids"]
    assert set(_plain(trial.design)) == want["design"]
    for key in ("phase", "allocation_ratio", "n_randomised", "n_enrolled"):
        if key in want:
            assert _plain(getattr(trial, key)) == want[key], key
    if "n_diseases" in want:
        assert len(trial.diseases) == want["n_diseases"]
    arms = [_arm_view(a) for a in trial.arms]
    assert [(a["label"], a["size"], a["dose"]) for a in arms] == want["arms"]
    for arm in arms:
        _subset(want["schedule"], arm, f"{prefix} arm {arm['label']}")
    _check_evidence(raw, [publication, trial])


@pytest.mark.corpus
def test_corpus_publication_metadata(corpus_dir: Path, lexicon) -> None:
    pure = _records(_corpus_file(corpus_dir, "000").read_text(encoding="utf-8"), lexicon)[0]
    assert pure.article_number.value == "102844"
    assert [(c.kind, c.count.value, c.source) for c in pure.citation_counts] == [("citing-publications", 37, "Scopus")]
    assert len(pure.funders) == 3 and len(pure.authors) == 21
    pubmed = _records(_corpus_file(corpus_dir, "001").read_text(encoding="utf-8"), lexicon)[0]
    assert (pubmed.journal.value, pubmed.year.value, pubmed.volume.value, pubmed.issue.value, pubmed.pages.value) == (
        "Ann Rheum Dis", 2019, "78", "2", "209-217")
    assert [a.value for a in pubmed.authors] == ["Michelle Rosenzwajg"]
    bmj = _records(_corpus_file(corpus_dir, "002").read_text(encoding="utf-8"), lexicon)[0]
    assert (bmj.volume.value, bmj.issue.value, len(bmj.authors)) == ("81", "12", 12)
    assert not any("orcid" in a.value or a.value[-1].isdigit() for a in bmj.authors)
    numbered = _records(_corpus_file(corpus_dir, "003").read_text(encoding="utf-8"), lexicon)[0]
    assert len(numbered.authors) == 31 and numbered.authors[0].value == "Jing He"
    citation_page = _records(_corpus_file(corpus_dir, "004").read_text(encoding="utf-8"), lexicon)[0]
    assert citation_page.doi.value == "10.1136/ard-2022-222501"


@pytest.mark.corpus
def test_corpus_safety_findings(corpus_dir: Path, lexicon) -> None:
    _, trial = _records(_corpus_file(corpus_dir, "000").read_text(encoding="utf-8"), lexicon)
    terms = {(ae.term.value, ae.count.value if ae.count else None, ae.comparator) for ae in trial.adverse_events}
    assert ("serious adverse event", 0, None) in terms
    assert ("injection site reaction", None, "placebo") in terms
    _, trial = _records(_corpus_file(corpus_dir, "003").read_text(encoding="utf-8"), lexicon)
    assert [(ae.arm, ae.count.value) for ae in trial.adverse_events] == [("IL-2", 0), ("placebo", 2)]
