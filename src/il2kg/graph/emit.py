"""The Emitter: the one writer of data triples, pairing every fact triple with its Evidence node."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from il2kg.model import Evidence, Fact, Quantity
from il2kg.vocab import IL, mint, short_hash


@dataclass(frozen=True, slots=True)
class Source:
    """The document being turned into triples."""

    file_name: str
    sha256: str
    kind: str
    text: str
    version: str

    @property
    def iri(self) -> URIRef:
        """The document's IRI: id:doc/<first 16 hex digits of its sha256>."""
        return mint("doc", self.sha256[:16])

    @property
    def activity(self) -> URIRef:
        """The extraction activity that read this document at this extractor version."""
        return mint("activity", f"extract-{self.sha256[:16]}-v{self.version}")


SOFTWARE = mint("agent", "il2kg-extractor")


def literal(value: object) -> Literal:
    """Turn a record value into a typed literal (integer, decimal, boolean or string)."""
    if isinstance(value, bool):
        return Literal(value, datatype=XSD.boolean)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, Decimal):
        # One lexical form per number; "-0.0" on a page is 0, as every parser canonicalises it.
        return Literal(format(value.normalize() if value else Decimal(0), "f"), datatype=XSD.decimal)
    return Literal(str(value))


class Emitter:
    """Add triples to one graph on behalf of one source document."""

    def __init__(self, graph: Graph, source: Source) -> None:
        self.graph = graph
        self.source = source
        self._evidence_nodes: set[URIRef] = set()
        self._methods: set[str] = set()
        self._add_document()

    def _add_document(self) -> None:
        doc, activity, g = self.source.iri, self.source.activity, self.graph
        g.add((doc, RDF.type, IL.SourceDocument))
        g.add((doc, IL.fileName, Literal(self.source.file_name)))
        g.add((doc, IL.sha256, Literal(self.source.sha256)))
        g.add((doc, IL.documentKind, Literal(self.source.kind)))
        g.add((doc, IL.characterCount, literal(len(self.source.text))))
        g.add((activity, RDF.type, IL.ExtractionActivity))
        g.add((activity, IL.softwareVersion, Literal(self.source.version)))
        g.add((activity, PROV.used, doc))
        g.add((activity, PROV.wasAssociatedWith, SOFTWARE))
        g.add((SOFTWARE, RDF.type, PROV.SoftwareAgent))
        g.add((SOFTWARE, RDFS.label, Literal("il2kg extractor")))

    def finish(self) -> None:
        """Record on the document how many Evidence nodes and distinct extraction rules it gave: the
        source-documents question reads these instead of counting every Evidence node of the graph per document
        (at 1M triples that join alone took 0.3 s)."""
        doc, g = self.source.iri, self.graph
        g.add((doc, IL.evidenceCount, literal(len(self._evidence_nodes))))
        g.add((doc, IL.extractionMethodCount, literal(len(self._methods))))

    def node(self, iri: URIRef, cls: URIRef) -> URIRef:
        """Declare a domain node of a class, derived from this document."""
        self.graph.add((iri, RDF.type, cls))
        self.graph.add((iri, PROV.wasDerivedFrom, self.source.iri))
        return iri

    def link(self, subject: URIRef, predicate: URIRef, obj: URIRef) -> None:
        """Add a structural triple whose provenance is the nodes' own (hasArm, hasResult...)."""
        self.graph.add((subject, predicate, obj))

    def fact(self, subject: URIRef, predicate: URIRef, fact: Fact | None, obj: URIRef | Literal | None = None) -> None:
        """Add subject-predicate-value for a Fact and the Evidence node that supports it."""
        if fact is None:
            return
        value = obj if obj is not None else literal(fact.value)
        self.graph.add((subject, predicate, value))
        self._evidence(subject, predicate, value, fact.evidence)

    def quantity(self, subject: URIRef, value_p: URIRef, unit_p: URIRef, fact: Fact[Quantity] | None) -> None:
        """Add a Quantity fact as a value triple and a unit triple, both with evidence."""
        if fact is None:
            return
        self.fact(subject, value_p, Fact(fact.value.value, fact.evidence))
        if fact.value.unit.strip():  # an effect size or a ratio has no unit: no empty unit triple
            self.fact(subject, unit_p, Fact(fact.value.unit, fact.evidence))

    def _evidence(self, subject: URIRef, predicate: URIRef, value: URIRef | Literal, ev: Evidence) -> None:
        g, src = self.graph, self.source
        iri = mint("evidence", short_hash(src.sha256, subject, predicate, value, ev.start, ev.end, ev.method))
        self._evidence_nodes.add(iri)
        self._methods.add(ev.method)
        g.add((iri, RDF.type, IL.Evidence))
        g.add((iri, IL.evidenceFor, subject))
        g.add((iri, IL.evidenceProperty, predicate))
        if isinstance(value, Literal):
            g.add((iri, IL.evidenceValue, Literal(str(value))))
        else:
            g.add((iri, IL.evidenceObject, value))
        g.add((iri, IL.spanStart, literal(ev.start)))
        g.add((iri, IL.spanEnd, literal(ev.end)))
        g.add((iri, IL.spanText, Literal(src.text[ev.start : ev.end])))
        g.add((iri, IL.quote, Literal(ev.sentence)))
        g.add((iri, IL.extractionMethod, Literal(ev.method)))
        g.add((iri, PROV.wasDerivedFrom, src.iri))
        g.add((iri, PROV.wasGeneratedBy, src.activity))
