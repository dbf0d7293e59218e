"""OWL reasoning with HermiT (through owlready2): consistency and inferred classifications.

HermiT does not scale past a few thousand individuals, so it sees a reasoning view: the ontology
plus the domain individuals' types and object-property links (and the boolean il2kg:significant),
without evidence nodes or other literals. Java is needed; without it reasoning is skipped, loudly.
Above HERMIT_MAX_INDIVIDUALS (where HermiT still answers within seconds on this machine) the same
classifications come from the SPARQL rules of il2kg.rules, in linear time; consistency is then not
checked (the message says so).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from il2kg.curie import READER, curie
from il2kg.ontology import rdfxml_bytes
from il2kg.vocab import BASE, IL, PREFIXES

_SKIP_TYPES = {IL.Evidence, IL.SourceDocument, IL.ExtractionActivity, IL.Authorship, IL.CitationMetric}
_SKIP_PROPERTIES = {IL.evidenceFor, IL.evidenceObject}
_META = (str(OWL), str(RDF), str(RDFS))
# HermiT through owlready2: 2k individuals 5 s, 2.9k 24 s, 4.8k 136 s (docs/reference performance figures).
HERMIT_MAX_INDIVIDUALS = 2000


@dataclass(frozen=True, slots=True)
class Reasoning:
    """The outcome of a reasoner run: consistency (None when skipped) and the new class assertions."""

    consistent: bool | None
    inferred: tuple[tuple[str, str], ...]  # (individual IRI, class IRI), sorted
    individuals: int
    seconds: float
    skipped: str | None = None
    engine: str = "HermiT"


def reasoning_view(ontology: Graph, data: Graph | None) -> Graph:
    """The ontology plus the data's class assertions and object-property links between domain nodes."""
    view = Graph(bind_namespaces="none")
    for triple in ontology:
        view.add(triple)
    if data is not None:
        _add_data(view, ontology, data)
    # owlready2 only sees individuals that are declared: declare every subject typed with a domain class.
    for individual, cls in list(view.subject_objects(RDF.type)):
        if not str(cls).startswith(_META):
            view.add((individual, RDF.type, OWL.NamedIndividual))
    return view


def _add_data(view: Graph, ontology: Graph, data: Graph) -> None:
    object_properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) - _SKIP_PROPERTIES
    skipped = {s for cls in _SKIP_TYPES for s in data.subjects(RDF.type, cls)}
    for s, p, o in data:
        if s in skipped or o in skipped:
            continue
        if p == RDF.type and str(o).startswith(BASE) or p in object_properties:
            view.add((s, p, o))
        elif p == IL.significant and isinstance(o, Literal):
            view.add((s, p, o))


def reason(ontology: Graph, data: Graph | None = None, max_individuals: int = HERMIT_MAX_INDIVIDUALS,
           engine: str = "auto") -> Reasoning:
    """Classify the reasoning view: HermiT up to max_individuals (or engine="hermit"), else the SPARQL rules."""
    view = reasoning_view(ontology, data)
    individuals = len(set(view.subjects(RDF.type, OWL.NamedIndividual)))
    if engine == "rules" or (engine == "auto" and individuals > max_individuals):
        return _by_rules(ontology, view, individuals)
    if shutil.which("java") is None:
        hint = "Java not found: install a JRE (apt-get install default-jre-headless) to reason with HermiT"
        return Reasoning(None, (), individuals, 0.0, skipped=hint)
    import owlready2

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "view.owl"
        path.write_bytes(rdfxml_bytes(view))
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return Reasoning(False, (), individuals, time.perf_counter() - started)
        inferred = _new_types(world, view)
    return Reasoning(True, inferred, individuals, time.perf_counter() - started)


def _by_rules(ontology: Graph, view: Graph, individuals: int) -> Reasoning:
    from il2kg.rules import class_ancestors, rule_types

    started = time.perf_counter()
    inferred = rule_types(view, class_ancestors(ontology))
    return Reasoning(None, inferred, individuals, time.perf_counter() - started, engine="rules",
                     skipped=None)


def _new_types(world, view: Graph) -> tuple[tuple[str, str], ...]:
    found = set()
    for individual in world.individuals():
        iri = URIRef(individual.iri)
        asserted = set(view.objects(iri, RDF.type))
        for cls in individual.is_a:
            cls_iri = getattr(cls, "iri", None)
            if cls_iri and cls_iri.startswith(str(PREFIXES["il2kg"])) and URIRef(cls_iri) not in asserted:
                found.add((str(iri), cls_iri))
    return tuple(sorted(found))


def inferred_graph(result: Reasoning) -> Graph:
    """The inferred class assertions as triples."""
    graph = Graph(bind_namespaces="none")
    for individual, cls in result.inferred:
        graph.add((URIRef(individual), RDF.type, URIRef(cls)))
    return graph


def _name(iri: str, labels: Graph) -> str:
    """An IRI as a reader reads it: CURIE and label, e.g. 'MONDO:0004976 (amyotrophic lateral sclerosis)'."""
    text = curie(iri, READER)
    node = URIRef(iri)
    found = sorted(str(o) for o in labels.objects(node, RDFS.label)) or sorted(
        str(o) for o in labels.objects(node, IL.acronym))
    return f"{text} ({found[0]})" if found else text


def format_reasoning(result: Reasoning, labels: Graph) -> str:
    """The `il2kg check` report: a header, one line per inferred classification (CURIE and label), the verdict."""
    verdict = "consistent" if result.consistent else "INCONSISTENT"
    lines = [f"HermiT: {verdict} ({result.individuals} individuals, {result.seconds:.1f} s); "
             f"{len(result.inferred)} inferred classification{'s' if len(result.inferred) != 1 else ''}"]
    if result.inferred:
        rows = [(_name(individual, labels), _name(cls, labels)) for individual, cls in result.inferred]
        width = max(len("individual"), *(len(a) for a, _ in rows))
        lines.append(f"{'individual':<{width}}  is inferred to be a")
        lines += [f"{a:<{width}}  {b}" for a, b in rows]
    lines.append(f"ontology {verdict} under HermiT")
    return "\n".join(lines)
