"""The VoID/DCAT description of a release: counts, class and property partitions, files, licence, SHACL verdict."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Counts:
    """What VoID says of the merged graph: triples, entities, class and property partitions, the ontology's
    description (title, description, licence, version)."""

    triples: int
    entities: int
    classes: Counter
    properties: Counter
    about: tuple[tuple[URIRef, object], ...]


_ABOUT = (DCTERMS.title, DCTERMS.description, DCTERMS.license, OWL.versionInfo)


def counts_of_graph(merged: Graph) -> Counts:
    """The counts of an rdflib graph."""
    classes = Counter(o for _, o in set(merged.subject_objects(RDF.type)) if isinstance(o, URIRef))
    return Counts(len(merged), len({s for s in merged.subjects() if isinstance(s, URIRef)}), classes,
                  Counter(p for _, p, _ in merged), tuple(merged.predicate_objects(ONTOLOGY_IRI)))


def counts_of_lines(lines: list[str]) -> Counts:
    """The counts of a graph from its sorted, distinct N-Triples lines (one per triple), without rdflib's graph."""
    from bisect import bisect_left

    properties: Counter = Counter()
    classes: Counter = Counter()
    subjects = set()
    a = f"<{RDF.type}>"
    for line in lines:
        subject, predicate, rest = line.split(" ", 2)
        properties[predicate] += 1
        subjects.add(subject)
        if predicate == a and rest[0] == "<":
            classes[rest[:-2]] += 1
    start = f"<{ONTOLOGY_IRI}> "
    about = Graph().parse(data="\n".join(line for line in lines[bisect_left(lines, start):]
                                         if line.startswith(start)) + "\n", format="nt")
    return Counts(len(lines), sum(1 for s in subjects if s[0] == "<"),
                  Counter({URIRef(c[1:-1]): n for c, n in classes.items()}),
                  Counter({URIRef(p[1:-1]): n for p, n in properties.items()}),
                  tuple(about.predicate_objects(ONTOLOGY_IRI)))


def _partitions(counts: Counts, description: Graph) -> None:
    for cls, entities in sorted(counts.classes.items()):
        part = mint("dataset", "il2kg", "class", slug(str(cls)))
        description.add((DATASET, VOID.classPartition, part))
        description.add((part, VOID["class"], cls))
        description.add((part, VOID.entities, _count(entities)))
    for prop, triples in sorted(counts.properties.items()):
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


def void_graph(merged: Graph | Counts, out_dir: Path, shacl_conforms: bool) -> Graph:
    """Describe the release: triples, entities, partitions, distributions in out_dir, licence, version, verdict."""
    counts = merged if isinstance(merged, Counts) else counts_of_graph(merged)
    g = new_graph()
    g.bind("void", VOID)
    g.bind("dcat", DCAT)
    g.add((DATASET, RDF.type, VOID.Dataset))
    g.add((DATASET, RDF.type, DCAT.Dataset))
    for p, value in counts.about:
        if p in _ABOUT[:3]:
            g.add((DATASET, p, value))
        elif p == OWL.versionInfo:
            g.add((DATASET, OWL.versionInfo, value))
            g.add((DATASET, DCAT3.version, Literal(str(value))))
    g.add((DATASET, VOID.triples, _count(counts.triples)))
    g.add((DATASET, VOID.entities, _count(counts.entities)))
    g.add((DATASET, VOID.vocabulary, ONTOLOGY_IRI))
    _partitions(counts, g)
    _distributions(out_dir, g)
    report = mint("dataset", "il2kg", "shacl-report")
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(shacl_conforms)))
    g.add((report, DCTERMS.subject, DATASET))
    return g


def void_bytes(merged: Graph | Counts, out_dir: Path, shacl_conforms: bool) -> bytes:
    """Serialise the release description as deterministic Turtle (from the merged graph or its counts)."""
    return turtle_bytes(void_graph(merged, out_dir, shacl_conforms), VOID_PREFIXES)
