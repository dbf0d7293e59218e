"""The rows the evidence plots draw, read from the graph with SPARQL (labels from the ontology)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, URIRef

from il2kg.views.lookup import Lookup
from il2kg.vocab import IL, PREFIXES

EFFECTS = """
SELECT DISTINCT ?disease ?biomarker ?result ?direction ?significant WHERE {
  ?trial il2kg:hasOutcome ?outcome ; il2kg:studiesDisease ?studied .
  ?outcome il2kg:measures ?biomarker ; il2kg:hasResult ?result .
  ?result il2kg:hasDirection ?direction .
  OPTIONAL { ?result il2kg:significant ?significant }
  OPTIONAL { ?result il2kg:inSubgroup ?subgroup }
  FILTER NOT EXISTS { ?result il2kg:forArm/il2kg:hasArmRole il2kg:placeboComparator }
  FILTER NOT EXISTS { ?result il2kg:forArm/il2kg:receives/il2kg:hasAgent il2kg:placebo }
  BIND(COALESCE(?subgroup, ?studied) AS ?disease)
} ORDER BY ?disease ?biomarker ?result
"""

ARM_RESULTS = """
SELECT ?trial ?arm ?biomarker ?result ?amount ?unit ?agent ?estimate ?estimateUnit ?statistic ?rtime ?otime
       ?direction WHERE {
  ?trial il2kg:hasOutcome ?outcome ; il2kg:hasArm ?arm .
  ?outcome il2kg:measures ?biomarker ; il2kg:hasResult ?result .
  ?result il2kg:forArm ?arm .
  OPTIONAL { ?arm il2kg:receives ?iv .
             OPTIONAL { ?iv il2kg:doseAmount ?amount } OPTIONAL { ?iv il2kg:doseUnit ?unit }
             OPTIONAL { ?iv il2kg:hasAgent ?agent } }
  OPTIONAL { ?result il2kg:estimateValue ?estimate } OPTIONAL { ?result il2kg:estimateUnit ?estimateUnit }
  OPTIONAL { ?result il2kg:hasStatistic ?statistic } OPTIONAL { ?result il2kg:hasDirection ?direction }
  OPTIONAL { ?result il2kg:timepoint ?rtime } OPTIONAL { ?outcome il2kg:timepoint ?otime }
} ORDER BY ?trial ?arm ?biomarker ?result
"""

STATISTIC_RESULTS = """
SELECT ?trial ?outcome ?biomarker ?result ?arm ?statistic ?estimate ?estimateUnit ?low ?high ?ptext ?p ?pcmp
       ?num ?den ?population ?subgroup ?rtime ?otime ?comparator WHERE {
  ?trial il2kg:hasOutcome ?outcome . ?outcome il2kg:measures ?biomarker ; il2kg:hasResult ?result .
  ?result il2kg:hasStatistic ?statistic .
  OPTIONAL { ?result il2kg:forArm ?arm } OPTIONAL { ?result il2kg:comparedWith ?comparator }
  OPTIONAL { ?result il2kg:estimateValue ?estimate } OPTIONAL { ?result il2kg:estimateUnit ?estimateUnit }
  OPTIONAL { ?result il2kg:ciLower ?low } OPTIONAL { ?result il2kg:ciUpper ?high }
  OPTIONAL { ?result il2kg:pValueText ?ptext } OPTIONAL { ?result il2kg:pValue ?p }
  OPTIONAL { ?result il2kg:pValueComparator ?pcmp }
  OPTIONAL { ?result il2kg:numerator ?num } OPTIONAL { ?result il2kg:denominator ?den }
  OPTIONAL { ?result il2kg:inPopulation ?population } OPTIONAL { ?result il2kg:inSubgroup ?subgroup }
  OPTIONAL { ?result il2kg:timepoint ?rtime } OPTIONAL { ?outcome il2kg:timepoint ?otime }
} ORDER BY ?trial ?outcome ?result
"""

RATE_STATISTICS = {IL.responseRate, IL.proportion}
DIFFERENCE_STATISTICS = {IL.effectSize, IL.meanDifference}
RATIO_STATISTICS = {IL.oddsRatio, IL.riskRatio, IL.hazardRatio}
POPULATION_NAMES = {IL.intentionToTreat: "ITT", IL.perProtocol: "per-protocol"}
_TO_MIU = {"MIU": Decimal(1), "IU": Decimal("0.000001")}


def _rows(graph: Graph, query: str) -> list[dict[str, object]]:
    return [{k: v for k, v in row.asdict().items()} for row in graph.query(query, initNs=PREFIXES)]


def _number(value: object) -> float | None:
    try:
        return None if value is None else float(str(value))
    except ValueError:
        return None


def effect_cells(graph: Graph) -> dict[tuple[URIRef, URIRef], tuple[set[URIRef], set[bool]]]:
    """(disease, biomarker) -> (directions reported, significance flags reported), over non-placebo results.

    A result restricted to a subgroup disease counts for that disease only.
    """
    cells: dict[tuple[URIRef, URIRef], tuple[set[URIRef], set[bool]]] = {}
    for row in _rows(graph, EFFECTS):
        directions, flags = cells.setdefault((row["disease"], row["biomarker"]), (set(), set()))
        directions.add(row["direction"])
        if row.get("significant") is not None:
            flags.add(bool(row["significant"].toPython()))
    return cells


@dataclass(frozen=True, slots=True, order=True)
class DosePoint:
    """One arm's result on a Treg marker at its dose in MIU (placebo = 0)."""

    trial: str
    biomarker: str
    series: str  # statistic, unit and timepoint: points of one series are joined by a line
    dose: float
    estimate: float | None
    direction: str


def dose_points(graph: Graph, look: Lookup, markers: set[URIRef]) -> tuple[list[DosePoint], int]:
    """Per-arm results on the given markers with a dose convertible to MIU; also count the arms left out."""
    points, skipped = set(), 0
    for row in _rows(graph, ARM_RESULTS):
        if row["biomarker"] not in markers:
            continue
        unit = str(row.get("unit") or "")
        if row.get("agent") == IL.placebo:
            dose = 0.0
        elif row.get("amount") is not None and unit in _TO_MIU:
            dose = float(Decimal(str(row["amount"])) * _TO_MIU[unit])
        else:
            skipped += 1
            continue
        statistic = look.label(row["statistic"]) if row.get("statistic") else "estimate"
        when = str(row.get("rtime") or row.get("otime") or "")
        series = ", ".join(p for p in (statistic, str(row.get("estimateUnit") or ""), when) if p)
        direction = look.label(row["direction"]) if row.get("direction") else "unreported"
        points.add(DosePoint(look.label(row["trial"]), look.label(row["biomarker"]), series, dose,
                             _number(row.get("estimate")), direction))
    return sorted(points, key=lambda p: (p.trial, p.biomarker, p.series, p.dose, p.direction, p.estimate or 0.0)), \
        skipped


@dataclass(frozen=True, slots=True, order=True)
class ForestRow:
    """One response rate or effect size with its CI and p-value, labelled with trial and population."""

    family: str  # "rate" | "difference" | "ratio"
    label: str
    estimate: float
    low: float | None
    high: float | None
    note: str


def _forest_row(look: Lookup, row: dict[str, object]) -> ForestRow | None:
    statistic = row["statistic"]
    estimate = _number(row.get("estimate"))
    num, den = _number(row.get("num")), _number(row.get("den"))
    if estimate is None and statistic in RATE_STATISTICS and num is not None and den:
        estimate = 100.0 * num / den
    family = ("rate" if statistic in RATE_STATISTICS else "difference" if statistic in DIFFERENCE_STATISTICS
              else "ratio" if statistic in RATIO_STATISTICS else None)
    if estimate is None or family is None:
        return None
    population = row.get("population")
    parts = [look.label(row["trial"]), look.arm(row["arm"]) if row.get("arm") else "all arms",
             look.label(row["biomarker"]),
             POPULATION_NAMES.get(population, look.label(population)) if population else "population not stated",
             "subgroup: " + look.label(row["subgroup"]) if row.get("subgroup") else "",
             str(row.get("rtime") or row.get("otime") or "")]
    if row.get("comparator"):
        parts.insert(2, "vs " + look.arm(row["comparator"]))
    p = row.get("ptext") or (f"p {row.get('pcmp') or '='} {row['p']}" if row.get("p") is not None else "")
    counts = f"{int(num)}/{int(den)}" if num is not None and den else ""
    return ForestRow(family, " \u00b7 ".join(x for x in parts if x), estimate, _number(row.get("low")),
                     _number(row.get("high")), "  ".join(x for x in (counts, str(p)) if x))


def forest_rows(graph: Graph, look: Lookup) -> list[ForestRow]:
    """Response rates, effect sizes and ratios with their CIs and p-values, sorted by family and label."""
    rows = {_forest_row(look, row) for row in _rows(graph, STATISTIC_RESULTS)}
    return sorted(r for r in rows if r is not None)
