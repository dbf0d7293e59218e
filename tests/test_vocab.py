"""The closed vocabulary agrees with the ontology; IRIs are spelled only in vocab.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from il2kg import resources
from il2kg.curie import KGX, LEXICON, PAGE, READER, TURTLE, curie, expand
from il2kg.lexicon import lexicon_from_graph
from il2kg.vocab import BASE, IL, code_term, slug

SRC = Path(__file__).resolve().parents[1] / "src" / "il2kg"
IL_TERM = re.compile(r"il2kg:([A-Za-z_][A-Za-z0-9_]*)")


def ontology_terms() -> set[str]:
    graph = Graph().parse(resources.ONTOLOGY)
    return {str(s)[len(BASE):] for s in graph.subjects() if isinstance(s, URIRef)
            and str(s).startswith(BASE) and "/" not in str(s)[len(BASE):] and str(s) != BASE}


def lexicon_terms() -> set[str]:
    lexicon = lexicon_from_graph(Graph().parse(resources.ONTOLOGY))
    return {t.curie.split(":", 1)[1] for t in lexicon.terms if t.curie.startswith("il2kg:")}


def test_closed_namespace_declares_the_schema_and_no_lexicon_entry_code_does_not_name():
    # The lexicon lives only in the ontology: adding a disease or biomarker needs no Python.
    declared = {name for name in IL.__annotations__}
    assert declared <= ontology_terms()
    assert ontology_terms() - lexicon_terms() <= declared
    assert declared & lexicon_terms() <= {"placebo", "tregExpansion"}  # named by code: placebo arms, the Treg plot


def test_unknown_term_raises():
    with pytest.raises(AttributeError):
        IL.hasDoes  # noqa: B018


@pytest.mark.parametrize("folder", ["shapes", "queries"])
def test_terms_used_in_shapes_and_queries_are_declared(folder):
    used = set()
    for path in (resources.ROOT / folder).rglob("*"):
        if path.suffix in (".ttl", ".rq"):
            used |= set(IL_TERM.findall(path.read_text(encoding="utf-8")))
    assert used <= ontology_terms(), sorted(used - ontology_terms())


# A SPARQL text: a group with a triple pattern on a variable, an update, or a prefix declaration.
SPARQL_TEXT = re.compile(r"\{[^}]*\?\w+\s+\S+\s+\S+\s*[.;}]|INSERT DATA|DROP (SILENT )?GRAPH|PREFIX \w*:\s*<")


def test_no_python_module_holds_a_sparql_text():
    import io
    import tokenize

    offenders = []
    for path in SRC.rglob("*.py"):
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
        texts = [tok.string for tok in tokens if tok.type in (tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", -1))]
        offenders += [f"{path.relative_to(SRC)}: {s[:60]}" for s in texts if SPARQL_TEXT.search(s)]
    assert offenders == [], "SPARQL belongs in queries/*.rq with values bound"
    assert SPARQL_TEXT.search('f"SELECT ?n WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"')  # the test can fail


def test_only_vocab_spells_iris():
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "vocab.py" or "extract" in path.parts:  # extractors match URLs in page text
            continue
        if re.search(r"https?://", path.read_text(encoding="utf-8")):
            offenders.append(str(path))
    assert offenders == []


@pytest.mark.parametrize(
    ("code", "local"),
    [("double-blind", "doubleBlind"), ("per-protocol", "perProtocol"), ("response-rate", "responseRate"),
     ("placebo-comparator", "placeboComparator"), ("no-change", "noChange"),
     ("intention-to-treat", "intentionToTreat")],
)
def test_code_terms_exist(code, local):
    assert code_term(code) == IL[local]


@pytest.mark.parametrize("short", ["MONDO:0004976", "il2kg:ccl2", "CL:0000815", "hgnc:10618"])
def test_expand_and_the_lexicon_scheme_round_trip(short):
    assert curie(expand(short), LEXICON) == short


@pytest.mark.parametrize(("scheme", "trial", "disease", "gene", "other"), [
    (LEXICON, "il2kg:id/trial/NCT1", "MONDO:0004976", "hgnc:10618", "http://example.org/x"),
    (READER, "id:trial/NCT1", "MONDO:0004976", "hgnc:10618", "http://example.org/x"),
    (PAGE, "id:trial/NCT1", "MONDO:0004976", "hgnc:10618", "http://example.org/x"),
    (KGX, "id:trial/NCT1", "MONDO:0004976", "http://identifiers.org/hgnc/10618", "http://example.org/x"),
    (TURTLE, "id:trial/NCT1", "obo:MONDO_0004976", "http://identifiers.org/hgnc/10618", "http://example.org/x"),
])
def test_one_curie_function_with_the_schemes_its_readers_use(scheme, trial, disease, gene, other):
    iris = (BASE + "id/trial/NCT1", "http://purl.obolibrary.org/obo/MONDO_0004976", "http://identifiers.org/hgnc/10618",
            "http://example.org/x")
    assert [curie(iri, scheme) for iri in iris] == [trial, disease, gene, other]
    assert curie(BASE, scheme) == BASE  # a bare namespace is no CURIE


def test_slug_is_ascii_and_stable():
    assert slug("2 MIU") == "2-miu"
    assert slug("Behçet's") == "beh-et-s"
