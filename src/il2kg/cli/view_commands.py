"""The `il2kg viz` command: write one view of ontology + data/triples as a self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from il2kg import resources
from il2kg.errors import Il2kgError
from il2kg.views import VIEWS


@click.command()
@click.option("--view", type=click.Choice(sorted(VIEWS)), default="mechanism", show_default=True,
              help="mechanism map, citation map, or all typed resources.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="HTML file to write (default: dist/mechanism-map.html, dist/citation-map.html or "
                   "dist/full-graph.html, the file `il2kg build` writes for the view).")
@click.option("--data", type=click.Path(path_type=Path, file_okay=False), default=resources.TRIPLES_DIR,
              show_default=True, help="Folder of data Turtle files.")
def viz(view: str, out: Path | None, data: Path) -> None:
    """Write an interactive network view (HTML, no network access needed) of the graph."""
    from il2kg.ontology import load_ontology
    from il2kg.triplestore import load_kg
    from il2kg.views import project
    from il2kg.views.html import write_html

    files = resources.triple_files(data)
    if not files:
        raise Il2kgError(f"{data}: no .ttl files; run 'il2kg build --corpus DIR' to extract them")
    stem, title, _ = VIEWS[view]
    target = out or resources.DIST_DIR / f"{stem}.html"
    projection = project(view, load_kg(sources=files), load_ontology())
    try:
        path = write_html(projection, target, title)
    except OSError as err:
        raise Il2kgError(f"{target}: cannot write the view ({err.strerror}); choose another --out") from err
    click.echo(f"wrote {path}", err=True)
