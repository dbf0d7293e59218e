"""The per-document SHACL gate: pyrudof (Rust) on the shapes, with pyshacl as the reference it must agree with.

pySHACL spends 70-350 ms on one document's graph, almost all of it in rdflib's SPARQL engine running
the SHACL-SPARQL constraints; pyrudof runs the same shapes in milliseconds and gives the same results on
every case in tests/shapes/ (tests/test_gate.py proves it). Two things take most shapes off pyrudof: the
SHACL-SPARQL constraints run once per document on Oxigraph (gate_sparql.py) rather than once per focus
node, and the simple property shapes (counts, datatype, range ...) are checked in Python on that same
store (gate_core.py, gate_checks.py), which says only "they all pass" (or reports a missing value as
pyrudof does); anything else sends the document through pyrudof with every core constraint. The results
are those of the per-node path, field by field (tested on every shape case, data/ and generated
documents). The ontology's typing is loaded once; a document is added to it in a staging frame (pyrudof)
or a fresh store (Oxigraph), so nothing of the ontology is re-read per document.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from importlib.metadata import version

from rdflib import Graph
from rdflib.namespace import RDFS, XSD

from il2kg import gate_checks, gate_core, gate_sparql, resources
from il2kg.validate import Report, Violation, _sort_key, _typing

_LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"(@[A-Za-z-]+)?')
_SHORT_DATATYPE = re.compile(r"\^\^xsd:([A-Za-z]+)$")


def engine_version() -> str:
    """The gate engines and their versions, part of every cache key (another engine may judge differently)."""
    return (f"pyrudof {version('pyrudof')} core + pyoxigraph {version('pyoxigraph')} SHACL-SPARQL per graph"
            " + simple property shapes checked first (gate_core)")


@lru_cache(maxsize=1)
def rules_hash() -> str:
    """sha256 over the shapes and the ontology (its typing feeds sh:class): a change to either re-gates."""
    digest = hashlib.sha256(engine_version().encode())
    for path in [*resources.shape_files(), resources.ONTOLOGY]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class _Session:
    """One pyrudof session holding the shapes and the ontology typing; documents come and go in staging frames.

    Modes: "fast" takes out of pyrudof the SHACL-SPARQL constraints gate_sparql runs once per document on an
    Oxigraph store (the document plus the same typing) and the simple property shapes gate_core checks on that
    store; when those checks find anything, the document goes to "per_graph" (every core constraint in
    pyrudof, the SPARQL ones on the store), so a report is always pyrudof's. "per_node" leaves everything to
    pyrudof, which evaluates each SPARQL constraint per focus node: the reference the others are tested against.
    """

    def __init__(self, mode: str) -> None:
        from il2kg.ontology import load_ontology
        from il2kg.validate import load_shapes

        shapes, self._sparql, self._core = load_shapes(), (), ()
        if mode != "per_node":
            shapes, self._sparql = gate_sparql.split(shapes)
        if mode == "fast":
            shapes, self._core = gate_core.split(shapes)
        self._engine = mode != "fast" or gate_core.needs_engine(shapes)  # every shape checked here: no pyrudof
        typing = _typing(load_ontology())
        self._typing = typing.serialize(format="nt")
        self._supers = gate_checks.superclasses(typing)
        self._subclass_axioms = len(list(typing.triples((None, RDFS.subClassOf, None))))
        if self._engine:  # a worker whose documents all pass the simple checks never starts pyrudof
            import pyrudof

            self._ns = pyrudof.RDFFormat.NTriples
            self._rudof = pyrudof.Rudof(pyrudof.RudofConfig())
            self._rudof.read_shacl(shapes.serialize(format="turtle"))
            self._rudof.read_data(self._typing, format=self._ns)
        self._typing_quads: list | None = None  # parsed once, on the first document that needs the store

    def check(self, data: Graph | str | bytes | list) -> Report:
        """Gate a graph, its N-Triples (str), its Turtle (bytes, as the writer made it) or Oxigraph quads."""
        quads = _quads(data) if isinstance(data, bytes | list) else None
        text = None if quads is not None else data if isinstance(data, str) else data.serialize(format="nt")
        try:
            store = self._store(text, quads)
            found = self._per_graph(store)
        except gate_sparql.Unsupported:  # a blank node or a quote pyrudof may write its own way: all per node
            return _session("per_node").check(text if text is not None else _ntriples(quads))
        if self._core:
            missing = self._core_results(store)
            if missing is None:  # something the simple checks leave to pyrudof: every core constraint there
                return _session("per_graph").check(text if text is not None else _ntriples(quads))
            found += missing
        if self._engine:
            found += [_violation(e) for e in self._engine_results(text if text is not None else _ntriples(quads))]
        violations = tuple(sorted(found, key=_sort_key))
        return Report(conforms=all(v.severity != "Violation" for v in violations), violations=violations)

    def _engine_results(self, text: str) -> list:
        self._rudof.begin_staging()
        try:
            self._rudof.read_data(text, format=self._ns, merge=True)
            return list(self._rudof.validate_shacl().violations)
        finally:
            self._rudof.rollback_staging()

    def _store(self, text: str | None, quads: list | None = None):
        if not self._sparql and not self._core:
            return None
        import pyoxigraph as ox

        if self._typing_quads is None:
            self._typing_quads = list(ox.parse(self._typing, format=ox.RdfFormat.N_TRIPLES))
        store = ox.Store()
        store.extend(self._typing_quads)
        store.extend(quads if quads is not None else ox.parse(text, format=ox.RdfFormat.N_TRIPLES))
        return store

    def _core_results(self, store) -> list[Violation] | None:
        import pyoxigraph as ox

        axioms = sum(1 for _ in store.quads_for_pattern(None, ox.NamedNode(str(RDFS.subClassOf)), None))
        if axioms != self._subclass_axioms:
            return None  # the document adds subclasses of its own: the superclasses known here may be short
        missing = gate_checks.run(gate_checks.Facts(store, self._supers), self._core)
        if missing is None:
            return None
        return [Violation(focus=focus, path=c.paths[0][0], value=None, message=c.message, severity=c.severity,
                          component="MinCountConstraintComponent", shape=c.shape) for c, focus in missing]

    def _per_graph(self, store) -> list[Violation]:
        if not self._sparql:
            return []
        return [Violation(focus=row.focus, path=row.path, value=row.value, message=row.message,
                          severity=c.severity, component="SPARQLConstraintComponent", shape=c.shape)
                for c, row in gate_sparql.run(store, self._sparql)]


@lru_cache(maxsize=3)
def _session(mode: str = "fast") -> _Session:
    return _Session(mode)


def gate(graph: Graph | str | bytes | list) -> Report:
    """Validate one document's graph against the shapes (with the ontology's typing).

    The graph may come as an rdflib Graph, N-Triples text, the Turtle bytes il2kg writes (the worker gates
    what it writes, parsed by Oxigraph, rather than serialise the graph again) or a list of Oxigraph quads.
    """
    return _session().check(graph)


def _quads(data: bytes | list) -> list:
    import pyoxigraph as ox

    return data if isinstance(data, list) else list(ox.parse(data, format=ox.RdfFormat.TURTLE))


def _ntriples(quads: list) -> str:
    """Oxigraph quads (default graph) as N-Triples for pyrudof: a term's str() is its N-Triples form."""
    return "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads)


def gate_per_node(graph: Graph | str) -> Report:
    """The same verdict with every SHACL-SPARQL constraint evaluated by pyrudof per focus node (the reference)."""
    return _session("per_node").check(graph)


def _violation(entry) -> Violation:
    severity = str(entry.severity).rpartition("#")[2].rpartition("/")[2]
    value = None if entry.value is None else _SHORT_DATATYPE.sub(
        lambda m: f"^^<{XSD[m.group(1)]}>", str(entry.value))
    return Violation(
        focus=str(entry.focus_node),
        path=None if entry.path is None else str(entry.path),
        value=value,
        message=_message(str(entry.message)),
        severity=severity if severity in ("Violation", "Warning", "Info") else "Violation",
        component=str(entry.constraint_component).rpartition("#")[2],
        shape=str(entry.source_shape),
    )


def _message(raw: str) -> str:
    """The shape's own sh:message (the English literal) when there is one, else the engine's text."""
    found = [(m.group(1).replace('\\"', '"').replace("\\\\", "\\"), m.group(2)) for m in _LITERAL.finditer(raw)]
    english = [text for text, lang in found if lang == "@en"]
    chosen = english or [text for text, _ in found]
    return "; ".join(sorted(chosen)) if chosen else raw or "(no message)"
