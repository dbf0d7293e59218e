"""One data file's share of every export, cut per subject: what a rebuild reuses when the file has not changed.

Every sorted export orders by subject first (N-Triples and N-Quads lines by their "<s> " prefix, Turtle blocks,
RDF/XML descriptions and JSON-LD nodes by a subject key), so a subject's lines or block sit together in the
output. A file's entry holds, for each of its subjects, that subject's piece in each format, already written
as bytes; exports/assemble.py sorts the pieces of all files by key and joins them, and merges again only the
subjects that several files (or the ontology) describe. TriG is per named graph, so a file's piece is its whole
graph. The entry also keeps what VoID counts and the triples the KGX and schema.org writers read.

An entry is plain data (lists, dicts, bytes, str, int): exports/piece_cache.py stores it with marshal.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import PROV, RDF

from il2kg.exports.fast import Parsed, Terms, _block, trig_block
from il2kg.exports.jsonld_fast import _LIST_TERMS, JsonLd
from il2kg.exports.xml_rows import XmlRows, description
from il2kg.rdf_io import canonical_triples, ntriples_bytes
from il2kg.vocab import IL, ONTOLOGY_IRI, PREFIXES

VERSION = 1  # bump when a piece's bytes or the entry's layout change: every cached entry is then made again
FIELDS = ("subjects", "nt", "nq", "ttl_key", "ttl", "xml_key", "xml", "jsonld_key", "jsonld")
_A = f"<{RDF.type}>"
_RDF_TYPE = ox.NamedNode(str(RDF.type))


def graph_piece(name: str, body: str) -> bytes:
    """A named graph's TriG text after the prefixes, as formats.trig_bytes writes it."""
    indented = "\n".join(f"    {line}" if line else "" for line in body.rstrip("\n").split("\n"))
    return f"\n\n<{name}> {{\n{indented}\n}}".encode()


def counts(nt_pieces: list[bytes]) -> tuple[int, dict[str, int], dict[str, int]]:
    """Lines, lines per predicate and rdf:type lines per class of N-Triples pieces (as void.counts_of_lines)."""
    predicates: Counter = Counter()
    classes: Counter = Counter()
    lines = 0
    for piece in nt_pieces:
        for line in piece.decode("utf-8").split("\n")[:-1]:
            _, predicate, rest = line.split(" ", 2)
            predicates[predicate] += 1
            lines += 1
            if predicate == _A and rest[0] == "<":
                classes[rest[:-2]] += 1
    return lines, dict(predicates), dict(classes)


def _nt_groups(lines) -> tuple[list[str], list[bytes]]:
    """Sorted distinct N-Triples lines grouped by subject: (subject keys, pieces)."""
    keys: list[str] = []
    pieces: list[bytes] = []
    group: list[str] = []
    current = None
    for line in sorted(set(lines)):
        if not line:
            continue
        subject = line[: line.index(" ")]
        if subject != current:
            if group:
                pieces.append(("\n".join(group) + "\n").encode())
            keys.append(subject)
            group, current = [], subject
        group.append(line)
    if group:
        pieces.append(("\n".join(group) + "\n").encode())
    return keys, pieces


class Writers:
    """What formats the pieces, kept from file to file (each distinct term is formatted once per process)."""

    def __init__(self, terms: Terms, xmlns: dict[str, str], context: dict, reads: frozenset[str]) -> None:
        self.terms, self.xmlns, self.reads = terms, xmlns, {ox.NamedNode(iri) for iri in reads}
        self.rows, self.jsonld = XmlRows(xmlns, terms), JsonLd(context, terms)


def entry_of_part(part: Parsed, graph: str, writers: Writers) -> dict:
    """The entry of parsed triples that make (or join) the named graph `graph`."""
    terms = writers.terms
    subjects, nt = _nt_groups(part.nt_lines(terms))
    part.let_go("nt")
    by_subject: dict = {}
    for triple in part.triples:
        by_subject.setdefault(terms.nt(triple[0]), []).append(triple)
    suffix = f" <{graph}> .\n".encode()  # a line's " .\n" is its end: N-Triples escapes newlines in literals
    entry: dict = {"subjects": subjects, "nt": nt, "nq": [piece.replace(b" .\n", suffix) for piece in nt]}
    entry.update(_subject_pieces(part, subjects, by_subject, writers))
    entry["trig"] = graph_piece(graph, trig_block(part, terms))
    part.let_go("ttl")
    entry["lines"], entry["predicates"], entry["classes"] = counts(nt)
    wanted = writers.reads
    entry["evidence"] = evidence = _evidence(by_subject, terms, wanted)
    summarised = {item[0] for item in evidence}
    # sorted: the KGX and schema.org writers take a node's first value where it has several
    entry["reads"] = "".join(sorted(f"{terms.nt(s)} {terms.nt(p)} {terms.nt(o)} .\n" for s, p, o in part.triples
                                    if p in wanted and terms.nt(s) not in summarised)).encode()
    entry.update(graph=graph, xmlns=sorted(writers.xmlns.items()),
                 used=sorted({t[1].value for t in part.triples}), version=VERSION)
    return entry


def _subject_pieces(part: Parsed, subjects: list[str], by_subject: dict, writers: Writers) -> dict[str, list | None]:
    """Each subject's Turtle block, RDF/XML description and JSON-LD node, with their keys (no JSON-LD where the
    file holds an RDF list: the release then takes the parsed documents' writers)."""
    terms, rows, writer = writers.terms, writers.rows, writers.jsonld
    texts = part.turtle_texts(terms)
    writer.nodes.clear()
    lists = {ox.NamedNode(iri) for iri in _LIST_TERMS}
    with_lists = any(p in lists or o in lists for _, p, o in part.triples)
    if not with_lists:
        writer.add_part(part)
    found: dict = {name: [] for name in ("ttl_key", "ttl", "xml_key", "xml", "jsonld_key", "jsonld")}
    for key in subjects:
        triples = by_subject[key]
        s = triples[0][0]
        ttl_key = terms.ttl(s)
        found["ttl_key"].append(str(ttl_key))
        found["ttl"].append(("\n\n" + texts[ttl_key]).encode())
        found["xml_key"].append(str(rows.n3(s)))
        found["xml"].append(("\n".join(description(rows.subject(s), {rows.line(p, o) for _, p, o in triples}))
                             + "\n").encode())
        if not with_lists:
            node_id = str(writer.converter.context.shrink_iri(terms.rdflib(s)))
            found["jsonld_key"].append(node_id)
            found["jsonld"].append(writer.block(node_id).encode())
    writer.nodes.clear()
    if with_lists:
        found["jsonld_key"] = found["jsonld"] = None
    return found


_EVIDENCE_KEY = (IL.evidenceFor, IL.evidenceProperty, IL.evidenceObject)
_SUMMARISED = {ox.NamedNode(str(p)) for p in (RDF.type, *_EVIDENCE_KEY, IL.extractionMethod, PROV.wasDerivedFrom)}
_EVIDENCE = ox.NamedNode(str(IL.Evidence))


def _evidence(by_subject: dict[str, list[tuple]], terms: Terms, reads: set) -> list[list]:
    """What the KGX writer reads of this file's evidence nodes, one row each: [node, fact subject, predicate,
    object, [documents], curated?] (IRIs in N-Triples form, "" for none): ~80% of the triples the KGX writer
    would otherwise index. A node is summarised only when that is all it has of what KGX and schema.org read
    (typed il2kg:Evidence alone, one value of each key, IRIs); exports/assemble.py restores its triples where
    another file describes it or the graph points at it."""
    rows = []
    for key, triples in by_subject.items():
        if (triples[0][0], _RDF_TYPE, _EVIDENCE) not in triples:
            continue
        values: dict = {}
        for _, p, o in triples:
            values.setdefault(p, []).append(o)
        if values[_RDF_TYPE] != [_EVIDENCE] or not _SUMMARISED.issuperset(p for p in values if p in reads):
            continue
        fact = [values.get(ox.NamedNode(str(p)), []) for p in _EVIDENCE_KEY]
        method = values.get(ox.NamedNode(str(IL.extractionMethod)), [])
        docs = values.get(ox.NamedNode(str(PROV.wasDerivedFrom)), [])
        if any(len(v) > 1 or (v and not isinstance(v[0], ox.NamedNode)) for v in fact) or len(method) > 1 or \
                not all(isinstance(d, ox.NamedNode) for d in docs):
            continue
        curated = bool(method) and str(terms.rdflib(method[0])) == "curated"
        rows.append([key, *(terms.nt(v[0]) if v else "" for v in fact), sorted(terms.nt(d) for d in docs), curated])
    return rows


def ontology_entry(ontology: Graph, xmlns: dict[str, str], terms: Terms, context: dict) -> dict:
    """The ontology's pieces, {key: piece} per format, and what merging a subject the data describes too needs
    (canonical blank-node labels; its JSON-LD through rdflib's converter). Made each build: the ontology is
    small, and its blank nodes are what the data files' fast path refuses."""
    from il2kg.rdf_io import turtle_bytes

    keys, nt = _nt_groups(ntriples_bytes(ontology).decode("utf-8").splitlines())
    names, rows = terms.names, XmlRows(xmlns, terms)
    blocks: dict[str, dict[str, set[str]]] = {}
    xml: dict = {}
    for s, p, o in canonical_triples(ontology):
        predicate = "a" if p == RDF.type else names.iri(p)
        blocks.setdefault(names.term(s), {}).setdefault(predicate, set()).add(names.term(o))
        xml.setdefault(s.n3(), [s, set()])[1].add(rows.line(p, o))
    writer = JsonLd(context, terms)
    writer.add_graph(ontology)
    body = turtle_bytes(ontology, {k: str(v) for k, v in PREFIXES.items()}).decode("utf-8").partition("\n\n")[2]
    lines, predicates, classes = counts(nt)
    return {
        "nt": dict(zip(keys, nt, strict=True)),
        "ttl": {key: ("\n\n" + _block(key, preds)).encode() for key, preds in blocks.items()},
        "xml": {key: ("\n".join(description(*pair)) + "\n").encode() for key, pair in xml.items()},
        "jsonld": {node_id: writer.block(node_id).encode() for node_id in writer.nodes},
        "structured": {"ttl": blocks, "xml": xml, "jsonld": writer.nodes},
        "trig": graph_piece(str(ONTOLOGY_IRI), body), "lines": lines, "predicates": predicates, "classes": classes,
    }
