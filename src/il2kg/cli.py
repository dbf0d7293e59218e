"""The il2kg command line: each command parses its options, calls one function, prints or writes."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from il2kg import resources
from il2kg.errors import Il2kgError


class InputError(click.ClickException):
    """Bad input: one line on stderr, exit 2."""

    exit_code = 2


class Il2kgGroup(click.Group):
    """Translate library errors once: expected problems print one line, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except Il2kgError as err:
            code = getattr(err, "exit_code", 2)
            click.echo(f"il2kg: {err}", err=True)
            ctx.exit(code)
        except OSError as err:  # a file we could not read or write: name it, say why
            where = err.filename if err.filename is not None else "a file"
            click.echo(f"il2kg: {where}: {err.strerror or err}; check the path and its permissions", err=True)
            ctx.exit(2)


def progress(message: str) -> None:
    """Progress and logs go to stderr."""
    click.echo(message, err=True)


corpus_option = click.option("--corpus", type=click.Path(path_type=Path, file_okay=False),
                             help="Folder of source documents.")
LEFT_OUT = 3  # build --corpus: built, but some documents were left out (listed on stderr and in rejected.txt)


@click.group(cls=Il2kgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="il2kg")
def main() -> None:
    """il2kg: a knowledge graph of the clinical evidence for low-dose interleukin-2 therapy."""


@main.command()
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


@main.command()
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


@main.command(name="validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--engine", type=click.Choice(["gate", "pyshacl"]), default="gate", show_default=True,
              help="gate: pyrudof per file and per group of files sharing nodes (fast); pyshacl: the reference.")
def validate_command(files: tuple[Path, ...], engine: str) -> None:
    """Validate Turtle FILES or folders (default: data/triples/) against the shapes; exit 1 on violations."""
    from il2kg.build import gate_files
    from il2kg.gate_cache import GateCache, cache_dir
    from il2kg.graph import new_graph
    from il2kg.ontology import load_ontology
    from il2kg.store import read_turtle
    from il2kg.validate import format_report, validate

    paths: list[Path] = []
    for path in files or (resources.TRIPLES_DIR,):
        paths += resources.triple_files(path) if path.is_dir() else [path]
    if not paths:
        raise InputError(f"{', '.join(map(str, files or (resources.TRIPLES_DIR,)))}: no .ttl files to validate")
    data = new_graph()
    for path in paths:
        size = len(data)
        read_turtle(path, data)
        if len(data) == size and not len(read_turtle(path)):
            raise InputError(f"{path}: no triples; an empty file validates nothing (give the data files)")
    loaded = [(p, p.read_bytes()) for p in paths]
    ontology = load_ontology()
    if engine == "pyshacl":
        report = validate(data, ontology)
    else:
        vocabulary = frozenset(str(t) for triple in ontology for t in triple)
        report = gate_files(loaded, vocabulary, GateCache(cache_dir(paths[0].parent)))
    click.echo(format_report(report, data))
    sys.exit(0 if report.conforms else 1)


@main.command()
@click.option("--with-data", is_flag=True, help="Reason over the ontology and data/triples/.")
def check(with_data: bool) -> None:
    """Check the ontology's consistency with HermiT and list the inferred classifications."""
    from il2kg.ontology import load_ontology
    from il2kg.reason import format_reasoning, reason
    from il2kg.store import load_graph

    ontology = load_ontology()
    data = load_graph(resources.triple_files()) if with_data else None
    result = reason(ontology, data)
    if result.skipped:
        click.echo(f"reasoning skipped: {result.skipped}", err=True)
        return
    if result.consistent is None:  # over HermiT's size: the rules classified, nothing checked consistency
        click.echo(f"classified by the SPARQL rules ({result.individuals} individuals is over HermiT's limit); "
                   "consistency not checked", err=True)
    click.echo(format_reasoning(result, ontology + data if data is not None else ontology))
    sys.exit(0 if result.consistent else 1)


@main.command()
@click.option("--corpus", "corpora", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder of documents; repeat for several (default: ../shared/corpus and ../shared/corpus-dev).")
@click.option("--gold", "golds", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder of gold files; repeat for several (default: tests/gold/corpus and tests/gold/corpus-dev).")
@click.option("--verbose", is_flag=True, help="List every wrong and missed value.")
def evaluate(corpora: tuple[Path, ...], golds: tuple[Path, ...], verbose: bool) -> None:
    """Score the extractor against the gold facts: precision and recall per field."""
    from il2kg.build import corpus_files
    from il2kg.evaluate import evaluate as run_evaluate
    from il2kg.evaluate import format_report, load_gold_dirs
    from il2kg.lexicon import load_lexicon
    from il2kg.pipeline import read_document

    corpora = corpora or tuple(p for p in resources.DEFAULT_CORPORA if p.is_dir())
    gold = load_gold_dirs(golds or resources.DEFAULT_GOLD)
    docs = [read_document(p) for corpus in corpora for p in corpus_files(corpus) if p.name in gold]
    report = run_evaluate([(d.name, d.text) for d in docs], gold, load_lexicon(resources.ONTOLOGY))
    click.echo(format_report(report, details=verbose))


from il2kg.cli_export import export, push  # noqa: E402

main.add_command(export)
main.add_command(push)


from il2kg.cli_viz import viz  # noqa: E402

main.add_command(viz)


from il2kg.cli_query import queries, query, serve  # noqa: E402

main.add_command(query)
main.add_command(queries)
main.add_command(serve)


if __name__ == "__main__":
    main()
