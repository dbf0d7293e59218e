"""Deterministic writers: Turtle with the fixed prefix map, sorted N-Triples, atomic file writes.

rdflib's own Turtle output order is not stable across processes, so diffs under data/triples/
would be noise; this writer sorts subjects, predicates and objects and labels blank nodes
canonically, so the same graph always gives the same bytes.
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF, XSD

from il2kg.vocab import PREFIXES

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


def canonical_triples(graph: Graph) -> list[tuple]:
    """The graph's triples with blank nodes relabelled canonically (RGDA1), so the same graph gets the same labels.

    Only the triples that hold a blank node go through RGDA1 (a label hashes the triples its blank node is
    in, so the labels are the same as over the whole graph); the rest is copied as it is, not re-hashed.
    """
    triples, with_blanks = [], Graph(bind_namespaces="none")
    for triple in graph:
        if isinstance(triple[2], Literal) and triple[2].datatype == XSD.string:  # Oxigraph types plain strings
            triple = (triple[0], triple[1], Literal(str(triple[2])))
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


def write_ntriples(graph: Graph, path: Path) -> None:
    """Write sorted N-Triples atomically."""
    atomic_write(path, ntriples_bytes(graph))
