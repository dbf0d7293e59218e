"""Extraction never raises and never runs away: mutated real-looking documents and hostile shapes of text."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from il2kg.extract import MAX_CHARS, extract

ARTICLE = (
    "Low-dose interleukin-2 in lupus: a randomised, double-blind, placebo-controlled phase 2 trial\n\n"
    "Methods: 60 patients with SLE (NCT01234567) were randomly assigned 1:1 to IL-2 1 × 10^6 IU/m2 or placebo "
    "subcutaneously every other day for 12 weeks.\nResults: SRI-4 response was 55.2% vs 30.0% (p = 0·027); "
    "Treg counts rose (P<.001).\n"
)
SEED = ARTICLE + "Citation Types\n1\n0\n2\n\"…low-dose IL-2 expanded Tregs…\"\nmentioning\n"
# Characters that broke or slowed earlier versions: superscripts, circled digits, NUL, lone surrogates' neighbours.
ODD = "¹²₂①⁶×·‐–—\u00a0\u200b\x00\ufeff|:;()[]{}<>\"'\\*_#"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cuts=st.lists(st.tuples(st.integers(0, len(SEED)), st.text(alphabet=st.sampled_from(list(ODD) + list(SEED)),
                                                                      max_size=12)), max_size=8))
def test_mutated_documents_never_raise(lexicon, cuts):
    assert_extracts_after_inserts(SEED, cuts, lexicon)


def assert_extracts_after_inserts(seed: str, cuts, lexicon) -> None:
    """Insert each (position, text) into the seed and check extraction gives a kind and a list, never raising."""
    text = seed
    for at, insert in cuts:
        text = text[:at] + insert + text[at:]
    kind, records = extract(text, lexicon=lexicon)
    assert kind in ("article", "citation-page", "registry-record") and isinstance(records, list)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=400))
def test_arbitrary_text_never_raises(lexicon, text):
    extract(text, lexicon=lexicon)


HOSTILE = {
    "a run of digits": "1" * 1_000_000,
    "blank lines": "\n" * 1_000_000 + "x",
    "spaces and newlines": " \n" * 500_000,
    "no full stop": "word " * 200_000,
    "no space": "a" * 999_000 + "orcid.org/0000-0000-0000-0000",
    "a long list of numbers before a unit": ", ".join(["1"] * 300_000) + " MIU",
    "citation-like": "Ann Rheum Dis 2019; " * 50_000,
    "label lines": "Label: value\n" * 80_000,
    "markup": "<a>" * 330_000,
    "separators in parentheses": "Methods: Patients were randomised (" + "IL-2/" * 200_000,
    "people with, over and over": "We treated patients with " * 40_000,
    "capitalised words, no full stop": "Patients With Lupus Received " * 35_000,
    "a participant flow of pipes": "Overall Study\nSTARTED\n" + "|\n" * 500_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_megabyte_of_hostile_text_is_read_quickly(lexicon, name):
    # A bound, not a benchmark: minutes would mean a regular expression that backtracks or a quadratic scan.
    start = time.perf_counter()
    extract(HOSTILE[name], lexicon=lexicon)
    assert time.perf_counter() - start < 10, name


def test_a_long_document_is_read_up_to_the_bound(lexicon):
    text = ARTICLE + " filler" * (MAX_CHARS // 7) + " NCT07654321 "
    _, records = extract(text, lexicon=lexicon)
    trial = next(r for r in records if type(r).__name__ == "Trial")
    assert [f.value for f in trial.registry_ids] == ["NCT01234567"]


def test_a_text_with_nothing_biomedical_yields_nothing(lexicon):
    weather = ("Weather forecast for the city of Paris on Tuesday morning\n"
               "Sunny spells with a light breeze from the west.\nHighs of 21 degrees in the afternoon.\n")
    assert extract(weather, lexicon=lexicon) == ("article", [])
