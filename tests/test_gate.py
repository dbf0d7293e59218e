"""The per-document gate: pyrudof gives pyshacl's verdicts on every shape case; verdicts are cached; what
crosses documents is checked on the groups of documents that share nodes."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from il2kg import corpus as corpus_module
from il2kg.corpus import extract_to, gate_documents
from il2kg.crossing import Member, check_groups, groups
from il2kg.gate import _session, gate, gate_per_node
from il2kg.gate_cache import GateCache
from il2kg.gate_sparql import Unsupported
from il2kg.validate import validate
from il2kg.vocab import IL

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from corpus_gen import write_corpus  # noqa: E402

CASES = sorted((Path(__file__).parent / "shapes").glob("*/*.ttl"))


def _verdict(report) -> tuple[bool, set]:
    # A result's path is compared only when it is an IRI: pyshacl names an inverse path by a blank node.
    return report.conforms, {(v.focus, v.component, v.severity, v.path if v.path and v.path.startswith("http") else "")
                             for v in report.violations}


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_gate_gives_pyshacls_verdict(case: Path, ontology: Graph):
    graph = Graph().parse(case, format="turtle")
    reference = validate(graph, ontology)
    assert _verdict(gate(graph)) == _verdict(reference)


def test_gate_uses_the_shapes_own_message(ontology: Graph):
    case = next(p for p in CASES if "p-value-above-one" in p.name)
    report = gate(Graph().parse(case, format="turtle"))
    assert any("between 0 and 1" in v.message and not v.message.startswith('"') for v in report.violations)


@pytest.fixture()
def generated(tmp_path: Path) -> list[Path]:
    return write_corpus(tmp_path / "corpus", 6)


def test_a_second_run_reuses_every_verdict_and_extracts_nothing(tmp_path: Path, generated, monkeypatch):
    out = tmp_path / "triples"
    first = extract_to(generated, out)
    assert len(first.written) == len(generated) and not first.failed, first.failed
    assert (tmp_path / ".il2kg-cache" / "gate.json").is_file()

    def no_extraction(*args, **kwargs):
        raise AssertionError("extracted a document whose verdict was cached")

    monkeypatch.setattr(corpus_module, "extract_triples", no_extraction)
    second = extract_to(generated, out)
    assert second.reused == len(generated) and not second.failed


def test_a_changed_document_is_extracted_again(tmp_path: Path, generated, monkeypatch):
    out = tmp_path / "triples"
    extract_to(generated, out)
    generated[0].write_text(generated[0].read_text(encoding="utf-8") + "\nNo further comment.\n", encoding="utf-8")
    seen = []
    real = corpus_module.extract_triples
    monkeypatch.setattr(corpus_module, "extract_triples", lambda doc, lex: seen.append(doc.name) or real(doc, lex))
    extract_to(generated, out)
    assert seen == [generated[0].name]


def test_a_corrupt_cache_is_ignored(tmp_path: Path):
    (tmp_path / "gate.json").write_text("{not json", encoding="utf-8")
    assert GateCache(tmp_path).entries == {}


def test_documents_sharing_a_trial_form_a_group(tmp_path: Path):
    def member(name, described, mentioned=()):
        return Member(name, name, frozenset(described), frozenset(mentioned), Graph)

    members = [member("a", {"t1"}), member("b", {"t1", "x"}), member("c", {"y"}, {"x"}), member("d", {"z"})]
    assert [[m.name for m in g] for g in groups(members)] == [["a", "b", "c"]]


def test_two_documents_giving_one_trial_two_sizes_leave_one_out(tmp_path: Path):
    summary, passed = gate_documents(write_corpus(tmp_path / "corpus", 10), tmp_path / "triples")
    registry = next(g for g in passed if "registry" in g.member.name)
    article = next(g for g in passed if g.member.name == registry.member.name.replace("registry", "article"))
    trial = next(URIRef(i) for i in registry.member.described if re.search(r"/id/trial/[^/]+$", i))
    conflicting = Graph()
    conflicting += registry.member.graph()
    conflicting.set((trial, IL.numberRandomised, Literal(9999, datatype=XSD.integer)))
    changed = Member(registry.member.name, "changed", registry.member.described, registry.member.mentioned,
                     lambda: conflicting)
    left_out, _ = check_groups([article.member, changed], GateCache(tmp_path / "cache"))
    assert [m.name for m, _ in left_out] == [registry.member.name]
    assert not left_out[0][1].conforms


def test_one_text_in_two_files_is_reported_by_the_cross_document_check(tmp_path: Path):
    from il2kg.crossing import check_union

    docs = write_corpus(tmp_path / "corpus", 1)
    copy = docs[0].with_name("copy-" + docs[0].name)
    copy.write_bytes(docs[0].read_bytes())
    _, passed = gate_documents([docs[0]], tmp_path / "one")
    _, passed_copy = gate_documents([copy], tmp_path / "two")
    union = Graph()
    union += passed[0].member.graph()
    union += passed_copy[0].member.graph()
    report = check_union(union)
    hits = [v for v in report.violations if v.component == "CrossDocumentCheck"]
    # Reported for a curator (a warning): the graph holds the document once, under both file names.
    assert hits and "saved twice" in hits[0].message and hits[0].severity == "Warning"


DATA = sorted((Path(__file__).parents[1] / "data" / "triples").glob("*.ttl"))


def _full(report) -> tuple:
    return report.conforms, report.violations


@pytest.mark.parametrize("case", CASES + DATA, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sparql_once_per_graph_gives_the_per_node_results(case: Path):
    # Every field of every result (focus, path, value, message, severity, component, shape), not just the verdict.
    graph = Graph().parse(case, format="turtle")
    assert _full(gate(graph)) == _full(gate_per_node(graph))


def test_every_sparql_constraint_of_the_shapes_runs_once_per_graph():
    from rdflib.namespace import SH

    from il2kg.gate_sparql import split
    from il2kg.validate import load_shapes

    shapes = load_shapes()
    rest, taken = split(shapes)
    assert len(taken) == len(set(shapes.objects(None, SH.sparql))) and not set(rest.objects(None, SH.sparql))


def test_a_generated_corpus_gets_the_per_node_results(tmp_path: Path):
    from il2kg.lexicon import load_lexicon
    from il2kg.pipeline import extract_document, read_document
    from il2kg.resources import ONTOLOGY

    lexicon = load_lexicon(ONTOLOGY)
    for path in write_corpus(tmp_path / "corpus", 12):
        graph = extract_document(read_document(path), lexicon).graph
        assert _full(gate(graph)) == _full(gate_per_node(graph)), path.name


def test_values_pyrudof_may_write_otherwise_fall_back_to_the_per_node_path():
    case = next(p for p in CASES if "fact-without-evidence" in p.name)
    graph = Graph().parse(case, format="turtle")
    trial = URIRef("https://w3id.org/il2kg/id/trial/NCT00000003")
    graph.set((trial, IL.registryId, Literal('NCT "quoted" \\ id')))
    graph.add((trial, IL.conditionText, Literal("lupus", lang="en")))
    with pytest.raises(Unsupported):  # the per-graph path declines: the value holds a quote
        _session()._per_graph(_session()._store(graph.serialize(format="nt")))
    report = gate(graph)
    assert _full(report) == _full(gate_per_node(graph))
    assert any(v.component == "SPARQLConstraintComponent" and '"quoted"' in v.value for v in report.violations)


def test_the_union_of_the_committed_data_gets_the_per_node_results():
    # What the group gate sees: documents that share trials and publications, in one graph.
    union = Graph()
    for path in DATA:
        union.parse(path, format="turtle")
    assert _full(gate(union)) == _full(gate_per_node(union))


def test_the_engine_is_part_of_every_cache_key(monkeypatch):
    from il2kg import gate as gate_module
    from il2kg.gate_cache import document_key

    assert "pyoxigraph" in gate_module.engine_version() and "pyrudof" in gate_module.engine_version()
    before = document_key("a.txt", "0" * 64)
    monkeypatch.setattr(gate_module, "engine_version", lambda: "pyrudof 0.3.35")  # the per-node engine of before
    gate_module.rules_hash.cache_clear()
    try:
        assert document_key("a.txt", "0" * 64) != before
    finally:
        gate_module.rules_hash.cache_clear()
