"""Run SPARQL over the graph: `run_query(name_or_text, graph, **bindings)`; list and format the query library.

Queries are files under queries/ (or a path to a .rq file, or SPARQL text); values are bound through rdflib's
initBindings, never formatted into the text. The endpoint is read-only, and so is this module: SPARQL Update,
SERVICE and FROM / FROM NAMED (which would make rdflib fetch other hosts) are refused with a QueryError.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from pyparsing import ParseException
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from il2kg import resources
from il2kg.deep import deep
from il2kg.errors import QueryError
from il2kg.vocab import PREFIXES

ROW_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = {"turtle": "turtle", "json-ld": "json-ld", "ntriples": "nt"}
_NAME = re.compile(r"[A-Za-z0-9_./-]+")
Row = dict[str, object]


class QueryRefused(QueryError):
    """A well-formed query that a read-only, offline endpoint will not run (update, SERVICE, FROM)."""


def resolve(name_or_text: str) -> tuple[str, str]:
    """Return (origin, SPARQL text) for a query name under queries/, a path to a .rq file, or SPARQL text."""
    if not _NAME.fullmatch(name_or_text):
        return "query", name_or_text
    if name_or_text.endswith(".rq") and ("/" in name_or_text or Path(name_or_text).is_file()):
        path = Path(name_or_text)
        if not path.is_file():
            raise QueryError(f"{path}: no such query file; check the path or run 'il2kg queries'")
        try:
            return name_or_text, path.read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            raise QueryError(f"{path}: not UTF-8 (byte 0x{err.object[err.start]:02x} at offset {err.start}); "
                             "re-save the query as UTF-8") from err
        except OSError as err:
            raise QueryError(f"{path}: cannot be read ({err.strerror}); check its permissions") from err
    return name_or_text, resources.read_query(name_or_text.removesuffix(".rq"))


def prepare(text: str, origin: str = "query") -> Query:
    """Parse SPARQL text; a syntax error becomes a QueryError with its line and column, an update a QueryRefused."""
    if not text.strip():
        raise QueryError(f"{origin}: the query is empty; give a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    if "\x00" in text:
        raise QueryError(f"{origin}: the query holds a NUL byte; give SPARQL text")
    try:
        query = _parse_deep(text)
    except ParseException as err:
        if _is_update(text):
            raise QueryRefused(f"{origin}: SPARQL Update (INSERT, DELETE, LOAD, CLEAR...) is refused: "
                               "this endpoint is read-only") from err
        raise QueryError(f"{origin}: malformed SPARQL at line {err.lineno}, column {err.col}: {err.msg} "
                         f"(near {err.line.strip()[:60]!r})") from err
    except Exception as err:  # rdflib raises plain Exception for an unknown prefix and similar
        raise QueryError(f"{origin}: malformed SPARQL: {err}") from err
    if query.algebra.get("datasetClause"):
        raise QueryRefused(f"{origin}: FROM / FROM NAMED is refused: the endpoint answers from its default graph only")
    if _has_service(query.algebra):
        raise QueryRefused(f"{origin}: SERVICE is refused: this endpoint does not query other hosts")
    return query


def _parse_deep(text: str) -> Query:
    return deep(lambda: prepareQuery(text, initNs=PREFIXES))


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:
        return False
    return True


def _has_service(root: object) -> bool:
    stack = [root]  # iterative: a query of thousands of UNIONs nests deeper than Python's recursion limit
    while stack:
        node = stack.pop()
        if getattr(node, "name", None) == "ServiceGraphPattern":
            return True
        if isinstance(node, Mapping):
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
    return False


def to_term(value: object) -> Node:
    """Turn a binding value into an RDF term: terms pass through, Python values become typed literals."""
    return value if isinstance(value, Node) else Literal(value)


def parse_binding(text: str) -> tuple[str, Node]:
    """Parse a CLI binding "var=value": <iri>, a CURIE with a known prefix, a number, true/false, else a string."""
    name, sep, raw = text.partition("=")
    if not sep or not re.fullmatch(r"\??[A-Za-z_][A-Za-z0-9_]*", name):
        raise QueryError(f"binding {text!r}: write it as var=value, e.g. subject=id:trial/NCT01234567")
    prefix, colon, local = raw.partition(":")
    if raw.startswith("<") and raw.endswith(">"):
        term: Node = URIRef(raw[1:-1])
    elif colon and prefix in PREFIXES and not local.startswith("//"):
        term = URIRef(PREFIXES[prefix] + local)
    elif re.fullmatch(r"[+-]?\d+", raw):
        term = Literal(int(raw))
    elif re.fullmatch(r"[+-]?\d*\.\d+", raw):
        term = Literal(Decimal(raw))
    elif raw in ("true", "false"):
        term = Literal(raw == "true")
    else:
        term = Literal(raw)
    return name.lstrip("?"), term


def execute(name_or_text: str, graph: Graph, bindings: Mapping[str, object] | None = None, *,
            lazy: bool = False) -> Result:
    """Run a query (name, .rq path or text) with bound values; return rdflib's Result.

    `lazy` leaves a SELECT's solutions unread, for a caller that reads only up to a row limit (the endpoint);
    otherwise they are read here, so an evaluation error surfaces as a QueryError and not while printing.
    """
    origin, text = resolve(name_or_text)
    query = prepare(text, origin)
    init = {Variable(k): to_term(v) for k, v in (bindings or {}).items()}
    # Oxigraph runs the text itself (oxrdflib takes no parsed query); rdflib runs the parsed one.
    on_oxigraph = type(graph.store).__name__ == "OxigraphStore"

    def run() -> Result:
        result = graph.query(text if on_oxigraph else query, initBindings=init,
                             **({"initNs": PREFIXES} if on_oxigraph else {}))
        if result.type == "SELECT" and (not lazy or on_oxigraph):  # Oxigraph's rows may not leave this thread
            len(result)  # rdflib evaluates lazily: errors (GRAPH ?g over a plain graph...) surface here, not later
        return result

    try:
        result = deep(run)
    except QueryError:
        raise
    except Exception as err:  # evaluation errors (type errors in functions are SPARQL-unbound, not raised)
        if "requiring a dataset" in str(err):
            raise QueryError(f"{origin}: GRAPH patterns need the named graphs (one per source file) that the "
                             "Oxigraph store keeps: run with --store oxigraph:PATH") from err
        raise QueryError(f"{origin}: the query failed: {err}") from err
    return result


def term_rows(result: Result) -> list[dict[str, Node | None]]:
    """The solutions of a SELECT result as dicts of RDF terms (None where unbound)."""
    names = [str(v) for v in result.vars or []]
    return [dict(zip(names, row, strict=True)) for row in result]


def python_value(term: Node | None) -> object:
    """An RDF term as a plain Python value: IRIs as str, literals as int/Decimal/bool/str/date."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


def run_query(name_or_text: str, graph: Graph, **bindings: object) -> list[Row]:
    """Run a SELECT query and return its rows as plain dicts of Python values.

    >>> rows = run_query("fact-provenance", load_graph(), subject=ID["trial/NCT01234567"])  # doctest: +SKIP
    """
    result = execute(name_or_text, graph, bindings)
    if result.type != "SELECT":
        raise QueryError(f"{name_or_text[:40]!r} is a {result.type} query: run_query returns SELECT rows only")
    return [{k: python_value(v) for k, v in row.items()} for row in term_rows(result)]


def load_graph() -> Graph:
    """Load the ontology and every data/triples/*.ttl file into one graph (for notebooks, the CLI and the server)."""
    from il2kg.store import load_graph as load_files  # layer 2 reader; imported late to keep this module light

    return load_files([resources.ONTOLOGY, *resources.triple_files()])


def list_queries() -> list[tuple[str, str]]:
    """Return (name, question) for every .rq file under queries/, name relative to queries/ without .rq."""
    found = []
    for path in resources.query_files():
        name = path.relative_to(resources.QUERIES_DIR).with_suffix("").as_posix()
        found.append((name, question(path.read_text(encoding="utf-8"))))
    return found


def question(text: str) -> str:
    """The plain-English question a .rq file opens with: "# Question: ..." and its "#   " continuation lines."""
    parts: list[str] = []
    for line in text.splitlines():
        if line.startswith("# Question:"):
            parts.append(line.removeprefix("# Question:").strip())
        elif parts and line.startswith("#   "):
            parts.append(line[1:].strip())
        elif parts:
            break
    return " ".join(parts)


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
    if isinstance(term, URIRef):
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
            if str(term).startswith(str(ns)) and len(str(term)) > len(str(ns)):
                return f"{prefix}:{str(term)[len(str(ns)):]}"
    return str(term)


def _table(rows: Sequence[Mapping[str, Node | None]], names: Sequence[str]) -> str:
    cells = [[_compact(row.get(n)).replace("\n", " ") for n in names] for row in rows]
    widths = [min(60, max([len(n), *(len(c[i]) for c in cells)])) for i, n in enumerate(names)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) if len(v) <= w else v[: w - 1] + "…" for v, w in zip(values, widths, strict=True))

    out = [line(names), line(["-" * w for w in widths]), *(line(c) for c in cells)]
    return "\n".join(s.rstrip() for s in out) + f"\n({len(rows)} rows)\n"


def format_rows(rows: Sequence[Mapping[str, object]], names: Sequence[str], fmt: str) -> str:
    """Format SELECT rows as table, csv, tsv, json (SPARQL 1.1 JSON results) or xml (SPARQL XML results)."""
    terms = [{n: None if row.get(n) is None else to_term(row[n]) for n in names} for row in rows]
    if fmt == "table":
        return _table(terms, names)
    if fmt == "json":
        bindings = [{n: _term_json(t) for n, t in row.items() if t is not None} for row in terms]
        return json.dumps({"head": {"vars": list(names)}, "results": {"bindings": bindings}}, indent=1) + "\n"
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
        result = Result("SELECT")
        result.vars = [Variable(n) for n in names]
        result.bindings = [{Variable(n): t for n, t in row.items() if t is not None} for row in terms]
        return result.serialize(format="xml").decode("utf-8")
    raise QueryError(f"unknown result format {fmt!r}: use one of {', '.join(ROW_FORMATS)}")


def format_graph(graph: Graph, fmt: str) -> str:
    """Serialise a CONSTRUCT or DESCRIBE result as turtle, json-ld or ntriples, with the project prefixes."""
    if fmt not in GRAPH_FORMATS:
        raise QueryError(f"unknown graph format {fmt!r}: use one of {', '.join(GRAPH_FORMATS)}")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    return graph.serialize(format=GRAPH_FORMATS[fmt])


def format_result(result: Result, fmt: str) -> str:
    """Format any query result: SELECT rows, an ASK boolean, or a CONSTRUCT/DESCRIBE graph."""
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
