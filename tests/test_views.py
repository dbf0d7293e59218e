"""Projections, HTML pages and GraphML of the views, on a fixture graph built from records (and on data/triples).

The fixture restates facts of the corpus (IMODALS, TRANSREG, LUPIL-2, He et al., a citation page citing
LUPIL-2) as model records; where a paper gives no number in its abstract the estimate is illustrative.
`example_graph()` and `hostile_graph()` are reused by test_plots.py and test_views_browser.py.
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import RDF

from il2kg import resources
from il2kg.cli import main
from il2kg.graph import Source, to_graph
from il2kg.model import Arm, Citation, Evidence, Fact, Intervention, Outcome, Publication, Quantity, Result, Trial
from il2kg.rdf_io import new_graph, read_turtle_files
from il2kg.views import VIEWS, write_views
from il2kg.views.graphml import graphml_bytes
from il2kg.views.html import render_html, script_json, write_html
from il2kg.views.projections import citation_map, full_graph, mechanism_map
from il2kg.vocab import ID, IL, LEX, OBO

ALS, SLE, RA = str(OBO.MONDO_0004976), str(OBO.MONDO_0007915), str(OBO.MONDO_0008383)
TREG_MARKERS = {str(LEX.tregs), str(LEX.tregPercentage), str(LEX.tregNumber)}
IMODALS = str(ID["trial/NCT02059759"])
IMODALS_1MIU = str(ID["trial/NCT02059759/arm/1-miu/intervention"])
PAYLOAD_SCRIPT = "<script>window.il2kgPwned = 1; alert(1)</script>"
PAYLOAD_LABEL = "X<script>window.il2kgPwned=3</script>"  # short enough to survive label shortening
PAYLOAD_IMG = "<img src=x onerror=\"window.il2kgPwned = 2; alert(1)\">"


class Doc:
    """A fixture document: sentences joined into the text, facts located in it with their sentence."""

    def __init__(self, name: str, sentences: list[str], kind: str = "article") -> None:
        self.sentences = sentences
        text = " ".join(sentences)
        self.source = Source(name, hashlib.sha256(text.encode()).hexdigest(), kind, text, "0.0.0")

    def f(self, value, needle: str) -> Fact:
        start = self.source.text.index(needle)
        sentence = next(s for s in self.sentences if needle in s)
        return Fact(value, Evidence(start, start + len(needle), sentence, "test.views"))


def _iu(doc: Doc, agent: str, miu: str, needle: str) -> Intervention:
    return Intervention(doc.f(agent, needle), dose=doc.f(Quantity(Decimal(miu), "MIU"), needle))


def _imodals() -> tuple[Doc, list]:
    d = Doc("imodals.txt", [
        "Repeated 5-day cycles of low dose aldesleukin in amyotrophic lateral sclerosis (IMODALS): a phase 2a "
        "randomised, double-blind, placebo-controlled trial (NCT02059759).",
        "Patients received aldesleukin 1 MIU, aldesleukin 2 MIU or placebo.",
        "Secondary outcomes showed a significant increase in %Tregs following repeated cycles (p < 0·0001) as "
        "compared to placebo, and a dose-dependent decrease in plasma CCL2 (p = 0·0049).",
        "There were no significant differences amongst the three groups on plasma NFL levels.",
    ])
    sig = "significant increase in %Tregs"
    treg = Outcome(d.f("il2kg:tregPercentage", "%Tregs"), role=d.f("secondary", "Secondary"), results=(
        Result(arm="1 MIU", comparator="placebo", statistic=d.f("mean-change", sig),
               value=d.f(Quantity(Decimal("28"), "%"), sig), direction=d.f("increase", "increase"),
               significant=d.f(True, sig), p_text=d.f("p < 0·0001", "p < 0·0001")),
        Result(arm="2 MIU", comparator="placebo", statistic=d.f("mean-change", sig),
               value=d.f(Quantity(Decimal("46"), "%"), sig), direction=d.f("increase", "increase"),
               significant=d.f(True, sig), p_text=d.f("p < 0·0001", "p < 0·0001")),
        Result(arm="placebo", statistic=d.f("mean-change", "placebo."),
               value=d.f(Quantity(Decimal("1"), "%"), "placebo."), direction=d.f("no-change", "compared to placebo")),
    ))
    ccl2 = Outcome(d.f("il2kg:ccl2", "plasma CCL2"), results=(
        Result(direction=d.f("decrease", "dose-dependent decrease"), significant=d.f(True, "p = 0·0049"),
               p_text=d.f("p = 0·0049", "p = 0·0049")),))
    nfl = Outcome(d.f("il2kg:nfl", "plasma NFL"), results=(
        Result(direction=d.f("no-change", "no significant differences"), significant=d.f(False, "no significant")),))
    trial = Trial(
        registry_ids=(d.f("NCT02059759", "NCT02059759"),), acronym=d.f("IMODALS", "IMODALS"), phase=d.f("2a", "2a"),
        design=(d.f("randomised", "randomised"), d.f("double-blind", "double-blind"),
                d.f("placebo-controlled", "placebo-controlled")),
        diseases=(d.f("MONDO:0004976", "amyotrophic lateral sclerosis"),),
        arms=(Arm("1 MIU", d.f("experimental", "aldesleukin 1 MIU"), intervention=_iu(d, "il2kg:aldesleukin", "1",
                                                                                     "aldesleukin 1 MIU")),
              Arm("2 MIU", d.f("experimental", "aldesleukin 2 MIU"), intervention=_iu(d, "il2kg:aldesleukin", "2",
                                                                                     "aldesleukin 2 MIU")),
              Arm("placebo", d.f("placebo-comparator", "or placebo"),
                  intervention=Intervention(d.f("il2kg:placebo", "or placebo")))),
        outcomes=(treg, ccl2, nfl),
    )
    return d, [Publication(title=d.f("Repeated 5-day cycles of low dose aldesleukin", "Repeated 5-day cycles")), trial]


TRANSREG_DISEASES = {
    "MONDO:0008383": "rheumatoid arthritis", "MONDO:0005306": "ankylosing spondylitis",
    "MONDO:0007915": "systemic lupus erythematosus", "MONDO:0005083": "psoriasis", "MONDO:0007191": "Behcet's disease",
    "MONDO:0012105": "granulomatosis with polyangiitis", "MONDO:0017991": "Takayasu's disease",
    "MONDO:0005011": "Crohn's disease", "MONDO:0005101": "ulcerative colitis", "MONDO:0016264": "autoimmune hepatitis",
    "MONDO:0018646": "sclerosing cholangitis",
}


def _transreg() -> tuple[Doc, list]:
    d = Doc("transreg.txt", [
        "We performed a prospective, open-label, phase I-IIa study in 46 patients with a mild to moderate form of "
        "either " + ", ".join(TRANSREG_DISEASES.values()) + ".",
        "They all received ld-IL2 (1 million IU/day) for 5 days, followed by fortnightly injections for 6 months.",
        "Immunomonitoring demonstrated specific Treg expansion and activation in all patients, without effector T cell "
        "activation.",
    ])
    both = "Treg expansion and activation in all patients"
    trial = Trial(
        acronym=d.f("TRANSREG", "study"), phase=d.f("I-IIa", "I-IIa"), n_enrolled=d.f(46, "46"),
        design=(d.f("open-label", "open-label"), d.f("prospective", "prospective")),
        diseases=tuple(d.f(curie, name) for curie, name in TRANSREG_DISEASES.items()),
        arms=(Arm("ld-IL2", d.f("single-group-arm", "ld-IL2"),
                  intervention=_iu(d, "il2kg:interleukin2", "1", "1 million IU/day")),),
        outcomes=(Outcome(d.f("il2kg:tregs", "Treg expansion"), results=(
                      Result(arm="ld-IL2", statistic=d.f("mean-change", both),
                             value=d.f(Quantity(Decimal("98"), "%"), both), direction=d.f("increase", "expansion"),
                             significant=d.f(True, both)),)),
                  Outcome(d.f("il2kg:effectorTCells", "effector T cell"), results=(
                      Result(arm="ld-IL2", direction=d.f("no-change", "without effector T cell activation")),))),
    )
    return d, [Publication(title=d.f("TRANSREG study", "prospective, open-label")), trial]


def _lupil2() -> tuple[Doc, list]:
    d = Doc("lupil2.txt", [
        "Low-dose interleukin-2 therapy in active systemic lupus erythematosus (LUPIL-2): a multicentre, double-blind, "
        "randomised and placebo-controlled phase II trial.",
        "We randomly assigned 100 patients in a 1:1 ratio to receive either 1.5 million IU/day of subcutaneous IL-2 "
        "(ILT-101) or placebo.",
        "The primary end point was not met in the intention-to-treat population "
        "(ILT-101: 68%, placebo: 58%; p=0.3439).",
        "A post hoc per-protocol analysis showed a statistically significant difference for the SRI-4 response rate "
        "(ILT-101: 83.3%; placebo: 51.7%; p=0.0168).",
        "Treg percentage increased in the ILT-101 group.",
    ])
    itt, pp = "ILT-101: 68%, placebo: 58%", "ILT-101: 83.3%; placebo: 51.7%"
    rate = "response-rate"

    def rr(arm, value, needle, population, p=None):
        return Result(arm=arm, statistic=d.f(rate, needle), value=d.f(Quantity(Decimal(value), "%"), needle),
                      population=d.f(population, needle), p_text=p and d.f(p, p))

    sri4 = Outcome(d.f("il2kg:sri4", "SRI-4"), role=d.f("primary", "primary end point"),
                   timepoint=d.f("week 12", "SRI-4"),
                   results=(rr("ILT-101", "68", itt, "intention-to-treat", "p=0.3439"),
                            rr("placebo", "58", itt, "intention-to-treat"),
                            rr("ILT-101", "83.3", pp, "per-protocol", "p=0.0168"),
                            rr("placebo", "51.7", pp, "per-protocol")))
    treg = Outcome(d.f("il2kg:tregPercentage", "Treg percentage"), results=(
        Result(arm="ILT-101", direction=d.f("increase", "increased"), significant=d.f(True, "increased")),))
    trial = Trial(
        acronym=d.f("LUPIL-2", "LUPIL-2"), phase=d.f("II", "phase II"), n_randomised=d.f(100, "100"),
        design=(d.f("randomised", "randomised"), d.f("double-blind", "double-blind")),
        diseases=(d.f("MONDO:0007915", "systemic lupus erythematosus"),),
        arms=(Arm("ILT-101", d.f("experimental", "ILT-101"),
                  intervention=_iu(d, "il2kg:ilt101", "1.5", "1.5 million IU")),
              Arm("placebo", d.f("placebo-comparator", "placebo"), intervention=Intervention(d.f("il2kg:placebo",
                                                                                                   "placebo")))),
        outcomes=(sri4, treg),
    )
    return d, [Publication(title=d.f("Low-dose interleukin-2 therapy in active systemic lupus erythematosus (LUPIL-2)",
                                     "Low-dose interleukin-2 therapy")), trial]


def _he() -> tuple[Doc, list]:
    d = Doc("he-sle.txt", [
        "Efficacy and safety of low-dose IL-2 in the treatment of systemic lupus erythematosus: a randomised, "
        "double-blind, placebo-controlled trial.",
        "IL-2 at a dose of 1 million IU or placebo was administered subcutaneously every other day for 2 weeks.",
        "At week 12, the SRI-4 response rates were 55.17% and 30.00% for IL-2 and placebo, respectively (p=0.052).",
        "At week 24, the SRI-4 response rate of IL-2 group was 65.52%, compared with 36.67% of the placebo group "
        "(p=0.027).",
        "Low-dose IL-2 treatment resulted in 53.85% (7/13) complete remission in patients with lupus nephritis.",
    ])
    w12, w24 = d.sentences[2], d.sentences[3]

    def rr(arm, value, sentence, needle, p=None):
        return Result(arm=arm, statistic=d.f("response-rate", needle), value=d.f(Quantity(Decimal(value), "%"), needle),
                      population=d.f("intention-to-treat", sentence[:20]), p_text=p and d.f(p, p))

    sri4_12 = Outcome(d.f("il2kg:sri4", "SRI-4 response rates"), role=d.f("primary", "At week 12"),
                      timepoint=d.f("week 12", "At week 12"), met=d.f(False, "p=0.052"),
                      results=(rr("IL-2", "55.17", w12, "55.17%", "p=0.052"), rr("placebo", "30.00", w12, "30.00%")))
    sri4_24 = Outcome(d.f("il2kg:sri4", "SRI-4 response rate of"), role=d.f("secondary", "At week 24"),
                      timepoint=d.f("week 24", "At week 24"),
                      results=(rr("IL-2", "65.52", w24, "65.52%", "p=0.027"), rr("placebo", "36.67", w24, "36.67%")))
    remission = Outcome(d.f("il2kg:completeRemission", "complete remission"), results=(
        Result(arm="IL-2", statistic=d.f("proportion", "53.85%"), numerator=d.f(7, "7/13"), denominator=d.f(13, "7/13"),
               subgroup=d.f("MONDO:0005556", "lupus nephritis"), direction=d.f("increase", "resulted in")),))
    trial = Trial(
        design=(d.f("randomised", "randomised"), d.f("double-blind", "double-blind")),
        diseases=(d.f("MONDO:0007915", "systemic lupus erythematosus"),),
        arms=(Arm("IL-2", d.f("experimental", "IL-2 at a dose"), intervention=_iu(d, "il2kg:interleukin2", "1",
                                                                                 "1 million IU")),
              Arm("placebo", d.f("placebo-comparator", "or placebo"), intervention=Intervention(
                  d.f("il2kg:placebo", "or placebo")))),
        outcomes=(sri4_12, sri4_24, remission),
    )
    return d, [Publication(title=d.f(d.sentences[0], "Efficacy and safety")), trial]


def _citations() -> tuple[Doc, list]:
    d = Doc("citations.txt", [
        "Low-dose interleukin-2 therapy in active systemic lupus erythematosus (LUPIL-2)",
        "Low-dose IL-2 expanded Tregs in systemic lupus erythematosus although the primary endpoint was not met.",
        "Treg-directed therapy with low-dose IL-2 has also been explored in ALS.",
    ], kind="citation-page")
    first, second = d.sentences[1], d.sentences[2]
    return d, [
        Publication(title=d.f(d.sentences[0], "Low-dose interleukin-2 therapy")),
        Citation(d.f(first, first), d.f("supports", "expanded"), diseases=(d.f("MONDO:0007915", "lupus"),),
                 agents=(d.f("il2kg:interleukin2", "IL-2 expanded"),), biomarkers=(d.f("il2kg:tregs", "Tregs"),)),
        Citation(d.f(second, second), d.f("mentions", "explored"), diseases=(d.f("MONDO:0004976", "ALS"),),
                 biomarkers=(d.f("il2kg:tregs", "Treg-directed"),)),
    ]


def example_graph() -> Graph:
    """The fixture graph: four trial documents (IMODALS, TRANSREG, LUPIL-2, He et al.) and a citation page."""
    graph = new_graph()
    for build in (_imodals, _transreg, _lupil2, _he, _citations):
        doc, records = build()
        to_graph(records, doc.source, graph)
    return graph


def hostile_graph() -> Graph:
    """The fixture graph plus a trial whose acronym and evidence sentence carry HTML/JS payloads."""
    graph = example_graph()
    d = Doc("hostile.txt", [f"The trial {PAYLOAD_SCRIPT} studied lupus {PAYLOAD_IMG} with IL-2 & placebo; "
                            "see <script>alert(1)</script> and <img src=x onerror=alert(1)>."])
    trial = Trial(acronym=d.f(PAYLOAD_LABEL, "trial"), diseases=(d.f("MONDO:0007915", "lupus"),),
                  arms=(Arm("IL-2", intervention=_iu(d, "il2kg:interleukin2", "1", "IL-2")),),
                  outcomes=(Outcome(d.f("il2kg:tregs", "studied"), results=(
                      Result(arm="IL-2", direction=d.f("increase", "studied")),)),))
    return to_graph([trial], d.source, graph)



@pytest.fixture(scope="module")
def graph() -> Graph:
    return example_graph()


@pytest.fixture(scope="module")
def mech(graph, ontology) -> nx.DiGraph:
    return mechanism_map(graph, ontology)


def _moved_by_trial(view: nx.DiGraph, trial: str) -> set[str]:
    """Biomarkers a trial moves: through its interventions or by a whole-trial result."""
    sources = {trial} | {t for t in view.successors(trial) if view.edges[trial, t]["relation"] == "tests"}
    return {b for s in sources for b in view.successors(s) if view.edges[s, b]["relation"] in ("effect", "measures")}


def _diseases_linked_to(view: nx.DiGraph, markers: set[str]) -> set[str]:
    linked = set()
    for trial in (n for n, t in view.nodes(data="type") if t == "Trial"):
        if _moved_by_trial(view, trial) & markers:
            linked |= {d for d in view.successors(trial) if view.nodes[d]["type"] == "Disease"}
    return linked


def test_every_disease_is_linked_through_its_trial_to_tregs(mech):
    diseases = {n for n, t in mech.nodes(data="type") if t == "Disease"}
    assert len(diseases) == 12  # ALS + TRANSREG's 11 (SLE among them)
    assert _diseases_linked_to(mech, TREG_MARKERS) == diseases
    assert all(str(IL.tregExpansion) in mech.successors(m) for m in TREG_MARKERS & set(mech))


def test_als_is_linked_to_ccl2_and_nfl_with_direction_and_significance(mech):
    assert ALS in _diseases_linked_to(mech, {str(LEX.ccl2)})
    assert ALS in _diseases_linked_to(mech, {str(LEX.nfl)})
    assert _diseases_linked_to(mech, {str(LEX.ccl2), str(LEX.nfl)}) == {ALS}
    ccl2 = mech.edges[IMODALS, str(LEX.ccl2)]
    assert (ccl2["direction"], ccl2["significant"]) == ("decrease", "yes")
    assert any("dose-dependent decrease in plasma CCL2" in s for s in ccl2["evidence"])
    nfl = mech.edges[IMODALS, str(LEX.nfl)]
    assert (nfl["direction"], nfl["significant"]) == ("no change", "no")
    treg = mech.edges[IMODALS_1MIU, str(LEX.tregPercentage)]
    assert (treg["direction"], treg["significant"]) == ("increase", "yes")
    assert any("p < 0·0001" in line and "vs placebo" in line for line in treg["detail"])


def test_mechanism_map_labels_come_from_the_ontology_and_data(mech):
    assert mech.nodes[ALS]["label"] == "amyotrophic lateral sclerosis"
    assert mech.nodes[str(LEX.ccl2)]["label"] == "CCL2"
    assert mech.nodes[str(LEX.ccl2)]["type"] == "SolubleMarker"
    assert mech.nodes[IMODALS]["label"] == "IMODALS"
    assert mech.nodes[IMODALS_1MIU]["label"] == "aldesleukin 1 MIU"
    assert ("dose", "1 MIU") in mech.nodes[IMODALS_1MIU]["facts"]
    assert mech.nodes[IMODALS]["weight"] > 0 and mech.nodes[IMODALS]["evidence"]
    assert mech.nodes[str(LEX.neuroinflammation)]["type"] == "Mechanism"


def test_projections_are_sorted_and_deterministic(graph, ontology, mech):
    assert list(mech.nodes) == sorted(mech.nodes)
    assert list(mech.edges) == sorted(mech.edges)
    again = Graph()
    for triple in sorted(graph):  # another insertion order
        again.add(triple)
    for project in (mechanism_map, citation_map):
        assert nx.node_link_data(project(graph, ontology), edges="edges") == \
            nx.node_link_data(project(again, ontology), edges="edges")


def test_disease_tags_follow_trials_and_stop_at_shared_nodes(mech):
    assert mech.nodes[IMODALS_1MIU]["diseases"] == (ALS,)
    assert ALS in mech.nodes[str(LEX.tregPercentage)]["diseases"]
    assert SLE in mech.nodes[str(LEX.tregPercentage)]["diseases"]  # LUPIL-2 moves it too
    assert mech.nodes[str(LEX.ccl2)]["diseases"] == (ALS,)


def test_citation_map_has_intent_and_what_citing_statements_discuss(graph, ontology):
    view = citation_map(graph, ontology)
    cites = [(u, v, d) for u, v, d in view.edges(data=True) if d["relation"] == "cites"]
    assert sorted(d["intent"] for _, _, d in cites) == ["discusses (mentioning)", "supports"]
    lupil2_pub = {v for _, v, _ in cites}
    assert len(lupil2_pub) == 1  # both statements cite LUPIL-2's publication (same title key)
    (pub,) = lupil2_pub
    trials = [v for v in view.successors(pub) if view.nodes[v]["type"] == "Trial"]
    assert [view.nodes[t]["label"] for t in trials] == ["LUPIL-2"]
    discussed = {v for u, v, d in view.edges(data=True) if d["relation"] == "discusses"}
    assert {SLE, ALS, str(LEX.tregs), str(LEX.interleukin2)} <= discussed
    assert str(IL.tregExpansion) in view.successors(str(LEX.tregs))
    works = [u for u, _, _ in cites]
    assert all(view.nodes[w]["type"] == "CitingWork" and view.nodes[w]["evidence"] for w in works)


def test_full_graph_has_typed_resources_without_evidence_nodes(graph, ontology):
    view = full_graph(graph, ontology)
    evidence = {str(e) for e in graph.subjects(RDF.type, IL.Evidence)}
    assert evidence and not evidence & set(view)
    assert view.nodes[IMODALS]["type"] == "Trial"
    assert any("IMODALS" in s for s in view.nodes[IMODALS]["evidence"])
    assert view.edges[IMODALS, ALS]["relation"] == "studiesDisease"
    assert view.nodes[ALS]["label"] == "amyotrophic lateral sclerosis"
    assert ("acronym", "IMODALS") in view.nodes[IMODALS]["facts"]


def _real_graph():
    files = resources.triple_files()
    if not files:
        pytest.skip(f"no data/triples/*.ttl under {resources.TRIPLES_DIR} yet: the extractors have not written them")
    return read_turtle_files(files)


def test_real_graph_links_diseases_to_tregs_and_als_to_ccl2_nfl(ontology):
    view = mechanism_map(_real_graph(), ontology)
    diseases = {n for n, t in view.nodes(data="type") if t == "Disease"}
    assert diseases and ALS in diseases
    assert {ALS, SLE, RA} <= _diseases_linked_to(view, TREG_MARKERS) <= diseases
    assert ALS in _diseases_linked_to(view, {str(LEX.ccl2)}) & _diseases_linked_to(view, {str(LEX.nfl)})


def test_script_json_escapes_markup():
    text = script_json({"q": "</script><b>&\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"q": "</script><b>&\u2028"}


@pytest.fixture(scope="module")
def hostile_page(ontology, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("html") / "mechanism-map.html"
    write_html(mechanism_map(hostile_graph(), ontology), path, "Mechanism <map> & \"views\"")
    return path.read_text(encoding="utf-8")


def test_html_is_self_contained(hostile_page):
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", hostile_page, re.IGNORECASE)
    assert "<link" not in hostile_page.lower()
    assert len(re.findall(r"^<script\b", hostile_page, re.M)) == 3  # data, vis-network, view.js: all inline
    assert not re.search(r"<script[^>]*\bsrc=", hostile_page)
    assert "vis.Network" in hostile_page and "Content-Security-Policy" in hostile_page


def test_payloads_in_labels_and_evidence_appear_only_escaped(hostile_page):
    for raw in (PAYLOAD_SCRIPT, PAYLOAD_IMG, PAYLOAD_LABEL, "<script>alert(1)</script>",
                "<img src=x onerror=alert(1)>", "<img src=x onerror=", "</script><"):
        assert raw not in hostile_page
    assert "\\u003cscript\\u003ewindow.il2kgPwned = 1; alert(1)\\u003c/script\\u003e" in hostile_page
    assert "<title>Mechanism &lt;map&gt; &amp; &quot;views&quot;</title>" in hostile_page
    data = re.search(r'<script type="application/json" id="il2kg-data">(.*?)</script>', hostile_page, re.S)
    nodes = json.loads(data.group(1))["nodes"]
    assert any(n["label"] == PAYLOAD_LABEL for n in nodes)
    assert any(PAYLOAD_IMG in s for n in nodes for s in n.get("evidence", ()))


def test_html_embeds_every_node_and_edge_with_positions(mech):
    page = render_html(mech, "t")
    data = json.loads(re.search(r'id="il2kg-data">(.*?)</script>', page, re.S).group(1))
    assert [n["id"] for n in data["nodes"]] == list(mech.nodes)
    assert len(data["edges"]) == mech.number_of_edges()
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    assert data["options"]["physics"]["enabled"] is False
    assert {d["id"] for d in data["diseases"]} == {n for n, t in mech.nodes(data="type") if t == "Disease"}


def test_html_and_graphml_bytes_are_deterministic(graph, ontology, mech):
    again = mechanism_map(example_graph(), ontology)
    assert render_html(mech, "Mechanism map") == render_html(again, "Mechanism map")
    assert graphml_bytes(mech) == graphml_bytes(again)


def test_graphml_round_trips_with_string_attributes(mech, tmp_path):
    data = graphml_bytes(mech)
    path = tmp_path / "m.graphml"
    path.write_bytes(data)
    back = nx.read_graphml(path)
    assert sorted(back.nodes) == sorted(mech.nodes) and back.number_of_edges() == mech.number_of_edges()
    assert 'attr.type="string"' in data.decode() and 'attr.type="int"' not in data.decode()
    assert "dose: 1 MIU" in back.nodes[IMODALS_1MIU]["facts"]


def test_write_views_writes_pages_graphml_and_plots(graph, ontology, tmp_path):
    written = write_views(graph, ontology, tmp_path)
    names = sorted(p.name for p in written)
    for name in ("mechanism-map.html", "citation-map.html", "full-graph.html", "mechanism-map.graphml",
                 "citation-map.graphml", "full-graph.graphml", "effect-matrix.png", "effect-matrix.svg",
                 "dose-treg.png", "dose-treg.svg", "forest.png", "forest.svg"):
        assert name in names
        assert (tmp_path / name).stat().st_size > 0


def test_cli_viz_writes_the_chosen_view(tmp_path):
    data_dir = tmp_path / "triples"
    data_dir.mkdir()
    example_graph().serialize(data_dir / "example.ttl", format="turtle")
    out = tmp_path / "citations.html"
    result = CliRunner().invoke(main, ["viz", "--view", "citations", "--data", str(data_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Citation map" in out.read_text(encoding="utf-8")
    missing = CliRunner().invoke(main, ["viz", "--data", str(tmp_path / "none")])
    assert missing.exit_code == 2


# --- Byte-stable whatever PYTHONHASHSEED (issue 11) -------------------------------------------------------------

WRITE_VIEWS = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from test_views import example_graph, many_trials_graph
from il2kg.ontology import load_ontology
from il2kg.views import VIEWS, write_views
import networkx as nx
from il2kg import resources
from il2kg.rdf_io import read_turtle_files
from il2kg.views.html import write_html
out = Path(sys.argv[1])
write_views(example_graph(), load_ontology(), out / "fixture")
if resources.triple_files():
    write_views(read_turtle_files(resources.triple_files()), load_ontology(), out / "data")
chains = nx.DiGraph()  # small components: their node order once came from a set
for part in range(6):
    kinds = ("pub", "trial", "disease", "arm")[: 2 + part % 3]
    names = [f"https://w3id.org/il2kg/id/part{part}/{name}" for name in kinds]
    for node in names:
        chains.add_node(node, type="Trial", label=node[-12:], facts=(), evidence=(), diseases=())
    chains.add_edges_from(zip(names, names[1:]), relation="link")
write_html(chains, out / "chains.html", "chains")
from il2kg.views.projections import mechanism_map
write_html(mechanism_map(many_trials_graph(60), load_ontology()), out / "aggregated.html", "aggregated")
"""


def _written_under_seeds(tmp_path, seeds: tuple[str, ...]) -> list[dict[str, bytes]]:
    """The views written by one process per hash seed, the processes run side by side (one core each)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    folders = [tmp_path / f"seed-{seed}" for seed in seeds]
    running = [subprocess.Popen([sys.executable, "-c", WRITE_VIEWS, str(folder), str(Path(__file__).parent)],
                                env={**os.environ, "PYTHONHASHSEED": seed})
               for folder, seed in zip(folders, seeds, strict=True)]
    assert [process.wait(timeout=300) for process in running] == [0] * len(seeds)
    return [{p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
            for folder in folders]


@pytest.mark.slow
def test_every_view_and_plot_has_the_same_bytes_under_different_hash_seeds(tmp_path):
    first, second = _written_under_seeds(tmp_path, ("1", "2"))
    assert {"fixture/citation-map.html", "fixture/mechanism-map.graphml", "fixture/dose-treg.svg"} <= set(first)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


# --- A result without significance next to one with it (issue 10: the 50-document crash) -------------------------

def _unknown_significance_graph() -> Graph:
    d = Doc("mixed-significance.txt", [
        "In the MIXSIG trial (NCT09999999) of lupus, IL-2 1 MIU increased Tregs at week 12 (p=0.01).",
        "Tregs also increased in a second assay at week 12.",
    ])
    trial = Trial(registry_ids=(d.f("NCT09999999", "NCT09999999"),), acronym=d.f("MIXSIG", "MIXSIG"),
                  diseases=(d.f("MONDO:0007915", "lupus"),),
                  arms=(Arm("IL-2", intervention=_iu(d, "il2kg:interleukin2", "1", "IL-2 1 MIU")),),
                  outcomes=(Outcome(d.f("il2kg:tregs", "Tregs"), timepoint=d.f("week 12", "week 12"), results=(
                      Result(arm="IL-2", direction=d.f("increase", "increased"), significant=d.f(True, "p=0.01")),
                      Result(arm="IL-2", direction=d.f("increase", "also increased")),
                      Result(arm="IL-2"),)),))
    return to_graph([trial], d.source, new_graph())


def test_effects_with_and_without_significance_or_direction_sort_and_summarise(ontology):
    view = mechanism_map(_unknown_significance_graph(), ontology)
    (edge,) = [d for _, _, d in view.edges(data=True) if d["relation"] == "effect"]
    assert edge["results"] == 3 and edge["significant"] == "yes" and edge["direction"] == "increase"
    assert len(edge["detail"]) == 3


# --- Labels a reader knows; the disease filter's subgraph (issue 11) ---------------------------------------------

HASHLIKE = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{8,}\b|^id:|^https?:")


def _by_label(view: nx.DiGraph, label: str) -> str:
    (node,) = [n for n, text in view.nodes(data="label") if text == label]
    return node


@pytest.mark.parametrize("project", [mechanism_map, citation_map, full_graph], ids=lambda f: f.__name__)
def test_every_node_is_labelled_by_a_name_never_a_hash_or_iri(graph, ontology, project):
    view = project(graph, ontology)
    assert [(n, label) for n, label in view.nodes(data="label") if HASHLIKE.search(label)] == []


def test_full_graph_names_results_outcomes_arms_and_documents_by_their_facts(graph, ontology):
    view = full_graph(graph, ontology)
    labels = {label for _, label in view.nodes(data="label")}
    assert "IMODALS: 1 MIU" in labels  # an arm, after its trial
    assert "IMODALS: aldesleukin 1 MIU" in labels
    assert "CCL2 \u00b7 IMODALS" in labels  # an outcome: what it measures, and whose
    assert any(label.startswith("SLE Responder Index-4 result: ILT-101, 68") for label in labels)
    assert any(label.startswith("citation: \u201cLow-dose IL-2 expanded") for label in labels)
    assert any(label.startswith("article: Repeated 5-day cycles") for label in labels)  # its source document


def test_trial_without_acronym_is_named_by_a_short_title_not_a_registry_id(graph, ontology):
    view = mechanism_map(graph, ontology)
    trials = {label for n, label in view.nodes(data="label") if view.nodes[n]["type"] == "Trial"}
    assert "Efficacy and safety of low-dose\u2026" in trials or any(t.startswith("Efficacy and safety") for t in trials)
    assert all(len(t) <= 48 for t in trials)


def _real_view_without_registry_only_labels(ontology):
    # A trial is named by its registry id only when no document gives it an acronym or a title.
    graph = _real_graph()
    view = mechanism_map(graph, ontology)
    titled = {str(t) for t in graph.subjects(IL.acronym, None)} | {str(t) for t in graph.subjects(IL.trialTitle, None)}
    titled |= {str(t) for t, report in graph.subject_objects(IL.reportedIn)
               if graph.value(report, IL.publicationTitle) is not None}
    return [label for n, label in view.nodes(data="label")
            if view.nodes[n]["type"] == "Trial" and re.fullmatch(r"NCT\d{8}", label) and n in titled]


def test_real_graph_trials_are_named_by_acronym_or_title(ontology):
    assert _real_view_without_registry_only_labels(ontology) == []


def test_choosing_a_disease_shows_its_trials_and_their_mechanisms_but_not_their_other_diseases(mech):
    shown = {n for n, tags in mech.nodes(data="diseases") if SLE in tags}
    transreg, lupil2 = _by_label(mech, "TRANSREG"), _by_label(mech, "LUPIL-2")
    assert {transreg, lupil2, SLE, str(LEX.tregs), str(LEX.tregPercentage)} <= shown
    assert {str(IL.tregExpansion)} <= shown  # the mechanism the trials' biomarkers indicate
    assert RA not in shown and ALS not in shown  # TRANSREG's other diseases stay hidden
    assert str(LEX.ccl2) not in shown  # moved by an ALS trial only


# --- Scale: hundreds of trials (issue 10) ------------------------------------------------------------------------

SYNTHETIC_DISEASES = ["MONDO:0004976", *TRANSREG_DISEASES]
SYNTHETIC_DOSES = ("0.5", "1", "1.5", "2", "3")


def _synthetic_trial(index: int, rng) -> tuple[Doc, list]:
    dose = rng.choice(SYNTHETIC_DOSES)
    diseases = sorted(rng.sample(SYNTHETIC_DISEASES, 2 if index % 7 == 0 else 1))
    agent = rng.choice(("il2kg:aldesleukin", "il2kg:interleukin2"))
    name = f"SYN-{index:04d}"
    d = Doc(f"synthetic-{index:04d}.txt", [
        f"{name} randomised patients to IL-2 {dose} MIU or placebo.",
        f"Tregs increased with IL-2 (p=0.0{index % 9 + 1}); CCL2 decreased; NFL did not change.",
    ])
    flag = (True, False, None)[index % 3]
    treg = Outcome(d.f("il2kg:tregs" if index % 2 else "il2kg:tregPercentage", "Tregs"), results=(
        Result(arm="IL-2", direction=d.f("increase", "increased"),
               significant=None if flag is None else d.f(flag, "p=0.0")),
        Result(arm="placebo", direction=d.f("no-change", "did not change")),))
    ccl2 = Outcome(d.f("il2kg:ccl2", "CCL2"), results=(Result(direction=d.f("decrease", "decreased")),))
    nfl = Outcome(d.f("il2kg:nfl", "NFL"))
    trial = Trial(acronym=d.f(name, name), diseases=tuple(d.f(c, name) for c in diseases),
                  arms=(Arm("IL-2", d.f("experimental", "IL-2"), intervention=_iu(d, agent, dose, f"IL-2 {dose} MIU")),
                        Arm("placebo", d.f("placebo-comparator", "placebo"),
                            intervention=Intervention(d.f("il2kg:placebo", "placebo")))),
                  outcomes=(treg, ccl2, nfl))
    return d, [trial]


def many_trials_graph(trials: int, seed: int = 11) -> Graph:
    """A generated graph of `trials` placebo-controlled trials over 12 diseases, 5 doses and 4 biomarkers."""
    import random

    rng = random.Random(seed)
    graph = new_graph()
    for index in range(trials):
        doc, records = _synthetic_trial(index, rng)
        to_graph(records, doc.source, graph)
    return graph


@pytest.fixture(scope="module")
def many() -> Graph:
    return many_trials_graph(300)


@pytest.mark.slow
def test_mechanism_map_of_hundreds_of_trials_aggregates_by_disease_regimen_and_biomarker(many, ontology):
    view = mechanism_map(many, ontology)
    kinds = [kind for _, kind in view.nodes(data="type")]
    assert "Trial" not in kinds and "Intervention" not in kinds
    assert kinds.count("Disease") == len(SYNTHETIC_DISEASES)
    regimens = sorted(label for n, label in view.nodes(data="label") if view.nodes[n]["type"] == "Regimen")
    assert "placebo" in regimens and "aldesleukin 1.5 MIU" in regimens and len(regimens) == 11  # 2 agents x 5 + 1
    assert view.number_of_nodes() < 120
    groups = [n for n, kind in view.nodes(data="type") if kind == "TrialGroup"]
    assert sum(int(dict(view.nodes[g]["facts"])["trials"]) for g in groups) == 300
    ccl2 = [d for _, v, d in view.in_edges(str(LEX.ccl2), data=True) if d["relation"] == "effect"]
    assert ccl2 and all(d["direction"] == "decrease" for d in ccl2)
    assert sum(d["results"] for d in ccl2) == 300  # every trial's whole-trial result, from its group
    als = {n for n, tags in view.nodes(data="diseases") if ALS in tags}
    assert str(IL.tregExpansion) in als and RA not in als


def _clusters(count: int, size: int) -> nx.DiGraph:
    """`count` trees of `size` nodes, each tree's root linked to the next root; types dealt round-robin."""
    import random

    rng = random.Random(5)
    graph = nx.DiGraph()
    kinds = ("Trial", "Outcome", "Result", "Arm")
    for c in range(count):
        names = [f"{ID}c{c}/n{i}" for i in range(size)]
        for i, name in enumerate(names):
            graph.add_node(name, type=kinds[i % len(kinds)], label=name[-8:], facts=(), evidence=(), diseases=())
            if i:
                graph.add_edge(names[rng.randrange(i)], name, relation="has")
        graph.add_edge(names[0], f"{ID}c{(c + 1) % count}/n0", relation="next")
    return graph


@pytest.mark.slow
def test_large_graph_layout_puts_connected_nodes_together_not_rings_by_type():
    from il2kg.views.positions import positions

    graph = _clusters(40, 30)  # 1,200 nodes: past the sizes that once fell back to rings
    where = positions(graph)

    def distance(a: str, b: str) -> float:
        return ((where[a][0] - where[b][0]) ** 2 + (where[a][1] - where[b][1]) ** 2) ** 0.5

    nodes = sorted(graph)
    cluster = {n: n.split("/")[-2] for n in nodes}
    same = [distance(a, b) for a, b in zip(nodes, nodes[1:], strict=False) if cluster[a] == cluster[b]]
    other = [distance(a, b) for a, b in zip(nodes, nodes[30:], strict=False) if cluster[a] != cluster[b]]
    assert sum(same) / len(same) < 0.35 * sum(other) / len(other)  # a tree's nodes lie together
    trials = [where[n] for n, kind in graph.nodes(data="type") if kind == "Trial"]
    cx, cy = sum(x for x, _ in trials) / len(trials), sum(y for _, y in trials) / len(trials)
    radii = [((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 for x, y in trials]
    mean = sum(radii) / len(radii)
    assert (sum((r - mean) ** 2 for r in radii) / len(radii)) ** 0.5 > 0.2 * mean  # one type is not one ring


# --- `il2kg check` prints a header and CURIE + label, not raw IRI pairs (issue 11) -----------------------------

def test_check_report_has_a_header_and_names_individuals_and_classes_by_curie_and_label(ontology):
    from il2kg.reason import Reasoning, format_reasoning

    result = Reasoning(True, ((ALS, str(IL.NeurodegenerativeDisease)), (IMODALS, str(IL.PlaceboControlledTrial))),
                       12, 1.0)
    data = example_graph()
    lines = format_reasoning(result, ontology + data).splitlines()
    assert lines[0].startswith("HermiT: consistent (12 individuals") and "2 inferred classifications" in lines[0]
    assert lines[1].split() == ["individual", "is", "inferred", "to", "be", "a"]
    assert lines[2].startswith("MONDO:0004976 (amyotrophic lateral sclerosis)")
    assert "il2kg:NeurodegenerativeDisease (" in lines[2]
    assert lines[3].startswith("id:trial/NCT02059759 (IMODALS)")
    assert not any("http" in line for line in lines)


def test_cli_viz_rewrites_the_build_view_byte_for_byte_and_refuses_an_unwritable_out(tmp_path, ontology):
    data_dir, dist = tmp_path / "triples", tmp_path / "dist"
    data_dir.mkdir()
    example_graph().serialize(data_dir / "example.ttl", format="turtle")
    write_views(read_turtle_files(resources.triple_files(data_dir)), ontology, dist)
    for view, (stem, _, _) in sorted(VIEWS.items()):
        out = tmp_path / f"viz-{stem}.html"
        result = CliRunner().invoke(main, ["viz", "--view", view, "--data", str(data_dir), "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_bytes() == (dist / f"{stem}.html").read_bytes()  # SHA256SUMS still holds after viz
    bad = CliRunner().invoke(main, ["viz", "--data", str(data_dir), "--out", "/proc/il2kg-view.html"])
    assert bad.exit_code == 2 and "cannot write the view" in bad.output and "Traceback" not in bad.output


def test_real_full_graph_labels_are_names_not_hashes(ontology):
    view = full_graph(_real_graph(), ontology)
    assert [(n, label) for n, label in view.nodes(data="label") if HASHLIKE.search(label)] == []


def test_mechanism_map_nodes_do_not_sit_on_each_other(mech):
    from il2kg.views.positions import positions

    where = positions(mech)
    nodes = sorted(where)
    close = [(a, b) for i, a in enumerate(nodes) for b in nodes[i + 1:]
             if ((where[a][0] - where[b][0]) ** 2 + (where[a][1] - where[b][1]) ** 2) ** 0.5 < 50]
    assert close == []  # 50 px apart at least: labels of a dense cluster get room


def test_view_modules_hold_no_sparql_text():
    from pathlib import Path

    import il2kg.views

    for path in sorted(Path(il2kg.views.__file__).parent.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        found = re.search(r"\bSELECT\b|\bCONSTRUCT\b|WHERE\s*\{", text)
        assert not found, f"{path.name}: SPARQL belongs in queries/view/*.rq"


def test_the_options_taken_from_pyvis_are_what_pyvis_gives():
    from pyvis.network import Network

    from il2kg.views.html import PYVIS_OPTIONS, page_data

    net = Network(directed=True, cdn_resources="in_line")
    net.toggle_physics(False)
    theirs = json.loads(net.options.to_json())
    ours = page_data(nx.DiGraph())["options"]
    assert {key: theirs[key] for key in PYVIS_OPTIONS} == PYVIS_OPTIONS
    assert set(theirs) <= set(ours) and {key: ours[key] for key in PYVIS_OPTIONS} == PYVIS_OPTIONS
