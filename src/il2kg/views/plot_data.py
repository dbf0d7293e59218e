"""The rows the evidence plots draw, read from the graph with SPARQL (labels from the ontology)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from il2kg import resources
from il2kg.query import execute, term_rows
from il2kg.rdf_io import atomic_write
from il2kg.views.data import ViewData
from il2kg.views.lookup import Lookup
from il2kg.vocab import IL

RATE_STATISTICS = {IL.responseRate, IL.proportion}
DIFFERENCE_STATISTICS = {IL.effectSize, IL.meanDifference}
RATIO_STATISTICS = {IL.oddsRatio, IL.riskRatio, IL.hazardRatio}
POPULATION_NAMES = {IL.intentionToTreat: "ITT", IL.perProtocol: "per-protocol"}
_TO_MIU = {"MIU": Decimal(1), "IU": Decimal("0.000001")}


QUERIES = ("plot-effects", "plot-dose-results", "plot-statistics")


def _rows(graph: Graph | ViewData, name: str, **bindings: object) -> list[dict[str, object]]:
    """The rows of queries/view/<name>.rq as RDF terms (None where unbound), values bound, never pasted."""
    if isinstance(graph, ViewData):
        graph = graph.queryable(predicates())
    return term_rows(execute(f"view/{name}", graph, bindings))


PREDICATES_CACHE = resources.DATA_DIR / ".il2kg-cache" / "plot-predicates.json"


@cache
def predicates() -> frozenset[URIRef] | None:
    """The predicates the plot queries' triple patterns and paths name: only triples with one of them can match
    (a store of those is a fifth of the views' data); None when a pattern has a variable predicate.

    Kept on disk by a hash of the query texts and rdflib's version: rdflib's SPARQL parser took 0.1 s of every
    build for an answer that changes only with the queries. A missing, corrupt or stale entry is worked out again.
    """
    from importlib.metadata import version

    texts = [resources.read_query(f"view/{name}") for name in QUERIES]
    key = hashlib.sha256(json.dumps([texts, version("rdflib")]).encode("utf-8")).hexdigest()
    try:
        cached = json.loads(PREDICATES_CACHE.read_bytes())
        if cached["key"] == key and (cached["predicates"] is None or all(isinstance(p, str)
                                                                        for p in cached["predicates"])):
            return None if cached["predicates"] is None else frozenset(URIRef(p) for p in cached["predicates"])
    except (OSError, ValueError, TypeError, KeyError):
        pass
    found = _named_predicates(texts)
    try:
        atomic_write(PREDICATES_CACHE, json.dumps({"key": key, "predicates": None if found is None else sorted(
            found)}).encode("utf-8"))
    except OSError:
        pass  # a read-only checkout still draws; it only parses again next time
    return found


def _named_predicates(texts: list[str]) -> frozenset[URIRef] | None:
    from rdflib.paths import Path as PropertyPath
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    found: set[URIRef] = set()

    def named(predicate: object) -> bool:
        if isinstance(predicate, URIRef):
            found.add(predicate)
            return True
        if isinstance(predicate, PropertyPath):  # sequence, alternative, inverse, repeated or negated
            parts = getattr(predicate, "args", None) or [getattr(predicate, "arg", None) or predicate.path]
            return all(named(part) for part in parts)
        return False

    def walk(node: object) -> bool:
        if isinstance(node, CompValue):
            # BGP: a translated pattern; TriplesBlock: one left as parsed inside FILTER (NOT) EXISTS
            if node.name in ("BGP", "TriplesBlock") and not all(
                    named(triple[i]) for triple in node["triples"] for i in range(1, len(triple), 3)):
                return False
            return all(walk(v) for v in node.values())
        if isinstance(node, (list, tuple)):
            return all(walk(v) for v in node)
        return True

    return frozenset(found) if all(walk(prepareQuery(text).algebra) for text in texts) else None


def _number(value: object) -> float | None:
    try:
        return None if value is None else float(str(value))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class EffectCell:
    """What the non-placebo results report on one measured thing in one disease, over all the ways it was measured."""

    directions: frozenset[URIRef]
    significance: frozenset[bool]
    kinds: tuple[str, ...]  # how it was measured: "%", "count", "level" (empty for a measure of its own)


def measured_thing(look: Lookup, biomarker: URIRef) -> URIRef:
    """What a biomarker measures: the cell type it (close-)matches in the ontology (Treg %, Treg number and
    regulatory T cells all measure CL:0000815), else the biomarker itself."""
    for prop in (SKOS.exactMatch, SKOS.closeMatch):
        for thing in sorted(o for o in look.ontology.objects(biomarker, prop) if isinstance(o, URIRef)):
            if len(_measures_of(look, thing)) > 1:  # a thing measured one way only keeps its measure's column
                return thing
    return biomarker


def measure_kind(look: Lookup, biomarker: URIRef) -> str:
    """How a biomarker measures its thing, from its label: a percentage, a count, or the level itself."""
    words = look.label(biomarker).lower()
    if any(w in words for w in ("percentage", "proportion", "frequency", "%")):
        return "%"
    if any(w in words for w in ("number", "count")):
        return "count"
    return "level"


def _measures_of(look: Lookup, thing: URIRef) -> set[URIRef]:
    return {s for p in (SKOS.exactMatch, SKOS.closeMatch) for s in look.ontology.subjects(p, thing)
            if isinstance(s, URIRef)}


def column_label(look: Lookup, thing: URIRef) -> str:
    """A column's name: the measure that exactly matches the thing (e.g. 'regulatory T cells'), else a close one's."""
    for prop in (SKOS.exactMatch, SKOS.closeMatch):
        members = sorted(s for s in look.ontology.subjects(prop, thing) if isinstance(s, URIRef))
        if members:
            return look.label(members[0])
    return look.label(thing)


def effect_cells(graph: Graph, look: Lookup) -> dict[tuple[URIRef, URIRef], EffectCell]:
    """(disease, measured thing) -> the directions, significance flags and measure kinds reported there.

    Results on placebo arms are left out; a result restricted to a subgroup disease counts for that
    disease only. Several measures of one thing (Treg % and Treg number) share a column.
    """
    found: dict[tuple[URIRef, URIRef], tuple[set, set, set]] = {}
    for row in _rows(graph, "plot-effects"):
        thing = measured_thing(look, row["biomarker"])
        directions, flags, members = found.setdefault((row["disease"], thing), (set(), set(), set()))
        directions.add(row["direction"])
        members.add(row["biomarker"])
        if row.get("significant") is not None:
            flags.add(bool(row["significant"].toPython()))
    cells = {}
    for key, (directions, flags, members) in sorted(found.items()):
        kinds = sorted({measure_kind(look, m) for m in members}) if key[1] not in members else []
        cells[key] = EffectCell(frozenset(directions), frozenset(flags), tuple(kinds))
    return cells


@dataclass(frozen=True, slots=True)
class DosePoint:
    """One arm's result on a Treg marker at its dose in MIU (placebo = 0)."""

    trial: str  # the trial's label
    trial_id: str  # its IRI
    arm: str
    biomarker: str
    quantity: str  # what the estimate is: statistic and unit ("mean change from baseline, %"); "" when none
    timepoint: str
    dose: float
    estimate: float | None
    direction: str  # "increase" | "decrease" | "no change" | "unreported"

    def sort_key(self) -> tuple:
        """A total order (the estimate may be None)."""
        return (self.trial, self.trial_id, self.biomarker, self.quantity, self.timepoint, self.dose, self.arm,
                self.direction, self.estimate is None, self.estimate or 0.0)


@dataclass(frozen=True, slots=True)
class DosePanel:
    """One plot panel: one quantity on its y axis (or the reported direction), its points."""

    quantity: str
    points: tuple[DosePoint, ...]


DIRECTION_PANEL = "direction reported"


def _dose(row: dict[str, object]) -> float | None:
    unit = str(row.get("unit") or "")
    if row.get("agent") == IL.placebo:
        return 0.0
    if row.get("amount") is not None and unit in _TO_MIU:
        return float(Decimal(str(row["amount"])) * _TO_MIU[unit])
    return None


def dose_points(graph: Graph, look: Lookup, markers: set[URIRef]) -> tuple[list[DosePoint], int]:
    """Per-arm results on the given markers with a dose convertible to MIU; also count the arm results left out.

    A result that names no arm stands for the trial's active arms, as in the dose-versus-treg-change question.
    """
    points, skipped = set(), 0
    for marker in sorted(markers):
        for row in _rows(graph, "plot-dose-results", measure=marker):
            dose = _dose(row)
            if dose is None:
                skipped += 1
                continue
            statistic = look.label(row["statistic"]) if row.get("statistic") else ""
            unit = str(row.get("estimateUnit") or "")
            quantity = ", ".join(p for p in (statistic or "estimate", unit) if p) if row.get("estimate") else ""
            direction = look.label(row["direction"]) if row.get("direction") else "unreported"
            points.add(DosePoint(look.label(row["trial"]), str(row["trial"]), look.arm(row["arm"]), look.label(marker),
                                 quantity, str(row.get("timepoint") or ""), dose, _number(row.get("estimate")),
                                 direction))
    return sorted(points, key=DosePoint.sort_key), skipped


def dose_panels(points: list[DosePoint]) -> list[DosePanel]:
    """One panel per quantity with a number (never two quantities on one axis), then one of reported directions."""
    quantities = sorted({p.quantity for p in points if p.estimate is not None and p.quantity})
    panels = [DosePanel(q, tuple(p for p in points if p.quantity == q and p.estimate is not None)) for q in quantities]
    directional = tuple(p for p in points if p.direction != "unreported")
    return panels + ([DosePanel(DIRECTION_PANEL, directional)] if directional else [])


@dataclass(frozen=True, slots=True, order=True)
class ForestRow:
    """One response rate or effect size with its CI and p-value, labelled with trial and population."""

    family: str  # "rate" | "difference" | "ratio"
    label: str
    estimate: float
    low: float | None
    high: float | None
    note: str

    def sort_key(self) -> tuple:
        """A total order (the CI bounds may be None)."""
        return (self.family, self.label, self.estimate, self.low is None, self.low or 0.0, self.high is None,
                self.high or 0.0, self.note)


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
    rows = {_forest_row(look, row) for row in _rows(graph, "plot-statistics")}
    return sorted((r for r in rows if r is not None), key=ForestRow.sort_key)
