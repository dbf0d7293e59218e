"""Evidence plots: the numbers they draw (SPARQL over the fixture graph) and the files (written, deterministic)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from rdflib import Graph
from test_views import Doc, example_graph

from il2kg.graph import new_graph, to_graph
from il2kg.model import Arm, Intervention, Outcome, Quantity, Result, Trial
from il2kg.views.lookup import Lookup
from il2kg.views.plot_data import dose_points, effect_cells, forest_rows
from il2kg.views.plots import write_plots
from il2kg.vocab import IL, OBO

ALS, LUPUS_NEPHRITIS = OBO.MONDO_0004976, OBO.MONDO_0005556
NAMES = ["dose-treg.png", "dose-treg.svg", "effect-matrix.png", "effect-matrix.svg", "forest.png", "forest.svg"]



@pytest.fixture(scope="module")
def graph() -> Graph:
    return example_graph()


def test_effect_cells_give_direction_and_significance_without_placebo_arms(graph):
    cells = effect_cells(graph)
    assert cells[(ALS, IL.ccl2)] == ({IL.decrease}, {True})
    assert cells[(ALS, IL.nfl)] == ({IL.noChange}, {False})
    assert cells[(ALS, IL.tregPercentage)] == ({IL.increase}, {True})  # the placebo arm's "no change" left out
    assert (LUPUS_NEPHRITIS, IL.completeRemission) in cells  # a subgroup result counts for its subgroup
    assert (OBO.MONDO_0007915, IL.completeRemission) not in cells


def test_dose_points_put_placebo_at_zero_and_convert_to_miu(graph, ontology):
    markers = set(ontology.subjects(IL.indicatesMechanism, IL.tregExpansion))
    points, skipped = dose_points(graph, Lookup(graph, ontology), markers)
    imodals = [(p.dose, p.estimate) for p in points if p.trial == "IMODALS"]
    assert imodals == [(0.0, 1.0), (1.0, 28.0), (2.0, 46.0)]
    assert {p.dose for p in points if p.trial == "LUPIL-2"} == {1.5}
    assert skipped == 0


def test_forest_rows_name_trial_arm_population_and_p_value(graph, ontology):
    rows = forest_rows(graph, Lookup(graph, ontology))
    lupil = [r for r in rows if r.label.startswith("LUPIL-2 \u00b7 ILT-101")]
    assert [(r.estimate, r.note) for r in lupil] == [(68.0, "p=0.3439"), (83.3, "p=0.0168")]
    assert "ITT" in lupil[0].label and "per-protocol" in lupil[1].label
    remission = next(r for r in rows if "complete remission" in r.label)
    assert round(remission.estimate, 2) == 53.85 and remission.note == "7/13"
    assert "subgroup: lupus nephritis" in remission.label


def _with_ratio(graph: Graph) -> Graph:
    d = Doc("ratio.txt", ["Illustrative: odds ratio of response 2.9 (95% CI 1.1 to 7.6; p=0.03) with IL-2 vs placebo."])
    needle = "odds ratio of response 2.9"
    trial = Trial(acronym=d.f("RATIO-X", "Illustrative"), diseases=(d.f("MONDO:0007915", "response"),),
                  arms=(Arm("IL-2", intervention=Intervention(d.f("il2kg:interleukin2", "IL-2"),
                                                               dose=d.f(Quantity(Decimal(1), "MIU"), "IL-2"))),
                        Arm("placebo", intervention=Intervention(d.f("il2kg:placebo", "placebo")))),
                  outcomes=(Outcome(d.f("il2kg:clinicalResponse", "response"), results=(
                      Result(arm="IL-2", comparator="placebo", statistic=d.f("odds-ratio", needle),
                             value=d.f(Quantity(Decimal("2.9"), ""), "2.9"), ci_low=d.f(Decimal("1.1"), "1.1"),
                             ci_high=d.f(Decimal("7.6"), "7.6"), p_text=d.f("p=0.03", "p=0.03"),
                             population=d.f("intention-to-treat", "Illustrative")),)),))
    return to_graph([trial], d.source, graph)


def test_ratio_rows_carry_their_confidence_interval(ontology):
    graph = _with_ratio(example_graph())
    (ratio,) = [r for r in forest_rows(graph, Lookup(graph, ontology)) if r.family == "ratio"]
    assert (ratio.estimate, ratio.low, ratio.high, ratio.note) == (2.9, 1.1, 7.6, "p=0.03")
    assert "vs placebo" in ratio.label and "ITT" in ratio.label


def _digests(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("build", [lambda: _with_ratio(example_graph()), new_graph], ids=["fixture", "empty"])
def test_plots_are_written_non_empty_and_deterministic(build, ontology, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    written = write_plots(build(), ontology, first)
    write_plots(build(), ontology, second)
    assert sorted(p.name for p in written) == NAMES
    for path in written:
        data = path.read_bytes()
        assert len(data) > 2_000
        assert data.startswith(b"\x89PNG") if path.suffix == ".png" else b"<svg" in data
    assert b"<dc:date>" not in (first / "forest.svg").read_bytes()
    assert _digests(first) == _digests(second)
