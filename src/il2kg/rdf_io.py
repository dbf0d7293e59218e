"""RDF I/O: read Turtle into rdflib graphs, write deterministic Turtle and N-Triples, write files atomically.

Reading turns parser failures into one-line errors that name the file and line, and refuses literals
that RDF/XML cannot carry. Writing is deterministic: rdflib's own Turtle output order is not stable
across processes, so diffs under data/triples/ would be noise; this writer sorts subjects, predicates
and objects and labels blank nodes canonically, so the same graph always gives the same bytes.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF, XSD

from il2kg.errors import InputFileError, RdfSyntaxError
from il2kg.vocab import PREFIXES


def new_graph() -> Graph:
    """An empty graph with the project's fixed prefixes bound."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph

_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$|^[0-9][A-Za-z0-9_\-]*$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPE_TABLE = str.maketrans(_ESCAPES)  # one C pass per literal (a join over characters cost ~40 us a triple)


def atomic_write(path: Path, data: bytes) -> None:
    """Write bytes to a path through a temporary file and a rename, so no reader sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:64]}.", dir=path.parent)  # a long name + suffix: > 255
    try:
        os.fchmod(fd, 0o666 & ~current_umask())  # mkstemp makes 0600; a file written the usual way respects umask
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    """The process umask (read by setting and restoring it: there is no other portable way)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class _Names:
    """Prefix-aware term formatting, longest namespace first."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self._seen: dict[str, str] = {}  # IRIs repeat (predicates, classes, shared nodes): each is written once

    def iri(self, iri: URIRef) -> str:
        text = str(iri)
        found = self._seen.get(text)
        if found is None:
            found = self._seen[text] = self._write(text)
        return found

    def _write(self, text: str) -> str:
        for prefix, base in self.prefixes:
            if text.startswith(base) and _LOCAL.match(text[len(base) :]):
                return f"{prefix}:{text[len(base):]}"
        return f"<{text}>"

    def term(self, term: object) -> str:
        if isinstance(term, URIRef):
            return self.iri(term)  # "a" is written by the caller, in predicate position only
        if isinstance(term, BNode):
            return f"_:{term}"
        assert isinstance(term, Literal)
        lexical = str(term)
        if term.datatype == XSD.integer and _INTEGER.match(lexical):
            return lexical
        if term.datatype == XSD.decimal and _DECIMAL.match(lexical):
            return lexical
        if term.datatype == XSD.boolean and lexical in ("true", "false"):
            return lexical
        quoted = '"' + lexical.translate(_ESCAPE_TABLE) + '"'
        if term.language:
            return f"{quoted}@{term.language}"
        if term.datatype and term.datatype != XSD.string:
            return f"{quoted}^^{self.iri(term.datatype)}"
        return quoted


def plain(term):
    """A term as rdflib reads it from Turtle: Oxigraph types a plain string xsd:string (the same literal in RDF 1.1,
    but unequal in rdflib and written differently), so it comes back untyped; other terms pass through."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def canonical_triples(graph: Graph) -> list[tuple]:
    """The graph's triples with blank nodes relabelled canonically (RGDA1), so the same graph gets the same labels.

    Only the triples that hold a blank node go through RGDA1 (a label hashes the triples its blank node is
    in, so the labels are the same as over the whole graph); the rest is copied as it is, not re-hashed.
    """
    triples, with_blanks = [], Graph(bind_namespaces="none")
    for triple in graph:
        triple = (triple[0], triple[1], plain(triple[2]))
        if isinstance(triple[0], BNode) or isinstance(triple[2], BNode):
            with_blanks.add(triple)
        else:
            triples.append(triple)
    if len(with_blanks):
        triples += _relabelled(frozenset(with_blanks))
    return triples


@lru_cache(maxsize=8)
def _relabelled(with_blanks: frozenset) -> tuple:
    # RGDA1 costs ~0.5 s on the ontology's restrictions, and one release writes the ontology in six formats
    graph = Graph(bind_namespaces="none")
    graph += with_blanks
    return tuple(to_canonical_graph(graph))


def canonical(graph: Graph) -> Graph:
    """Relabel blank nodes canonically (RGDA1); a graph whose labels are canonical already comes back as it is
    (no copy: the build's merged graph holds the ontology with canonical labels, and 600k triples copy slowly)."""
    with_blanks = set()
    for triple in graph:
        if isinstance(triple[2], Literal) and triple[2].datatype == XSD.string:
            break
        if isinstance(triple[0], BNode) or isinstance(triple[2], BNode):
            with_blanks.add(triple)
    else:
        if not with_blanks or set(_relabelled(frozenset(with_blanks))) == with_blanks:
            return graph
    out = Graph(bind_namespaces="none")
    out += canonical_triples(graph)
    return out


def turtle_bytes(graph: Graph, prefixes: dict[str, object] | None = None) -> bytes:
    """Serialise a graph as sorted Turtle with the fixed prefixes."""
    prefixes = {k: str(v) for k, v in (prefixes or PREFIXES).items()}
    names = _Names(prefixes)
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(prefixes.items())]
    blocks: dict[str, dict[str, list[str]]] = {}
    for s, p, o in canonical_triples(graph):
        predicate = "a" if p == RDF.type else names.iri(p)
        blocks.setdefault(names.term(s), {}).setdefault(predicate, []).append(names.term(o))
    for subject in sorted(blocks, key=lambda s: (s.startswith("_:"), s)):
        lines.append("")
        preds = blocks[subject]
        order = sorted(preds, key=lambda p: (p != "a", p))
        body = [f"    {p} {' , '.join(sorted(set(preds[p])))}" for p in order]
        lines.append(subject + "\n" + " ;\n".join(body) + " .")
    return ("\n".join(lines) + "\n").encode("utf-8")


def ntriples_bytes(graph: Graph) -> bytes:
    """Serialise a graph as N-Triples, lines sorted, blank nodes labelled canonically."""
    from rdflib.plugins.serializers.nt import _nt_row  # the line writer of rdflib's own N-Triples serializer

    rows = sorted({_nt_row(triple).rstrip("\n") for triple in canonical_triples(graph)})
    return ("\n".join(rows) + "\n").encode("utf-8")


def write_turtle(graph: Graph, path: Path, prefixes: dict[str, object] | None = None) -> None:
    """Write deterministic Turtle atomically."""
    atomic_write(path, turtle_bytes(graph, prefixes))




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


def not_xml(text: str) -> str | None:
    """The first character of the text that XML 1.0 cannot carry, or None."""
    bad = _NOT_XML.search(text)
    return bad.group(0) if bad else None


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
        bad = not_xml(str(o))
        if bad:
            raise InputFileError(f"{path}: the value of {p} on {s} holds the control character "
                                 f"U+{ord(bad):04X}; remove it (RDF/XML and most tools cannot carry it)")
        if o.ill_typed:
            raise InputFileError(f"{path}: {str(o)[:40]!r} is not a valid {o.datatype} (on {s} {p}); "
                                 "fix the value or its datatype")


def read_turtle_files(paths: Iterable[Path], graph: Graph | None = None) -> Graph:
    """Parse several Turtle files into one graph (a new one by default)."""
    graph = new_graph() if graph is None else graph
    for path in paths:
        read_turtle(path, graph)
    return graph
