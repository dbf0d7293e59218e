"""The same SPARQL gives the same rows in memory and on an on-disk Oxigraph store; reopening does not reload."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import XSD
from test_exports import sample_release

from il2kg import triplestore
from il2kg.errors import Il2kgError
from il2kg.rdf_io import write_turtle
from il2kg.resources import ONTOLOGY
from il2kg.triplestore import load_kg

QUERIES = {
    "trials-per-disease": """SELECT ?disease (COUNT(DISTINCT ?trial) AS ?n) WHERE {
        ?trial a il2kg:Trial ; il2kg:studiesDisease ?disease } GROUP BY ?disease ORDER BY ?disease""",
    "significant-results": """SELECT ?result ?p WHERE {
        ?result a il2kg:Result ; il2kg:pValue ?p FILTER(?p < 0.05) } ORDER BY ?result""",
    "registry-to-publication": """SELECT ?id ?doi WHERE {
        ?trial il2kg:registryId ?id ; il2kg:reportedIn ?pub . ?pub bibo:doi ?doi } ORDER BY ?id ?doi""",
}


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("triples")
    paths = [ONTOLOGY]
    for number, graph in enumerate(sample_release().documents.values()):
        paths.append(folder / f"doc{number}.ttl")
        write_turtle(graph, paths[-1])
    return paths


def plain(term):
    """oxrdflib returns plain literals typed xsd:string (RDF 1.1 says they are the same literal; rdflib differs)."""
    return Literal(str(term)) if isinstance(term, Literal) and term.datatype == XSD.string else term


def rows(graph, query: str) -> list[tuple]:
    return [tuple(plain(t) for t in row) for row in graph.query(query)]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_memory_and_oxigraph_give_the_same_rows(tmp_path, sources, name):
    memory = load_kg(None, sources)
    disk = load_kg(f"oxigraph:{tmp_path / 'store'}", sources)
    try:
        assert len(disk) == len(memory)
        want = rows(memory, QUERIES[name])
        assert want, "the sample should answer every query"
        assert rows(disk, QUERIES[name]) == want
    finally:
        disk.close()


def test_reopening_an_up_to_date_store_does_not_reload(tmp_path, sources, monkeypatch):
    path = f"oxigraph:{tmp_path / 'store'}"
    load_kg(path, sources).close()

    def no_reload(*args):
        raise AssertionError("reloaded a store that was up to date")

    with monkeypatch.context() as patch:
        patch.setattr(triplestore, "_reload", no_reload)
        graph = load_kg(path, sources)
        assert len(graph) == len(load_kg(None, sources))
        graph.close()


def test_a_changed_source_reloads_the_store(tmp_path, sources):
    path = f"oxigraph:{tmp_path / 'store'}"
    load_kg(path, sources).close()
    fewer = load_kg(path, sources[:2])
    try:
        assert len(fewer) == len(load_kg(None, sources[:2]))
    finally:
        fewer.close()


@pytest.mark.parametrize("spec", ["sqlite:x", "oxigraph:", "oxigraph"])
def test_unknown_store_spec_is_an_input_error(spec):
    with pytest.raises(Il2kgError, match="unknown store"):
        load_kg(spec, [ONTOLOGY])
