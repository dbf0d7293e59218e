"""The views' process started ahead: forked before the data is ready, so the second core, idle while `build --corpus`
extracts the new documents, imports what drawing needs meanwhile (networkx, igraph, matplotlib: ~0.45 s).

The main process then tells it, one line each on a pipe: `data` (the data files are final: it reads them and merges
its own index from the cached per-file parts, beside the main process's), then `go OUT` (the graph conforms: draw
into the staging folder OUT) or `stop` (nothing is drawn). A main process that dies closes the pipe: the child
leaves too. The child draws what `write_views` draws, the bytes a build without it writes (tests/test_build.py).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from il2kg.errors import Il2kgError
from il2kg.views.plot_cache import Claim


class Ahead:
    """A forked child that draws the views of `triples_dir` into the folder `go` names; `claim` decides which
    process draws the plots (plot_cache.Claim). Needs os.fork (`available()`)."""

    def __init__(self, triples_dir: Path) -> None:
        self.claim = Claim()
        told_read, told_write = os.pipe()
        answer_read, answer_write = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:
            os.close(told_write)
            os.close(answer_read)
            _child(Path(triples_dir), told_read, answer_write, self.claim)  # never returns
        os.close(told_read)
        os.close(answer_write)
        self._told, self._answer, self._state = told_write, answer_read, "started"

    @staticmethod
    def available() -> bool:
        return hasattr(os, "fork")

    def _tell(self, line: str) -> None:
        try:
            os.write(self._told, (line + "\n").encode("utf-8"))
        except OSError:
            pass  # the child is gone: its answer says why

    def data_ready(self) -> None:
        """The data files are final: the child reads them and makes its index."""
        if self._state == "started":
            self._tell("data")
            self._state = "data"

    def go(self, out_dir: Path) -> Callable[..., None]:
        """Draw into out_dir; the returned function waits for the child and raises its error (quiet=True: waits)."""
        self.data_ready()
        self._tell("go " + json.dumps(str(out_dir)))
        self._state = "drawing"
        return self._join

    def stop(self) -> None:
        """Nothing is drawn: the child leaves (waited for). A no-op once `go` was told (the build waits there)."""
        if self._state in ("started", "data"):
            self._tell("stop")
            self._join(quiet=True)
        self.claim.close()

    def _join(self, quiet: bool = False) -> None:
        if self._state == "done":
            return
        self._state = "done"
        os.close(self._told)
        with os.fdopen(self._answer, encoding="utf-8") as pipe:
            text = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        if quiet:
            return
        try:
            answer = json.loads(text)
        except ValueError:
            answer = {"error": f"it stopped with status {status} (out of memory?)"}
        if "error" in answer:
            raise Il2kgError(f"drawing the views failed: {answer['error']}; nothing was written. "
                             "Run the build again; if it fails again, report it")


def _child(triples_dir: Path, told: int, answer: int, claim: Claim) -> None:
    """Import, wait for `data`, make the index, wait for `go OUT`, draw; report through `answer`; leave."""
    code, report = 0, {}
    try:
        lines = os.fdopen(told, encoding="utf-8")
        _warm()
        if lines.readline().strip() == "data":
            data = _index(triples_dir)
            line = lines.readline()
            if line.startswith("go "):
                _draw(data, Path(json.loads(line[3:])), triples_dir, claim)
    except BaseException as err:  # reported to the main process, which raises it as the build's error
        code, report = 1, {"error": f"{type(err).__name__}: {err}"}
    try:
        with os.fdopen(answer, "w", encoding="utf-8") as pipe:
            json.dump(report, pipe)
    finally:
        os._exit(code)


def _warm() -> None:
    """Import what drawing needs, on the core the extraction leaves idle. matplotlib's canvases too, unless it is
    missing: the plots' cache may spare it, and its absence is the plots' error to report, not this one's."""
    import networkx  # noqa: F401

    import il2kg.views.html  # noqa: F401
    import il2kg.views.projections  # noqa: F401
    from il2kg.views.positions import igraph_module

    igraph_module()
    try:
        import matplotlib.backends.backend_agg  # noqa: F401
        import matplotlib.backends.backend_svg  # noqa: F401
        import matplotlib.figure  # noqa: F401
    except ImportError:
        pass


def _index(triples_dir: Path):
    from il2kg import resources
    from il2kg.gate_cache import cache_dir
    from il2kg.views.parts import view_data_of_files

    files = [(path, path.read_bytes()) for path in resources.triple_files(triples_dir)]
    return view_data_of_files(files, cache_dir(triples_dir) / "views")


def _draw(data, out_dir: Path, triples_dir: Path, claim: Claim) -> None:
    from il2kg.gate_cache import cache_dir
    from il2kg.ontology import load_ontology
    from il2kg.views import write_views

    cache = cache_dir(triples_dir)
    write_views(data, load_ontology(), out_dir, cache / "layouts", cache / "plots", claim=claim)
