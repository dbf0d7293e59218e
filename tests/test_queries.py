"""Every competency question answers with the corpus facts; every check query finds no violation.

Each question runs on two graphs: the fixture graph (records mirroring the five corpus documents, always there)
and the extracted graph (ontology + data/triples/*.ttl, skipped with a reason until it has been extracted).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from fixtures.query_graph import corpus_graph, fixture_graph, rows_of

from il2kg import resources
from il2kg.pipeline import read_manifest
from il2kg.query import prepare, question, run_query
from il2kg.vocab import ID, IL, LEX

IMODALS = str(ID["trial/NCT02059759"])
TRANSREG = str(ID["trial/NCT01988506"])
LUPIL2 = str(ID["trial/NCT02955615"])
HE = str(ID["trial/NCT02465580"])
ALS, SLE = "amyotrophic lateral sclerosis", "systemic lupus erythematosus"
REPORTS = sorted(p for p in resources.query_files() if p.parent.name == "report")
CHECKS = sorted(p for p in resources.query_files() if p.parent.name == "check")


@pytest.fixture(scope="module", params=["fixture", "corpus"])
def graph(request):
    if request.param == "fixture":
        return fixture_graph()
    data = corpus_graph()
    if data is None:
        pytest.skip(f"no extracted corpus in {resources.TRIPLES_DIR}: run 'il2kg build --corpus DIR' first")
    return data


def rows_where(rows, **match):
    return [r for r in rows if all(r.get(k) == v for k, v in match.items())]


@pytest.mark.parametrize("path", resources.query_files(), ids=lambda p: p.stem)
def test_query_file_states_question_and_answer_and_parses(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Question: ") and question(text)
    assert "\n# Answer: " in text
    query = prepare(text, str(path))
    if query.algebra.name == "SelectQuery":
        assert re.search(r"\nORDER BY [^\n]+\n?$", text), f"{path.name}: a SELECT must end with ORDER BY"


def test_library_has_at_least_fifteen_competency_questions():
    assert len(REPORTS) >= 15


def test_trials_by_disease(graph):
    rows = rows_of("trials-by-disease", graph)
    als = rows_where(rows, trial=IMODALS, diseaseLabel=ALS)[0]
    assert {"1 MIU", "2 MIU"} <= set(als["doses"].split(", "))
    assert "randomised" in als["design"] and als["phase"] == "2a"
    assert "1.5 MIU" in rows_where(rows, trial=LUPIL2, diseaseLabel=SLE)[0]["doses"]
    assert rows_where(rows, trial=TRANSREG, diseaseLabel="rheumatoid arthritis")[0]["participants"] == 46


def test_trial_arms_and_regimens(graph):
    rows = rows_of("trial-arms-and-regimens", graph)
    assert {r["armLabel"] for r in rows_where(rows, trial=IMODALS)} == {"2 MIU", "1 MIU", "placebo"}
    two = rows_where(rows, trial=IMODALS, armLabel="2 MIU")[0]
    assert (two["dose"], two["doseUnit"], two["agent"]) == (Decimal(2), "MIU", str(LEX.aldesleukin))


def test_dose_versus_treg_change(graph):
    rows = rows_of("dose-versus-treg-change", graph)
    changes = {(r["armLabel"], r["value"]) for r in rows_where(rows, trial=IMODALS, armStated=True)
               if r["statistic"] == "mean change from baseline"}
    assert {("2 MIU", Decimal("6.2")), ("1 MIU", Decimal("3.9")), ("placebo", Decimal("-0.49"))} <= changes
    assert rows_where(rows, trial=IMODALS, armLabel="2 MIU", value=Decimal("6.2"))[0]["direction"] == "increase"


def test_dose_versus_treg_change_pairs_a_result_only_with_its_own_trials_arms(graph):
    # A result that names no arm, in a trial whose only arm is a placebo, once matched every arm's label in the
    # graph (the label's OPTIONAL sat outside the arm's): 168 rows of the corpus graph paired other trials' arms.
    arms = {(str(t), str(a)) for t, a in graph.subject_objects(IL.hasArm)}
    rows = rows_of("dose-versus-treg-change", graph)
    assert rows and all((r["trial"], r["arm"]) in arms for r in rows if r["arm"] is not None)
    assert all(r["armLabel"] is None and r["dose"] is None for r in rows if r["arm"] is None)


def test_primary_endpoint_verdicts(graph):
    rows = rows_of("primary-endpoint-verdicts", graph)
    assert {r["endpointMet"] for r in rows_where(rows, trial=IMODALS)} == {True}
    assert {r["endpointMet"] for r in rows_where(rows, trial=LUPIL2)} == {False}
    itt = rows_where(rows, trial=LUPIL2, population="intention to treat", comparator="placebo")[0]
    pp = rows_where(rows, trial=LUPIL2, population="per protocol", comparator="placebo")[0]
    assert (itt["pValue"], itt["significant"]) == (Decimal("0.3439"), False)
    assert (pp["pValue"], pp["significant"], pp["postHoc"]) == (Decimal("0.0168"), True, True)


def test_itt_versus_per_protocol(graph):
    row = rows_where(rows_of("itt-versus-per-protocol", graph), trial=LUPIL2)[0]
    verdict = (row["ittSignificant"], row["ppSignificant"], row["ppPostHoc"], row["endpointMet"])
    assert verdict == (False, True, True, False)


def test_biomarker_results(graph):
    rows = rows_of("biomarker-results", graph)
    ccl2 = rows_where(rows, trial=IMODALS, biomarker=str(LEX.ccl2), direction="decrease")[0]
    assert ccl2["significant"] is True and ccl2["kind"] == "Soluble marker"
    assert rows_where(rows, trial=IMODALS, biomarker=str(LEX.nfl), direction="no change")[0]["significant"] is False


def test_mechanism_diseases(graph):
    links = {(r["mechanism"], r["diseaseLabel"], r["via"]) for r in rows_of("mechanism-diseases", graph)}
    assert {(str(IL.tregExpansion), ALS, "trial outcome"), (str(IL.tregExpansion), SLE, "trial outcome"),
            (str(LEX.neuroinflammation), ALS, "trial outcome"), (str(LEX.neuroaxonalDamage), ALS, "trial outcome"),
            (str(LEX.nkCellActivation), SLE, "trial outcome"),
            (str(IL.tregExpansion), SLE, "citing statement")} <= links


def test_safety_findings(graph):
    rows = rows_of("safety-findings", graph)
    sae = rows_where(rows, trial=IMODALS, eventTerm="serious adverse event")[0]
    assert (sae["eventCount"], sae["drugRelated"]) == (0, True)
    assert rows_where(rows, trial=HE, eventTerm="serious infection", arm="placebo")[0]["eventCount"] == 2


def test_registry_trial_publication(graph):
    rows = rows_of("registry-trial-publication", graph)
    assert rows_where(rows, registryId="NCT02932137")[0]["trial"] == HE
    assert "10.1136/ard-2022-222501" in {r["doi"] for r in rows_where(rows, registryId="NCT02955615")}


def test_citing_works_of_a_bound_publication(graph):
    pub = rows_where(rows_of("registry-trial-publication", graph), registryId="NCT02955615")[0]["publication"]
    rows = run_query("citing-works", graph, cited=ID[pub.removeprefix(str(ID))])
    assert len(rows) >= 2 and {r["cited"] for r in rows} == {pub}
    assert {r["intent"] for r in rows} == {"discusses (mentioning)"}
    diseases = " | ".join(r["diseases"] or "" for r in rows)
    assert SLE in diseases and "type 1 diabetes mellitus" in diseases


def test_fact_provenance_of_a_bound_fact(graph):
    rows = run_query("fact-provenance", graph, subject=ID["trial/NCT02955615"], property=IL.acronym)
    assert rows and all(r["value"] == "LUPIL-2" == r["spanText"] for r in rows)
    assert all(r["spanText"] in r["quote"] and r["fileName"].endswith(".txt") for r in rows)
    assert all(r["spanEnd"] - r["spanStart"] == len("LUPIL-2") for r in rows)


def test_significant_results(graph):
    rows = rows_of("significant-results", graph)
    assert all(r["pValue"] < Decimal("0.05") for r in rows)
    assert rows_where(rows, trial=LUPIL2, pValue=Decimal("0.0168"))
    assert not {Decimal("0.3439"), Decimal("0.052")} & {r["pValue"] for r in rows}


def test_disease_biomarker_matrix(graph):
    rows = rows_of("disease-biomarker-matrix", graph)
    assert rows_where(rows, diseaseLabel=ALS, biomarker=str(LEX.tregPercentage))[0]["significantResults"] >= 1
    assert rows_where(rows, diseaseLabel=ALS, biomarker=str(LEX.nfl))[0]["significantResults"] == 0


def test_funders(graph):
    rows = [r for r in rows_of("funders", graph) if r["funderName"].startswith("French Health Ministry")]
    assert rows and "NCT02059759" in rows[0]["trials"]


def test_randomised_treg_evidence(graph):
    rows = rows_of("randomised-treg-evidence", graph)
    als = rows_where(rows, diseaseLabel=ALS, trial=IMODALS)
    assert {r["dose"] for r in als} == {Decimal(2), Decimal(1)} and {r["primaryMet"] for r in als} == {True}
    assert {r["primaryMet"] for r in rows_where(rows, diseaseLabel=SLE, trial=HE)} == {False}
    assert TRANSREG not in {r["trial"] for r in rows}, "open-label evidence is not randomised"
    assert "placebo" not in {r["armLabel"] for r in rows}


def test_trial_endpoints(graph):
    rows = rows_of("trial-endpoints", graph)
    assert rows_where(rows, trial=LUPIL2, role="primary endpoint")[0]["endpointMet"] is False


def test_citation_metrics(graph):
    rows = rows_of("citation-metrics", graph)
    assert rows_where(rows, metricKind="citing-publications", metricCount=63)


def test_source_documents(graph):
    rows = rows_of("source-documents", graph)
    expected = 5 if graph is fixture_graph() else len(read_manifest(resources.SOURCES_TSV))
    # A page the extractor reads nothing from (a bare count page) is still listed, with 0 facts.
    assert len(rows) == expected and sum(r["facts"] > 0 for r in rows) >= 0.9 * expected


# Violations the extracted data still has, with the reason; they fail loudly again once fixed (xfail, not strict).
KNOWN: dict[str, str] = {}


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: p.stem)
def test_check_finds_no_violation(path, graph, request):
    if path.stem in KNOWN and graph is not fixture_graph():
        request.applymarker(pytest.mark.xfail(reason=KNOWN[path.stem], strict=False))
    rows = rows_of(str(path), graph)
    assert rows == [], f"{path.name}: {len(rows)} violations, first: {rows[:3]}"
