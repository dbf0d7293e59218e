"""The evidence plots as specs (everything a figure shows, labels resolved) and their files cached by a spec's hash.

A spec is plain JSON: drawing it (views/plots.py) reads nothing else, so the PNG and SVG of a spec are a function
of it, of the drawing code (PLOT_VERSION) and of matplotlib's version. `write_plots` keeps each plot's two files in
a cache folder under the sha256 of those; a rebuild whose rows did not change copies the bytes it drew before and
imports no matplotlib (~0.3 s) when no plot changed. An entry carries the sha256 of its bytes: a corrupt or
truncated one is drawn again, never an error; entries the build did not use are removed (one per plot is kept).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import cache
from pathlib import Path

from rdflib import Graph

from il2kg.rdf_io import atomic_write
from il2kg.views.lookup import lookup
from il2kg.views.plot_data import column_label, dose_panels, dose_points, effect_cells, forest_rows
from il2kg.vocab import IL

PLOT_VERSION = "il2kg-plots-2"  # change it with the drawing code (views/plots.py): cached plots are then drawn again
NAMES = ("effect-matrix", "dose-treg", "forest")
_MAGIC = b"il2kg-plot-1\n"


def effect_matrix_spec(graph: Graph, ontology: Graph) -> dict:
    """Disease rows, measured-thing columns and the cells (column, row, direction name, significant, kinds)."""
    look = lookup(graph, ontology)
    cells = effect_cells(graph, look)
    diseases = sorted({d for d, _ in cells}, key=lambda n: (look.label(n).lower(), str(n)))
    names = {t: column_label(look, t) for _, t in cells}
    things = sorted({t for _, t in cells}, key=lambda n: (names[n].lower(), str(n)))
    found = []
    for (disease, thing), cell in sorted(cells.items()):
        labels = sorted({look.label(d) for d in cell.directions})
        found.append([things.index(thing), diseases.index(disease), labels[0] if len(labels) == 1 else "mixed",
                      True in cell.significance, list(cell.kinds)])
    return {"columns": [names[t] for t in things], "rows": [look.label(d) for d in diseases], "cells": found}


def dose_treg_spec(graph: Graph, ontology: Graph) -> dict:
    """The dose panels (quantity, points as DosePoint fields in order), the trials and biomarkers of every point (a
    colour and a marker each, in this order) and the count of arm results left out."""
    look = lookup(graph, ontology)
    markers = set(ontology.subjects(IL.indicatesMechanism, IL.tregExpansion))
    points, skipped = dose_points(graph, look, markers)
    return {"panels": [[panel.quantity, [list(dataclasses.astuple(p)) for p in panel.points]]
                       for panel in dose_panels(points)],
            "trials": sorted({p.trial for p in points}), "biomarkers": sorted({p.biomarker for p in points}),
            "skipped": skipped}


def forest_spec(graph: Graph, ontology: Graph) -> dict:
    """The forest rows (ForestRow fields in order)."""
    return {"rows": [list(dataclasses.astuple(r)) for r in forest_rows(graph, lookup(graph, ontology))]}


SPECS = {"effect-matrix": effect_matrix_spec, "dose-treg": dose_treg_spec, "forest": forest_spec}


@cache
def _drawing_code() -> str:
    """What else decides a plot's bytes: the drawing code's version and matplotlib's."""
    from importlib.metadata import version

    return f"{PLOT_VERSION} matplotlib {version('matplotlib')}"


def spec_key(name: str, spec: dict) -> str:
    """The cache key of a plot: sha256 of its name, spec and drawing code (same spec, same key in every process)."""
    text = json.dumps([_drawing_code(), name, spec], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_plots(graph: Graph, ontology: Graph, out_dir: Path, cache_dir: Path | None = None) -> list[Path]:
    """Write effect-matrix, dose-treg and forest as PNG and SVG into out_dir; return the paths. With `cache_dir`,
    a plot whose spec was drawn before is copied from there (and a new one kept there)."""
    out_dir = Path(out_dir)
    written, used = [], set()
    for name in NAMES:
        spec = SPECS[name](graph, ontology)
        key = spec_key(name, spec)
        entry = cache_dir / f"{key}.plot" if cache_dir is not None else None
        found = read_entry(entry) if entry is not None else None
        if found is None:
            from il2kg.views.plots import draw  # matplotlib only when a plot is drawn

            found = draw(name, spec)
            if entry is not None:
                write_entry(entry, found)
        if entry is not None:
            used.add(entry.name)
        for suffix, data in zip(("png", "svg"), found, strict=True):
            path = out_dir / f"{name}.{suffix}"
            atomic_write(path, data)
            written.append(path)
    if cache_dir is not None and cache_dir.is_dir():
        for stale in cache_dir.glob("*.plot"):
            if stale.name not in used:
                stale.unlink(missing_ok=True)
    return written


def read_entry(path: Path) -> tuple[bytes, bytes] | None:
    """A cached plot's PNG and SVG bytes, or None when the entry is missing, foreign, truncated or corrupt."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(_MAGIC):
        return None
    header, _, body = data[len(_MAGIC):].partition(b"\n")
    try:
        digest, png_size = header.decode("ascii").split(" ")
        png_size_value = int(png_size)
    except (UnicodeDecodeError, ValueError):
        return None
    if hashlib.sha256(body).hexdigest() != digest or not 0 < png_size_value < len(body):
        return None
    return body[:png_size_value], body[png_size_value:]


def write_entry(path: Path, files: tuple[bytes, bytes]) -> None:
    """Keep a plot's PNG and SVG bytes (one file: magic line, sha256 and PNG size, then both)."""
    body = files[0] + files[1]
    header = f"{hashlib.sha256(body).hexdigest()} {len(files[0])}\n".encode("ascii")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, _MAGIC + header + body)
    except OSError:
        pass  # a read-only checkout still draws; it only draws again next time


