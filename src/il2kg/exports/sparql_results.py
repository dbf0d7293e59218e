"""Query answers written out: SELECT rows as SPARQL JSON or XML results, CSV, TSV or a table; CONSTRUCT and
DESCRIBE graphs as Turtle, JSON-LD or N-Triples. The names and media types come from the format registry
(exports.formats.ANSWER_FORMATS), which the `query` command and the endpoint both read.

XML 1.0 cannot carry most control characters (U+0000 above all, not even as a character reference); a value
holding one is refused with a QueryError that says which and suggests JSON, rather than written as a document
no XML parser reads to the end.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from json.encoder import encode_basestring_ascii as _quote

from rdflib import BNode, Graph, URIRef, Variable
from rdflib.query import Result
from rdflib.term import Node

from il2kg.curie import TURTLE, curie
from il2kg.errors import QueryError
from il2kg.exports.formats import ANSWER_FORMATS
from il2kg.query import term_rows, to_term
from il2kg.query_oxigraph import NativeResult, from_ox
from il2kg.rdf_io import not_xml, plain
from il2kg.vocab import PREFIXES, XSD

_XSD_STRING = str(XSD.string)


def _term_json(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def _compact(term: Node | None) -> str:
    if term is None:
        return ""
    return curie(term, TURTLE) if isinstance(term, URIRef) else str(term)


def _refuse_what_xml_cannot_carry(rows: Sequence[Mapping[str, Node | None]]) -> None:
    for row in rows:
        for name, term in row.items():
            bad = None if term is None else not_xml(str(term))
            if bad:
                raise QueryError(f"the value of ?{name} holds the control character U+{ord(bad):04X}, which XML 1.0 "
                                 "cannot carry; ask for the JSON results (application/sparql-results+json) instead")


def _table(rows: Sequence[Mapping[str, Node | None]], names: Sequence[str]) -> str:
    return _table_cells([[_compact(row.get(n)).replace("\n", " ") for n in names] for row in rows], names)


def _table_cells(cells: Sequence[Sequence[str]], names: Sequence[str]) -> str:
    widths = [min(60, max([len(n), *(len(c[i]) for c in cells)])) for i, n in enumerate(names)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) if len(v) <= w else v[: w - 1] + "…" for v, w in zip(values, widths, strict=True))

    out = [line(names), line(["-" * w for w in widths]), *(line(c) for c in cells)]
    return "\n".join(s.rstrip() for s in out) + f"\n({len(cells)} rows)\n"


def _rows_names() -> list[str]:
    return [name for name, fmt in ANSWER_FORMATS.items() if fmt.answers == "rows"]


def format_rows(rows: Sequence[Mapping[str, object]], names: Sequence[str], fmt: str, *, compact: bool = False) -> str:
    """Format SELECT rows as table, csv, tsv, json (SPARQL 1.1 JSON results) or xml (SPARQL XML results).

    `compact` writes JSON on one line, for programs: json's C encoder, 3x faster than the indented Python one."""
    terms = [{n: None if row.get(n) is None else plain(to_term(row[n])) for n in names} for row in rows]
    if fmt == "table":
        return _table(terms, names)
    if fmt == "json":
        bindings = [{n: _term_json(t) for n, t in row.items() if t is not None} for row in terms]
        document = {"head": {"vars": list(names)}, "results": {"bindings": bindings}}
        return json.dumps(document, indent=None if compact else 1) + "\n"
    if fmt == "tsv":  # SPARQL 1.1 TSV: terms in Turtle/N-Triples syntax, header of ?vars
        lines = ["\t".join(f"?{n}" for n in names)]
        lines += ["\t".join("" if t is None else t.n3() for t in row.values()) for row in terms]
        return "\n".join(lines) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows(["" if t is None else str(t) for t in row.values()] for row in terms)
        return out.getvalue()
    if fmt == "xml":
        _refuse_what_xml_cannot_carry(terms)
        result = Result("SELECT")
        result.vars = [Variable(n) for n in names]
        result.bindings = [{Variable(n): t for n, t in row.items() if t is not None} for row in terms]
        return result.serialize(format="xml").decode("utf-8")
    raise QueryError(f"unknown result format {fmt!r}: use one of {', '.join(_rows_names())}")


def format_graph(graph: Graph, fmt: str) -> str:
    """Serialise a CONSTRUCT or DESCRIBE result as turtle, json-ld or ntriples, with the project prefixes."""
    found = ANSWER_FORMATS.get(fmt)
    if found is None or found.answers != "graph":
        graphs = [name for name, f in ANSWER_FORMATS.items() if f.answers == "graph"]
        raise QueryError(f"unknown graph format {fmt!r}: use one of {', '.join(graphs)}")
    out = Graph()
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns, override=True)
    out += ((s, p, plain(o)) for s, p, o in graph)
    return out.serialize(format=found.rdflib)


def format_result(result: Result, fmt: str) -> str:
    """Format any query result: SELECT rows, an ASK boolean, or a CONSTRUCT/DESCRIBE graph."""
    if isinstance(result, NativeResult):
        return format_ox_rows(result.ox_rows(), result.names, fmt)
    if result.type == "SELECT":
        return format_rows(term_rows(result), [str(v) for v in result.vars or []], fmt)
    if result.type == "ASK":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result.askAnswer)}) + "\n"
        if fmt == "xml":
            return result.serialize(format="xml").decode("utf-8")
        return ("true" if result.askAnswer else "false") + "\n"
    graph = result.graph if result.graph is not None else Graph()
    return format_graph(graph, "turtle" if fmt == "table" else fmt)


def _ox_text(term) -> str:
    return "" if term is None else term.value  # a literal's lexical form, an IRI, a blank node's label


def _ox_json(term) -> dict[str, str]:
    kind = type(term).__name__
    if kind == "NamedNode":
        return {"type": "uri", "value": term.value}
    if kind == "BlankNode":
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != _XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def format_ox_rows(rows: Sequence[Sequence[object]], names: Sequence[str], fmt: str, *, compact: bool = False) -> str:
    """format_rows for rows of Oxigraph terms (None where unbound), the same bytes without making rdflib terms:
    CSV, JSON and the table directly; TSV and XML through rdflib terms (their writers need rdflib's escaping)."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows([_ox_text(t) for t in row] for row in rows)
        return out.getvalue()
    if fmt == "json" and compact:
        return _json_compact(rows, names)
    if fmt == "json":
        made: dict = {}  # a term's JSON object made once: labels, trials and units repeat down a column

        def term(t) -> dict[str, str]:
            found = made.get(t)
            if found is None:
                found = made[t] = _ox_json(t)
            return found
        bindings = [{n: term(t) for n, t in zip(names, row, strict=True) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": list(names)}, "results": {"bindings": bindings}}, indent=1) + "\n"
    if fmt == "table":
        cells = [[("" if t is None else curie(t.value, TURTLE) if type(t).__name__ == "NamedNode" else t.value)
                  .replace("\n", " ") for t in row] for row in rows]
        return _table_cells(cells, names)
    terms = [{n: from_ox(t) for n, t in zip(names, row, strict=True)} for row in rows]
    return format_rows(terms, names, fmt, compact=compact)


def _json_compact(rows: Sequence[Sequence[object]], names: Sequence[str]) -> str:
    """json.dumps's one-line document, written from each distinct term's JSON text made once (the endpoint's
    answer: 40% of a worker's time went to building and encoding one dict per value)."""
    keys = [json.dumps(n) + ": " for n in names]
    made: dict = {}
    out = []
    for row in rows:
        cells = []
        for key, t in zip(keys, row, strict=True):
            if t is not None:
                text = made.get(t)
                if text is None:
                    text = made[t] = _ox_json_text(t)
                cells.append(key + text)
        out.append("{" + ", ".join(cells) + "}")
    return '{"head": {"vars": ' + json.dumps(list(names)) + '}, "results": {"bindings": [' + ", ".join(out) + "]}}\n"


def _ox_json_text(term) -> str:
    """json.dumps(_ox_json(term)), written with json's own C string encoder."""
    kind = type(term).__name__
    if kind != "Literal":
        return f'{{"type": "{"uri" if kind == "NamedNode" else "bnode"}", "value": {_quote(term.value)}}}'
    text = f'{{"type": "literal", "value": {_quote(term.value)}'
    if term.language:
        return f'{text}, "xml:lang": {_quote(term.language)}}}'
    datatype = term.datatype.value
    return f"{text}}}" if datatype == _XSD_STRING else f'{text}, "datatype": {_quote(datatype)}}}'
