"""Flat, sorted RDF/XML from Oxigraph-parsed data: the bytes ontology.rdfxml_bytes gives for the merged graph.

ontology.rdfxml_document's layout and order (subjects by n3(), then (n3(p), n3(o))), with every distinct term's
n3() and XML form made once and each triple kept as its (n3(p), n3(o), line): sorting those tuples is that
order, and the same triple from two documents is one tuple. `XmlRows` makes one subject's rdf:Description at a
time, so the per-file pieces (exports/pieces.py) and the whole document (`rdfxml`) share it.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape

import pyoxigraph as ox
from rdflib import Graph, Literal

from il2kg.exports.fast import Parsed, Terms
from il2kg.ontology import _node_attr, _split, rdfxml_head, rdfxml_namespaces
from il2kg.rdf_io import canonical_triples


class XmlRows:
    """Each (predicate, object) as its sort key and XML line, under one namespace map; terms are rdflib terms
    (the ontology) or Oxigraph terms (data), formatted once."""

    def __init__(self, xmlns: dict[str, str], terms: Terms) -> None:
        self.xmlns, self.convert = xmlns, terms.rdflib
        self._n3: dict = {}
        self._tag: dict = {}
        self._piece: dict = {}  # object -> the line after its tag name, with {tag} for the closing tag

    def n3(self, term) -> str:
        found = self._n3.get(term)
        if found is None:
            found = self._n3[term] = (self.convert(term) if isinstance(term, ox.NamedNode | ox.Literal) else term).n3()
        return found

    def subject(self, term):
        """The rdflib form of a subject (for its rdf:about)."""
        return self.convert(term) if isinstance(term, ox.NamedNode) else term

    def line(self, p, o) -> tuple[str, str, str]:
        n3, tag, piece = self.n3, self._tag, self._piece
        if p not in tag:
            namespace, local = _split(str(self.convert(p) if isinstance(p, ox.NamedNode) else p))
            tag[p] = f"{self.xmlns[namespace]}:{local}"
        if o not in piece:
            value = self.convert(o) if isinstance(o, ox.NamedNode | ox.Literal) else o
            if isinstance(value, Literal):
                attrs = f' xml:lang="{value.language}"' if value.language else ""
                attrs += f' rdf:datatype="{value.datatype}"' if value.datatype else ""
                piece[o] = (attrs + ">" + escape(str(value)) + "</", ">")
            else:
                piece[o] = (" " + _node_attr(value, "rdf:resource") + "/>", None)
        name, (body, close) = tag[p], piece[o]
        text = f"    <{name}{body}{name}{close}" if close else f"    <{name}{body}"
        return n3(p), n3(o), text


def description(subject, rows: Iterable[tuple[str, str, str]]) -> list[str]:
    """One subject's rdf:Description lines (subject as an rdflib term)."""
    return [f"  <rdf:Description {_node_attr(subject, 'rdf:about')}>", *(row[2] for row in sorted(rows)),
            "  </rdf:Description>"]


def namespaces(ontology: Graph, parts: Iterable[Parsed], terms: Terms) -> dict[str, str]:
    """The namespace map of the ontology's and the parts' predicates."""
    predicates = {p for _, p, _ in canonical_triples(ontology)}
    predicates.update(terms.rdflib(p) for part in parts for p in {t[1] for t in part.triples})
    return rdfxml_namespaces(predicates)


def ontology_rows(ontology: Graph, rows: XmlRows) -> dict[str, list]:
    """{n3(subject): [subject, {row}]} of the ontology (canonical blank-node labels)."""
    by_subject: dict = {}
    for s, p, o in canonical_triples(ontology):
        by_subject.setdefault(s.n3(), [s, set()])[1].add(rows.line(p, o))
    return by_subject


def rdfxml(ontology: Graph, parts: Iterable[Parsed], terms: Terms) -> bytes:
    """Flat, sorted RDF/XML of the ontology and the data (what ontology.rdfxml_bytes gives for the merged graph)."""
    from il2kg.exports.fast import lines_bytes

    parts = list(parts)
    xmlns = namespaces(ontology, parts, terms)
    rows = XmlRows(xmlns, terms)
    by_subject = ontology_rows(ontology, rows)
    for part in parts:
        for s, p, o in part.triples:
            key = rows.n3(s)
            entry = by_subject.get(key)
            if entry is None:
                entry = by_subject[key] = [rows.subject(s), set()]
            entry[1].add(rows.line(p, o))
    lines = rdfxml_head(xmlns)
    for key in sorted(by_subject):
        lines.extend(description(*by_subject[key]))
    lines.append("</rdf:RDF>")
    by_subject.clear()
    return lines_bytes(lines)
