"""Page cleaning keeps offsets; sections and sentences are found on abstracts, PubMed and journal pages."""

from __future__ import annotations

import re

import pytest

from il2kg.extract.number_words import NUMBER_WORD, parse_count
from il2kg.extract.terms import find_terms, find_terms_in
from il2kg.extract.text import iter_lines, read_page

PAGES = [
    "Background: IL-2 expands Tregs.\nMethods: We randomised 20 patients.\nResults: p < 0\u00b70001 at week\u20096.",
    "Skip to main content\n\tSubscribe\nLog in\nTitle of a trial of IL\u20112 in lupus\n[image: Logo]\n",
    "Objectives A Treg deficit.\nMethods We assigned 3\u2009MIU.\nReferences\n1. Smith J. Old trial. 2001.\n",
    "",
]


@pytest.mark.parametrize("raw", PAGES)
def test_clean_text_keeps_length_and_line_breaks(raw: str) -> None:
    page = read_page(raw)
    assert len(page.clean) == len(raw)
    assert [i for i, c in enumerate(raw) if c == "\n"] == [i for i, c in enumerate(page.clean) if c == "\n"]
    for sentence in page.sentences:
        assert page.raw[sentence.start : sentence.end].split() == sentence.text.split()


def test_middle_dot_decimals_and_thin_spaces_are_normalised() -> None:
    page = read_page(PAGES[0])
    assert "0.0001" in page.clean and "week 6" in page.clean


def test_furniture_and_reference_lists_are_blanked() -> None:
    assert "Subscribe" not in read_page(PAGES[1]).clean
    assert "Title of a trial of IL-2 in lupus" in read_page(PAGES[1]).clean
    assert "Old trial" not in read_page(PAGES[2]).clean


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Methods: We did it. Results: It worked.", [("methods", "We did it."), ("results", "It worked.")]),
        ("MethodsWe did it.ResultsIt worked.", [("methods", "We did it."), ("results", "It worked.")]),
        ("Findings: 10 of 12.\nTrial registration number \nNCT00000001.\nData availability statement\nOn request.",
         [("results", "10 of 12."), ("registration", "NCT00000001."), ("back-matter", "On request.")]),
        ("Conclusions: Safe.\n  \u2022 Funding The work was supported by A.\n  \u2022 Competing interests None.",
         [("conclusions", "Safe."), ("funding", "The work was supported by A."), ("back-matter", "None.")]),
    ],
)
def test_sections_stop_at_the_next_heading_or_line(raw: str, expected: list[tuple[str, str]]) -> None:
    page = read_page(raw)
    assert [(s.name, page.raw[s.start : s.end].strip()) for s in page.sections] == expected


def test_one_line_section_does_not_swallow_the_keyword_bullets() -> None:
    page = read_page("Trial registration: NCT00000002.\n  \u2022 lupus\n  \u2022 cytokines\n  \u2022 T cells\n")
    assert [s.section for s in page.sentences if "\u2022" in s.text] == [None, None, None]


def test_evidence_carries_the_sentence_and_method() -> None:
    page = read_page("Methods: We gave 2 MIU daily. Results: None.")
    start = page.raw.index("2 MIU")
    evidence = page.evidence(start, start + 5, "test.rule")
    assert (evidence.sentence, evidence.method) == ("We gave 2 MIU daily.", "test.rule")
    assert page.fact(2, start, start + 1, "test.rule").value == 2


def test_iter_lines_strips_and_skips_blank_lines() -> None:
    text = "  a b \n\n\tc\n"
    assert [text[s:e] for s, e in iter_lines(text)] == ["a b", "c"]


@pytest.mark.parametrize(
    ("text", "curie"),
    [
        ("Lupus patients were enrolled.", "MONDO:0007915"),
        ("patients with SLE", "MONDO:0007915"),
        ("Type 1 diabetes", "MONDO:0005147"),
        ("steroid-refractory chronic GVHD", "il2kg:chronicGraftVersusHostDisease"),
    ],
)
def test_find_terms_matches_labels(text: str, curie: str, lexicon) -> None:
    assert [m.term.curie for m in find_terms(text, lexicon, "disease")] == [curie]


def test_short_acronyms_stay_case_sensitive(lexicon) -> None:
    assert find_terms("the als were also sle", lexicon, "disease") == []


def test_find_terms_in_reports_document_offsets(lexicon) -> None:
    text = "Intro. Patients with psoriasis."
    [match] = find_terms_in(text, 7, len(text), lexicon, "disease")
    assert text[match.start : match.end] == "psoriasis"


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("Results: It worked.\nReferences\n1. Smith J. Old trial. 2001.\n", False),
        ("Results: It worked.\nReferences\n\n[2] Doe A, Roe B. Another trial. 2004.\n", False),
        ("Results: It worked.\nBibliography\nKlatzmann D, Abbas AK. A review of IL-2. 2015.\n", False),
        # citation pages: "references" is a tab label followed by a count or by quoted statements
        ("citations\nreferences\nReferences 34 publications\n0\n", True),
        ('References\n\n"...low-dose IL-2 restored Treg function in lupus..."\nmentioning\n', True),
    ],
)
def test_reference_list_is_blanked_only_when_entries_follow(raw: str, kept: bool) -> None:
    clean = read_page(raw).clean
    assert len(clean) == len(raw)
    last = raw.strip().splitlines()[-1].strip()
    assert (last in clean) is kept


@pytest.mark.parametrize(
    ("text", "value"),
    [("six", 6), ("Fifty", 50), ("twenty-five", 25), ("Thirty two", 32), ("one hundred", 100), ("eleven", 11),
     ("1,200", 1200), ("dozens", None), ("sixth", None)],
)
def test_parse_count_reads_digits_and_number_words(text: str, value: int | None) -> None:
    assert parse_count(text) == value


def test_number_word_pattern_prefers_the_longest_word() -> None:
    found = re.findall(rf"(?<![\w-])(?:{NUMBER_WORD})", "Seventeen adults at seven sites, forty-one in all", re.I)
    assert found == ["Seventeen", "seven", "forty-one"]
