"""The il2kg command line: each command parses its options, calls one function, prints or writes."""

from __future__ import annotations

import sys
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


def progress(message: str) -> None:
    """Progress and logs go to stderr."""
    click.echo(message, err=True)


corpus_option = click.option("--corpus", type=click.Path(path_type=Path, file_okay=False),
                             help="Folder of source documents (default: ../shared/corpus).")


@click.group(cls=Il2kgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="il2kg")
def main() -> None:
    """il2kg: a knowledge graph of the clinical evidence for low-dose interleukin-2 therapy."""


@main.command()
@corpus_option
@click.option("--no-reason", is_flag=True, help="Skip HermiT reasoning.")
@click.option("--data", type=click.Path(path_type=Path, file_okay=False), default=resources.TRIPLES_DIR,
              show_default=True, help="Folder of data Turtle files.")
@click.option("--out", type=click.Path(path_type=Path), default=resources.DIST_DIR, show_default=True)
def build(corpus: Path | None, no_reason: bool, data: Path, out: Path) -> None:
    """Build the graph: (re-extract --corpus,) load, validate, reason and write dist/."""
    from il2kg.build import build as run_build
    from il2kg.build import rebuild_triples

    if corpus is not None:
        rebuild_triples(corpus, data, progress=progress)
    summary = run_build(out, data, progress=progress, with_reasoning=not no_reason)
    click.echo(f"built {summary['triples']} triples into {out}")


@main.command()
@click.argument("documents", nargs=-1, type=click.Path(path_type=Path))
@corpus_option
@click.option("--out", type=click.Path(path_type=Path), default=resources.TRIPLES_DIR, show_default=True)
@click.option("--max-mb", type=float, default=10, show_default=True, help="Refuse documents larger than this.")
def extract(documents: tuple[Path, ...], corpus: Path | None, out: Path, max_mb: float) -> None:
    """Extract documents into OUT/<stem>.ttl, each gated by the SHACL shapes."""
    from il2kg.build import corpus_files, extract_to

    paths = list(documents) + (corpus_files(corpus) if corpus else [])
    if not paths:
        raise InputError("give DOCUMENT paths or --corpus DIR")
    summary = extract_to(paths, out, progress, max_mb)
    click.echo(f"{len(summary.written)} written, {len(summary.failed)} failed")
    if summary.failed:
        sys.exit(2)


@main.command(name="validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def validate_command(files: tuple[Path, ...]) -> None:
    """Validate Turtle FILES (default: data/triples/) against the shapes; exit 1 on violations."""
    from il2kg.ontology import load_ontology
    from il2kg.store import load_graph
    from il2kg.validate import format_report, validate

    paths = list(files) or resources.triple_files()
    data = load_graph(paths)
    report = validate(data, load_ontology())
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
