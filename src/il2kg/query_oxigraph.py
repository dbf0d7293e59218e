"""Run a query on an Oxigraph-backed graph through pyoxigraph itself: `run(graph, text, bindings)`.

oxrdflib's `graph.query` turns every value of every row into an rdflib term (and rdflib then re-checks each
literal): at 1M triples that doubled a report question's time. Here a SELECT keeps Oxigraph's own terms
(`NativeResult.ox_rows`); the writers in exports.sparql_results format them directly, and rdflib terms are made
only for a caller that iterates the result as rdflib's (run_query, the XML and TSV writers).

Bound values: Oxigraph applies `substitutions` after it has planned the query, so a question bound to one trial
still scans every Evidence node (fact-provenance at 1M triples: 0.2 s CPU where 1 ms suffices). A SELECT of the
plain shape `PREFIX... SELECT ... WHERE {` gets its values as a VALUES block opening its WHERE group instead, which
the planner starts from; the values are RDF terms written by rdflib (`n3()`), never text from the caller.

Rows written by Oxigraph: a caller that reads only up to a row limit (the endpoint) runs a SELECT with that LIMIT
appended (when the text has no LIMIT of its own: Oxigraph's parser refuses a second one, and the text then runs as
it is) and has Oxigraph write the rows itself (`NativeResult.written`): at 1M triples, making a Python object per
value and writing JSON in Python took half a worker's time on the larger answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.query import Result
from rdflib.term import Node

from il2kg.vocab import XSD

_XSD_STRING = str(XSD.string)
# The prologue (comment lines, PREFIX and BASE declarations), then SELECT with a projection holding no brace,
# string or comment (so the first '{' after WHERE is surely the WHERE group's own), then WHERE {.
_PLAIN_SELECT = re.compile(
    r"\A(?:\s+|#[^\n]*\n|PREFIX\s+[A-Za-z0-9_.-]*:\s*<[^<>\"{}|^`\\\s]*>|BASE\s*<[^<>\"{}|^`\\\s]*>)*"
    r"SELECT\b[^{}\"'#]*?\bWHERE\s*\{", re.IGNORECASE)


_IRI = re.compile(r"[^<>\"{}|^`\\\x00-\x20]+")
# A SELECT query (not ASK, CONSTRUCT or DESCRIBE, where a LIMIT would count solutions, not answers): its prologue,
# then SELECT.
_SELECT = re.compile(r"\A(?:\s+|#[^\n]*\n|PREFIX\s+[A-Za-z0-9_.-]*:\s*<[^<>\"{}|^`\\\s]*>|BASE\s*<[^<>\"{}|^`\\\s]*>)*"
                     r"SELECT\b", re.IGNORECASE)
# A text that ends with a LIMIT of its own (the common case of a second LIMIT: not parsed twice to find out).
_OWN_LIMIT = re.compile(r"\bLIMIT\s+\d+\s*(?:OFFSET\s+\d+\s*)?(?:#[^\n]*\s*)*\Z", re.IGNORECASE)


def inner_store(graph: Graph):
    """The pyoxigraph Store behind an oxrdflib graph, else None (an rdflib memory graph)."""
    store = graph.store
    return getattr(store, "_inner", None) if type(store).__name__ == "OxigraphStore" else None


def lead_values(text: str, bindings: Mapping[Variable, Node]) -> str | None:
    """The SELECT text with its bound values as a VALUES block opening the WHERE group; None when the text has
    not the plain shape (the caller then substitutes), or a bound variable does not occur in it."""
    names = sorted(bindings)
    if not names:
        return None
    found = _PLAIN_SELECT.match(text)
    if found is None or any(not re.search(rf"[?$]{re.escape(str(n))}\b", text[found.end():]) for n in names):
        return None
    return _leading(text, [str(n) for n in names], [[bindings[n] for n in names]])


def lead_value_rows(text: str, name: str, values: list[Node]) -> str:
    """The SELECT text with one variable bound to several values (one VALUES row each) opening its WHERE group;
    an error when the text has not the plain shape or a value cannot be written as one term."""
    led = _leading(text, [name], [[v] for v in values]) if values else None
    if led is None:
        raise ValueError(f"cannot bind ?{name} to {len(values)} values in this query")
    return led


def _leading(text: str, names: list[str], rows: list[list[Node]]) -> str | None:
    """The VALUES block of the rows put where the plain SELECT's WHERE group opens; None when it cannot be."""
    found = _PLAIN_SELECT.match(text)
    if found is None or not all(_writable(term) for row in rows for term in row):
        return None
    body = " ".join(f"({' '.join(term.n3() for term in row)})" for row in rows)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ {body} }} "
    return text[: found.end()] + block + text[found.end():]


def _writable(term: Node) -> bool:
    """Whether n3() writes the term as one SPARQL term that cannot end early: an IRI with none of the characters
    an IRI may not hold ('>' would close it), a literal (n3() escapes its quotes) with such a datatype. A blank
    node cannot stand in VALUES at all."""
    if isinstance(term, URIRef):
        return bool(_IRI.fullmatch(term))
    return isinstance(term, Literal) and (term.datatype is None or bool(_IRI.fullmatch(term.datatype)))


class NativeResult(Result):
    """A SELECT answered by Oxigraph: `ox_rows(limit)` gives rows of Oxigraph terms (None where unbound);
    iterating it as an rdflib Result converts the rows to rdflib terms on the way. `limited` says whether it ran
    with the caller's LIMIT appended (so it cannot hold more rows than that)."""

    def __init__(self, solutions, limited: bool = False) -> None:
        super().__init__("SELECT")
        self.names = [v.value for v in solutions.variables]
        self.vars = [Variable(n) for n in self.names]
        self.limited = limited
        self._reader = _Reader(solutions, len(self.names))
        self.bindings = _converted(self.vars, self._reader)  # refers to the reader, not to self: no cycle

    def ox_rows(self, limit: int | None = None) -> list[tuple]:
        """The first `limit` rows (all when None), read from Oxigraph once and kept."""
        return self._reader.rows(limit)

    def written(self, fmt: str, max_rows: int) -> tuple[bytes, bool] | None:
        """(the first `max_rows` rows as SPARQL JSON or TSV results written by Oxigraph, whether rows were left
        out), or None when Oxigraph cannot write them here: not a result that ran limited, a row already read, no
        variable (TSV then cannot tell one empty row from none), or another format.

        JSON is written at once when it cannot hold more than `max_rows` rows: Oxigraph writes its rows with no
        space between them, so there are at most one more rows than `},{` in it (a `},{` inside a string only
        raises that bound). Otherwise (and for TSV) the rows are counted and cut on Oxigraph's TSV, one line a row
        (a term's newlines and tabs are escaped), and JSON is written from that TSV."""
        import pyoxigraph as ox

        solutions = self._reader.solutions
        if fmt not in ("json", "tsv") or not self.limited or not self.names or solutions is None or self._reader.read:
            return None
        self._reader.solutions = None  # written: nothing is left to read, and the store is let go
        json_format, tsv_format = ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.TSV
        if fmt == "json":
            body = solutions.serialize(format=json_format)
            if body.count(b"},{") < max_rows:
                return body + b"\n", False
            solutions = ox.parse_query_results(body, format=json_format)  # perhaps one row too many: count them
        tsv, cut = _first_lines(solutions.serialize(format=tsv_format), max_rows + 1)  # the header and the rows
        if fmt == "tsv":
            return tsv, cut
        rows = ox.parse_query_results(tsv, format=tsv_format)
        return rows.serialize(format=json_format) + b"\n", cut


def _first_lines(text: bytes, count: int) -> tuple[bytes, bool]:
    """The first `count` lines of the text, and whether any were left out."""
    if text.count(b"\n") <= count:
        return text, False
    end = -1
    for _ in range(count):
        end = text.find(b"\n", end + 1)
    return text[: end + 1], True


class _Reader:
    """Reads solutions once; lets go of them when done, and with them of the store (an on-disk store stays
    locked while any result of it is alive)."""

    def __init__(self, solutions, width: int) -> None:
        self.solutions, self.width, self.read = iter(solutions), width, []

    def rows(self, limit: int | None = None) -> list[tuple]:
        while self.solutions is not None and (limit is None or len(self.read) < limit):
            solution = next(self.solutions, None)
            if solution is None:
                self.solutions = None
                break
            self.read.append(tuple(solution))  # in the order of the variables, None where unbound
        return self.read if limit is None else self.read[:limit]


def _converted(names: list[Variable], reader: _Reader) -> Iterator[dict]:
    for row in reader.rows():
        yield dict(zip(names, map(from_ox, row), strict=True))


def from_ox(term) -> Node | None:
    """An Oxigraph term as the rdflib term Turtle would give (a plain string untyped, as rdf_io.plain does)."""
    if term is None:
        return None
    if isinstance(term, Literal | URIRef | BNode):
        return term
    kind = type(term).__name__
    if kind == "NamedNode":
        return URIRef(term.value)
    if kind == "BlankNode":
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=URIRef(datatype))


def run(graph: Graph, text: str, bindings: Mapping[Variable, Node], prefixes: Mapping[str, str],
        limit: int | None = None) -> Result:
    """Run SPARQL text on the graph's Oxigraph store; a SELECT comes back as a NativeResult (unread). With a
    `limit`, a SELECT without a LIMIT of its own runs with LIMIT `limit` appended."""
    import pyoxigraph as ox

    inner = inner_store(graph)
    # The store's own prefix table: graph.namespaces() would make and check an rdflib term of each (0.1 ms a query).
    known = {prefix: str(ns) for prefix, ns in graph.store.namespaces()} | {k: str(v) for k, v in prefixes.items()}
    led = lead_values(text, bindings)
    substitutions = {} if led else {ox.Variable(str(k)): to_ox(v) for k, v in bindings.items()}
    answer = None
    if limit is not None and _SELECT.match(text) and not _OWN_LIMIT.search(text):
        try:  # after the solution modifiers; a LIMIT of its own, or a trailing VALUES, makes it a syntax error
            answer = inner.query(f"{led or text}\nLIMIT {int(limit)}", prefixes=known, substitutions=substitutions)
        except SyntaxError:
            answer = None
    limited = answer is not None
    if answer is None:
        answer = inner.query(led or text, prefixes=known, substitutions=substitutions)
    if isinstance(answer, ox.QuerySolutions):
        return NativeResult(answer, limited)
    if isinstance(answer, ox.QueryBoolean):
        out = Result("ASK")
        out.askAnswer = bool(answer)
        return out
    out = Result("CONSTRUCT")
    out.graph = Graph()
    out.graph += ((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in answer)
    return out


def to_ox(term: Node):
    """An rdflib term as Oxigraph's (the reverse of from_ox)."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
