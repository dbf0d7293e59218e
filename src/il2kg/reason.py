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
from collections.abc import Iterator
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


def view_triples(ontology: Graph, data) -> tuple[list[tuple], set]:
    """The reasoning view's triples (some more than once) and its individuals: the ontology's triples, the data's
    kept ones, and a NamedIndividual declaration of every subject typed with a domain class (owlready2 only sees
    individuals that are declared). `data` is an rdflib graph or the build's ViewData (both answer `subjects` and
    `subject_objects`)."""
    triples = list(ontology)
    a, declared = RDF.type, OWL.NamedIndividual
    typed = {s for s, cls in ontology.subject_objects(a) if not str(cls).startswith(_META)}
    individuals = set(ontology.subjects(a, declared))
    if data is not None:
        for triple in _data_triples(ontology, data):
            triples.append(triple)
            if triple[1] is a:  # a data type is an il2kg class (_data_triples yields `a` itself): never a meta one
                typed.add(triple[0])
    triples += [(individual, a, declared) for individual in typed]
    return triples, individuals | typed


def _data_triples(ontology: Graph, data) -> Iterator[tuple]:
    """The data's domain class assertions, object-property links and il2kg:significant values, read by predicate
    (the other triples, most of the data, are never looked at), skipping the provenance and evidence nodes."""
    object_properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) - _SKIP_PROPERTIES
    skipped = {s for cls in _SKIP_TYPES for s in data.subjects(RDF.type, cls)}
    a, significant = RDF.type, IL.significant
    for s, o in data.subject_objects(a):
        if s not in skipped and o not in skipped and str(o).startswith(BASE):
            yield s, a, o
    for p in sorted(object_properties):
        for s, o in data.subject_objects(p):
            if s not in skipped and o not in skipped:
                yield s, p, o
    for s, o in data.subject_objects(significant):
        if s not in skipped and isinstance(o, Literal):
            yield s, significant, o


def reason(ontology: Graph, data=None, max_individuals: int = HERMIT_MAX_INDIVIDUALS,
           engine: str = "auto") -> Reasoning:
    """Classify the reasoning view: HermiT up to max_individuals (or engine="hermit"), else the SPARQL rules.

    `data` is an rdflib graph or the build's ViewData; the rules read the view from an Oxigraph store made
    straight from its triples (an rdflib graph of it cost ~0.8 s at 1,000 documents, its N-Triples ~0.3 s more)."""
    started = time.perf_counter()
    triples, declared = view_triples(ontology, data)
    individuals = len(declared)
    if engine == "rules" or (engine == "auto" and individuals > max_individuals):
        from il2kg.rules import class_ancestors, rule_types

        inferred = rule_types(_view_store(triples), class_ancestors(ontology))
        return Reasoning(None, inferred, individuals, time.perf_counter() - started, engine="rules")
    if shutil.which("java") is None:
        hint = "Java not found: install a JRE (apt-get install default-jre-headless) to reason with HermiT"
        return Reasoning(None, (), individuals, 0.0, skipped=hint)
    import owlready2

    view = Graph(bind_namespaces="none")
    for triple in triples:
        view.add(triple)
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


def _view_store(triples: list[tuple]):
    """An in-memory Oxigraph store of the view's triples: those between two IRIs (nearly all) as one N-Triples text
    for Oxigraph's parser (half the time of making its terms one by one), the rest as terms, each made once.
    Should the parser refuse an IRI, they all go the slower way (whose error names the IRI Oxigraph cannot hold)."""
    import pyoxigraph as ox

    from il2kg.query_oxigraph import to_ox

    lines, others = [], []
    for s, p, o in triples:
        if type(s) is URIRef and type(o) is URIRef:  # p is always an IRI
            lines.append(f"<{s}> <{p}> <{o}> .\n")
        else:
            others.append((s, p, o))
    store = ox.Store()
    try:
        store.load("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    except (SyntaxError, ValueError):
        store, others = ox.Store(), triples
    terms: dict = {}
    default = ox.DefaultGraph()

    def term(node):
        found = terms.get(node)
        if found is None:
            found = terms[node] = to_ox(node)
        return found

    store.extend(ox.Quad(term(s), term(p), term(o), default) for s, p, o in others)
    return store


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
