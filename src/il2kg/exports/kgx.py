"""KGX node and edge TSV with Biolink categories and predicates; edge ids are content hashes.

KGX is lossy by design: literals, Evidence nodes and the statistics stay in the RDF exports; each
edge keeps the documents' PMIDs/DOIs and the il2kg predicate it came from (`original_predicate`).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from il2kg.curie import KGX, curie
from il2kg.query import resolve
from il2kg.rdf_io import atomic_write
from il2kg.vocab import BIBO, IL, short_hash

KNOWLEDGE_SOURCE = "infores:il2kg"  # not (yet) registered in the Translator infores catalogue
NODE_COLUMNS = ("id", "category", "name", "provided_by")
EDGE_COLUMNS = ("id", "subject", "predicate", "object", "primary_knowledge_source", "knowledge_level",
                "agent_type", "publications", "original_predicate")

# il2kg class -> Biolink category; a node takes the category of its first class in this order.
CATEGORIES: tuple[tuple[URIRef, str], ...] = (
    (IL.Trial, "biolink:ClinicalTrial"),
    (IL.Disease, "biolink:Disease"),
    (IL.DiseaseCategory, "biolink:Disease"),
    (IL.Agent, "biolink:Drug"),
    (IL.CellPopulation, "biolink:Cell"),
    (IL.SolubleMarker, "biolink:Protein"),
    (IL.ClinicalScore, "biolink:ClinicalFinding"),
    (IL.AdverseEventFinding, "biolink:ClinicalFinding"),
    (IL.Mechanism, "biolink:BiologicalProcessOrActivity"),
    (IL.Arm, "biolink:Cohort"),
    (IL.Outcome, "biolink:StudyVariable"),
    (IL.Result, "biolink:StudyResult"),
    (IL.Publication, "biolink:Publication"),
    (IL.Citation, "biolink:InformationContentEntity"),
    (IL.SourceDocument, "biolink:InformationContentEntity"),
)

# il2kg predicate -> Biolink predicate, for triples copied as edges one to one.
PREDICATES: dict[URIRef, str] = {
    IL.studiesDisease: "biolink:related_to",
    IL.hasArm: "biolink:has_part",
    IL.hasOutcome: "biolink:has_part",
    IL.hasResult: "biolink:has_output",
    IL.hasAdverseEventFinding: "biolink:has_output",
    IL.measures: "biolink:related_to",
    IL.forArm: "biolink:related_to",
    IL.inSubgroup: "biolink:related_to",
    IL.reports: "biolink:mentions",
    IL.mentionsDisease: "biolink:mentions",
    IL.mentionsAgent: "biolink:mentions",
    IL.mentionsBiomarker: "biolink:mentions",
}

# Edges entailed by the trial structure (trial -> arm -> intervention -> agent, and the trial's diseases):
# Biolink predicate, the il2kg path it stands for, and the query under queries/export/ that finds them.
DERIVED = (
    ("biolink:has_participant", "il2kg:hasArm/il2kg:receives/il2kg:hasAgent", "export/kgx-trial-agents"),
    ("biolink:in_clinical_trials_for", "^(il2kg:hasArm/il2kg:receives/il2kg:hasAgent)/il2kg:studiesDisease",
     "export/kgx-agent-diseases"),
)

_NAMES = (RDFS.label, IL.trialTitle, IL.acronym, IL.publicationTitle, IL.armLabel, IL.eventTerm, IL.fileName)
_WALKED = (IL.hasArm, IL.receives, IL.hasAgent, IL.studiesDisease)  # the predicates the DERIVED paths walk
# Every predicate this writer looks up (exports/index.py keeps only these; a lookup of another one is an error).
READS = frozenset({PROV.wasDerivedFrom, RDF.type, IL.evidenceFor, IL.evidenceProperty, IL.evidenceObject,
                   IL.extractionMethod, BIBO.pmid, BIBO.doi, *PREDICATES, *_WALKED, *_NAMES})


def _cell(value: str) -> str:
    return " ".join(value.split())


class _Provenance:
    """Per-document publications, per-node documents and per-triple evidence, read once from the graph."""

    def __init__(self, graph: Graph) -> None:
        self.node_docs: dict[URIRef, set[URIRef]] = defaultdict(set)
        self.fact_docs: dict[tuple, set[URIRef]] = defaultdict(set)
        self.manual: set[tuple] = set()
        self.doc_pubs: dict[URIRef, set[str]] = defaultdict(set)
        for node, doc in graph.subject_objects(PROV.wasDerivedFrom):
            self.node_docs[node].add(doc)
        for ev in graph.subjects(RDF.type, IL.Evidence):
            key = tuple(graph.value(ev, p) for p in (IL.evidenceFor, IL.evidenceProperty, IL.evidenceObject))
            self.fact_docs[key] |= self.node_docs.get(ev, set())
            if str(graph.value(ev, IL.extractionMethod)) == "curated":
                self.manual.add(key)
        for key, docs, curated in getattr(graph, "evidence", ()):  # summarised per data file (exports/pieces.py)
            self.fact_docs[key] |= docs
            if curated:
                self.manual.add(key)
        for pub in graph.subjects(RDF.type, IL.Publication):
            ids = {f"PMID:{v}" for v in graph.objects(pub, BIBO.pmid)}
            ids |= {f"doi:{v}" for v in graph.objects(pub, BIBO.doi)}
            for doc in self.node_docs.get(pub, ()):
                self.doc_pubs[doc] |= ids

    def publications(self, docs: set[URIRef]) -> str:
        return "|".join(sorted({p for d in docs for p in self.doc_pubs.get(d, ())}))


def edge_rows(graph: Graph) -> list[dict[str, str]]:
    """Build the KGX edge rows, sorted by id."""
    prov = _Provenance(graph)
    rows = {}
    for predicate, biolink in PREDICATES.items():
        for s, o in graph.subject_objects(predicate):
            docs = prov.fact_docs.get((s, predicate, o)) or prov.node_docs.get(s, set())
            agent = "manual_agent" if (s, predicate, o) in prov.manual else "text_mining_agent"
            row = _edge(s, biolink, o, curie(predicate, KGX), "knowledge_assertion", agent, prov.publications(docs))
            rows[row["id"]] = row
    for biolink, path, query in DERIVED:
        for s, o, trial in _derived_rows(graph, query):
            row = _edge(s, biolink, o, path, "logical_entailment", "automated_agent",
                        prov.publications(prov.node_docs.get(trial, set())))
            if row["id"] in rows:  # the same claim from two trials: one edge, all publications
                pubs = set(filter(None, rows[row["id"]]["publications"].split("|") + row["publications"].split("|")))
                row["publications"] = "|".join(sorted(pubs))
            rows[row["id"]] = row
    return [rows[k] for k in sorted(rows)]



def _derived_rows(graph: Graph, name: str):
    """Rows (?s ?o ?t) of a DERIVED query, run on Oxigraph over the triples of the predicates it walks:
    rdflib's engine took ~8 s for the two queries at 1,000 documents, Oxigraph takes milliseconds."""
    import pyoxigraph as ox  # only the KGX export needs it here

    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(str(s)), ox.NamedNode(str(p)), ox.NamedNode(str(o)))
                 for p in _WALKED for s, o in graph.subject_objects(p)
                 if isinstance(s, URIRef) and isinstance(o, URIRef))
    for row in store.query(resolve(name)[1]):
        yield URIRef(row["s"].value), URIRef(row["o"].value), URIRef(row["t"].value)


def _edge(s: URIRef, predicate: str, o: URIRef, original: str, level: str, agent: str, pubs: str) -> dict[str, str]:
    subject, obj = curie(s, KGX), curie(o, KGX)
    return {"id": "il2kg:edge-" + short_hash(subject, predicate, obj), "subject": subject, "predicate": predicate,
            "object": obj, "primary_knowledge_source": KNOWLEDGE_SOURCE, "knowledge_level": level,
            "agent_type": agent, "publications": pubs, "original_predicate": original}


def node_rows(graph: Graph, edges: list[dict[str, str]]) -> list[dict[str, str]]:
    """Build the KGX node rows: every typed domain node and every edge end, sorted by id."""
    iris: dict[str, URIRef] = {}
    for cls, _ in CATEGORIES:
        iris.update((curie(n, KGX), n) for n in graph.subjects(RDF.type, cls) if isinstance(n, URIRef))
    ends = {row[k] for row in edges for k in ("subject", "object")}
    iris.update((curie(n, KGX), n) for n in set(graph.all_nodes()) if isinstance(n, URIRef) and curie(n, KGX) in ends)
    rows = []
    for key in sorted(iris):
        node = iris[key]
        types = set(graph.objects(node, RDF.type))
        category = next((cat for cls, cat in CATEGORIES if cls in types), "biolink:NamedThing")
        names = next((sorted(map(str, graph.objects(node, p))) for p in _NAMES if (node, p, None) in graph), [""])
        rows.append({"id": key, "category": category, "name": _cell(names[0]), "provided_by": KNOWLEDGE_SOURCE})
    return rows


def _tsv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    lines = ["\t".join(columns)] + ["\t".join(_cell(row[c]) for c in columns) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def kgx_bytes(graph: Graph) -> tuple[bytes, bytes]:
    """Serialise the graph as KGX (nodes.tsv, edges.tsv) bytes."""
    edges = edge_rows(graph)
    return _tsv(NODE_COLUMNS, node_rows(graph, edges)), _tsv(EDGE_COLUMNS, edges)


def write_kgx(graph: Graph, out_dir: Path) -> list[Path]:
    """Write out_dir/il2kg_nodes.tsv and out_dir/il2kg_edges.tsv (KGX's <name>_nodes.tsv convention)."""
    nodes, edges = kgx_bytes(graph)
    paths = [out_dir / "il2kg_nodes.tsv", out_dir / "il2kg_edges.tsv"]
    for path, data in zip(paths, (nodes, edges), strict=True):
        atomic_write(path, data)
    return paths
