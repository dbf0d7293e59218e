"""The VoID/DCAT description of a release: counts, class and property partitions, files, licence, SHACL verdict."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, SH, VOID, XSD

from il2kg.exports.formats import CHECKSUMS, media_type
from il2kg.rdf_io import new_graph, turtle_bytes
from il2kg.vocab import ONTOLOGY_IRI, PREFIXES, mint, slug

DATASET = mint("dataset", "il2kg")
DCAT3 = Namespace(str(DCAT))  # rdflib's DCAT lists DCAT 2 terms; dcat:version is DCAT 3
VOID_PREFIXES = {**PREFIXES, "void": VOID, "dcat": DCAT}


def _count(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _partitions(graph: Graph, description: Graph) -> None:
    classes = Counter(o for _, o in set(graph.subject_objects(RDF.type)) if isinstance(o, URIRef))
    for cls, entities in sorted(classes.items()):
        part = mint("dataset", "il2kg", "class", slug(str(cls)))
        description.add((DATASET, VOID.classPartition, part))
        description.add((part, VOID["class"], cls))
        description.add((part, VOID.entities, _count(entities)))
    properties = Counter(p for _, p, _ in graph)
    for prop, triples in sorted(properties.items()):
        part = mint("dataset", "il2kg", "property", slug(str(prop)))
        description.add((DATASET, VOID.propertyPartition, part))
        description.add((part, VOID.property, prop))
        description.add((part, VOID.triples, _count(triples)))


def _distributions(out_dir: Path, description: Graph) -> None:
    skip = {"void.ttl", CHECKSUMS}
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file() and p.name not in skip and p.name[:1] != "."):
        name = path.relative_to(out_dir).as_posix()
        dist = mint("dataset", "il2kg", "distribution", slug(name))
        description.add((DATASET, DCAT.distribution, dist))
        description.add((dist, RDF.type, DCAT.Distribution))
        description.add((dist, DCTERMS.title, Literal(name)))
        description.add((dist, DCAT.mediaType, Literal(media_type(path))))
        description.add((dist, DCAT.byteSize, _count(path.stat().st_size)))


def void_graph(merged: Graph, out_dir: Path, shacl_conforms: bool) -> Graph:
    """Describe the release: triples, entities, partitions, distributions in out_dir, licence, version, verdict."""
    g = new_graph()
    g.bind("void", VOID)
    g.bind("dcat", DCAT)
    g.add((DATASET, RDF.type, VOID.Dataset))
    g.add((DATASET, RDF.type, DCAT.Dataset))
    for p in (DCTERMS.title, DCTERMS.description, DCTERMS.license):
        for value in merged.objects(ONTOLOGY_IRI, p):
            g.add((DATASET, p, value))
    for version in merged.objects(ONTOLOGY_IRI, OWL.versionInfo):
        g.add((DATASET, OWL.versionInfo, version))
        g.add((DATASET, DCAT3.version, Literal(str(version))))
    g.add((DATASET, VOID.triples, _count(len(merged))))
    g.add((DATASET, VOID.entities, _count(len({s for s in merged.subjects() if isinstance(s, URIRef)}))))
    g.add((DATASET, VOID.vocabulary, ONTOLOGY_IRI))
    _partitions(merged, g)
    _distributions(out_dir, g)
    report = mint("dataset", "il2kg", "shacl-report")
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(shacl_conforms)))
    g.add((report, DCTERMS.subject, DATASET))
    return g


def void_bytes(merged: Graph, out_dir: Path, shacl_conforms: bool) -> bytes:
    """Serialise the release description as deterministic Turtle."""
    return turtle_bytes(void_graph(merged, out_dir, shacl_conforms), VOID_PREFIXES)
