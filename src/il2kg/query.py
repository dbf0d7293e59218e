"""Run SPARQL over the graph: `run_query(name_or_text, graph, **bindings)`; list and format the query library.

Queries are files under queries/ (or a path to a .rq file, or SPARQL text); values are bound through rdflib's
initBindings, never formatted into the text. The endpoint is read-only, and so is this module: SPARQL Update,
SERVICE and FROM / FROM NAMED (which would make rdflib fetch other hosts) are refused with a QueryError.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from pyparsing import ParseException
from rdflib import Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from il2kg import query_oxigraph, resources
from il2kg.deep import deep
from il2kg.errors import QueryError
from il2kg.rdf_io import plain
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


def _check_text(text: str, origin: str) -> None:
    if not text.strip():
        raise QueryError(f"{origin}: the query is empty; give a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    if "\x00" in text:
        raise QueryError(f"{origin}: the query holds a NUL byte; give SPARQL text")


def prepare(text: str, origin: str = "query") -> Query:
    """Parse SPARQL text; a syntax error becomes a QueryError with its line and column, an update a QueryRefused."""
    _check_text(text, origin)
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


# Oxigraph's own parser may take a query without rdflib's first (pyparsing: ~35 ms a query, 3x Oxigraph's whole
# answer; 3 s for a 388 KB one) when nothing in the text could be what prepare() refuses: no SERVICE or FROM
# anywhere (in a string too: the test is on letters, not on parsing) but on lines that open with '#' (a comment,
# or the inside of a long string: never a keyword), no \\u escape (it could spell them), and shallow nesting
# (Oxigraph's recursive parser has no depth limit of its own; rdflib refuses a query nested too deep with a
# clean 400). Anything else takes the full check first.
_MAY_REFUSE = re.compile(r"\b(?:SERVICE|FROM)\b|\\[uU]", re.IGNORECASE)
_BRACKET = re.compile(r"[{}()\[\]]")
_FAST_MAX_DEPTH = 100


def _plainly_allowed(text: str) -> bool:
    code = "\n".join(line for line in text.split("\n") if not line.lstrip(" \t\r").startswith("#"))
    if _MAY_REFUSE.search(code):
        return False
    depth = deepest = 0
    for bracket in _BRACKET.findall(text):
        depth += 1 if bracket in "{([" else -1
        deepest = max(deepest, depth)
    return deepest <= _FAST_MAX_DEPTH


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


def with_values(text: str, bindings: Mapping[str, object]) -> str:
    """SPARQL text for a remote store, which takes no initBindings: the values bound by a trailing VALUES block of
    RDF terms, as rdflib's SPARQLStore binds them (it joins after any grouping: see graph-triple-count.rq)."""
    names = sorted(bindings)
    terms = " ".join(to_term(bindings[n]).n3() for n in names)
    return f"{text.rstrip()}\nVALUES ({' '.join('?' + n for n in names)}) {{ ({terms}) }}\n"


def execute(name_or_text: str, graph: Graph, bindings: Mapping[str, object] | None = None, *,
            lazy: bool = False, row_limit: int | None = None) -> Result:
    """Run a query (name, .rq path or text) with bound values; return rdflib's Result.

    `lazy` leaves a SELECT's solutions unread, for a caller that reads only up to a row limit (the endpoint);
    otherwise they are read here, so an evaluation error surfaces as a QueryError and not while printing.
    `row_limit` (with lazy, on Oxigraph) runs a SELECT without a LIMIT of its own with LIMIT row_limit appended.
    """
    origin, text = resolve(name_or_text)
    init = {Variable(k): to_term(v) for k, v in (bindings or {}).items()}
    # Oxigraph runs the text itself (oxrdflib takes no parsed query); rdflib runs the parsed one.
    on_oxigraph = query_oxigraph.inner_store(graph) is not None
    fast = on_oxigraph and _plainly_allowed(text)
    if fast:
        _check_text(text, origin)
    query = None if fast else prepare(text, origin)

    def run() -> Result:
        if on_oxigraph:  # pyoxigraph itself: rows stay Oxigraph terms until a writer formats them
            result = query_oxigraph.run(graph, text, init, PREFIXES, row_limit if lazy else None)
            if isinstance(result, query_oxigraph.NativeResult) and not lazy:
                result.ox_rows()  # evaluation errors surface here, not while printing
            return result
        result = graph.query(query, initBindings=init)
        if result.type == "SELECT" and not lazy:
            len(result)  # rdflib evaluates lazily: errors (GRAPH ?g over a plain graph...) surface here, not later
        return result

    try:
        # Oxigraph's solutions belong to the thread that made them (reading them elsewhere aborts the process), and
        # its parser needs no Python stack: it runs here; rdflib's recursive engine runs on a deep stack.
        result = run() if on_oxigraph else deep(run)
    except QueryError:
        raise
    except SyntaxError as err:  # Oxigraph's parser refused it: rdflib's names the line, or says why it is refused
        prepare(text, origin)
        raise QueryError(f"{origin}: malformed SPARQL: {str(err).splitlines()[0][:200]}") from err
    except Exception as err:  # evaluation errors (type errors in functions are SPARQL-unbound, not raised)
        if "requiring a dataset" in str(err):
            raise QueryError(f"{origin}: GRAPH patterns need the named graphs (one per source file) that the "
                             "Oxigraph store keeps: run with --store oxigraph:PATH") from err
        raise QueryError(f"{origin}: the query failed: {err}") from err
    return result


def term_rows(result: Result) -> list[dict[str, Node | None]]:
    """The solutions of a SELECT result as dicts of RDF terms (None where unbound)."""
    names = [str(v) for v in result.vars or []]
    return [{n: plain(v) for n, v in zip(names, row, strict=True)} for row in result]


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

    >>> rows = run_query("fact-provenance", load_kg(), subject=ID["trial/NCT01234567"])  # doctest: +SKIP
    """
    result = execute(name_or_text, graph, bindings)
    if result.type != "SELECT":
        raise QueryError(f"{name_or_text[:40]!r} is a {result.type} query: run_query returns SELECT rows only")
    return [{k: python_value(v) for k, v in row.items()} for row in term_rows(result)]


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
