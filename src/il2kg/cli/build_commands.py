"""The commands that make the data and dist/: `il2kg build` and `il2kg extract`."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from il2kg import resources
from il2kg.cli.options import InputError, corpus_option, progress

LEFT_OUT = 3  # build --corpus: built, but some documents were left out (listed on stderr and in rejected.txt)


@click.command()
@click.option("--corpus", "corpora", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder of source documents to re-extract first (repeat for several folders; "
                   "without it, nothing is extracted and data/triples/ is built as it is).")
@click.option("--strict", is_flag=True, help="With --corpus: any document that fails leaves data/ and dist/ unchanged.")
@click.option("--no-reason", is_flag=True, help="Skip reasoning.")
@click.option("--data", type=click.Path(path_type=Path, file_okay=False), default=resources.TRIPLES_DIR,
              show_default=True, help="Folder of data Turtle files.")
@click.option("--out", type=click.Path(path_type=Path), default=resources.DIST_DIR, show_default=True,
              help="Output folder (a new one, or one an earlier build wrote).")
def build(corpora: tuple[Path, ...], strict: bool, no_reason: bool, data: Path, out: Path) -> None:
    """Build the graph: (re-extract --corpus,) load, gate, reason and write dist/.

    Exit 0 built; 1 the graph does not conform; 2 bad input; 3 built, but some documents were left out.
    """
    from il2kg.build import build as run_build
    from il2kg.build import check_output_folder
    from il2kg.corpus import rebuild_triples

    check_output_folder(out)
    left_out: list[tuple[str, str]] = []
    if corpora:
        started = time.perf_counter()
        summary = rebuild_triples(list(corpora), data, progress=progress, strict=strict)
        progress(f"extracted {len(summary.written) - summary.reused} documents, reused {summary.reused} unchanged, "
                 f"left out {len(summary.failed)}")
        progress(f"timing: extract+gate {time.perf_counter() - started:.2f} s")
        left_out = summary.failed
    summary_built = run_build(out, data, progress=progress, with_reasoning=not no_reason, left_out=left_out)
    click.echo(f"built {summary_built['triples']} triples into {out}")
    if left_out:
        for name, report in left_out:
            click.echo(f"il2kg: left out {name}: {report}", err=True)
        click.echo(f"il2kg: {len(left_out)} documents left out (listed in {out / 'rejected.txt'})", err=True)
        sys.exit(LEFT_OUT)


@click.command()
@click.argument("documents", nargs=-1, type=click.Path(path_type=Path))
@corpus_option
@click.option("--out", type=click.Path(path_type=Path), default=resources.TRIPLES_DIR, show_default=True)
@click.option("--max-mb", type=float, default=10, show_default=True, help="Refuse documents larger than this.")
def extract(documents: tuple[Path, ...], corpus: Path | None, out: Path, max_mb: float) -> None:
    """Extract documents into OUT/<stem>.ttl, each gated by the SHACL shapes."""
    from il2kg.corpus import corpus_files, extract_to

    if not max_mb > 0 or max_mb == float("inf"):  # nan compares false with everything: it would lift the limit
        raise InputError(f"--max-mb {max_mb}: give a positive number of megabytes")
    _check_out_folder(out)
    paths = []
    for document in documents:
        paths += corpus_files(document) if document.is_dir() else [document]
    paths += corpus_files(corpus) if corpus else []
    if not paths:
        raise InputError("give DOCUMENT paths or --corpus DIR")
    summary = extract_to(paths, out, progress, max_mb)
    for _, report in summary.failed:
        click.echo(f"il2kg: {report}", err=True)
    click.echo(f"{len(summary.written)} written, {len(summary.failed)} failed")
    if summary.failed:
        sys.exit(2)


def _check_out_folder(out: Path) -> None:
    """Refuse an --out that is a file or a folder we cannot write, before any work."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder; give --out a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"{out}: cannot create the folder ({err.strerror}); give --out a writable folder") from err
    if not os.access(out, os.W_OK | os.X_OK):
        raise InputError(f"{out}: the folder is not writable; give --out a writable folder")
