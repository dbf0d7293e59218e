"""The ontology source: parses everywhere, is documented, aligned and consistent under HermiT."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from il2kg import resources
from il2kg.ontology import rdfxml_bytes
from il2kg.reason import reason
from il2kg.vocab import IL, OBO

ROOT = resources.ROOT
TURTLE_FILES = sorted(p for p in ROOT.rglob("*.ttl") if ".venv" not in p.parts and "dist" not in p.parts)



IL_CLASSES = sorted(c for c in set(Graph().parse(resources.ONTOLOGY).subjects(RDF.type, OWL.Class))
                    if str(c).startswith(str(IL._NS)))


@pytest.mark.parametrize("cls", IL_CLASSES)
def test_every_il2kg_class_has_label_and_definition(ontology, cls):
    assert ontology.value(cls, RDFS.label) is not None
    assert ontology.value(cls, SKOS.definition) is not None


def test_core_classes_align_to_standard_vocabularies(ontology):
    assert (IL.Trial, RDFS.subClassOf, OBO.OBI_0003699) in ontology
    assert (IL.Evidence, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Entity")) in ontology
    assert (IL.Citation, RDFS.subClassOf, URIRef("http://purl.org/spar/cito/Citation")) in ontology


def test_il2kg_properties_have_domain_and_range(ontology):
    missing = []
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in ontology.subjects(RDF.type, kind):
            if str(prop).startswith(str(IL._NS)) and ontology.value(prop, RDFS.domain) is None:
                missing.append(str(prop))
            if kind == OWL.DatatypeProperty and str(prop).startswith(str(IL._NS)):
                if ontology.value(prop, RDFS.range) is None:
                    missing.append(str(prop))
    assert missing == []


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (raptor2-utils) not installed")
@pytest.mark.parametrize("path", TURTLE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_rapper_parses_every_turtle_file(path: Path):
    done = subprocess.run(["rapper", "-q", "-i", "turtle", "-c", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (raptor2-utils) not installed")
@pytest.mark.parametrize("path", TURTLE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_owlready2_loads_every_turtle_file(path: Path, tmp_path: Path):
    import owlready2

    # owlready2 reads N-Triples, not Turtle: rapper converts, independently of rdflib.
    nt = tmp_path / "file.nt"
    with nt.open("wb") as out:
        subprocess.run(["rapper", "-q", "-i", "turtle", "-o", "ntriples", str(path)], stdout=out, check=True)
    world = owlready2.World()
    world.get_ontology(nt.as_uri()).load(format="ntriples")
    assert world.graph is not None


def test_release_rdfxml_round_trips(ontology):
    back = Graph().parse(data=rdfxml_bytes(ontology), format="xml")
    from rdflib.compare import isomorphic

    assert isomorphic(back, ontology)


@pytest.mark.skipif(shutil.which("java") is None, reason="Java not installed: HermiT cannot run")
def test_hermit_finds_ontology_consistent_and_groups_diseases(ontology):
    result = reason(ontology)
    assert result.consistent is True
    inferred = set(result.inferred)
    assert (str(OBO.MONDO_0004976), str(IL.NeurodegenerativeDisease)) in inferred
    assert (str(OBO.MONDO_0007915), str(IL.AutoimmuneDisease)) in inferred
