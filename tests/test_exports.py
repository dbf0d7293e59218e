"""Every export format parses back to the same graph, in rdflib, pyoxigraph and rapper; the bytes never vary."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, SH, VOID, XSD

from il2kg import resources
from il2kg.cli import main
from il2kg.exports import FORMATS, Release, write_exports
from il2kg.exports.jsonld import CONTEXT_FILE, context_bytes
from il2kg.exports.kgx import edge_rows
from il2kg.graph import Source, to_graph
from il2kg.model import Arm, Evidence, Fact, Intervention, Outcome, Publication, Quantity, Result, Trial
from il2kg.ontology import load_ontology
from il2kg.rdf_io import new_graph, write_turtle
from il2kg.vocab import ID, IL, ONTOLOGY_IRI

HERE = Path(__file__).parent
TRIALS = (  # registry id, disease CURIE and word, p-value, PMID, DOI
    ("NCT00000001", "MONDO:0007915", "lupus", "0.01", "11111111", "10.1000/a1"),
    ("NCT00000002", "MONDO:0004976", "ALS", "0.20", "22222222", "10.1000/b2"),
    ("NCT00000003", "MONDO:0007915", "lupus", "0.003", "33333333", "10.1000/c3"),
)
TRIAL_A = ID["trial/NCT00000001"]


def document(nct: str, curie: str, word: str, p: str, pmid: str, doi: str) -> tuple[Source, list]:
    """One source document: a randomised placebo-controlled trial report with a PMID and a DOI."""
    text = (f"A randomised, double-blind, placebo-controlled phase II trial ({nct}) of 3 MIU IL-2 in 40 patients "
            f"with {word}; p = {p}. PMID {pmid}. doi {doi}.")

    def fact(value, needle: str) -> Fact:
        start = text.index(needle)
        return Fact(value, Evidence(start, start + len(needle), text, "test.rule"))

    trial = Trial(
        registry_ids=(fact(nct, nct),), phase=fact("II", "II"), n_randomised=fact(40, "40"),
        design=(fact("randomised", "randomised"), fact("double-blind", "double-blind"),
                fact("placebo-controlled", "placebo-controlled")),
        diseases=(fact(curie, word),),
        arms=(Arm("3 MIU", role=fact("experimental", "3 MIU"), intervention=Intervention(
                  fact("il2kg:aldesleukin", "IL-2"), dose=fact(Quantity(Decimal(3), "MIU"), "3 MIU"))),
              Arm("placebo", role=fact("placebo-comparator", "placebo"),
                  intervention=Intervention(fact("il2kg:placebo", "placebo")))),
        outcomes=(Outcome(fact("il2kg:sri4", "trial"), role=fact("primary", "trial"), results=(
            Result(arm="3 MIU", comparator="placebo", p_value=fact(Decimal(p), p), p_comparator=fact("=", "="),
                   significant=fact(Decimal(p) < Decimal("0.05"), f"p = {p}")),)),),
    )
    publication = Publication(title=fact(f"A randomised trial {nct}", nct), pmid=fact(pmid, pmid), doi=fact(doi, doi),
                              funders=(fact("Example Foundation", "IL-2"),))
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Source(f"{nct}.txt", sha, "article", text, "0.0.0"), [publication, trial]


def sample_release() -> Release:
    """Three documents, their ontology and the merged graph."""
    ontology = load_ontology()
    documents = {}
    for row in TRIALS:
        source, records = document(*row)
        documents[source.iri] = to_graph(records, source)
    merged = new_graph()
    for graph in (ontology, *documents.values()):
        merged += graph
    return Release(merged, ontology, documents)


def write_sample(out: Path | str) -> list[Path]:
    """Write every export of the sample release into out."""
    release = sample_release()
    return write_exports(release.merged, release.ontology, release.documents, Path(out), True)


@pytest.fixture(scope="module")
def release() -> Release:
    return sample_release()


@pytest.fixture(scope="module")
def dist(tmp_path_factory, release) -> Path:
    out = tmp_path_factory.mktemp("dist")
    write_exports(release.merged, release.ontology, release.documents, out, True)
    return out


RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld", "xml": "xml"}
OX_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
              "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}
RAPPER_FORMATS = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "trig": "trig", "xml": "rdfxml"}


def union(dataset: Dataset) -> Graph:
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


@pytest.mark.parametrize("fmt", sorted(RDFLIB_FORMATS))
def test_rdflib_reads_every_format_back(dist, release, fmt):
    path = dist / FORMATS[fmt].file_name
    dataset = Dataset()
    dataset.parse(path, format=RDFLIB_FORMATS[fmt])
    assert isomorphic(union(dataset), release.merged)


def _from_ox(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype == ox.NamedNode(str(XSD.string)):  # RDF 1.1: a plain literal is an xsd:string
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


@pytest.mark.parametrize("fmt", sorted(OX_FORMATS))
def test_pyoxigraph_reads_every_format_back(dist, release, fmt):
    graph = Graph()
    for quad in ox.parse(path=str(dist / FORMATS[fmt].file_name), format=OX_FORMATS[fmt]):
        graph.add((_from_ox(quad.subject), _from_ox(quad.predicate), _from_ox(quad.object)))
    assert isomorphic(graph, release.merged)


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper not installed: apt-get install raptor2-utils")
@pytest.mark.parametrize("fmt", sorted(RAPPER_FORMATS))
def test_rapper_reads_every_format_back(dist, release, fmt):
    path = dist / FORMATS[fmt].file_name
    out = subprocess.run(["rapper", "-q", "-i", RAPPER_FORMATS[fmt], "-o", "nquads", str(path)],
                         capture_output=True, check=True).stdout
    dataset = Dataset()
    dataset.parse(data=out, format="nquads")
    assert isomorphic(union(dataset), release.merged)


def test_named_graphs_are_the_documents_and_the_ontology(dist, release):
    dataset = Dataset()
    dataset.parse(dist / "il2kg.trig", format="trig")
    names = {g.identifier for g in dataset.graphs() if len(g)}
    assert names == {ONTOLOGY_IRI, *release.documents}
    for doc, graph in release.documents.items():
        assert isomorphic(dataset.graph(doc), graph)


SCRIPT = "import sys; sys.path.insert(0, sys.argv[1]); from test_exports import write_sample; write_sample(sys.argv[2])"


def test_two_processes_write_identical_bytes(tmp_path):
    outs = []
    for seed in ("1", "4242"):
        out = tmp_path / seed
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-c", SCRIPT, str(HERE), str(out)], env=env, check=True, capture_output=True)
        outs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert outs[0] == outs[1]
    assert {"il2kg.ttl", "il2kg.nq", "il2kg.trig", "il2kg.jsonld", "il2kg.owl", "void.ttl", "SHA256SUMS",
            "kgx/il2kg_nodes.tsv", "kgx/il2kg_edges.tsv", "schema/nct00000001.jsonld"} <= set(outs[0])


def test_jsonld_uses_the_published_context_with_compact_keys(dist):
    doc = json.loads((dist / "il2kg.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    trial = next(n for n in doc["@graph"] if n["@id"] == str(TRIAL_A))
    assert trial["@type"] == "Trial"
    assert trial["studiesDisease"] == "obo:MONDO_0007915"
    assert trial["registryId"] == "NCT00000001"
    assert [n["@id"] for n in doc["@graph"]] == sorted(n["@id"] for n in doc["@graph"])


def test_published_context_matches_the_ontology():
    assert CONTEXT_FILE.read_bytes() == context_bytes(load_ontology()), "stale: run python -m il2kg.exports.jsonld"


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_kgx_counts_and_provenance(dist, release):
    nodes, edges = read_tsv(dist / "kgx/il2kg_nodes.tsv"), read_tsv(dist / "kgx/il2kg_edges.tsv")
    assert len(edges) == len(edge_rows(release.merged)) == len({e["id"] for e in edges})
    ids = {n["id"] for n in nodes}
    assert all(e["subject"] in ids and e["object"] in ids for e in edges)
    trials = [n for n in nodes if n["category"] == "biolink:ClinicalTrial"]
    assert len(trials) == len(TRIALS)
    assert all(e["primary_knowledge_source"] == "infores:il2kg" and e["knowledge_level"] and e["agent_type"]
               for e in edges)
    treats = {(e["subject"], e["object"]): e for e in edges if e["predicate"] == "biolink:in_clinical_trials_for"}
    assert set(treats) == {("il2kg:aldesleukin", "MONDO:0007915"), ("il2kg:aldesleukin", "MONDO:0004976")}
    assert treats["il2kg:aldesleukin", "MONDO:0007915"]["publications"] == "PMID:11111111|PMID:33333333|" \
        "doi:10.1000/a1|doi:10.1000/c3"
    disease = next(e for e in edges
                   if e["subject"] == "id:trial/NCT00000001" and e["predicate"] == "biolink:related_to")
    assert disease["publications"] == "PMID:11111111|doi:10.1000/a1"
    assert disease["original_predicate"] == "il2kg:studiesDisease"


def test_schemaorg_trial_is_embeddable_medical_trial(dist):
    raw = (dist / "schema/nct00000001.jsonld").read_bytes()
    assert b"<" not in raw and b">" not in raw
    doc = json.loads(raw)
    assert doc["@type"] == "MedicalTrial" and "phase" not in doc
    assert {d["@id"] for d in doc["trialDesign"]} >= {"https://schema.org/RandomizedTrial",
                                                       "https://schema.org/DoubleBlindedTrial",
                                                       "https://schema.org/PlaceboControlledTrial"}
    assert doc["healthCondition"][0]["code"]["codeValue"] == "MONDO:0007915"
    assert "http://purl.obolibrary.org/obo/MONDO_0007915" in doc["healthCondition"][0]["sameAs"]
    assert doc["identifier"][0]["value"] == "NCT00000001"
    assert [s["name"] for s in doc["studySubject"]] == ["aldesleukin"]
    assert {"https://doi.org/10.1000/a1", "https://pubmed.ncbi.nlm.nih.gov/11111111/"} \
        <= set(doc["subjectOf"][0]["sameAs"])
    assert any(p["name"] == "trial phase" and p["value"] == "phase II" for p in doc["additionalProperty"])
    assert doc["funding"][0]["funder"]["name"] == "Example Foundation"


def test_void_counts_sizes_and_checksums(dist, release):
    void = Graph().parse(dist / "void.ttl")
    dataset = next(void.subjects(RDF.type, VOID.Dataset))
    assert int(void.value(dataset, VOID.triples)) == len(release.merged)
    trial_part = next(p for p in void.objects(dataset, VOID.classPartition) if void.value(p, VOID["class"]) == IL.Trial)
    assert int(void.value(trial_part, VOID.entities)) == len(TRIALS)
    sizes = {str(void.value(d, DCTERMS.title)): int(void.value(d, DCAT.byteSize))
             for d in void.objects(dataset, DCAT.distribution)}
    assert sizes["il2kg.nq"] == (dist / "il2kg.nq").stat().st_size
    assert len(sizes) == len([p for p in dist.rglob("*") if p.is_file()]) - 2  # all but void.ttl and SHA256SUMS
    assert list(void.objects(None, SH.conforms)) == [Literal(True)]
    for line in (dist / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest
    assert "void.ttl" in (dist / "SHA256SUMS").read_text()


@pytest.fixture()
def triples_dir(tmp_path, monkeypatch, release) -> Path:
    folder = tmp_path / "triples"
    for number, graph in enumerate(release.documents.values()):
        write_turtle(graph, folder / f"doc{number}.ttl")
    monkeypatch.setattr(resources, "TRIPLES_DIR", folder)
    return folder


@pytest.mark.parametrize("fmt", ["trig", "jsonld", "kgx"])
def test_export_command_writes_the_format(tmp_path, triples_dir, release, fmt):
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(main, ["export", "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    if fmt == "kgx":
        assert len(read_tsv(out / "il2kg_edges.tsv")) == len(edge_rows(release.merged))
        return
    dataset = Dataset()
    dataset.parse(out, format=RDFLIB_FORMATS[fmt])
    assert isomorphic(union(dataset), release.merged)


def test_export_command_rejects_an_unknown_store(triples_dir):
    result = CliRunner().invoke(main, ["export", "--format", "nt", "--store", "sqlite:x"])
    assert result.exit_code == 2
    assert "unknown store" in result.output
