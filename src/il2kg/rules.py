"""The reasoner's classifications from rules: SPARQL CONSTRUCT rules in queries/rules/, run in linear time.

HermiT grows steeply with the individuals (2.5k: 4.5 s; 14k: 529 s), while every defined class of
the ontology (trial designs, disease groups and disease trials, placebo arms, primary outcomes,
significant results) is an intersection of a class with a value or an existential restriction, which
one CONSTRUCT per family computes. The rules run in file-name order until nothing new appears, and
only the most specific types are kept, as HermiT reports them: which class is below which comes from
HermiT on the ontology alone (seconds, whatever the data), or from the asserted hierarchy without Java.
tests/test_rules.py proves both engines give the same inferred types on the corpus graph.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from il2kg import resources
from il2kg.rdf_io import atomic_write
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


ANCESTORS_CACHE = resources.DATA_DIR / ".il2kg-cache" / "hermit-ancestors.json"


def _hermit_ancestors(ontology: Graph) -> dict[str, frozenset[str]]:
    """HermiT's classification of the ontology, kept on disk by the ontology's hash (Java's start and HermiT
    cost seconds on every build, and the answer changes only with the ontology)."""
    from il2kg.ontology import rdfxml_bytes

    owl = rdfxml_bytes(ontology)
    key = hashlib.sha256(owl + version("owlready2").encode()).hexdigest()
    try:
        cached = json.loads(ANCESTORS_CACHE.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            return {cls: frozenset(above) for cls, above in cached["ancestors"].items()}
    except (OSError, ValueError, AttributeError):
        pass
    found = _run_hermit(owl)
    try:
        text = json.dumps({"key": key, "ancestors": {c: sorted(a) for c, a in sorted(found.items())}}, indent=0)
        atomic_write(ANCESTORS_CACHE, text.encode("utf-8"))
    except OSError:
        pass  # a read-only checkout still reasons; it only runs HermiT again next time
    return found


def _run_hermit(owl: bytes) -> dict[str, frozenset[str]]:
    import owlready2

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ontology.owl"
        path.write_bytes(owl)
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        with onto:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        found = {}
        for cls in world.classes():
            if cls.iri.startswith(str(IL)):
                found[cls.iri] = frozenset(a.iri for a in cls.ancestors() if getattr(a, "iri", None) and a is not cls)
        return found


def rule_types(store, ancestors: dict[str, frozenset[str]]) -> tuple[tuple[str, str], ...]:
    """(individual, class) pairs the rules infer that the view does not assert, most specific only.

    `store` is an Oxigraph store of the reasoning view (reason.py makes it; the rules add their triples to it):
    at 9,000 individuals rdflib's engine took seconds per round where Oxigraph takes milliseconds; the texts are
    the same ones `_rules()` checks.
    """
    import pyoxigraph as ox

    texts = [text for _, text in _rule_texts()]
    a, default = ox.NamedNode(str(RDF.type)), ox.DefaultGraph()
    # Each rule's new types go into the store before the next rule runs, so a chain of rules completes in one round
    # (two rounds a build, not three); the rules are monotone (no negation), so the fixpoint, and with it the
    # answer, is the one rounds of all rules at once reach.
    new: set[tuple] = set()
    changed = True
    while changed:
        changed = False
        for text in texts:
            found = {(t.subject, t.object) for t in store.query(text) if t.predicate == a}
            fresh = {pair for pair in found - new if not any(store.quads_for_pattern(pair[0], a, pair[1], default))}
            if fresh:
                store.extend(ox.Quad(s, a, o, default) for s, o in fresh)
                new |= fresh
                changed = True
    inferred = set()
    for individual, cls in new:
        types = {q.object.value for q in store.quads_for_pattern(individual, a, None, default)
                 if isinstance(q.object, ox.NamedNode)}
        below = any(cls.value in ancestors.get(other, ()) for other in types if other != cls.value)
        if not below:
            inferred.add((individual.value, cls.value))
    return tuple(sorted(inferred))


def _rule_texts() -> list[tuple[Path, str]]:
    _rules()  # refuses an update or a malformed rule with its file name
    return [(p, p.read_text(encoding="utf-8")) for p in sorted(RULES_DIR.glob("*.rq"))]
