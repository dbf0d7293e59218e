"""The reasoner's classifications from rules: SPARQL CONSTRUCT rules in queries/rules/, run in linear time.

HermiT grows steeply with the individuals (2.5k: 4.5 s; 14k: 529 s), while every defined class of
the ontology (trial designs, disease groups and disease trials, placebo arms, primary outcomes,
significant results) is an intersection of a class with a value or an existential restriction, which
one CONSTRUCT per family computes. The rules run in file-name order until nothing new appears, and
only the most specific types are kept, as HermiT reports them: which class is below which comes from
HermiT on the ontology alone (seconds, whatever the data), or from the asserted hierarchy without Java.
tests/test_reason.py proves both engines give the same inferred types on the corpus graph.
"""

from __future__ import annotations

import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from il2kg import resources
from il2kg.vocab import IL

RULES_DIR = resources.QUERIES_DIR / "rules"


@lru_cache(maxsize=4)
def _rules(folder: Path = RULES_DIR) -> tuple:
    from il2kg.query import prepare

    return tuple(prepare(p.read_text(encoding="utf-8"), str(p)) for p in sorted(folder.glob("*.rq")))


def class_ancestors(ontology: Graph) -> dict[str, frozenset[str]]:
    """Every il2kg class with the classes above it: HermiT's classification of the ontology, else the asserted one."""
    if shutil.which("java") is not None:
        return _hermit_ancestors(ontology)
    return {str(c): frozenset(str(a) for a in ontology.transitive_objects(c, RDFS.subClassOf) if a != c)
            for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and str(c).startswith(str(IL))}


def _hermit_ancestors(ontology: Graph) -> dict[str, frozenset[str]]:
    import owlready2

    from il2kg.ontology import rdfxml_bytes

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ontology.owl"
        path.write_bytes(rdfxml_bytes(ontology))
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        with onto:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        found = {}
        for cls in world.classes():
            if cls.iri.startswith(str(IL)):
                found[cls.iri] = frozenset(a.iri for a in cls.ancestors() if getattr(a, "iri", None) and a is not cls)
        return found


def rule_types(view: Graph, ancestors: dict[str, frozenset[str]]) -> tuple[tuple[str, str], ...]:
    """(individual, class) pairs the rules infer that the view does not assert, most specific only."""
    working = Graph(bind_namespaces="none")
    working += view
    new: set[tuple[URIRef, URIRef]] = set()
    while True:
        found = {(s, o) for rule in _rules() for s, p, o in working.query(rule).graph if p == RDF.type}
        fresh = {pair for pair in found if (pair[0], RDF.type, pair[1]) not in working}
        if not fresh:
            break
        for s, o in fresh:
            working.add((s, RDF.type, o))
        new |= fresh
    inferred = set()
    for individual, cls in new:
        types = {str(t) for t in working.objects(individual, RDF.type)}
        below = any(str(cls) in ancestors.get(other, ()) for other in types if other != str(cls))
        if not below:
            inferred.add((str(individual), str(cls)))
    return tuple(sorted(inferred))
