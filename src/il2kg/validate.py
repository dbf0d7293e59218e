"""Validate a graph against shapes/*.ttl with pySHACL (ontology as ont_graph); `Report`/`Violation` values."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from il2kg import resources
from il2kg.curie import TURTLE, curie
from il2kg.errors import QueryError
from il2kg.rdf_io import read_turtle
from il2kg.vocab import IL

_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
# Properties whose value names a node for a curator, best first.
_NAME_PROPERTIES = (IL.registryId, IL.acronym, IL.armLabel, IL.eventTerm, IL.publicationTitle, RDFS.label)


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL validation result, with its terms written as IRIs or N3 literals."""

    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str  # "Violation" | "Warning" | "Info"
    component: str  # local name of the constraint component, e.g. "MinCountConstraintComponent"
    shape: str


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of a validation: `conforms` is False only when there is at least one sh:Violation."""

    conforms: bool
    violations: tuple[Violation, ...]

    @property
    def errors(self) -> tuple[Violation, ...]:
        """Return the results of severity Violation."""
        return tuple(v for v in self.violations if v.severity == "Violation")

    @property
    def warnings(self) -> tuple[Violation, ...]:
        """Return the results of severity Warning."""
        return tuple(v for v in self.violations if v.severity == "Warning")


def load_shapes() -> Graph:
    """Parse every shapes/*.ttl file into one graph; a file that does not parse raises RdfSyntaxError."""
    graph = Graph(bind_namespaces="none")
    for path in resources.shape_files():
        read_turtle(path, graph)
    return graph


@lru_cache(maxsize=1)
def _default_shapes() -> Graph:
    return load_shapes()


def validate(data: Graph, ontology: Graph, shapes: Graph | None = None) -> Report:
    """Validate `data` against the shapes (loaded once from shapes/ by default) with the ontology as ont_graph."""
    import pyshacl  # imported late: it takes a second to import

    working = _PreparedQueryGraph()  # pySHACL mixes the ontology in place into this copy, never into `data`
    working += data
    _, results, _ = pyshacl.validate(
        data_graph=working,
        shacl_graph=_default_shapes() if shapes is None else shapes,
        ont_graph=_typing(ontology),
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=True,
    )
    if not isinstance(results, Graph):  # pySHACL hands back the exception when a shape cannot run
        raise QueryError(f"{resources.SHAPES_DIR}: a shape cannot be run ({results}); fix its SPARQL or structure")
    violations = tuple(sorted(_violations(results), key=_sort_key))
    return Report(conforms=all(v.severity != "Violation" for v in violations), violations=violations)


@lru_cache(maxsize=512)
def _prepared(text: str) -> Query:
    return prepareQuery(text)


class _PreparedQueryGraph(Graph):
    """A graph that parses each SPARQL text once per process.

    pySHACL sends the same query text for every focus node of a SHACL-SPARQL constraint, and parsing
    it (not running it) took 85% of the validation time.
    """

    def __init__(self) -> None:
        super().__init__(bind_namespaces="none")

    def query(self, query_object: str | Query, *args: Any, **kwargs: Any) -> Result:  # type: ignore[override]
        """Run a query, parsing a query text only the first time it is seen."""
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


def _typing(ontology: Graph) -> Graph:
    """Return the ontology's typing: rdf:type and rdfs:subClassOf triples, individuals declared as such.

    That is all the shapes read from the ontology (sh:class of vocabulary individuals, subclasses). pySHACL
    copies from ont_graph only classes, properties and owl:NamedIndividual nodes (deeply, with every label),
    so the individuals are declared here, and the rest is left out to keep that copy cheap.
    """
    typing = Graph(bind_namespaces="none")
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    for node, cls in ontology.subject_objects(RDF.type):
        if isinstance(node, URIRef):
            typing.add((node, RDF.type, cls))
            if cls in classes:
                typing.add((node, RDF.type, OWL.NamedIndividual))
    for node, parent in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(node, URIRef) and isinstance(parent, URIRef):
            typing.add((node, RDFS.subClassOf, parent))
    return typing


def _sort_key(v: Violation) -> tuple:
    return (v.focus, _SEVERITY_ORDER.get(v.severity, 3), v.path or "", v.shape, v.component, v.value or "", v.message)


def _violations(results: Graph) -> Iterable[Violation]:
    for result in results.subjects(RDF.type, SH.ValidationResult):
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        component = results.value(result, SH.sourceConstraintComponent)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        yield Violation(
            focus=_term(results.value(result, SH.focusNode)),
            path=_term(path) if path is not None else None,
            value=_term(value) if value is not None else None,
            message="; ".join(messages) or "(no message)",
            severity=_SEVERITIES.get(results.value(result, SH.resultSeverity), "Violation"),
            component=str(component).rpartition("#")[2],
            shape=_term(results.value(result, SH.sourceShape)),
        )


def _term(node: Node | None) -> str:
    """Write a term as an IRI string, a literal's N3 form, or a blank node's label."""
    if isinstance(node, Literal):
        return node.n3()
    return str(node)


def format_report(report: Report, graph: Graph | None = None) -> str:
    """Render the report for a curator: results grouped by focus node, then a one-line summary."""
    lines: list[str] = []
    focuses = sorted({v.focus for v in report.violations})
    for focus in focuses:
        lines.append(_heading(focus, graph))
        for v in sorted((v for v in report.violations if v.focus == focus), key=_sort_key):
            path = _curie(v.path) if v.path else "-"
            value = f" = {_curie(v.value)}" if v.value else ""
            lines.append(f"  {v.severity}: {path}{value}: {v.message} [{_curie(v.shape)}, {v.component}]")
    errors, warnings = len(report.errors), len(report.warnings)
    lines.append(f"{errors} violations, {warnings} warnings on {len(focuses)} nodes")
    return "\n".join(lines)


def _heading(focus: str, graph: Graph | None) -> str:
    """Name a focus node as a CURIE, with its types and a readable name when the graph is given."""
    heading = _curie(focus)
    if graph is None:
        return heading
    node = URIRef(focus)
    types = sorted(_curie(str(t)) for t in graph.objects(node, RDF.type))
    if types:
        heading += f" ({', '.join(types)})"
    name = next((o for p in _NAME_PROPERTIES for o in sorted(graph.objects(node, p))), None)
    if name is not None:
        heading += f' "{name}"'
    return heading


_DATATYPE = re.compile(r"\^\^<([^>]+)>$")


def _curie(text: str) -> str:
    """Shorten an IRI (or a literal's datatype) with the project prefixes, for display only."""
    if text.startswith('"'):
        return _DATATYPE.sub(lambda m: "^^" + _curie(m.group(1)), text)
    return curie(text, TURTLE)
