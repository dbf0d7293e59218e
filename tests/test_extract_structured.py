"""Records saved from web APIs as JSON, and citation exports' authors: offsets, truncation, broken input, evidence.

The facts of whole documents are in tests/cases (ctgov-api-json-*, ctgov-classic-json-*, openalex-work-json,
crossref-work-json*, csl-json-*, endnote-*, medline-export-full-author-names); here what those cannot say.
"""

from __future__ import annotations

import json
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_extract_article_a import facts_in
from test_extract_robustness import assert_extracts_after_inserts

from il2kg.extract import extract
from il2kg.extract.export_authors import export_authors
from il2kg.extract.json_scan import MAX_DEPTH, parse
from il2kg.extract.kind import detect_kind
from il2kg.extract.rendering import Rendering
from il2kg.extract.structured import recognise
from il2kg.model import Evidence, Quantity, Trial

CASES_DIR = Path(__file__).parent / "cases"
JSON_CASES = sorted(p for p in CASES_DIR.glob("*/*/input.txt") if recognise(p.read_text(encoding="utf-8")))
CTGOV = CASES_DIR / "registry-record" / "ctgov-api-json-randomised" / "input.txt"


def test_there_are_json_cases_of_each_format():
    formats = {recognise(p.read_text(encoding="utf-8")).format for p in JSON_CASES}
    assert formats == {"ctgov", "openalex", "crossref", "csl", "europepmc"}
    # a page that opens with a bracket is no JSON record: "[HTML][HTML] Low-dose ..." is read as text
    assert recognise("[HTML][HTML] Low-dose IL-2 in lupus") is None


def test_values_keep_their_raw_spans():
    text = '{"a": {"b": [1, "x\\u00e9y", true, null]}, "n": -2.5e3}'
    root = parse(text)
    b = root.path("a", "b")
    number, string, true, null = b.items
    assert (number.value, text[number.start : number.end]) == (1, "1")
    assert string.text == "xéy" and text[string.start : string.end] == "x\\u00e9y"
    assert string.raw_span(1, 2) == (string.start + 1, string.start + 7)  # "é" is the six characters of its escape
    assert string.raw_span(2, 3) == (string.start + 7, string.start + 8)
    assert (true.value, null.value, root.get("n").value) == (True, None, -2500.0)
    assert text[b.key_start : b.end] == '"b": [1, "x\\u00e9y", true, null]'


def test_keys_are_matched_without_case_and_by_alternatives():
    root = parse('{"ProtocolSection": {"IdentificationModule": {"NCTId": "NCT01234567"}}}')
    assert root.path("protocolSection", "identificationModule", "nctId").text == "NCT01234567"
    assert root.path("protocolSection", "x|IdentificationModule", "NCTId").text == "NCT01234567"
    assert root.path("protocolSection", "missing") is None


@pytest.mark.parametrize("text", ["", "plain text", "'single': 'quotes'", "  42", "Raw JSON\n{\"a\": 1}"])
def test_a_document_that_does_not_open_with_json_is_not_json(text):
    assert parse(text) is None


def test_a_cut_record_keeps_what_is_whole():
    text = '{"done": "yes", "list": [1, 2, {"k": "v"}], "cut": "half a str'
    root = parse(text)
    assert root.get("done").text == "yes" and [i.value for i in root.get("list").items[:2]] == [1, 2]
    assert root.get("cut") is None  # an unfinished string is no value


def test_a_list_cut_before_its_end_is_not_a_whole_phase(lexicon):
    """'"phases": ["PHASE1", "PHA' is not phase 1: the list was 1/2 or more; what it held is left unsaid."""
    cut = ('{"protocolSection": {"identificationModule": {"nctId": "NCT01234567"}, '
           '"designModule": {"phases": ["PHASE1", "PHA')
    whole = cut[: cut.rindex(",")] + "]}}}"
    assert parse(cut).path("protocolSection", "designModule", "phases").closed is False
    assert [t.phase for t in extract(cut, lexicon=lexicon)[1]] == [None]
    assert [t.phase.value for t in extract(whole, lexicon=lexicon)[1]] == ["1"]


def test_a_number_that_ends_a_cut_page_is_not_read():
    """'"count": 3' cut from '"count": 35' must not give 3."""
    assert parse('{"count": 3').get("count") is None
    assert parse('{"count": 35}').get("count").value == 35


@pytest.mark.parametrize("text", ['{"a": 1 "b": 2}', '{"a": tru}', '{"a": [1, 2', "[" * 10_000, '{"a": 01}',
                                  '{"a": "line\nbreak"}', '{1: 2}', "{" + '"a": {' * 5_000])
def test_broken_json_gives_what_came_before_the_break(text):
    root = parse(text)
    assert root is not None and root.kind in ("object", "array")


def test_nesting_is_bounded_not_recursive():
    root = parse('{"a":' * (MAX_DEPTH * 5) + "1" + "}" * (MAX_DEPTH * 5))
    depth, node = 0, root
    while node is not None and node.get("a") is not None:
        node, depth = node.get("a"), depth + 1
    assert depth <= MAX_DEPTH


def test_unknown_or_broken_json_is_read_as_text(lexicon):
    """JSON of no format we read falls back to the plain-text reading, which finds what the words say."""
    text = '{"note": "Low-dose IL-2 (NCT01234567) was given to 12 patients with lupus."}'
    kind, records = extract(text, lexicon=lexicon)
    assert kind == "article" and any(getattr(r, "registry_ids", ()) for r in records)
    assert extract('{"protocolSection": ', lexicon=lexicon)[0] in ("article", "registry-record")


@pytest.mark.parametrize("case", JSON_CASES, ids=lambda p: p.parent.name)
def test_the_kind_of_a_json_record_is_told_by_its_keys(case: Path, lexicon):
    text = case.read_text(encoding="utf-8")
    assert detect_kind(text) == case.parent.parent.name == extract(text, lexicon=lexicon)[0]


# Rules that copy a value as the record writes it: their span, decoded, holds the value (other rules normalise:
# "PHASE2" is phase 2, "NONE" open-label, "Thirty-six" 36; their spans are checked to lie in the record).
_COPIES = re.compile(r"^work_json\.(?!publication-type)|^registry\.(?:title|acronym|enrollment|country|flow-started)$")


@pytest.mark.parametrize("case", JSON_CASES, ids=lambda p: p.parent.name)
def test_every_fact_points_into_the_json_and_quotes_it(case: Path, lexicon):
    raw = case.read_text(encoding="utf-8")
    _, records = extract(raw, lexicon=lexicon)
    facts = list(facts_in(records))
    assert facts
    for fact in facts:
        ev = fact.evidence
        assert 0 <= ev.start < ev.end <= len(raw), fact
        written = raw[ev.start : ev.end]
        span = json.loads(f'"{written}"') if '"' not in written and "\n" not in written else written  # escapes
        quoted = " ".join(raw[ev.start : ev.end].split()) in ev.sentence or ev.sentence in raw
        rebuilt = all(f'"{word}"' in raw for word in ev.sentence.split())  # an inverted abstract's words, as keys
        assert quoted or rebuilt, fact
        if not _COPIES.search(ev.method):
            continue
        value = fact.value
        if isinstance(value, Quantity):
            value = format(value.value.normalize(), "f")
        if isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        words = str(value).lower().replace(",", " ").split()
        assert all(w in span.lower().replace(",", " ") for w in words), (ev.method, value, span)


def test_a_ctgov_record_quotes_the_json_members_it_read(lexicon):
    raw = CTGOV.read_text(encoding="utf-8")
    _, (trial,) = extract(raw, lexicon=lexicon)
    assert trial.n_enrolled.evidence.sentence == '"count": 48'
    masking = next(f for f in trial.design if f.value == "double-blind")
    assert raw[masking.evidence.start : masking.evidence.end] == "QUADRUPLE"
    assert masking.evidence.sentence == '"masking": "QUADRUPLE"'
    assert [f.value for f in trial.countries] == ["France", "Belgium"]  # each country once, in record order


def test_a_span_on_a_rendered_label_moves_to_the_nearest_value():
    node = parse('{"count": 35}').get("count")
    out = Rendering()
    out.line("Enrollment (Actual): ", node)
    moved = out.evidence('{"count": 35}', Evidence(0, 10, "Enrollment (Actual): 35", "x.rule"))
    assert (moved.start, moved.end, moved.sentence) == (10, 12, '"count": 35')


@pytest.mark.parametrize("cut", range(0, 2400, 150))
def test_a_record_cut_anywhere_is_read_without_error(cut, lexicon):
    raw = CTGOV.read_text(encoding="utf-8")[:cut]
    kind, records = extract(raw, lexicon=lexicon)
    for fact in facts_in(records):
        assert 0 <= fact.evidence.start < fact.evidence.end <= len(raw)


SEED = CTGOV.read_text(encoding="utf-8")[:1600]
ODD = '{}[]":,\\u0041\\"1e-' + "\n\t é"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cuts=st.lists(st.tuples(st.integers(0, len(SEED)), st.text(alphabet=st.sampled_from(list(ODD)), max_size=6)),
                     max_size=6))
def test_mutated_json_never_raises(lexicon, cuts):
    assert_extracts_after_inserts(SEED, cuts, lexicon)


HOSTILE = {
    "deep arrays": "[" * 150_000,
    "deep objects": '{"a":' * 30_000,
    "a long string": '{"briefSummary": "' + "IL-2 " * 30_000,
    "many members": "{" + ",".join(f'"k{i}": {i}' for i in range(15_000)) + "}",
    "escapes": '{"title": "' + "\\u00e9" * 25_000 + '"}',
    "many studies": '{"studies": [' + ",".join(['{"protocolSection": {}}'] * 5_000) + "]}",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_json_is_read_quickly(lexicon, name):
    # A bound, not a benchmark (benchmarks/bench_structured.py prints the figures).
    start = time.perf_counter()
    extract(HOSTILE[name], lexicon=lexicon)
    assert time.perf_counter() - start < 10, name


@pytest.mark.parametrize(("text", "expected"), [
    ("PMID- 1\nFAU - Kowalczyk, Zofia M\nAU  - Kowalczyk ZM\nFAU - Ibsen, Kristian\nAU  - Ibsen K\n",
     ["Zofia M Kowalczyk", "Kristian Ibsen"]),
    ("PMID- 1\nAU  - Kowalczyk ZM\nAU  - Ibsen K\n", ["Kowalczyk ZM", "Ibsen K"]),
    ("TY  - JOUR\nAU  - Berg, Anna\nA1  - Lind, Tomas\nER  - \n", ["Anna Berg", "Tomas Lind"]),
    ("%0 Journal Article\n%A Haddad, Rami\n%A Ferreira, Ana Luísa\n%T A title\n",
     ["Rami Haddad", "Ana Luísa Ferreira"]),
    ('@article{k, author = {Okonkwo, Chiamaka and de Vries, Pieter}, title = {T}}', ["Chiamaka Okonkwo",
                                                                                  "Pieter de Vries"]),
    ('@article{k, author = {Yilmaz, Ay{\\c{s}}e and M{\\"u}ller, J{\\o}rn}, note = {Funding: X}, year = {2020}}',
     ["Ayşe Yilmaz", "Jørn Müller"]),  # LaTeX accents; a field this reader does not know ends the names
    ("Plain text\nAU - not an export\n", []),
])
def test_export_authors(text, expected):
    found = export_authors(text)
    assert [name for name, *_ in found] == expected
    for name, start, end, normalised in found:
        written = text[start:end]
        assert normalised or name == written
        assert normalised == (name != " ".join(written.split())) and "note" not in written


def test_a_europe_pmc_author_string_is_split_at_commas(lexicon):
    raw = ('{"resultList": {"result": [{"pmid": "30111222", "title": "Interleukin-2 in lupus: a pilot", '
           '"authorString": "Smith J, O\'Neil AB, Zhang W.", "journalTitle": "Lupus", "pubYear": "2019", '
           '"citedByCount": 5}]}}')
    kind, (publication,) = extract(raw, lexicon=lexicon)
    assert kind == "citation-page"  # counted, no abstract: an index's page about the work
    assert [(a.value, raw[a.evidence.start : a.evidence.end]) for a in publication.authors] == [
        ("Smith J", "Smith J"), ("O'Neil AB", "O'Neil AB"), ("Zhang W", "Zhang W")]
    assert [(c.kind, c.count.value) for c in publication.citation_counts] == [("citing-publications", 5)]


def _study(design_info: str, enrolment: str = '{"count": 40, "type": "ACTUAL"}', status: str = "COMPLETED") -> str:
    return ('{"protocolSection": {"identificationModule": {"nctId": "NCT01234567", "briefTitle": "Low-dose IL-2 in '
            f'lupus"}}, "statusModule": {{"overallStatus": "{status}"}}, "designModule": {{"phases": ["PHASE2"], '
            f'"designInfo": {design_info}, "enrollmentInfo": {enrolment}}}}}}}')


@pytest.mark.parametrize(("design_info", "codes"), [
    ('{"allocation": "RANDOMIZED", "interventionModel": "PARALLEL", "maskingInfo": {"masking": "DOUBLE"}}',
     {"randomised", "parallel-group", "double-blind"}),
    ('{"allocation": "NON_RANDOMIZED", "interventionModel": "SEQUENTIAL", "maskingInfo": {"masking": "SINGLE"}}',
     {"non-randomised", "single-blind"}),
    ('{"allocation": "NA", "interventionModel": "SINGLE_GROUP", "maskingInfo": {"masking": "NONE"}}',
     {"single-group", "open-label"}),
    ('{"allocation": "RANDOMIZED", "interventionModel": "CROSSOVER", "maskingInfo": {"masking": "TRIPLE"}}',
     {"randomised", "crossover", "double-blind"}),
])
def test_the_api_enumerations_read_as_the_site_shows_them(design_info, codes, lexicon):
    kind, (trial,) = extract(_study(design_info), lexicon=lexicon)
    assert kind == "registry-record" and {f.value for f in trial.design} == codes
    assert trial.phase.value == "2"


@pytest.mark.parametrize(("enrolment", "status", "expected"), [
    ('{"count": 40, "type": "ACTUAL"}', "RECRUITING", 40),
    ('{"count": 40, "type": "ESTIMATED"}', "COMPLETED", None),  # a target is not the number enrolled
    ('{"count": 40}', "COMPLETED", 40),  # no type: a finished study's count is its enrolment
    ('{"count": 40}', "RECRUITING", None),
])
def test_only_an_actual_enrolment_is_read(enrolment, status, expected, lexicon):
    _, (trial,) = extract(_study('{"allocation": "RANDOMIZED"}', enrolment, status), lexicon=lexicon)
    assert (trial.n_enrolled.value if trial.n_enrolled else None) == expected


_JSON = st.recursive(st.none() | st.booleans() | st.integers(-5, 10**6) | st.sampled_from(
    ["PHASE2", "NONE", "RANDOMIZED", "ACTUAL", "EXPERIMENTAL", "IL-2 1 MIU daily", "", "2020-01", "FG000", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
        ["nctId", "type", "count", "masking", "label", "description", "groupId", "numSubjects", "id", "title",
         "pValue", "date", "given", "family", "display_name", "achievements", "milestones", "groups"]), inner,
        max_size=4), max_leaves=12)
_MODULES = ("identificationModule", "statusModule", "conditionsModule", "designModule", "armsInterventionsModule",
            "outcomesModule", "descriptionModule", "contactsLocationsModule")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(modules=st.dictionaries(st.sampled_from(_MODULES), _JSON, max_size=5), results=_JSON,
       work=st.dictionaries(st.sampled_from(["title", "author", "authorships", "cited_by_count", "issued", "DOI",
                                              "abstract", "abstract_inverted_index", "biblio", "container-title",
                                              "publication_year", "ids", "authorString", "citedByCount"]), _JSON,
                            max_size=6))
def test_records_of_any_shape_never_raise(lexicon, modules, results, work):
    """Every key we read may hold any JSON value (a list where a string was expected, null, a number)."""
    study = {"protocolSection": {"identificationModule": {"nctId": "NCT01234567"}, **modules},
             "resultsSection": {"participantFlowModule": results, "outcomeMeasuresModule": results}}
    for record in (study, {"FullStudiesResponse": {"FullStudies": [{"Study": study}]}}, {"title": "T", **work},
                   {"message": {"title": ["T"], **work}}, [{"title": "T", "type": "article", **work}]):
        kind, records = extract(json.dumps(record), lexicon=lexicon)
        assert kind in ("article", "citation-page", "registry-record") and isinstance(records, list)


def test_a_fact_of_an_abstract_quotes_its_sentence_not_the_abstract(lexicon):
    raw = (CASES_DIR / "article" / "csl-json-item-with-abstract" / "input.txt").read_text(encoding="utf-8")
    _, (_publication, trial) = extract(raw, lexicon=lexicon)
    quote = trial.n_randomised.evidence.sentence
    assert quote.startswith("We randomly assigned 54 adults") and quote.endswith("for three cycles.")
    assert quote in raw and raw[trial.n_randomised.evidence.start : trial.n_randomised.evidence.end] == "54"


def test_a_record_broken_before_its_fields_is_read_as_text(lexicon):
    """Keys that name a study, then a break (an unquoted id): nothing is read by key, so the words are read."""
    text = ('{"protocolSection": {"identificationModule": {"nctId": NCT01234567,\n "briefTitle": "Low-dose '
            'interleukin-2 in systemic lupus erythematosus"\n')
    kind, records = extract(text, lexicon=lexicon)
    trial = next(r for r in records if isinstance(r, Trial))
    assert kind == "article" and [f.value for f in trial.registry_ids] == ["NCT01234567"]


def test_an_inverted_abstract_cut_short_is_read_up_to_its_first_missing_word(lexicon):
    raw = (CASES_DIR / "article" / "openalex-work-json-inverted-abstract" / "input.txt").read_text(encoding="utf-8")
    index = parse(raw).get("abstract_inverted_index")
    from il2kg.extract.work_json import _inverted_words

    words = [w.text for w in _inverted_words(raw, index)]
    assert " ".join(words).startswith("Methods: Forty patients") and words[-1] == "0.02)."
    cut = raw[: raw.index('"placebo,"')]  # the index cut before a word first used mid-sentence
    words = [w.text for w in _inverted_words(cut, parse(cut).get("abstract_inverted_index"))]
    assert words and " ".join(words) == " ".join(" ".join(w.text for w in _inverted_words(
        raw, index)).split()[: len(words)]) and "placebo," not in words
