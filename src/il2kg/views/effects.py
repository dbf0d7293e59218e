"""One reported result read as an effect on a biomarker, and the summary of several on one edge."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from il2kg.views.lookup import Lookup
from il2kg.vocab import IL


@dataclass(frozen=True, slots=True)
class Effect:
    """What one Result says: direction, significance and the numbers as a readable line."""

    timepoint: str
    direction: str  # "increase" | "decrease" | "no change" | "unreported"
    significant: bool | None
    line: str
    evidence: tuple[str, ...]

    def sort_key(self) -> tuple[str, str, int, str, tuple[str, ...]]:
        """A total order: significance may be None, which does not compare with a bool."""
        rank = {True: 0, False: 1, None: 2}[self.significant]
        return (self.timepoint, self.direction, rank, self.line, self.evidence)

    @classmethod
    def read(cls, look: Lookup, outcome: URIRef, result: URIRef) -> Effect:
        """Read a Result (and its Outcome's timepoint) from the graph."""
        direction = look.value(result, IL.hasDirection)
        significant = look.value(result, IL.significant)
        when = look.text(result, IL.timepoint) or look.text(outcome, IL.timepoint) or ""
        parts = [when, look.label(direction) if isinstance(direction, URIRef) else "direction not stated"]
        if significant is not None:
            parts.append("significant" if significant.toPython() else "not significant")
        parts += [look.text(result, IL.pValueText) or _p(look, result), _estimate(look, result)]
        comparator = look.value(result, IL.comparedWith)
        if isinstance(comparator, URIRef):
            parts.append("vs " + look.arm(comparator))
        population = look.value(result, IL.inPopulation)
        if isinstance(population, URIRef):
            parts.append(look.label(population))
        return cls(
            timepoint=when,
            direction=look.label(direction) if isinstance(direction, URIRef) else "unreported",
            significant=None if significant is None else bool(significant.toPython()),
            line=", ".join(p for p in parts if p),
            evidence=look.evidence(result),
        )


def _p(look: Lookup, result: URIRef) -> str:
    value = look.text(result, IL.pValue)
    return f"p {look.text(result, IL.pValueComparator) or '='} {value}" if value else ""


def _estimate(look: Lookup, result: URIRef) -> str:
    value = look.text(result, IL.estimateValue)
    statistic = look.value(result, IL.hasStatistic)
    name = look.label(statistic) if isinstance(statistic, URIRef) else ""
    if value is None:
        return name
    text = f"{name} {value}{look.text(result, IL.estimateUnit) or ''}".strip()
    low, high = look.text(result, IL.ciLower), look.text(result, IL.ciUpper)
    return text + (f" (CI {low} to {high})" if low and high else "")


def effect_facts(effects: list[Effect]) -> dict[str, object]:
    """Summarise the effects on one edge: direction (or 'mixed'), significance, count, lines, evidence."""
    directions = sorted({e.direction for e in effects} - {"unreported"})
    flags = {e.significant for e in effects}
    return {
        "direction": directions[0] if len(directions) == 1 else ("mixed" if directions else "unreported"),
        "significant": "yes" if True in flags else ("no" if False in flags else "unknown"),
        "results": len(effects),
        "detail": tuple(e.line for e in sorted(effects, key=Effect.sort_key)),
        "evidence": tuple(sorted({s for e in effects for s in e.evidence})),
    }
