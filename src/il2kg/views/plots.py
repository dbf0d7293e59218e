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

from il2kg.rdf_io import atomic_write
from il2kg.views.plot_cache import dose_treg_spec, effect_matrix_spec, forest_spec
from il2kg.views.plot_data import DIRECTION_PANEL, DosePanel, DosePoint, ForestRow
from il2kg.views.style import DIRECTION_COLOURS

RC = {"svg.hashsalt": "il2kg", "svg.fonttype": "path", "font.family": "DejaVu Sans", "font.size": 9}
SYMBOLS = {"increase": "\u2191", "decrease": "\u2193", "no change": "\u2192", "mixed": "\u2195"}
MARKERS = "osD^vP*Xh<>p"
DPI = 120
TAB10 = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
         "#17becf")


def figure_bytes(figure: Figure) -> tuple[bytes, bytes]:
    """The figure as PNG and SVG bytes (same bytes for the same figure). The tight box around the drawing is
    measured once, on the PNG's canvas, and used for both: measuring it again for the SVG took a quarter of a
    plot's time (~0.1 s of the dose-treg plot at 1,000 documents)."""
    from matplotlib import rcParams
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    found = []
    with rc_context(RC):
        figure.set_dpi(DPI)
        box = figure.get_tightbbox(FigureCanvasAgg(figure).get_renderer()).padded(rcParams["savefig.pad_inches"])
        for fmt, metadata in (("png", {"Software": None}), ("svg", {"Date": None})):
            buffer = io.BytesIO()
            figure.savefig(buffer, format=fmt, dpi=DPI, metadata=metadata, bbox_inches=box)
            found.append(buffer.getvalue())
    return found[0], found[1]


def save(figure: Figure, stem: Path) -> list[Path]:
    """Write the figure as stem.png and stem.svg; return both paths."""
    written = []
    for suffix, data in zip(("png", "svg"), figure_bytes(figure), strict=True):
        atomic_write(stem.with_suffix("." + suffix), data)
        written.append(stem.with_suffix("." + suffix))
    return written


def _empty(figure: Figure, message: str) -> None:
    ax = figure.subplots()
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()


def effect_matrix_figure(graph: Graph, ontology: Graph) -> Figure:
    """A disease-by-measured-thing matrix: colour = direction, solid + '*' = significant, measure kinds in the cell."""
    return effect_matrix_drawn(effect_matrix_spec(graph, ontology))


def effect_matrix_drawn(spec: dict) -> Figure:
    """The effect matrix of its spec (plot_cache.effect_matrix_spec)."""
    things, diseases, cells = spec["columns"], spec["rows"], spec["cells"]
    with rc_context(RC):
        figure = Figure(figsize=(max(5.0, 1.0 + 0.85 * len(things)), max(2.5, 1.4 + 0.42 * len(diseases))))
        if not cells:
            _empty(figure, "no result with a direction of change in the graph")
            return figure
        ax = figure.subplots()
        for x, y, name, significant, kinds in cells:
            ax.add_patch(Rectangle((x - 0.45, y - 0.45), 0.9, 0.9, facecolor=DIRECTION_COLOURS.get(name, "#c7c7c7"),
                                   alpha=1.0 if significant else 0.35, hatch=None if significant else "//",
                                   edgecolor="#555555", linewidth=0.5))
            text = SYMBOLS.get(name, "?") + ("*" if significant else "")
            ax.text(x, y - (0.12 if kinds else 0), text, ha="center", va="center", fontsize=11,
                    color="white" if significant else "black")
            if kinds:
                ax.text(x, y + 0.25, " ".join(kinds), ha="center", va="center", fontsize=6.5,
                        color="white" if significant else "black")
        ax.set_xlim(-0.6, len(things) - 0.4)
        ax.set_ylim(len(diseases) - 0.4, -0.6)
        ax.set_xticks(range(len(things)), things, rotation=40, ha="right")
        ax.set_yticks(range(len(diseases)), diseases)
        handles = [Patch(facecolor=c, label=n) for n, c in DIRECTION_COLOURS.items() if n != "unreported"]
        handles.append(Patch(facecolor="#dddddd", hatch="//", label="faded, hatched: not significant or not stated"))
        handles.append(Patch(facecolor="white", label="small text: measured as % / count / level"))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        ax.set_title("Effects of low-dose IL-2 by disease and what was measured (* = significant)")
    return figure


def dose_treg_figure(graph: Graph, ontology: Graph) -> Figure:
    """Dose (MIU per administration, placebo = 0) versus Treg change: one panel per quantity, colour per trial."""
    return dose_treg_drawn(dose_treg_spec(graph, ontology))


def dose_treg_drawn(spec: dict) -> Figure:
    """The dose-treg panels of their spec (plot_cache.dose_treg_spec)."""
    panels = [DosePanel(quantity, tuple(DosePoint(*fields) for fields in points))
              for quantity, points in spec["panels"]]
    trials, biomarkers = spec["trials"], spec["biomarkers"]
    with rc_context(RC):
        figure = Figure(figsize=(4.2 * max(1, len(panels)) + 1.5, 4.8))
        if not panels:
            _empty(figure, "no per-arm Treg result with a dose in MIU or IU")
            return figure
        axes = figure.subplots(1, len(panels), squeeze=False)[0]
        for ax, panel in zip(axes, panels, strict=True):
            _dose_panel(ax, panel, trials, biomarkers)
        if spec["skipped"]:
            figure.text(0.01, 0.0, f"{spec['skipped']} arm result(s) with a dose in other units (IU/kg, IU/m2...) "
                        "not shown", fontsize=7)
    return figure


def _dose_panel(ax, panel: DosePanel, trials: list[str], biomarkers: list[str]) -> None:
    def style(p: DosePoint) -> tuple[str, str]:
        return TAB10[trials.index(p.trial) % 10], MARKERS[biomarkers.index(p.biomarker) % len(MARKERS)]

    if panel.quantity == DIRECTION_PANEL:
        levels = {"decrease": -1, "no change": 0, "increase": 1, "mixed": 0}
        for p in panel.points:
            colour, marker = style(p)
            ax.scatter(p.dose, levels.get(p.direction, 0) + 0.08 * (trials.index(p.trial) - len(trials) / 2),
                       color=colour, marker=marker, label=f"{p.trial}: {p.biomarker}")
        ax.set(yticks=[-1, 0, 1], yticklabels=["decrease", "no change", "increase"], ylim=(-1.6, 1.6))
    else:
        series: dict[tuple[str, str, str], list[DosePoint]] = {}
        for p in panel.points:
            series.setdefault((p.trial, p.biomarker, p.timepoint), []).append(p)
        for (trial, biomarker, when), members in sorted(series.items()):
            colour, marker = style(members[0])
            ax.plot([p.dose for p in members], [p.estimate for p in members], color=colour, marker=marker,
                    linewidth=1, label=", ".join(x for x in (f"{trial}: {biomarker}", when) if x))
        ax.axhline(0, color="#999999", linewidth=0.6)
    ax.set(xlabel="dose per administration (MIU; placebo = 0)", title=panel.quantity,
           ylabel="" if panel.quantity == DIRECTION_PANEL else panel.quantity)
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(unique.values(), unique.keys(), fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.15),
              frameon=False)


def forest_figure(graph: Graph, ontology: Graph) -> Figure:
    """Response rates (%), effect sizes and ratios with CIs and p-values; rows name trial, arm and population."""
    return forest_drawn(forest_spec(graph, ontology))


def forest_drawn(spec: dict) -> Figure:
    """The forest chart of its spec (plot_cache.forest_spec)."""
    rows = [ForestRow(*fields) for fields in spec["rows"]]
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


DRAWN = {"effect-matrix": effect_matrix_drawn, "dose-treg": dose_treg_drawn, "forest": forest_drawn}


def draw(name: str, spec: dict) -> tuple[bytes, bytes]:
    """The PNG and SVG bytes of a plot's spec (same spec, same bytes)."""
    return figure_bytes(DRAWN[name](spec))


def write_plots(graph: Graph, ontology: Graph, out_dir: Path) -> list[Path]:
    """Write effect-matrix, dose-treg and forest as PNG and SVG into out_dir; return the paths (no cache)."""
    from il2kg.views.plot_cache import write_plots as written

    return written(graph, ontology, out_dir)
