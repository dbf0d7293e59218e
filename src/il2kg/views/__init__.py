"""Interactive network views and evidence plots of the graph: `write_views(graph, ontology, out_dir)`.

Projections (`projections`), self-contained HTML pages (`html`), GraphML (`graphml`) and matplotlib
plots (`plots`, cached by `plot_cache`); matplotlib is imported only when a plot is drawn (pyvis never: its
vis-network files are read).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from rdflib import Graph

if TYPE_CHECKING:
    from il2kg.views.data import ViewData


class View(NamedTuple):
    """One network view: the file stem it is written to in dist/, its page title, and the function of
    `views.projections` that projects the graph for it (a new view is one entry in VIEWS)."""

    stem: str
    title: str
    projection: str


VIEWS = {
    "mechanism": View("mechanism-map", "Mechanism map: diseases, trials, doses and the biomarkers they move",
                      "mechanism_map"),
    "citations": View("citation-map", "Citation map: publications, their trials and the works citing them",
                      "citation_map"),
    "all": View("full-graph", "Full graph: every typed resource (evidence sentences on the nodes they support)",
                "full_graph"),
}


def project(view: str, graph: Graph, ontology: Graph):
    """The networkx projection named by `view` (mechanism, citations or all)."""
    from il2kg.views import projections

    return getattr(projections, VIEWS[view].projection)(graph, ontology)


def write_views(graph: Graph | ViewData, ontology: Graph, out_dir: Path, layouts: Path | None = None,
                plots: Path | None = None, units: Iterable[str] | None = None, prune: bool = True) -> list[Path]:
    """Write mechanism-map, citation-map and full-graph as .html and .graphml, and the plots, into out_dir.

    `graph` is the data: an rdflib graph of data/triples, or the ViewData the build merges from cached
    per-file parts (views/parts.py); `ontology` the ontology graph (labels, mechanisms). With `layouts`, the
    layouts of large components are cached in that folder by a hash of each component (views/positions.py;
    prune=False leaves the unused ones for the caller to remove); with `plots`, the plots' files by a hash of
    what each shows (views/plot_cache.py). `units` names what to draw, in order (keys of VIEWS and "plots"; all by
    default), read as drawn (views/shared.py takes them from a queue the build's two processes share).
    """
    from il2kg.views.data import view_data
    from il2kg.views.graphml import write_graphml
    from il2kg.views.html import write_html
    from il2kg.views.lookup import sharing
    from il2kg.views.plot_cache import write_plots
    from il2kg.views.positions import cached_in

    out_dir = Path(out_dir)
    graph = view_data(graph)  # one index for every view and plot, whatever the graph came as
    written = []
    # The collector is off while the views are drawn: they make ~1M short-lived containers at 1,000 documents and
    # its passes over them took a fifth of the time (0.7 s); the few cycles (figures, graph views) are collected
    # once it is back on.
    enabled = gc.isenabled()
    gc.disable()
    try:
        with sharing(), cached_in(layouts, prune):
            for unit in (*VIEWS, "plots") if units is None else units:
                if unit == "plots":
                    written += write_plots(graph, ontology, out_dir, plots)
                    continue
                stem, title, _ = VIEWS[unit]
                projection = project(unit, graph, ontology)
                written.append(write_html(projection, out_dir / f"{stem}.html", title))
                written.append(write_graphml(projection, out_dir / f"{stem}.graphml"))
            return written
    finally:
        if enabled:
            gc.enable()
