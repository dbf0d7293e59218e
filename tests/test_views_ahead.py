"""The views' process started ahead (views/ahead.py): the same bytes as views drawn by a process forked later, its
failure is the build's (nothing written), and told to stop it leaves without drawing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from il2kg import resources
from il2kg.build import build
from il2kg.errors import Il2kgError
from il2kg.views import ahead as ahead_module
from il2kg.views.ahead import Ahead

pytestmark = pytest.mark.skipif(not Ahead.available(), reason="the views' process is forked")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_views_drawn_ahead_are_the_bytes_of_views_drawn_after(tmp_path: Path):
    build(tmp_path / "after", with_reasoning=False)
    build(tmp_path / "ahead", with_reasoning=False, ahead=Ahead(resources.TRIPLES_DIR))
    after, ahead = _files(tmp_path / "after"), _files(tmp_path / "ahead")
    assert "full-graph.html" in ahead and "dose-treg.svg" in ahead
    assert ahead == after


def test_a_failure_drawing_ahead_is_the_builds_and_writes_nothing(tmp_path: Path, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ahead_module, "_draw", broken)  # before the fork: the child has it too
    started = Ahead(resources.TRIPLES_DIR)
    with pytest.raises(Il2kgError, match="drawing the views failed: OSError: disk full"):
        build(tmp_path / "dist", with_reasoning=False, ahead=started)
    started.stop()  # what the command does on the way out: a no-op by now
    assert not (tmp_path / "dist").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".il2kg-staging-")]


@pytest.mark.parametrize("ready", [False, True], ids=["before-data", "after-data"])
def test_told_to_stop_it_leaves_without_drawing(ready: bool, tmp_path: Path):
    started = Ahead(resources.TRIPLES_DIR)
    if ready:
        started.data_ready()
    started.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(started._pid, os.WNOHANG)  # reaped: no process left behind
    started.stop()  # twice is harmless
    assert not started.claim()
