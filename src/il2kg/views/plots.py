"""Evidence plots as PNG and deterministic SVG: disease-by-biomarker effects, dose versus Treg change, forest chart.

matplotlib is used through `Figure` objects (Agg and SVG canvases), never pyplot, so no global backend
state is touched; SVG ids are salted with a constant and the date metadata is left out.
"""

from __future__ import annotations

import io
from pathlib import Path

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from rdflib import Graph

from il2kg.export import atomic_write
from il2kg.views.lookup import Lookup
from il2kg.views.plot_data import dose_points, effect_cells, forest_rows
from il2kg.views.style import DIRECTION_COLOURS
from il2kg.vocab import IL

RC = {"svg.hashsalt": "il2kg", "svg.fonttype": "path", "font.family": "DejaVu Sans", "font.size": 9}
SYMBOLS = {"increase": "\u2191", "decrease": "\u2193", "no change": "\u2192", "mixed": "\u2195"}
MARKERS = "osD^vP*Xh<>p"
TAB10 = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
         "#17becf")


def save(figure: Figure, stem: Path) -> list[Path]:
    """Write the figure as stem.png and stem.svg (same bytes for the same figure); return both paths."""
    written = []
    with rc_context(RC):
        for fmt, metadata in (("png", {"Software": None}), ("svg", {"Date": None})):
            buffer = io.BytesIO()
            figure.savefig(buffer, format=fmt, dpi=120, metadata=metadata, bbox_inches="tight")
            path = stem.with_suffix("." + fmt)
            atomic_write(path, buffer.getvalue())
            written.append(path)
    return written


def _empty(figure: Figure, message: str) -> None:
    ax = figure.subplots()
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()


def effect_matrix_figure(graph: Graph, ontology: Graph) -> Figure:
    """A disease-by-biomarker matrix: colour = direction of the reported effects, solid + '*' = significant."""
    look = Lookup(graph, ontology)
    cells = effect_cells(graph)
    diseases = sorted({d for d, _ in cells}, key=lambda n: (look.label(n).lower(), str(n)))
    markers = sorted({b for _, b in cells}, key=lambda n: (look.label(n).lower(), str(n)))
    with rc_context(RC):
        figure = Figure(figsize=(max(5.0, 1.0 + 0.75 * len(markers)), max(2.5, 1.4 + 0.38 * len(diseases))))
        if not cells:
            _empty(figure, "no result with a direction of change in the graph")
            return figure
        ax = figure.subplots()
        for (disease, marker), (directions, flags) in sorted(cells.items()):
            names = sorted({look.label(d) for d in directions})
            name = names[0] if len(names) == 1 else "mixed"
            x, y, significant = markers.index(marker), diseases.index(disease), True in flags
            ax.add_patch(Rectangle((x - 0.45, y - 0.45), 0.9, 0.9, facecolor=DIRECTION_COLOURS.get(name, "#c7c7c7"),
                                   alpha=1.0 if significant else 0.35, hatch=None if significant else "//",
                                   edgecolor="#555555", linewidth=0.5))
            ax.text(x, y, SYMBOLS.get(name, "?") + ("*" if significant else ""), ha="center", va="center",
                    fontsize=11, color="white" if significant else "black")
        ax.set_xlim(-0.6, len(markers) - 0.4)
        ax.set_ylim(len(diseases) - 0.4, -0.6)
        ax.set_xticks(range(len(markers)), [look.label(m) for m in markers], rotation=40, ha="right")
        ax.set_yticks(range(len(diseases)), [look.label(d) for d in diseases])
        handles = [Patch(facecolor=c, label=n) for n, c in DIRECTION_COLOURS.items() if n != "unreported"]
        handles.append(Patch(facecolor="#dddddd", hatch="//", label="faded, hatched: not significant or not stated"))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        ax.set_title("Effects of low-dose IL-2 by disease and biomarker (* = significant)")
    return figure


def dose_treg_figure(graph: Graph, ontology: Graph) -> Figure:
    """Dose (MIU per administration, placebo = 0) versus Treg change across arms and trials."""
    look = Lookup(graph, ontology)
    markers = set(ontology.subjects(IL.indicatesMechanism, IL.tregExpansion))
    points, skipped = dose_points(graph, look, markers)
    with rc_context(RC):
        figure = Figure(figsize=(10.0, 4.5))
        if not points:
            _empty(figure, "no per-arm Treg result with a dose in MIU or IU")
            return figure
        numeric, directional = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
        trials = sorted({p.trial for p in points})
        biomarkers = sorted({p.biomarker for p in points})
        series: dict[tuple[str, str, str], list] = {}
        for p in points:
            colour, marker = TAB10[trials.index(p.trial) % 10], MARKERS[biomarkers.index(p.biomarker) % len(MARKERS)]
            if p.estimate is not None:
                series.setdefault((p.trial, p.biomarker, p.series), []).append(p)
                numeric.scatter(p.dose, p.estimate, color=colour, marker=marker, zorder=3)
            level = {"decrease": -1, "no change": 0, "increase": 1}.get(p.direction)
            if level is not None:
                directional.scatter(p.dose, level + 0.08 * (trials.index(p.trial) - len(trials) / 2),
                                    color=colour, marker=marker)
        for (trial, biomarker, name), members in sorted(series.items()):
            numeric.plot([p.dose for p in members], [p.estimate for p in members],
                         color=TAB10[trials.index(trial) % 10], linewidth=1, alpha=0.6,
                         label=f"{trial}: {biomarker} ({name})")
        numeric.set(xlabel="dose per administration (MIU; placebo = 0)", ylabel="Treg change (estimate as reported)",
                    title="Treg change by dose")
        numeric.axhline(0, color="#999999", linewidth=0.6)
        if series:
            numeric.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.15), frameon=False)
        directional.set(xlabel="dose (MIU)", title="direction reported", yticks=[-1, 0, 1],
                        yticklabels=["decrease", "no change", "increase"], ylim=(-1.6, 1.6))
        for trial in trials:
            directional.scatter([], [], color=TAB10[trials.index(trial) % 10], label=trial)
        directional.legend(fontsize=7, loc="lower right", frameon=False)
        if skipped:
            figure.text(0.01, 0.0, f"{skipped} arm result(s) with a dose in other units (IU/kg, IU/m2...) not shown",
                        fontsize=7)
    return figure


def forest_figure(graph: Graph, ontology: Graph) -> Figure:
    """Response rates (%), effect sizes and ratios with CIs and p-values; rows name trial, arm and population."""
    rows = forest_rows(graph, Lookup(graph, ontology))
    families = [f for f in ("rate", "difference", "ratio") if any(r.family == f for r in rows)]
    with rc_context(RC):
        figure = Figure(figsize=(11.0, 1.2 + 0.32 * max(len(rows), 3) + 0.5 * len(families)))
        if not rows:
            _empty(figure, "no response rate or effect size in the graph")
            return figure
        heights = [max(1, sum(r.family == f for r in rows)) + 1 for f in families]
        axes = figure.subplots(len(families), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
        for ax, family in zip(axes, families, strict=True):
            _forest_panel(ax, [r for r in rows if r.family == family], family)
    return figure


_PANELS = {"rate": ("response rate (%)", None), "difference": ("effect size / difference", 0.0),
           "ratio": ("ratio (log scale)", 1.0)}


def _forest_panel(ax, rows: list, family: str) -> None:
    title, reference = _PANELS[family]
    for y, row in enumerate(rows):
        if row.low is not None and row.high is not None:
            ax.plot([row.low, row.high], [y, y], color="#333333", linewidth=1.2)
        ax.plot(row.estimate, y, marker="s", color="#1f77b4", markersize=6)
        ax.annotate(f"{row.estimate:.4g}  {row.note}".strip(), (1.01, y), xycoords=("axes fraction", "data"),
                    va="center", fontsize=8)
    if reference is not None:
        ax.axvline(reference, color="#999999", linestyle="--", linewidth=0.8)
    if family == "ratio":
        ax.set_xscale("log")
    if family == "rate":
        ax.set_xlim(0, 100)
    ax.set_yticks(range(len(rows)), [r.label for r in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_title(title, loc="left", fontsize=9)


def write_plots(graph: Graph, ontology: Graph, out_dir: Path) -> list[Path]:
    """Write effect-matrix, dose-treg and forest as PNG and SVG into out_dir; return the paths."""
    out_dir = Path(out_dir)
    written = []
    for name, draw in (("effect-matrix", effect_matrix_figure), ("dose-treg", dose_treg_figure),
                       ("forest", forest_figure)):
        written += save(draw(graph, ontology), out_dir / name)
    return written
