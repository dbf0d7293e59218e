"""A fast accept for the gate's core property constraints: checked in Python over the document's Oxigraph store.

pyrudof spends ~4.5 us per (focus node, constraint) on its clones and allocations; a document has ~50
Evidence nodes under 18 property shapes, so most of its ~14 ms went to constraints that pass. This module
takes the property shapes whose constraints are all simple (counts, datatype, node kind, numeric range,
length, sh:in, sh:class, lessThan on a predicate or inverse-predicate path of a class-targeted shape)
out of pyrudof's shapes, and checks them on the store gate_sparql already builds for the document.

It only ever says "all of these pass". Anything it finds, or cannot decide the way the SHACL engines do
(an ill-formed number, a double, a blank node, a non-ASCII string at a length bound), sends the document
to the full path (pyrudof with every core constraint), so a report is always pyrudof's own, and the
verdicts stay pyshacl's (tests/test_gate.py compares both paths on every shape case and on data/).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

# Lexical forms a value of these datatypes may have; another datatype in sh:datatype is left to pyrudof.
_LEXICAL = {
    str(XSD.string): None,
    str(XSD.integer): re.compile(r"[+-]?[0-9]+\Z"),
    str(XSD.decimal): re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\Z"),
    str(XSD.boolean): re.compile(r"(true|false|1|0)\Z"),
}
_NUMERIC = (str(XSD.integer), str(XSD.decimal))
_RANGE = {SH.minInclusive: lambda v, c: v >= c, SH.minExclusive: lambda v, c: v > c,
          SH.maxInclusive: lambda v, c: v <= c, SH.maxExclusive: lambda v, c: v < c}
_PAIR = {SH.lessThan: lambda a, b: a < b, SH.lessThanOrEquals: lambda a, b: a <= b}
_KINDS = {SH.IRI, SH.Literal, SH.BlankNode, SH.BlankNodeOrIRI, SH.BlankNodeOrLiteral, SH.IRIOrLiteral}
_ANNOTATIONS = {SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, RDFS.label,
                RDFS.comment, RDF.type}
_SIMPLE = {SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH.minLength, SH.maxLength, SH["in"], SH["class"],
           SH.pattern, SH.disjoint, *_RANGE, *_PAIR}
# A pattern read alike by Python's re, Rust's regex (pyrudof) and XPath: no escapes, no flags, no lookaround.
_SAFE_PATTERN = re.compile(r"[A-Za-z0-9 ^$\[\](){}|?+*.:/,-]*\Z")
_INERT = {SH.targetClass, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.prefixes,
          SH.declare, SH.prefix, SH.namespace, SH.property, SH.path, SH.inversePath, SH.alternativePath}


@dataclass(frozen=True)
class Check:
    """One property shape taken out of pyrudof: its owner's target classes, its path and its constraints."""

    shape: str
    classes: tuple[str, ...]
    paths: tuple[tuple[str, bool], ...]  # the path's alternatives: (predicate, inverse); () for a node shape's
    constraints: tuple[tuple[str, object], ...]  # (constraint name, parameter), in a stable order
    message: str | None  # the sh:message as gate.py renders pyrudof's (None: the engine's own text)
    severity: str
    tests: tuple = field(init=False, compare=False, repr=False)
    pairs: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        from il2kg.gate_checks import compile_tests

        object.__setattr__(self, "tests", compile_tests(self))
        object.__setattr__(self, "pairs", any(name in ("lessThan", "lessThanOrEquals", "disjoint")
                                              for name, _ in self.constraints))


def split(shapes: Graph) -> tuple[Graph, tuple[Check, ...]]:
    """The shapes less the property shapes this module checks, and those checks (in a stable order)."""
    rest = copy_of(shapes)
    checks = split_off(shapes, rest, SH.property, _check, _closure)
    for owner, operator in sorted(shapes.subject_predicates(None)):
        check = _logical(shapes, owner, operator) if operator in (SH.xone, SH["or"]) else None
        if check is not None:
            checks.append(check)
            for node in _closure(shapes, shapes.value(owner, operator)):
                rest.remove((node, None, None))
            rest.remove((owner, operator, None))
    return rest, tuple(checks)


def copy_of(shapes: Graph) -> Graph:
    """A copy of the shapes graph to take checks out of."""
    rest = Graph(bind_namespaces="none")
    rest += shapes
    return rest


def split_off(shapes: Graph, rest: Graph, link: URIRef, make: Callable, parts: Callable) -> list:
    """Take out of `rest` each (owner, link, node) of the shapes that `make(shapes, owner, node)` turns into a
    check, with the triples of the nodes `parts(shapes, node)` names; the checks, in a stable order."""
    taken = []
    for owner, node in sorted(shapes.subject_objects(link)):
        item = make(shapes, owner, node)
        if item is None:
            continue
        taken.append(item)
        rest.remove((owner, link, node))
        for part in parts(shapes, node):
            rest.remove((part, None, None))
    return taken


def needs_engine(rest: Graph) -> bool:
    """Whether the shapes left to pyrudof still hold a constraint (else the document need not go through it)."""
    return any(p.startswith(str(SH)) and p not in _INERT for p in rest.predicates(unique=True))


def _logical(shapes: Graph, owner, operator) -> Check | None:
    """sh:xone / sh:or over members [ sh:path IRI ; sh:minCount n ] on a class-targeted node shape."""
    classes = _owner_classes(shapes, owner)
    members = []
    for member in Collection(shapes, shapes.value(owner, operator)):
        found = dict(shapes.predicate_objects(member))
        if (not isinstance(member, BNode) or set(found) != {SH.path, SH.minCount}
                or not isinstance(found[SH.path], URIRef) or _count(found[SH.minCount]) is None):
            return None
        members.append((str(found[SH.path]), _count(found[SH.minCount])))
    if classes is None or not members or len(list(shapes.objects(owner, operator))) != 1:
        return None
    return Check(str(owner), classes, (), ((str(operator).rpartition("#")[2], tuple(members)),), None, "Violation")


def _owner_classes(shapes: Graph, owner) -> tuple[str, ...] | None:
    """The target classes of a named node shape reached by nothing else, or None."""
    if isinstance(owner, BNode) or list(shapes.subjects(None, owner)) or (owner, RDF.type, RDFS.Class) in shapes:
        return None
    if shapes.value(owner, SH.path) is not None or set(shapes.predicates(owner, None)) & {
            SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.deactivated}:
        return None
    return tuple(sorted(str(c) for c in shapes.objects(owner, SH.targetClass))) or None


def _path(shapes: Graph, path) -> tuple[tuple[str, bool], ...] | None:
    """A predicate, an inverse predicate, or alternatives of those, as (predicate, inverse) pairs."""
    if isinstance(path, URIRef):
        return ((str(path), False),)
    if not isinstance(path, BNode):
        return None
    inner = list(shapes.predicate_objects(path))
    if len(inner) != 1:
        return None
    kind, value = inner[0]
    if kind == SH.inversePath and isinstance(value, URIRef):
        return ((str(value), True),)
    if kind == SH.alternativePath and isinstance(value, BNode):
        parts = [_path(shapes, item) for item in Collection(shapes, value)]
        if parts and all(p is not None and len(p) == 1 for p in parts):
            return tuple(p[0] for p in parts)
    return None


def _closure(shapes: Graph, node) -> list:
    """The shape and the blank nodes it holds (sh:in lists, an inverse path)."""
    found, todo = [], [node]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += [o for o in shapes.objects(current, None) if isinstance(o, BNode)]
    return found


def _check(shapes: Graph, owner, shape) -> Check | None:
    if isinstance(owner, BNode) or isinstance(shape, BNode):
        return None
    if set(shapes.subject_predicates(shape)) != {(owner, SH.property)}:
        return None  # shared with another shape, or reached through sh:node or a list: pyrudof's
    classes, paths = _owner_classes(shapes, owner), _path(shapes, shapes.value(shape, SH.path))
    if classes is None or paths is None or len(list(shapes.objects(shape, SH.path))) != 1:
        return None
    constraints = []
    for predicate, value in sorted(shapes.predicate_objects(shape)):
        if predicate in _ANNOTATIONS:
            continue
        parameter = _parameter(shapes, predicate, value)
        if predicate not in _SIMPLE or parameter is None:
            return None
        constraints.append((str(predicate).rpartition("#")[2], parameter))
    if len({name for name, _ in constraints}) != len(constraints):
        return None  # two of one kind: rare, and pyrudof's
    messages = [(str(m), m.language if isinstance(m, Literal) else None) for m in shapes.objects(shape, SH.message)]
    english = [text for text, lang in messages if lang == "en"]
    chosen = english or [text for text, _ in messages]
    severity = shapes.value(shape, SH.severity)
    return Check(str(shape), classes, paths, tuple(constraints),
                 "; ".join(sorted(chosen)) if chosen else None,
                 str(severity).rpartition("#")[2] if severity is not None else "Violation")


def _parameter(shapes: Graph, predicate, value):
    """A constraint's parameter in the form the check needs, or None when it is not simple."""
    if predicate in (SH.minCount, SH.maxCount, SH.minLength, SH.maxLength):
        return _count(value)
    if predicate == SH.datatype:
        return str(value) if str(value) in _LEXICAL else None
    if predicate == SH.nodeKind:
        return str(value).rpartition("#")[2] if value in _KINDS else None
    if predicate in _RANGE:
        return _number(value.datatype and str(value.datatype), str(value)) if isinstance(value, Literal) else None
    if predicate in _PAIR or predicate in (SH["class"], SH.disjoint):
        return str(value) if isinstance(value, URIRef) else None
    if predicate == SH.pattern:
        plain = (isinstance(value, Literal) and not value.language and _SAFE_PATTERN.match(str(value))
                 and "(?" not in str(value))  # no inline flags, no lookaround, no named groups
        return re.compile(str(value)) if plain else None  # sh:flags on the shape is not simple: pyrudof's
    if predicate == SH["in"]:
        items = list(Collection(shapes, value)) if isinstance(value, BNode) else []
        return tuple(_key(i) for i in items) if items and all(isinstance(i, URIRef | Literal) for i in items) else None
    return None


def _count(value) -> int | None:
    return value.toPython() if isinstance(value, Literal) and isinstance(value.toPython(), int) else None


def _key(term) -> tuple:
    """A term as (kind, text, datatype, language), the same for rdflib's and Oxigraph's spelling of it."""
    if isinstance(term, URIRef):
        return ("iri", str(term), None, None)
    datatype = None if term.language else str(term.datatype or XSD.string)
    return ("literal", str(term), datatype, term.language)


def _number(datatype: str | None, lexical: str) -> Decimal | None:
    """A well-formed xsd:integer or xsd:decimal as a Decimal; None for anything else (a double, a string)."""
    pattern = _LEXICAL.get(datatype or "")
    if datatype not in _NUMERIC or not pattern.match(lexical):
        return None
    try:
        return Decimal(lexical)
    except InvalidOperation:
        return None


