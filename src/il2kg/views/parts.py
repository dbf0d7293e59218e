"""The views' data from the data files, without an rdflib graph: one compact part per file, cached by its bytes.

A part is what `ViewData` keeps of one file (views/data.py): its triples but the evidence nodes' own, and
each evidence node's evidenceFor, quote and evidenceObject values, as JSON (IRIs as strings, literals as
[lexical form, datatype, language], blank nodes as "_:label"). The triples are a table of the file's distinct
terms and a flat list of indexes into it, three per triple: a file names ~100 terms in ~300 places, so reading a
thousand parts converts each term once per file and decodes numbers, not strings (0.3 s less at 1,000 files).
Parts are cached under data/.il2kg-cache/views/<sha256 of the file>.json, so a rebuild parses only the files that
changed, and merged into one ViewData at build time: the same views whatever the order the parts were made in.
Literals become rdflib terms as rdf_io's parser makes them, so labels and sorting match an rdflib load.
A corrupt or foreign cache file is ignored and rewritten, never an error: it only saves time.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

from il2kg.rdf_io import atomic_write, parse_turtle_bytes
from il2kg.views.data import EVIDENCE_PROPERTIES, ViewData, merge_evidence
from il2kg.vocab import IL

FORMAT = "il2kg-view-part-3"  # change it when what a part holds changes: old parts are then made again
_XSD_STRING = str(XSD.string)


def _encode(term) -> object:
    """A term (pyoxigraph's or rdflib's) as JSON: an IRI as its string, a blank node as '_:label', a literal as a
    3-list."""
    import pyoxigraph as ox

    if isinstance(term, (ox.NamedNode, URIRef)):
        return term.value if isinstance(term, ox.NamedNode) else str(term)
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value  # no IRI starts so (a scheme starts with a letter)
    if isinstance(term, BNode):
        return "_:" + str(term)
    if isinstance(term, Literal):
        return [str(term), str(term.datatype or _XSD_STRING), term.language or ""]
    return [term.value, term.datatype.value, term.language or ""]


def _triples(data: bytes, path: Path) -> list[tuple]:
    """The file's triples: Oxigraph's parser, else rdf_io's (which names the line of a fault, or reads what
    Oxigraph refused)."""
    import pyoxigraph as ox

    try:
        return [(q.subject, q.predicate, q.object) for q in ox.parse(data, format=ox.RdfFormat.TURTLE)]
    except (SyntaxError, ValueError):
        return list(parse_turtle_bytes(data, path))


def part_of(data: bytes, path: Path) -> dict:
    """The view part of one Turtle file: {"format", "terms": [term...], "triples": [s, p, o, s, p, o...] (indexes
    into terms), "evidence": [[node, [evidenceFor...], [quote...], [evidenceObject...]]...]}."""
    triples = _triples(data, path)
    # Terms compared as they come (Oxigraph's compare in Rust): only what is kept is encoded, a sixth of the triples.
    kinds = {_term(RDF.type, triples): "type", _term(IL.Evidence, triples): "evidence"}
    kinds.update((_term(p, triples), i) for p, i in zip(EVIDENCE_PROPERTIES, range(3), strict=True))
    evidence = {s for s, p, o in triples if kinds.get(p) == "type" and kinds.get(o) == "evidence"}
    kept, records, table = [], {}, {}
    for s, p, o in triples:
        if s not in evidence:
            for term in (s, p, o):
                index = table.get(term)
                if index is None:
                    index = table[term] = len(table)
                kept.append(index)
        elif kinds.get(p) in (0, 1, 2):
            records.setdefault(s, [[], [], []])[kinds[p]].append(_encode(o))  # type: ignore[index]
    for node in evidence:
        records.setdefault(node, [[], [], []])
    return {"format": FORMAT, "terms": [_encode(term) for term in table], "triples": kept,
            "evidence": [[_encode(node), *values] for node, values in records.items()]}


def _term(iri: URIRef, triples: list[tuple]) -> object:
    """The IRI as the parser's terms are: Oxigraph's NamedNode, or rdflib's URIRef."""
    import pyoxigraph as ox

    return ox.NamedNode(str(iri)) if triples and isinstance(triples[0][1], ox.NamedNode) else iri


class _Terms:
    """JSON terms back to rdflib terms, each distinct one made once (as rdf_io's parser makes them)."""

    def __init__(self) -> None:
        self.iris: dict[str, URIRef] = {}
        self.others: dict[tuple, object] = {}

    def __call__(self, value: object) -> object:
        if isinstance(value, str):
            found = self.iris.get(value)
            if found is None:
                found = self.iris[value] = BNode(value[2:]) if value.startswith("_:") else URIRef(value)
            return found
        key = tuple(value)  # type: ignore[arg-type]
        found = self.others.get(key)
        if found is None:
            if key[2]:
                found = Literal(key[0], lang=key[2])
            else:
                found = Literal(key[0], datatype=None if key[1] == _XSD_STRING else self(key[1]))
            self.others[key] = found
        return found


def merge(parts: Sequence[dict]) -> ViewData:
    """One ViewData of several parts (an evidence node in several parts counts once)."""
    term = _Terms()
    triples = _triples_of(parts, term)
    records = merge_evidence((node, targets, quotes, objects) for part in parts
                             for node, targets, quotes, objects in part["evidence"])
    # Quotes are wanted as text only: an rdflib literal is made only where its text could differ from the lexical
    # form (a typed literal, which rdflib may normalise); the terms compared to pick one are made where several are.
    return ViewData(triples, ((node, [term(t) for t in targets], _quotes(quotes, term), [term(o) for o in objects])
                              for node, targets, quotes, objects in records))


def _triples_of(parts: Sequence[dict], term: _Terms):
    for part in parts:
        table = [term(t) for t in part["terms"]]
        at = map(table.__getitem__, part["triples"])
        yield from zip(at, at, at, strict=False)  # one iterator thrice: three indexes a triple (_whole: len % 3 == 0)


def _quotes(quotes: list, term: _Terms) -> list:
    if len(quotes) == 1 and (quotes[0][1] == _XSD_STRING or quotes[0][2]):
        return [quotes[0][0]]
    return [term(q) for q in quotes]


def _read(path: Path) -> dict | None:
    try:
        found = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(found, dict) or found.get("format") != FORMAT or not _whole(found):
        return None
    return found


def _whole(part: dict) -> bool:
    """A part whose triples index its terms (a hand-edited or truncated one is made again, never an IndexError)."""
    terms, triples = part.get("terms"), part.get("triples")
    if not isinstance(terms, list) or not isinstance(triples, list) or len(triples) % 3:
        return False
    if not all(isinstance(t, (str, list)) for t in terms) or not isinstance(part.get("evidence"), list):
        return False
    return not triples or (all(isinstance(i, int) for i in triples) and 0 <= min(triples) and
                           max(triples) < len(terms))


def view_data_of_files(files: Sequence[tuple[Path, bytes]], cache: Path | None = None) -> ViewData:
    """The ViewData of data files (path, bytes): each file's part from the cache folder, else parsed and cached.

    Parts the files no longer have are removed from the cache (the folder holds one data folder's parts).
    The collector is off meanwhile: the parts and the index are ~2M containers with no cycle among them, and its
    passes over them, each time they grow, took half the time (0.4 s at 1,000 files).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _view_data_of_files(files, cache)
    finally:
        if enabled:
            gc.enable()


def _view_data_of_files(files: Sequence[tuple[Path, bytes]], cache: Path | None) -> ViewData:
    parts, used = [], set()
    for path, data in files:
        name = hashlib.sha256(data).hexdigest() + ".json"
        used.add(name)
        part = _read(cache / name) if cache is not None else None
        if part is None:
            part = part_of(data, path)
            if cache is not None:
                _write(cache / name, part)
        parts.append(part)
    if cache is not None and cache.is_dir():
        for stale in cache.glob("*.json"):
            if stale.name not in used:
                stale.unlink(missing_ok=True)
    return merge(parts)


def _write(path: Path, part: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(part, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    except OSError:
        pass  # a read-only checkout still builds; it only parses again next time
