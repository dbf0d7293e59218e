"""The recognisers' grammars, one case per wording: tests/cases/recognisers/<concept>.tsv (text TAB expected)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from il2kg.extract.arm_sizes import find_arm_sizes
from il2kg.extract.design import find_design
from il2kg.extract.diseases import find_unlisted_conditions
from il2kg.extract.doses import find_doses, plain
from il2kg.extract.findings import find_findings
from il2kg.extract.identifiers import find_phase, find_registry_ids
from il2kg.extract.metadata import extract_publication
from il2kg.extract.population import find_counts, randomised_as_enrolled
from il2kg.extract.schedule import parse_schedule
from il2kg.extract.text import read_page
from il2kg.gold import show
from il2kg.lexicon import load_lexicon
from il2kg.resources import ONTOLOGY

CASES = Path(__file__).parent / "cases" / "recognisers"
LEXICON = load_lexicon(ONTOLOGY)


def _rows(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (CASES / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, _, expected = line.partition("\t")
            rows.append((text, expected))
    return rows


def _doses(text: str) -> str:
    return "|".join(f"{plain(d.value)} {d.unit}" for d in find_doses(text))


def _registry_ids(text: str) -> str:
    return "|".join(m.value for m in find_registry_ids(text))


def _phase(text: str) -> str:
    found = find_phase(text)
    return found.value if found else ""


def _findings(text: str, kind: str) -> str:
    page = read_page("Results: " + text)
    found = find_findings(page, LEXICON)
    values = [f"{r.p_comparator.value}{show(r.p_value)}" if kind == "p" else show(r.value)
              for r in found if (r.p_value if kind == "p" else r.value) is not None]
    return "|".join(values)


def _methods(text: str):
    return read_page("Methods: " + text)


def _counts(text: str) -> str:
    page = _methods(text)
    randomised, enrolled = find_counts(page)
    randomised = randomised or randomised_as_enrolled(page, enrolled)  # as a randomised trial's assembly does
    return f"randomised={show(randomised)} enrolled={show(enrolled)}"


def _design(text: str) -> str:
    return "|".join(f.value for f in find_design(_methods(text)))


def _arm_sizes(text: str) -> str:
    return "|".join(f"{label or '*'}={size.value}" for label, size in find_arm_sizes(_methods(text)))


def _conditions(text: str) -> str:
    return "|".join(f.value for f in find_unlisted_conditions(_methods(text), LEXICON))


def _schedule(text: str) -> str:
    page = _methods(text)
    fields = parse_schedule(page, 0, len(page.clean), find_doses(page.clean))
    return "|".join(f"{k}={show(fields[k])}" for k in sorted(fields) if k != "schedule_text")


def _year(text: str) -> str:
    year = extract_publication(read_page(text.replace("\\n", "\n")), describes_trial=False).year
    return show(year) if year else ""


RECOGNISERS = {"doses.tsv": _doses, "publication-years.tsv": _year, "counts.tsv": _counts, "design.tsv": _design,
               "arm-sizes.tsv": _arm_sizes, "conditions.tsv": _conditions,
               "schedule.tsv": _schedule, "registry-ids.tsv": _registry_ids, "phases.tsv": _phase,
               "p-values.tsv": lambda text: _findings(text, "p"),
               "percentages.tsv": lambda text: _findings(text, "percent")}


@pytest.mark.parametrize(("name", "text", "expected"),
                         [(name, text, want) for name in RECOGNISERS for text, want in _rows(name)],
                         ids=lambda v: v[:40] if isinstance(v, str) else None)
def test_recogniser_reads_each_wording(name: str, text: str, expected: str):
    assert RECOGNISERS[name](text) == expected


def test_dose_spans_cover_what_was_read():
    text = "IL-2 at 1 × 10^6 IU/m2 daily"
    (dose,) = find_doses(text)
    assert text[dose.start : dose.end] == "1 × 10^6 IU/m2" and dose.daily is not None


def test_dose_scanning_is_linear_on_digit_runs():
    text = "1" * 5000 + " " + "2, " * 3000 + "IU"  # the old grammar took seconds on 26 digits
    assert isinstance(find_doses(text), list)


def test_every_registry_id_form_read_passes_the_shapes():
    """An id the extractor reads but the shapes refuse would leave the whole document out of the graph."""
    from rdflib import Graph, Namespace

    shapes = Graph().parse(Path(__file__).parents[1] / "shapes" / "trial.ttl")
    sh, ilsh = Namespace("http://www.w3.org/ns/shacl#"), Namespace("https://w3id.org/il2kg/shapes/")
    pattern = str(shapes.value(ilsh["Trial-registryId-pattern"], sh.pattern))
    ids = [i for _, want in _rows("registry-ids.tsv") for i in want.split("|") if i]
    assert len(ids) > 15
    assert [i for i in ids if not re.search(pattern, i)] == []
