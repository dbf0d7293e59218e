"""The views of one build drawn by its two processes: the child forked to draw them takes the full graph (most of
the work) first; the other units (the plots, the citation map, the mechanism map, largest first) wait in a queue
that both processes take from when free: the main process once its exports are written and the graph reasoned.
So the core that would otherwise wait for the other draws, whichever process gets ahead.

Each process draws a unit whole, into the same staging folder, with the bytes either would write. The layouts
cache is shared: neither process removes what it did not use; each touches what it used, and once both are done
`done` removes what neither touched since the build started (views/positions.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from rdflib import Graph

SHARED = ("plots", "citations", "mechanism")  # the queue's order: largest first


class Queue:
    """Units of work that either of two processes takes, each by one: their indexes, one byte each, in a pipe made
    before the fork and read a byte at a time without blocking (a one-byte read from a pipe is atomic)."""

    def __init__(self, units: tuple[str, ...]) -> None:
        self.units = units
        self._read, write = os.pipe()
        os.write(write, bytes(range(len(units))))
        os.close(write)  # what is left stays readable; an empty pipe then reads as end of file, never blocks
        os.set_blocking(self._read, False)

    def take(self) -> str | None:
        """The next unit, or None when every unit is taken (in this process or the other)."""
        if self._read < 0:
            return None
        try:
            found = os.read(self._read, 1)
        except BlockingIOError:
            return None
        return self.units[found[0]] if found else None

    def __iter__(self) -> Iterator[str]:
        return iter(self.take, None)

    def close(self) -> None:
        if self._read >= 0:
            os.close(self._read)
            self._read = -1


def started(folder: Path) -> int:
    """A mark of now in the clock file times are kept in (a file touched later has a time no earlier)."""
    folder.mkdir(parents=True, exist_ok=True)
    mark = folder / ".started"
    mark.touch()
    return mark.stat().st_mtime_ns


def prune_unused(folder: Path, since: int) -> None:
    """Remove the layouts no process touched since the mark `since` (`started`)."""
    for stale in folder.glob("*.json"):
        try:
            if stale.stat().st_mtime_ns < since:
                stale.unlink(missing_ok=True)
        except OSError:
            pass  # gone meanwhile


class SharedViews:
    """The views of `graph` into `out_dir`, split between the child (`child`) and the main process (`main`)."""

    def __init__(self, graph, ontology: Graph, out_dir: Path, cache: Path) -> None:
        self.graph, self.ontology, self.out_dir, self.cache = graph, ontology, out_dir, cache
        self.queue = Queue(SHARED)
        self.since = started(cache / "layouts")

    def _draw(self, units) -> None:
        from il2kg.views import write_views

        write_views(self.graph, self.ontology, self.out_dir, self.cache / "layouts", self.cache / "plots", units,
                    prune=False)

    def child(self) -> None:
        """The full graph, then units from the queue until it is empty (the forked child's work)."""
        self._draw(chain(("all",), self.queue))

    def main(self) -> None:
        """Units from the queue until it is empty (the main process, when free)."""
        self._draw(iter(self.queue))

    def done(self) -> None:
        """Both processes are done: remove the layouts neither used."""
        prune_unused(self.cache / "layouts", self.since)

    def close(self) -> None:
        self.queue.close()
