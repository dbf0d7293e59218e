"""The gate's SHACL-SPARQL constraints, run once per document graph on Oxigraph instead of once per focus node.

pyrudof evaluates an sh:sparql constraint once for every focus node of its shape, with $this pre-bound:
on a document of a few hundred nodes that was ~26 ms of the gate's ~32 ms. Here each constraint's SELECT
runs once with $this left as a variable over the whole graph, and its rows are kept for the focus nodes
of the shape's targets. That gives the same rows as pre-binding for the queries this module accepts:
$this is bound by the query itself, and a sub-select that uses $this projects it (so the join restores
what pre-binding would have fixed). A constraint outside that safe pattern (another kind of target, a
shape reached through sh:node or a logical list, a complex path, VALUES or MINUS, a missing message)
is left to pyrudof; `split` says which. The results are rendered as pyrudof renders them (gate.py then
reads both kinds alike): the value is ?value, or the focus node when the query binds none; the path is
sh:path, or ?path for a node shape; "{?var}" in the message is the variable's lexical form or IRI.
tests/test_gate.py compares this with pyrudof's per-node evaluation on every shape case and on data/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from il2kg import resources
from il2kg.gate_core import copy_of, split_off
from il2kg.query_oxigraph import lead_value_rows

_FOCUS_NODES = resources.read_query("gate/focus-nodes")
_SUBSELECT = re.compile(r"\bSELECT\b(.*?)\bWHERE\b", re.IGNORECASE | re.DOTALL)
_UNSAFE = re.compile(r"\b(VALUES|MINUS|SERVICE|GRAPH)\b|\$(?!this\b|PATH\b)", re.IGNORECASE)
_TEMPLATE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
_SHAPE_ONLY = {SH.property, SH.sparql, SH.path, SH.message, SH.severity, SH.name, SH.description, RDFS.label,
               RDFS.comment}


@dataclass(frozen=True)
class Constraint:
    """One sh:sparql constraint ready to run on a whole graph."""

    shape: str  # the shape that reports it (sh:sourceShape)
    path: str | None  # sh:path of a property shape
    classes: tuple[str, ...]  # the target classes whose instances are its focus nodes
    query: tuple[str, str]  # the SELECT with its prefixes and $PATH filled in, cut where VALUES ?this goes
    message: str  # the sh:message template (one literal)
    lang: str | None
    severity: str


def split(shapes: Graph) -> tuple[Graph, tuple[Constraint, ...]]:
    """The shapes less the SPARQL constraints this module runs, and those constraints (in a stable order)."""
    rest = copy_of(shapes)
    return rest, tuple(split_off(shapes, rest, SH.sparql, _constraint, lambda _shapes, node: (node,)))


def _constraint(shapes: Graph, shape, node) -> Constraint | None:
    if isinstance(shape, BNode) or _on(shapes, shape, SH.deactivated) or _on(shapes, node, SH.deactivated):
        return None
    selects, messages = list(shapes.objects(node, SH.select)), list(shapes.objects(node, SH.message))
    if len(selects) != 1 or len(messages) != 1 or list(shapes.objects(node, SH.ask)):
        return None
    if set(shapes.objects(node, None)) - {*selects, *messages, SH.SPARQLConstraint} - set(
            shapes.objects(node, SH.prefixes)):
        return None  # something else on the constraint (its own severity, a deactivation flag) pyrudof would read
    path = shapes.value(shape, SH.path)
    owner = shape
    if path is not None:
        parents = list(shapes.subjects(None, shape))
        if not isinstance(path, URIRef) or len(parents) != 1 or set(shapes.predicates(None, shape)) != {SH.property}:
            return None
        owner = parents[0]
        if isinstance(owner, BNode) or shapes.value(owner, SH.path) is not None or _targets(shapes, shape):
            return None
    if list(shapes.subjects(None, owner)) or (owner, RDF.type, RDFS.Class) in shapes:
        return None  # reached through sh:node, sh:or ... or an implicit class target: per node only
    classes = _targets(shapes, owner)
    if not classes or set(shapes.predicates(owner, None)) & {SH.targetNode, SH.targetSubjectsOf,
                                                             SH.targetObjectsOf, SH.target}:
        return None
    text = str(selects[0])
    if _UNSAFE.search(text) or not re.search(r"[?$]this\b", text):
        return None
    if any(not re.search(r"[?$]this\b", m.group(1)) for m in list(_SUBSELECT.finditer(text))[1:]):
        return None  # a sub-select that does not project $this would see it unbound
    if path is not None:
        text = text.replace("$PATH", f"<{path}>")
    elif "$PATH" in text:
        return None
    where = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
    if where is None:
        return None
    severity = shapes.value(shape, SH.severity)
    return Constraint(
        shape=str(shape), path=None if path is None else str(path), classes=tuple(sorted(str(c) for c in classes)),
        query=(_prefixes(shapes, node) + text[:where.end()], text[where.end():]), message=str(messages[0]),
        lang=messages[0].language if isinstance(messages[0], Literal) else None,
        severity=str(severity).rpartition("#")[2] if severity is not None else "Violation")


def _on(shapes: Graph, node, flag) -> bool:
    return any(o.toPython() is True for o in shapes.objects(node, flag) if isinstance(o, Literal))


def _targets(shapes: Graph, shape) -> list:
    return sorted(shapes.objects(shape, SH.targetClass))


def _prefixes(shapes: Graph, node) -> str:
    lines = []
    for source in shapes.objects(node, SH.prefixes):
        for declaration in shapes.objects(source, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(set(lines)))


class Unsupported(Exception):
    """A result this module cannot render exactly as pyrudof would (a blank node, a quote): gate per node."""


@dataclass(frozen=True)
class Row:
    """One result as pyrudof would report it: focus node, path, value and message in its renderings."""

    focus: str
    path: str | None
    value: str
    message: str


def run(store, constraints: tuple[Constraint, ...]) -> list[tuple[Constraint, Row]]:
    """Run every constraint on a store holding the document and the ontology's typing."""
    import pyoxigraph as ox

    focus_of: dict[tuple[str, ...], set] = {}
    found = []
    for constraint in constraints:
        focus = focus_of.get(constraint.classes)
        if focus is None:
            query = lead_value_rows(_FOCUS_NODES, "class", [URIRef(c) for c in constraint.classes])
            focus = {row[0] for row in store.query(query)}
            focus_of[constraint.classes] = focus
        if not focus:
            continue
        if any(isinstance(node, ox.BlankNode) for node in focus):
            raise Unsupported("blank node focus")  # pyrudof names blank nodes its own way
        # A node shape's query (no $PATH) reads every triple of every subject: bind the focus nodes first
        # (a join, the same as the filter below) so the engine looks only at them. A property shape's
        # $PATH already picks few subjects, and a long VALUES list costs more than it saves there.
        head, tail = constraint.query
        nodes = " ".join(sorted(str(node) for node in focus)) if constraint.path is None else None
        for row in store.query(f"{head} VALUES ?this {{ {nodes} }} {tail}" if nodes else head + tail):
            this = row["this"]
            if this is None or this not in focus:
                continue
            value = _get(row, "value") or this
            bound = _get(row, "path")  # pyrudof reports ?path when the query binds it, for a property shape too
            path = bound.value if isinstance(bound, ox.NamedNode) else constraint.path
            message = _TEMPLATE.sub(lambda m, row=row: _lexical(_get(row, m.group(1)), m.group(0)),
                                    constraint.message)
            found.append((constraint, Row(focus=this.value, path=path, value=_render(value), message=message)))
    return found


def _get(row, name: str):
    try:
        return row[name]
    except (KeyError, IndexError):
        return None


def _lexical(term, unbound: str) -> str:
    import pyoxigraph as ox

    if term is None:
        return unbound
    if isinstance(term, ox.BlankNode) or any(c in term.value for c in '"\\\n\r'):
        raise Unsupported("a term pyrudof may write otherwise in a message")
    return term.value


def _render(term) -> str:
    """A term as pyrudof writes sh:value: an IRI bare, a boolean bare, a literal quoted with its datatype."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode) or any(c in term.value for c in '"\\\n\r'):
        raise Unsupported("a value pyrudof may write otherwise")
    datatype = term.datatype.value
    if term.language:
        return f'"{term.value}"@{term.language}'
    if datatype == str(XSD.string):
        return f'"{term.value}"'
    if datatype == str(XSD.boolean) and term.value in ("true", "false"):
        return term.value
    if datatype.startswith(str(XSD)):  # pyrudof writes ^^xsd:name, which gate.py expands to this
        return f'"{term.value}"^^<{datatype}>'
    raise Unsupported("a literal of another datatype")
