"""The shared pieces of the extractors: cue tables (compiled once, case-insensitive) and located values (spans)."""

from __future__ import annotations

import re

import pytest

from il2kg.extract.cue_tables import compile_cues
from il2kg.extract.doses import find_doses
from il2kg.extract.identifiers import find_registry_ids
from il2kg.extract.span import Span
from il2kg.extract.text import Section, Sentence, read_page


def test_a_cue_table_is_compiled_case_insensitive_and_read_only():
    cues = compile_cues({"increase": r"\brose\b", "sd": r"\bSD\b"})
    assert cues["increase"].search("CD25 ROSE at week 8")
    assert cues["sd"].flags & re.IGNORECASE
    with pytest.raises(TypeError):
        cues["increase"] = re.compile("x")  # type: ignore[index]


def test_a_cue_table_takes_other_flags_when_asked():
    cues = compile_cues({"line": r"^Cited by$"}, flags=re.MULTILINE)
    assert cues["line"].search("title\nCited by\n") and not cues["line"].search("cited by")


def test_located_values_point_at_what_was_read():
    text = "Patients received 1 MIU/day of IL-2 (NCT01988506)."
    dose, = find_doses(text)
    registry_id, = find_registry_ids(text)
    assert isinstance(dose, Span) and text[dose.start : dose.end] == "1 MIU" and (dose.value, dose.unit) == (1, "MIU")
    assert isinstance(registry_id, Span) and text[registry_id.start : registry_id.end] == "NCT01988506"


def test_sentences_and_sections_are_spans_of_the_page():
    page = read_page("Methods: We enrolled 12 patients.\nResults: Tregs rose.\n")
    assert all(isinstance(s, Sentence | Section) and isinstance(s, Span) for s in page.sentences + page.sections)
    assert [s.name for s in page.sections] == ["methods", "results"]
    assert page.raw[page.sentences[-1].start : page.sentences[-1].end].startswith("Tregs rose")
