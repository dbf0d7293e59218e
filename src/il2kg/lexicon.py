"""Build the extractor's Lexicon from the ontology's labels and synonyms."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from il2kg.curie import LEXICON, curie
from il2kg.model import Lexicon, Term
from il2kg.vocab import IL

# Which ontology class makes an individual which kind of lexicon term.
KIND_OF_CLASS = {
    IL.Disease: "disease",
    IL.DiseaseCategory: "disease",
    IL.Agent: "agent",
    IL.Biomarker: "biomarker",
    IL.CellPopulation: "biomarker",
    IL.SolubleMarker: "biomarker",
    IL.ClinicalScore: "biomarker",
    IL.Mechanism: "mechanism",
    IL.Specimen: "specimen",
}


def lexicon_from_graph(ontology: Graph) -> Lexicon:
    """Collect every typed individual of a lexicon class with its label and skos:altLabels."""
    terms = []
    for cls, kind in KIND_OF_CLASS.items():
        for individual in ontology.subjects(RDF.type, cls):
            if not isinstance(individual, URIRef):
                continue
            preferred = [str(o) for o in ontology.objects(individual, RDFS.label)]
            synonyms = sorted(str(o) for o in ontology.objects(individual, SKOS.altLabel))
            labels = tuple(dict.fromkeys(sorted(preferred) + synonyms))
            # A disease's category (autoimmune, inflammatory) is broader than the disease, as skos:broader is.
            above = {*ontology.transitive_objects(individual, SKOS.broader),
                     *ontology.objects(individual, IL.hasDiseaseCategory)}
            broader = sorted(curie(b, LEXICON) for b in above if b != individual)
            terms.append(Term(curie(individual, LEXICON), kind, labels, tuple(broader)))
    return Lexicon(tuple(sorted(set(terms), key=lambda t: (t.kind, t.curie))))


@lru_cache(maxsize=4)
def load_lexicon(path: Path) -> Lexicon:
    """Load the lexicon from an ontology file (cached per path)."""
    return lexicon_from_graph(Graph().parse(path, format="turtle"))
