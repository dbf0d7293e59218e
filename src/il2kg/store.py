"""Read RDF files into a graph, turning parser failures into one-line errors that name file and line."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

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


# rdflib logs a whole traceback for each ill-typed literal ("abc"^^xsd:integer); the reader reports it instead.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)
# Characters XML 1.0 cannot carry (C0 controls but tab, newline, return; lone surrogates; U+FFFE/U+FFFF):
# a literal holding one would make il2kg.owl a file no XML parser reads to the end.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def read_turtle(path: Path, graph: Graph | None = None) -> Graph:
    """Parse one Turtle file into `graph` (a new graph with the project prefixes by default)."""
    if path.is_dir():
        raise InputFileError(f"{path}: is a folder; give the Turtle files in it (e.g. {path}/*.ttl)")
    if not path.is_file():
        raise InputFileError(f"{path}: no such file; check the path")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputFileError(f"{path}: cannot be read ({err.strerror}); check its permissions") from err
    return parse_turtle_bytes(data, path, graph)


def parse_turtle_bytes(data: bytes, path: Path, graph: Graph | None = None) -> Graph:
    """Parse Turtle bytes read from `path`, refusing literals of the wrong form or that XML cannot carry."""
    triples = _parse_fast(data)
    if triples is not None:
        check_literals(triples, path)
        graph = new_graph() if graph is None else graph
        graph.addN((s, p, o, graph) for s, p, o in triples)  # straight in: no second graph to copy from
        return graph
    part = new_graph()  # Oxigraph refused it: rdflib's parser names the line of the fault
    try:
        part.parse(data=data, format="turtle")
    except UnicodeDecodeError as err:
        raise InputFileError(f"{path}: not UTF-8 (offset {err.start}); re-save it as UTF-8") from err
    except Exception as err:  # rdflib raises BadSyntax, ParserError or plain exceptions by parser
        raise _syntax_error(path, err) from err
    check_literals(part, path)
    if graph is None:
        return part
    graph += part
    return graph


_XSD_STRING = str(XSD.string)


def _parse_fast(data: bytes) -> list[tuple] | None:
    """Parse Turtle with Oxigraph's parser into rdflib triples (2.5x rdflib's own); None when it refuses the text."""
    import pyoxigraph as ox

    iris: dict[str, URIRef] = {}

    def term(node):
        if isinstance(node, ox.NamedNode):
            found = iris.get(node.value)
            if found is None:
                found = iris[node.value] = URIRef(node.value)
            return found
        if isinstance(node, ox.BlankNode):
            return BNode(node.value)
        if node.language:
            return Literal(node.value, lang=node.language)
        datatype = node.datatype.value
        return Literal(node.value, datatype=None if datatype == _XSD_STRING else term(node.datatype))

    try:
        quads = ox.parse(data, format=ox.RdfFormat.TURTLE)
        return [(term(q.subject), term(q.predicate), term(q.object)) for q in quads]
    except (SyntaxError, ValueError):
        return None


def check_literals(triples: Iterable[tuple], path: Path) -> None:
    """Refuse a literal with a control character, a lone surrogate, or a value its datatype does not allow."""
    for s, p, o in triples:
        if not isinstance(o, Literal):
            continue
        bad = _NOT_XML.search(str(o))
        if bad:
            raise InputFileError(f"{path}: the value of {p} on {s} holds the control character "
                                 f"U+{ord(bad.group(0)):04X}; remove it (RDF/XML and most tools cannot carry it)")
        if o.ill_typed:
            raise InputFileError(f"{path}: {str(o)[:40]!r} is not a valid {o.datatype} (on {s} {p}); "
                                 "fix the value or its datatype")


def load_graph(paths: Iterable[Path], graph: Graph | None = None) -> Graph:
    """Parse several Turtle files into one graph."""
    graph = new_graph() if graph is None else graph
    for path in paths:
        read_turtle(path, graph)
    return graph
