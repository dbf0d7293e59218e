"""Read RDF files into a graph, turning parser failures into one-line errors that name file and line."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph

from il2kg.errors import InputFileError, RdfSyntaxError
from il2kg.graph import new_graph


def _syntax_error(path: Path, err: Exception) -> RdfSyntaxError:
    raw = getattr(err, "_str", None)
    pos = getattr(err, "_i", None)
    why = getattr(err, "_why", None) or str(err).splitlines()[0]
    if isinstance(raw, bytes) and isinstance(pos, int):
        line = raw[:pos].count(b"\n") + 1
        return RdfSyntaxError(f"{path}: line {line}: broken Turtle ({why}); fix the file or regenerate it")
    return RdfSyntaxError(f"{path}: broken RDF ({why}); fix the file or regenerate it")


def read_turtle(path: Path, graph: Graph | None = None) -> Graph:
    """Parse one Turtle file into `graph` (a new graph with the project prefixes by default)."""
    graph = new_graph() if graph is None else graph
    if not path.is_file():
        raise InputFileError(f"{path}: no such file; check the path")
    try:
        graph.parse(path, format="turtle")
    except UnicodeDecodeError as err:
        raise InputFileError(f"{path}: not UTF-8 (offset {err.start}); re-save it as UTF-8") from err
    except Exception as err:  # rdflib raises BadSyntax, ParserError or plain exceptions by parser
        raise _syntax_error(path, err) from err
    return graph


def load_graph(paths: Iterable[Path], graph: Graph | None = None) -> Graph:
    """Parse several Turtle files into one graph."""
    graph = new_graph() if graph is None else graph
    for path in paths:
        read_turtle(path, graph)
    return graph
