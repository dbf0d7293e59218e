"""The release's RDF files from Oxigraph's parser: the same bytes as the rdflib writers, an order of magnitude faster.

Serialising 600k triples through rdflib (a Graph, canonical_triples, a term object per triple) took ~70 s
at 1,000 documents; parsing each data file with pyoxigraph and formatting every distinct term once takes
a few seconds. The formatting rules are those of il2kg.rdf_io and il2kg.ontology (sorted Turtle, sorted
N-Triples; flat RDF/XML in exports/xml_rows.py) and tests/test_release_fast.py compares both paths byte for
byte. Each document's N-Triples lines and Turtle blocks are made once and serve two formats each (il2kg.nt
and il2kg.nq; il2kg.ttl and il2kg.trig), then are let go (exports/writing.py). Blank nodes need RGDA1's canonical
labels, which only the rdflib path computes: the ontology (which has them) goes through rdflib, and
`Parsed.scan` gives None for data holding any, so the caller keeps the rdflib path for it.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.plugins.serializers.nt import _quote_encode  # rdflib's own N-Triples escaping

from il2kg.rdf_io import _Names, canonical_triples, ntriples_bytes, turtle_bytes
from il2kg.vocab import IL, PREFIXES

_XSD_STRING, _RDF_TYPE = str(XSD.string), ox.NamedNode(str(RDF.type))
_SOURCE_DOCUMENT = ox.NamedNode(str(IL.SourceDocument))


class Terms:
    """Each distinct Oxigraph term formatted once: N-Triples, Turtle (with the fixed prefixes), rdflib's n3()."""

    def __init__(self, prefixes: dict[str, object] | None = None) -> None:
        self.names = _Names({k: str(v) for k, v in (prefixes or PREFIXES).items()})
        self._nt: dict = {}
        self._ttl: dict = {}
        self._rdflib: dict = {}

    def rdflib(self, term) -> URIRef | Literal:
        """The rdflib term (a literal's lexical form normalised as rdflib normalises it)."""
        found = self._rdflib.get(term)
        if found is None:
            if isinstance(term, ox.NamedNode):
                found = URIRef(term.value)
            elif term.language:
                found = Literal(term.value, lang=term.language)
            elif term.datatype.value == _XSD_STRING:
                found = Literal(term.value)
            else:
                found = Literal(term.value, datatype=URIRef(term.datatype.value))
            self._rdflib[term] = found
        return found

    def nt(self, term) -> str:
        """The term as rdflib's N-Triples writer writes it."""
        found = self._nt.get(term)
        if found is None:
            if isinstance(term, ox.NamedNode):
                found = f"<{term.value}>"
            else:
                lexical = str(self.rdflib(term))
                found = _quote_encode(lexical)
                if term.language:
                    found += f"@{term.language}"
                elif term.datatype.value != _XSD_STRING:
                    found += f"^^<{term.datatype.value}>"
            self._nt[term] = found
        return found

    def let_go(self, kind: str) -> None:
        """Drop the N-Triples ("nt") or Turtle ("ttl") forms made so far."""
        if kind == "nt":
            self._nt = {}
        else:
            self._ttl = {}

    def ttl(self, term) -> str:
        """The term as il2kg.export's Turtle writer writes it."""
        found = self._ttl.get(term)
        if found is None:
            found = self._ttl[term] = self.names.term(self.rdflib(term))
        return found


class Parsed:
    """One data file's (or document's) triples as Oxigraph terms; None from `of` when any blank node is in it."""

    def __init__(self, triples: list[tuple]) -> None:
        self.triples = triples
        self._nt: list[str] | None = None
        self._ttl: dict[str, str] | None = None

    @staticmethod
    def scan(data: bytes) -> tuple[set[tuple], list[str]] | None:
        """One data file's triples and the il2kg:SourceDocument IRIs it declares (sorted); None when it holds a
        blank node or Oxigraph refuses it (the rdflib writers then serve)."""
        triples, documents = set(), set()
        try:
            for quad in ox.parse(data, format=ox.RdfFormat.TURTLE):
                s, p, o = quad.subject, quad.predicate, quad.object
                if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
                    return None
                triples.add((s, p, o))
                if p == _RDF_TYPE and o == _SOURCE_DOCUMENT:
                    documents.add(s.value)
        except (SyntaxError, ValueError):
            return None
        return triples, sorted(documents)

    def nt_lines(self, terms: Terms) -> list[str]:
        """The N-Triples lines (made once: il2kg.nt and il2kg.nq both write them)."""
        if self._nt is None:
            nt = terms.nt
            self._nt = [f"{nt(s)} {nt(p)} {nt(o)} ." for s, p, o in self.triples]
        return self._nt

    def let_go(self, kind: str) -> None:
        """Drop the lines ("nt") or Turtle blocks ("ttl") made for the formats that share them."""
        if kind == "nt":
            self._nt = None
        else:
            self._ttl = None

    def turtle_blocks(self, terms: Terms) -> dict[str, dict[str, set[str]]]:
        """{subject: {predicate: {object}}} in Turtle's written forms ("a" for rdf:type)."""
        ttl, blocks = terms.ttl, {}
        for s, p, o in self.triples:
            predicate = "a" if p == _RDF_TYPE else ttl(p)
            blocks.setdefault(ttl(s), {}).setdefault(predicate, set()).add(ttl(o))
        return blocks

    def turtle_texts(self, terms: Terms) -> dict[str, str]:
        """{subject: its Turtle block} (made once: the merged Turtle and this document's TriG graph share them)."""
        if self._ttl is None:
            self._ttl = {subject: _block(subject, preds) for subject, preds in self.turtle_blocks(terms).items()}
        return self._ttl


def ntriples_lines(ontology: Graph, parts: Iterable[Parsed], terms: Terms) -> list[str]:
    """The merged graph's N-Triples lines, sorted and distinct (one per triple: the VoID counts read them too)."""
    rows = set(ntriples_bytes(ontology).decode("utf-8").splitlines())
    for part in parts:
        rows.update(part.nt_lines(terms))
    rows.discard("")
    return sorted(rows)


def nquads(graphs: Iterable[tuple[str, Graph | Parsed]], terms: Terms) -> bytes:
    """Sorted N-Quads of named graphs (rdflib graphs, or parsed data): no line is in two graphs, so a list of
    each graph's distinct lines holds them (two Oxigraph literals can be one rdflib literal: "007" and "7")."""
    rows: list[str] = []
    for name, part in graphs:
        if isinstance(part, Parsed):
            lines = part.nt_lines(terms)
        else:
            lines = sorted({line for line in ntriples_bytes(part).decode("utf-8").splitlines() if line.endswith(" .")})
        suffix = f" <{name}> ."
        rows.extend({line[:-2] + suffix for line in lines})
    rows.sort()
    return lines_bytes(rows)


def lines_bytes(rows: list[str]) -> bytes:
    """The lines, each ending in a newline, as UTF-8; the list is emptied on the way (an output of ~100 MB is
    then held twice at most, as text and as bytes, not four times)."""
    rows.append("")
    text = "\n".join(rows)
    rows.clear()
    return text.encode("utf-8")


def _block(subject: str, preds: dict[str, set[str]]) -> str:
    body = [f"    {p} {' , '.join(sorted(preds[p]))}" for p in sorted(preds, key=lambda p: (p != "a", p))]
    return subject + "\n" + " ;\n".join(body) + " ."


def _subject_order(subject: str) -> tuple[bool, str]:
    return subject.startswith("_:"), subject


def turtle(ontology: Graph | None, parts: Iterable[Parsed], terms: Terms) -> bytes:
    """Sorted Turtle with the fixed prefixes, as turtle_bytes writes the union of ontology and parts.

    A subject described by one document only has that document's block (made once for TriG too); the blocks
    of subjects that several documents or the ontology describe are merged and written again."""
    parts, names = list(parts), terms.names
    merged: dict[str, dict[str, set[str]]] = {}
    if ontology is not None:
        for s, p, o in canonical_triples(ontology):
            predicate = "a" if p == RDF.type else names.iri(p)
            merged.setdefault(names.term(s), {}).setdefault(predicate, set()).add(names.term(o))
    seen: set[str] = set(merged)
    shared: set[str] = set(merged)
    for part in parts:
        subjects = part.turtle_texts(terms).keys()
        shared.update(seen.intersection(subjects))
        seen.update(subjects)
    texts: dict[str, str] = {}
    for part in parts:
        own = part.turtle_texts(terms)
        if shared.isdisjoint(own):
            texts.update(own)
            continue
        for subject, preds in part.turtle_blocks(terms).items():
            if subject in shared:
                into = merged.setdefault(subject, {})
                for predicate, objects in preds.items():
                    into.setdefault(predicate, set()).update(objects)
            else:
                texts[subject] = own[subject]
    texts.update((subject, _block(subject, preds)) for subject, preds in merged.items())
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(names.prefixes)]
    for subject in sorted(texts, key=_subject_order):
        lines.append("")
        lines.append(texts[subject])
    texts.clear()
    return lines_bytes(lines)


def trig_block(part: Graph | Parsed, terms: Terms) -> str:
    """One named graph's Turtle body (no prefixes), as trig_bytes cuts it from turtle_bytes."""
    if isinstance(part, Parsed):
        texts = part.turtle_texts(terms)
        return "\n\n".join(texts[s] for s in sorted(texts, key=_subject_order)) + "\n" if texts else ""
    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    return turtle_bytes(part, prefixes).decode("utf-8").partition("\n\n")[2]
