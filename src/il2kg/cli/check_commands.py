"""The commands that check the graph and the extractor: `il2kg validate`, `il2kg check`, `il2kg evaluate`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from il2kg import resources
from il2kg.cli.options import InputError


@click.command(name="validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--engine", type=click.Choice(["gate", "pyshacl"]), default="gate", show_default=True,
              help="gate: pyrudof per file and per group of files sharing nodes (fast); pyshacl: the reference.")
def validate_command(files: tuple[Path, ...], engine: str) -> None:
    """Validate Turtle FILES or folders (default: data/triples/) against the shapes; exit 1 on violations."""
    from il2kg.build import gate_files
    from il2kg.gate_cache import GateCache, cache_dir
    from il2kg.ontology import load_ontology
    from il2kg.rdf_io import new_graph, read_turtle
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


@click.command()
@click.option("--with-data", is_flag=True, help="Reason over the ontology and data/triples/.")
def check(with_data: bool) -> None:
    """Check the ontology's consistency with HermiT and list the inferred classifications."""
    from il2kg.ontology import load_ontology
    from il2kg.rdf_io import read_turtle_files
    from il2kg.reason import format_reasoning, reason

    ontology = load_ontology()
    data = read_turtle_files(resources.triple_files()) if with_data else None
    result = reason(ontology, data)
    if result.skipped:
        click.echo(f"reasoning skipped: {result.skipped}", err=True)
        return
    if result.consistent is None:  # over HermiT's size: the rules classified, nothing checked consistency
        click.echo(f"classified by the SPARQL rules ({result.individuals} individuals is over HermiT's limit); "
                   "consistency not checked", err=True)
    click.echo(format_reasoning(result, ontology + data if data is not None else ontology))
    sys.exit(0 if result.consistent else 1)


@click.command()
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
