"""Run gate_core's checks on one document's Oxigraph store: say they all pass, or give up to pyrudof.

A test is exact where it says "passes" and conservative elsewhere: a value any engine might read otherwise
(a signed or huge number, a boolean 1, a blank node, a newline where a pattern has $) fails the test, and
the document then goes through pyrudof with every core constraint, whose report is the reference.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH, XSD

from il2kg.gate_core import _NUMERIC, _PAIR, _RANGE, Check


class Facts:
    """What the checks read from one document's store: values by predicate, and instances of classes."""

    def __init__(self, store, supers: dict[str, frozenset[str]]) -> None:
        import pyoxigraph as ox

        self.store, self._supers = store, supers
        self._by_predicate: dict[str, tuple[dict, dict]] = {}
        self._instances: dict[tuple[str, ...], list] = {}
        self.types: dict = {}  # node -> every class it belongs to (with superclasses)
        for quad in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), None):
            if isinstance(quad.object, ox.NamedNode):
                cls = quad.object.value
                found = self.types.get(quad.subject)
                more = supers.get(cls) or (cls,)
                if found is None:
                    self.types[quad.subject] = set(more)
                else:
                    found.update(more)

    def values(self, predicate: str, inverse: bool) -> dict:
        """{node: [values]} along the predicate (or against it)."""
        found = self._by_predicate.get(predicate)
        if found is None:
            import pyoxigraph as ox

            forward, backward = {}, {}
            for quad in self.store.quads_for_pattern(None, ox.NamedNode(predicate), None):
                forward.setdefault(quad.subject, []).append(quad.object)
                backward.setdefault(quad.object, []).append(quad.subject)
            found = self._by_predicate[predicate] = (forward, backward)
        return found[1 if inverse else 0]

    def along(self, paths: tuple[tuple[str, bool], ...]) -> dict:
        """{node: [values]} along a path's alternatives (each value once)."""
        if len(paths) == 1:
            return self.values(*paths[0])
        merged: dict = {}
        for predicate, inverse in paths:
            for node, found in self.values(predicate, inverse).items():
                merged.setdefault(node, []).extend(v for v in found if v not in merged.get(node, ()))
        return merged

    def instances(self, classes: tuple[str, ...]) -> list:
        """The nodes typed with one of the classes or a subclass of one."""
        found = self._instances.get(classes)
        if found is None:
            found = self._instances[classes] = [n for n, types in self.types.items() if not types.isdisjoint(classes)]
        return found


def superclasses(typing: Graph) -> dict[str, frozenset[str]]:
    """Each class of the ontology with all its superclasses and itself (rdfs:subClassOf*)."""
    parents: dict[str, set[str]] = {}
    for child, parent in typing.subject_objects(RDFS.subClassOf):
        parents.setdefault(str(child), set()).add(str(parent))
    closed = {}
    for cls in parents:
        seen, todo = {cls}, [cls]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        closed[cls] = frozenset(seen)
    return closed


def run(facts: Facts, checks: tuple[Check, ...]) -> list[tuple[Check, str]] | None:
    """The focus nodes that miss a minCount, by check; None when anything else fails or is not sure.

    None sends the document to pyrudof with every core constraint (the caller's fallback). A missing value
    is common (a warning that an outcome has no result) and pyrudof reports it plainly, so it is kept here.
    The caller makes sure the document adds no rdfs:subClassOf of its own (the superclasses are the ontology's).
    """
    import pyoxigraph as ox

    blank = ox.BlankNode
    missing = []
    for check in checks:
        focus = facts.instances(check.classes)
        if not focus:
            continue
        if any(isinstance(node, blank) for node in focus):
            return None  # pyrudof names blank nodes its own way
        if not check.paths:
            if not _logical(facts, check, focus):
                return None
            continue
        values = facts.along(check.paths)
        low, high, test = check.tests
        passed: set = set()
        for node in focus:
            found = values.get(node, ())
            if len(found) > high:
                return None
            if len(found) < low:
                if check.paths[0][1] or len(check.paths) > 1 or check.message is None:
                    return None  # pyrudof writes a complex path its own way
                missing.append((check, node.value))
            if test is None:
                continue
            for value in found:
                if value not in passed:
                    if not test(facts, node, value):
                        return None
                    if not check.pairs:
                        passed.add(value)  # a value's verdict is its own, unless compared with another path
    return missing


def _logical(facts: Facts, check: Check, focus: list) -> bool:
    """sh:xone (exactly one member holds) or sh:or (one at least), members being minimum counts of a predicate."""
    (operator, members), = check.constraints
    for node in focus:
        held = sum(len(facts.values(predicate, False).get(node, ())) >= least for predicate, least in members)
        if held != 1 if operator == "xone" else held < 1:
            return False
    return True


def compile_tests(check: Check) -> tuple[int, float, object]:
    """(fewest values, most values, a test of one value or None) for a check's constraints."""
    import pyoxigraph as ox

    low, high, tests = 0, float("inf"), []
    if not check.paths:
        return 0, float("inf"), None
    for name, parameter in check.constraints:
        if name == "minCount":
            low = parameter
        elif name == "maxCount":
            high = parameter
        else:
            tests.append(_value_test(name, parameter, ox))
    if not tests:
        return low, high, None
    if len(tests) == 1:
        return low, high, tests[0]
    return low, high, lambda facts, node, value: all(t(facts, node, value) for t in tests)


def _value_test(name: str, parameter, ox):
    if name == "nodeKind":
        kinds = {"IRI": (ox.NamedNode,), "Literal": (ox.Literal,), "BlankNode": (ox.BlankNode,),
                 "BlankNodeOrIRI": (ox.BlankNode, ox.NamedNode), "BlankNodeOrLiteral": (ox.BlankNode, ox.Literal),
                 "IRIOrLiteral": (ox.NamedNode, ox.Literal)}[parameter]
        return lambda facts, node, value: isinstance(value, kinds)
    if name == "datatype":
        pattern = _PLAIN.get(parameter)
        return lambda facts, node, value: (isinstance(value, ox.Literal) and not value.language
                                           and value.datatype.value == parameter
                                           and (pattern is None or pattern.match(value.value) is not None))
    if name == "minLength":  # code points: an engine counting bytes or UTF-16 units finds as many or more
        return lambda facts, node, value: not isinstance(value, ox.BlankNode) and len(value.value) >= parameter
    if name == "maxLength":  # bytes: as many as the code points or more
        return lambda facts, node, value: (not isinstance(value, ox.BlankNode)
                                           and len(value.value.encode("utf-8")) <= parameter)
    if name in ("minInclusive", "minExclusive", "maxInclusive", "maxExclusive"):
        compare = _RANGE[SH[name]]
        return lambda facts, node, value: (n := _number_of(value, ox)) is not None and compare(n, parameter)
    if name == "in":
        allowed = frozenset(parameter)
        return lambda facts, node, value: _ox_key(value, ox) in allowed
    if name == "class":
        return lambda facts, node, value: (isinstance(value, ox.NamedNode)
                                           and parameter in facts.types.get(value, ()))
    if name == "pattern":  # a newline is where Python's $ and XPath's part ways
        return lambda facts, node, value: (not isinstance(value, ox.BlankNode) and "\n" not in value.value
                                           and parameter.search(value.value) is not None)
    if name == "disjoint":
        return lambda facts, node, value: value not in facts.values(parameter, False).get(node, ())
    compare = _PAIR[SH[name]]  # lessThan, lessThanOrEquals

    def paired(facts, node, value) -> bool:
        a = _number_of(value, ox)
        others = facts.values(parameter, False).get(node, ())
        return a is not None and all((b := _number_of(w, ox)) is not None and compare(a, b) for w in others)

    return paired


_PLAIN = {str(XSD.integer): re.compile(r"-?[0-9]{1,18}\Z"),
          str(XSD.decimal): re.compile(r"-?[0-9]{1,18}(\.[0-9]{1,18})?\Z"),
          str(XSD.boolean): re.compile(r"(true|false)\Z")}  # forms every engine reads alike: no plus sign, no exponent


def _number_of(term, ox) -> Decimal | None:
    if not isinstance(term, ox.Literal) or term.language or term.datatype.value not in _NUMERIC:
        return None
    if _PLAIN[term.datatype.value].match(term.value) is None:
        return None
    return Decimal(term.value)


def _ox_key(term, ox) -> tuple:
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value, None, None)
    if isinstance(term, ox.BlankNode):
        return ("blank", term.value, None, None)
    return ("literal", term.value, None if term.language else term.datatype.value, term.language)
