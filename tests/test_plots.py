"""Evidence plots: the numbers they draw (SPARQL over the fixture graph) and the files (written, deterministic)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from rdflib import Graph
from test_views import Doc, example_graph

from il2kg.graph import to_graph
from il2kg.model import Arm, Intervention, Outcome, Quantity, Result, Trial
from il2kg.query import run_query
from il2kg.rdf_io import new_graph
from il2kg.views.lookup import Lookup
from il2kg.views.plot_data import DIRECTION_PANEL, column_label, dose_panels, dose_points, effect_cells, forest_rows
from il2kg.views.plots import write_plots
from il2kg.vocab import IL, LEX, OBO

ALS, LUPUS_NEPHRITIS = OBO.MONDO_0004976, OBO.MONDO_0005556
TREGS = OBO.CL_0000815  # what Treg %, Treg number and regulatory T cells measure
NAMES = ["dose-treg.png", "dose-treg.svg", "effect-matrix.png", "effect-matrix.svg", "forest.png", "forest.svg"]



@pytest.fixture(scope="module")
def graph() -> Graph:
    return example_graph()


def _cells(graph, ontology):
    return {key: (set(c.directions), set(c.significance)) for key, c in
            effect_cells(graph, Lookup(graph, ontology)).items()}


def test_effect_cells_give_direction_and_significance_without_placebo_arms(graph, ontology):
    cells = _cells(graph, ontology)
    assert cells[(ALS, LEX.ccl2)] == ({IL.decrease}, {True})
    assert cells[(ALS, LEX.nfl)] == ({IL.noChange}, {False})
    assert cells[(ALS, TREGS)] == ({IL.increase}, {True})  # the placebo arm's "no change" left out
    assert (LUPUS_NEPHRITIS, LEX.completeRemission) in cells  # a subgroup result counts for its subgroup
    assert (OBO.MONDO_0007915, LEX.completeRemission) not in cells


def test_effect_matrix_groups_treg_measures_in_one_column_with_the_kind_in_the_cell(graph, ontology):
    look = Lookup(graph, ontology)
    cells = effect_cells(graph, look)
    sle = OBO.MONDO_0007915
    assert not any(thing in (LEX.tregs, LEX.tregPercentage, LEX.tregNumber) for _, thing in cells)
    assert cells[(sle, TREGS)].kinds == ("%", "level")  # LUPIL-2 measured %, TRANSREG the cells
    assert cells[(ALS, TREGS)].kinds == ("%",)
    assert cells[(ALS, LEX.ccl2)].kinds == ()  # a measure of its own needs no kind
    assert column_label(look, TREGS) == "regulatory T cells"


def test_dose_points_put_placebo_at_zero_and_convert_to_miu(graph, ontology):
    markers = set(ontology.subjects(IL.indicatesMechanism, IL.tregExpansion))
    points, skipped = dose_points(graph, Lookup(graph, ontology), markers)
    imodals = [(p.dose, p.estimate) for p in points if p.trial == "IMODALS"]
    assert imodals == [(0.0, 1.0), (1.0, 28.0), (2.0, 46.0)]
    assert {p.dose for p in points if p.trial == "LUPIL-2"} == {1.5}
    assert skipped == 0


def _with_armless_treg_and_effect_size(graph: Graph) -> Graph:
    """A single-arm trial whose Treg result names no arm, and a trial reporting an effect size, not a % change."""
    d = Doc("armless.txt", ["ARMLESS gave IL-2 1 MIU daily; Tregs increased.",
                            "SIZED gave IL-2 2 MIU; Treg effect size 3.5."])
    armless = Trial(acronym=d.f("ARMLESS", "ARMLESS"), diseases=(d.f("MONDO:0007915", "ARMLESS"),),
                    arms=(Arm("IL-2", intervention=Intervention(d.f("il2kg:interleukin2", "IL-2 1 MIU"),
                                                                dose=d.f(Quantity(Decimal(1), "MIU"), "1 MIU"))),),
                    outcomes=(Outcome(d.f("il2kg:tregs", "Tregs"), results=(
                        Result(direction=d.f("increase", "increased")),)),))
    sized = Trial(acronym=d.f("SIZED", "SIZED"), diseases=(d.f("MONDO:0007915", "SIZED"),),
                  arms=(Arm("IL-2", intervention=Intervention(d.f("il2kg:interleukin2", "IL-2 2 MIU"),
                                                              dose=d.f(Quantity(Decimal(2), "MIU"), "2 MIU"))),),
                  outcomes=(Outcome(d.f("il2kg:tregPercentage", "Treg effect"), results=(
                      Result(arm="IL-2", statistic=d.f("effect-size", "effect size"),
                             value=d.f(Quantity(Decimal("3.5"), ""), "3.5"), direction=d.f("increase", "SIZED")),)),))
    return to_graph([sized], d.source, to_graph([armless], d.source, graph))


def test_dose_panels_put_one_quantity_per_axis_and_every_trial_the_question_returns(ontology):
    graph = _with_armless_treg_and_effect_size(example_graph())
    markers = set(ontology.subjects(IL.indicatesMechanism, IL.tregExpansion))
    points, _ = dose_points(graph, Lookup(graph, ontology), markers)
    panels = dose_panels(points)
    for panel in panels:  # never two quantities (effect size and % change) on one y axis
        assert len({p.quantity for p in panel.points if p.estimate is not None}) <= 1 or panel.quantity == \
            DIRECTION_PANEL
    assert {p.quantity for p in panels[0].points} == {panels[0].quantity}
    assert any(p.quantity.startswith("effect size") for p in points)
    assert len({panel.quantity for panel in panels}) == len(panels) >= 3
    plotted = {(p.trial_id, p.dose) for panel in panels for p in panel.points}
    merged = Graph()
    for triple in graph:
        merged.add(triple)
    for triple in ontology:
        merged.add(triple)
    asked = {(row["trial"], float(row["dose"])) for row in run_query("dose-versus-treg-change", merged)
             if row["dose"] is not None and row["doseUnit"] == "MIU"}
    assert asked and asked <= plotted  # the armless ARMLESS 1 MIU increase among them


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
