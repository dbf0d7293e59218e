"""Colours and shapes of the views: node style per type, edge style per direction, significance and intent."""

from __future__ import annotations

import networkx as nx

# type: (colour, vis shape, legend symbol); colour-blind-safe-ish Tableau hues
NODE_STYLES: dict[str, tuple[str, str, str]] = {
    "Disease": ("#d62728", "diamond", "\u25c6"),
    "Trial": ("#1f77b4", "square", "\u25a0"),
    "Intervention": ("#2ca02c", "triangle", "\u25b2"),
    "Regimen": ("#2ca02c", "triangle", "\u25b2"),
    "TrialGroup": ("#1f77b4", "square", "\u25a0"),
    "Arm": ("#98df8a", "triangle", "\u25b2"),
    "CellPopulation": ("#9467bd", "dot", "\u25cf"),
    "SolubleMarker": ("#8c564b", "dot", "\u25cf"),
    "ClinicalScore": ("#e377c2", "dot", "\u25cf"),
    "Mechanism": ("#ff7f0e", "star", "\u2605"),
    "Publication": ("#17becf", "hexagon", "\u2b22"),
    "CitingWork": ("#7f7f7f", "triangleDown", "\u25bc"),
    "Agent": ("#bcbd22", "diamond", "\u25c6"),
    "Outcome": ("#aec7e8", "square", "\u25a0"),
    "Result": ("#c5b0d5", "dot", "\u25cf"),
}
_FALLBACK = ("#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1",
             "#636363", "#6baed6", "#fd8d3c", "#74c476", "#9e9ac8", "#969696")

DIRECTION_COLOURS = {"increase": "#1a9850", "decrease": "#d73027", "no change": "#878787", "mixed": "#7b3294",
                     "unreported": "#c7c7c7"}
INTENT_COLOURS = {"supports": "#1a9850", "disputes (contrasting)": "#d73027", "discusses (mentioning)": "#4575b4",
                  "unstated": "#c7c7c7"}
PLAIN = "#b0b0b0"
PLAIN_EDGE = {"color": PLAIN, "width": 1.0, "dashes": False}


def node_style(kind: str) -> tuple[str, str, str]:
    """Colour, vis shape and legend symbol of a node type (unknown types get a stable fallback colour)."""
    if kind in NODE_STYLES:
        return NODE_STYLES[kind]
    index = sum(ord(c) for c in kind) % len(_FALLBACK)  # stable across runs, unlike hash()
    return _FALLBACK[index], "dot", "\u25cf"


def edge_style(attrs: dict[str, object]) -> dict[str, object]:
    """vis edge colour, width and dashes: effects by direction (bold if significant, dashed if not)."""
    if "direction" in attrs:
        significant = attrs.get("significant")
        return {"color": DIRECTION_COLOURS.get(str(attrs["direction"]), PLAIN),
                "width": 3.5 if significant == "yes" else 1.5, "dashes": significant == "no"}
    if "intent" in attrs:
        return {"color": INTENT_COLOURS.get(str(attrs["intent"]), PLAIN), "width": 2.5, "dashes": False}
    return dict(PLAIN_EDGE)


def edge_legend(graph: nx.DiGraph) -> list[dict[str, object]]:
    """Legend entries for the edge styles a graph uses, in a fixed order."""
    directions = {str(d) for _, _, d in graph.edges(data="direction") if d is not None}
    significance = {str(s) for _, _, s in graph.edges(data="significant") if s is not None}
    intents = {str(i) for _, _, i in graph.edges(data="intent") if i is not None}
    entries = [{"label": f"effect: {d}", "color": c, "dashes": False}
               for d, c in DIRECTION_COLOURS.items() if d in directions]
    if "yes" in significance:
        entries.append({"label": "bold: significant", "color": "#000000", "dashes": False})
    if "no" in significance:
        entries.append({"label": "dashed: not significant", "color": "#000000", "dashes": True})
    entries += [{"label": f"citation: {i}", "color": c, "dashes": False}
                for i, c in INTENT_COLOURS.items() if i in intents]
    entries.append({"label": "other link (studies, tests, reports, ...)", "color": PLAIN, "dashes": False})
    return entries
