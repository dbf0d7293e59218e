"""The Turtle and N-Triples writers give the same bytes for the same graph, in any process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from il2kg.rdf_io import atomic_write, ntriples_bytes, turtle_bytes
from il2kg.vocab import ID, IL

SCRIPT = """
import sys
from il2kg.ontology import load_ontology
from il2kg.rdf_io import turtle_bytes, ntriples_bytes
from il2kg.ontology import rdfxml_bytes
g = load_ontology()
sys.stdout.buffer.write(turtle_bytes(g) + ntriples_bytes(g) + rdfxml_bytes(g))
"""


def run_with_seed(seed: str) -> bytes:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    return subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, check=True).stdout


def test_bytes_do_not_depend_on_the_process():
    assert run_with_seed("1") == run_with_seed("2")


def test_awkward_literals_round_trip():
    g = Graph()
    s = ID["x/1"]
    for text in ['quote " and backslash \\', "line\nbreak\ttab", "<script>alert(1)</script>", "Behçet · 6·2"]:
        g.add((s, IL.quote, Literal(text)))
    g.add((s, IL.pValue, Literal("0.0001", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))))
    back = Graph().parse(data=turtle_bytes(g).decode("utf-8"), format="turtle")
    assert isomorphic(g, back)
    back_nt = Graph().parse(data=ntriples_bytes(g).decode("utf-8"), format="nt")
    assert isomorphic(g, back_nt)


def test_atomic_write_leaves_no_temporary_files(tmp_path: Path):
    target = tmp_path / "out" / "file.ttl"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["file.ttl"]
