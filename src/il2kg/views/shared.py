"""The views of one build drawn by its two processes: the child forked to draw them takes the full graph (most of
the work) first, then whatever of the citation map, the mechanism map and the plots the main process has not
claimed; the main process, once its exports are written and the graph reasoned, claims them from the other end
(each unit is a `plot_cache.Claim`: one process gets it). So the core that would wait for the other draws.

Each process draws a unit whole, into the same staging folder, with the bytes either would write. The layouts
cache is shared: neither process removes what it did not use; each touches what it used, and once both are done
`done` removes what neither touched since the build started (views/positions.py).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from il2kg.views.plot_cache import Claim

SHARED = ("citations", "mechanism", "plots")  # the child takes them in this order, the main process in reverse
CHILD = ("all", *SHARED)


class SharedViews:
    """The views of `graph` into `out_dir`, split between the child (`child`) and the main process (`main`)."""

    def __init__(self, graph, ontology: Graph, out_dir: Path, cache: Path) -> None:
        self.graph, self.ontology, self.out_dir, self.cache = graph, ontology, out_dir, cache
        from il2kg.views.positions import started  # networkx with it: the child's import, not before the fork

        self.claims = {unit: Claim() for unit in SHARED}
        self.since = started(cache / "layouts")

    def _draw(self, units: tuple[str, ...]) -> None:
        from il2kg.views import write_views

        write_views(self.graph, self.ontology, self.out_dir, self.cache / "layouts", self.cache / "plots", units,
                    take=lambda unit: unit not in self.claims or self.claims[unit](), prune=False)

    def child(self) -> None:
        """The full graph, then each shared unit the main process has not claimed (the forked child's work)."""
        self._draw(CHILD)

    def main(self) -> None:
        """Each shared unit the child has not claimed yet, the cheapest first (the main process, when free)."""
        self._draw(tuple(reversed(SHARED)))

    def done(self) -> None:
        """Both processes are done: remove the layouts neither used."""
        from il2kg.views.positions import prune_unused

        prune_unused(self.cache / "layouts", self.since)

    def close(self) -> None:
        for claim in self.claims.values():
            claim.close()
