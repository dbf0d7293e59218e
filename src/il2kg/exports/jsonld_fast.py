"""JSON-LD of the release from Oxigraph-parsed documents: the bytes of jsonld.jsonld_bytes, without rdflib's graph.

rdflib's serialiser walks the merged graph subject by subject (~15 s at 1,000 documents, most of it in the
graph's triple index), then the result goes through json twice. Here each data triple's key and value come
from rdflib's own `Converter.add_to_node` (so the compaction rules are rdflib's), handed a stand-in graph
that holds no RDF list (Oxigraph-parsed data without blank nodes has none); the ontology, which has blank
nodes and lists, goes through rdflib's converter whole. The JSON text is written here, in the layout of
`json.dumps(indent=1, sort_keys=True, ensure_ascii=False)`: Python's indenting encoder is pure Python and was
a third of the cost. tests/test_release_fast.py compares the bytes with jsonld_bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from json.encoder import encode_basestring  # C, the escaping json.dumps(ensure_ascii=False) uses

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF
from rdflib.plugins.serializers.jsonld import PLAIN_LITERAL_TYPES, Converter
from rdflib.plugins.shared.jsonld.context import Context

from il2kg.exports.fast import Parsed, Terms
from il2kg.exports.jsonld import _key, _protect_lists, _sort_values
from il2kg.rdf_io import canonical

_LIST_TERMS = {str(RDF.first), str(RDF.rest), str(RDF.nil)}
_RDF_TYPE = RDF.type


class _NoLists:
    """The graph as rdflib's converter asks it, for data with no RDF list: no node has an rdf:first."""

    def value(self, *_args, **_kwargs) -> None:
        return None


def supported(context: dict, parts: Iterable[Parsed]) -> bool:
    """Whether this writer gives jsonld_bytes' bytes: no container terms in the context, no RDF list in the data."""
    terms = context["@context"].values()
    if any(isinstance(t, dict) and set(t) - {"@id", "@type"} for t in terms):
        return False
    lists = {ox.NamedNode(iri) for iri in _LIST_TERMS}
    return not any(p in lists or o in lists for part in parts for _, p, o in part.triples)


def _scalar(value: object) -> str:
    """A JSON scalar as json.dumps writes it."""
    if isinstance(value, str):
        return encode_basestring(value)
    return json.dumps(value)


class _Value:
    """One JSON value of a node: its compact text (the sort key jsonld_bytes uses) and its indented layout."""

    __slots__ = ("flat", "key", "value")

    def __init__(self, value: object) -> None:
        if isinstance(value, dict):
            value = {str(k): (str(v) if isinstance(v, str) else v) for k, v in value.items()}
        elif isinstance(value, str):
            value = str(value)  # a Literal or URIRef: json writes its text
        self.value = value
        self.flat = isinstance(value, dict) and all(not isinstance(v, (dict, list)) for v in value.values())
        if self.flat:
            self.key = "{" + ", ".join(f"{encode_basestring(k)}: {_scalar(v)}" for k, v in sorted(value.items())) + "}"
        elif isinstance(value, (dict, list)):
            self.key = _key(value)
        else:
            self.key = _scalar(value)

    def text(self, pad: str) -> str:
        """The value as json.dumps(indent=1) writes it at a nesting whose closing bracket is indented by `pad`."""
        value = self.value
        if not isinstance(value, (dict, list)):
            return self.key
        if not value:
            return "{}" if isinstance(value, dict) else "[]"
        if self.flat:
            inner = pad + " "
            rows = [f"{inner}{encode_basestring(k)}: {_scalar(v)}" for k, v in sorted(value.items())]
            return "{\n" + ",\n".join(rows) + "\n" + pad + "}"
        text = json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False)
        return text.replace("\n", "\n" + pad)


class JsonLd:
    """Nodes by id, each {key: {value key: _Value}}, filled from the ontology (rdflib) and parsed documents."""

    def __init__(self, context: dict, terms: Terms) -> None:
        self.context = context["@context"]
        self.converter = Converter(Context(self.context), True, False)
        self.terms = terms
        self.nodes: dict[str, dict[str, dict[str, _Value]]] = {}
        self._ids: dict = {}
        self._iri_values: dict = {}
        self._plans: dict = {}

    def add_graph(self, graph: Graph) -> None:
        """Add an rdflib graph (the ontology) through rdflib's converter, as the reference writer sees it."""
        found = json.loads(json.dumps(self.converter.from_graph(canonical(graph)), ensure_ascii=False))
        for node in _sort_values(_protect_lists(found)):
            slots = self.nodes.setdefault(node["@id"], {})
            for key, value in node.items():
                if key == "@id":
                    continue
                values = value if isinstance(value, list) and not getattr(value, "_ordered", False) else [value]
                bucket = slots.setdefault(key, {})
                for item in values:
                    entry = _Value(item)
                    bucket[entry.key] = entry

    def add_part(self, part: Parsed) -> None:
        """Add one parsed document's triples."""
        nodes, ids, iri_values, rdflib_term = self.nodes, self._ids, self._iri_values, self.terms.rdflib
        shrink, literal = self.converter.context.shrink_iri, self._literal
        for s, p, o in part.triples:
            node_id = ids.get(s)
            if node_id is None:
                node_id = ids[s] = str(shrink(rdflib_term(s)))
            if isinstance(o, ox.Literal):
                found = literal(p, rdflib_term(o))
            else:
                found = iri_values.get((p, o))
                if found is None:
                    into: dict = {}
                    self.converter.add_to_node(_NoLists(), rdflib_term(s), rdflib_term(p), rdflib_term(o), into, None)
                    ((key, value),) = into.items()
                    found = iri_values[(p, o)] = (str(key), _Value(value))
            slots = nodes.get(node_id)
            if slots is None:
                slots = nodes[node_id] = {}
            bucket = slots.get(found[0])
            if bucket is None:
                bucket = slots[found[0]] = {}
            bucket[found[1].key] = found[1]

    def _literal(self, p, o) -> tuple[str, _Value]:
        """Converter.add_to_node's key and value for a literal object (its branches with no container term),
        the key's term looked up once per predicate, datatype and language: rdflib's own call asks the graph
        whether the literal heads an RDF list, which was half the cost."""
        context, converter = self.converter.context, self.converter
        signature = (p, o.datatype, o.language)
        plan = self._plans.get(signature)
        if plan is None:
            p = self.terms.rdflib(p)
            term = context.find_term(str(p), str(o.datatype) if o.datatype else None, language=o.language)
            if term:
                key = term.name
            else:
                key = context.to_symbol(p)
                key_term = context.terms.get(key)
                if key_term and (key_term.type or key_term.container):
                    key = p
                if p == _RDF_TYPE and not converter.use_rdf_type:
                    key = context.type_key
            plan = self._plans[signature] = (str(key), term)
        key, term = plan
        node = None
        if term:
            if term.type:
                node = converter.type_coerce(o, term.type)
            elif term.language and o.language == term.language:
                node = str(o)
            elif context.language and (term.language is None and o.language is None):
                node = str(o)
        if node is None:
            node = self._raw_literal(o)
        return key, _Value(node)

    def _raw_literal(self, o) -> object:
        """Converter.to_raw_value of a literal."""
        context = self.converter.context
        native = o.datatype in PLAIN_LITERAL_TYPES
        value = o.toPython() if native else str(o)
        if o.datatype:
            return value if native and context.active else {context.type_key: context.to_symbol(o.datatype),
                                                           context.value_key: value}
        if o.language and o.language != context.language:
            return {context.lang_key: o.language, context.value_key: value}
        if not context.active or context.language and not o.language:
            return {context.value_key: value}
        return value

    def block(self, node_id: str) -> str:
        """One node's object in the document's layout (indented for its place in "@graph")."""
        rows = [("@id", encode_basestring(node_id))]
        for key, values in self.nodes[node_id].items():
            if len(values) == 1:
                (only,) = values.values()
                rows.append((key, only.text("   ")))
            else:
                items = [values[k].text("    ") for k in sorted(values)]
                rows.append((key, "[\n    " + ",\n    ".join(items) + "\n   ]"))
        rows.sort()
        return "  {\n" + ",\n".join(f"   {encode_basestring(k)}: {t}" for k, t in rows) + "\n  }"

    def head(self) -> str:
        """The document up to its first node."""
        context = json.dumps(self.context, indent=1, sort_keys=True, ensure_ascii=False).replace("\n", "\n ")
        return '{\n "@context": ' + context + ',\n "@graph": ['

    def bytes(self) -> bytes:
        """The document: the context, then the nodes sorted by id, in json.dumps(indent=1, sort_keys=True) layout."""
        blocks = [self.block(node_id) for node_id in sorted(self.nodes)]
        self.nodes.clear()
        return document(self.head(), blocks)


def document(head: str, blocks: list) -> bytes:
    """The JSON-LD document of its head and its nodes' blocks (str, or bytes in UTF-8); the list is emptied."""
    if not blocks:
        return (head + "]\n}\n").encode("utf-8")
    if isinstance(blocks[0], str):
        text = ",\n".join(blocks)  # one copy of the document as text, one as bytes
        blocks.clear()
        return (head + "\n").encode("utf-8") + text.encode("utf-8") + TAIL
    data = (head + "\n").encode("utf-8") + b",\n".join(blocks) + TAIL
    blocks.clear()
    return data


TAIL = b"\n ]\n}\n"


def jsonld(ontology: Graph, parts: Iterable[Parsed], terms: Terms, context: dict) -> bytes:
    """Compacted JSON-LD of the ontology and the parsed documents (what jsonld_bytes gives for the merged graph)."""
    writer = JsonLd(context, terms)
    writer.add_graph(ontology)
    for part in parts:
        writer.add_part(part)
    return writer.bytes()

