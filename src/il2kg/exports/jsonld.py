"""JSON-LD with the published @context: compact keys, sorted keys, @graph sorted by @id."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import OWL, RDF

from il2kg import resources
from il2kg.rdf_io import canonical
from il2kg.vocab import BASE, PREFIXES

# The published context; resources.py should own this path once the lead moves it there.
CONTEXT_FILE = resources.ROOT / "context" / "il2kg.context.jsonld"
CONTEXT_IRI = BASE + "context.jsonld"  # where the file is to be served (w3id redirect)


def context_document(ontology: Graph) -> dict:
    """Build the @context: the project prefixes, plus one term per il2kg class and property."""
    terms: dict[str, object] = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    for cls, coerce in ((OWL.Class, None), (OWL.DatatypeProperty, None), (OWL.AnnotationProperty, None),
                        (OWL.ObjectProperty, "@id")):
        for term in ontology.subjects(RDF.type, cls):
            local = str(term)[len(BASE):]
            if not str(term).startswith(BASE) or not local.isidentifier():
                continue
            terms[local] = {"@id": f"il2kg:{local}", "@type": coerce} if coerce else f"il2kg:{local}"
    return {"@context": dict(sorted(terms.items()))}


def context_bytes(ontology: Graph) -> bytes:
    """Serialise the @context document deterministically (what context/il2kg.context.jsonld holds)."""
    return (json.dumps(context_document(ontology), indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def load_context(path: Path = CONTEXT_FILE) -> dict:
    """Read the published @context document."""
    return json.loads(path.read_text(encoding="utf-8"))


def _sort_values(node: object) -> object:
    if isinstance(node, dict):
        return {k: _sort_values(v) for k, v in node.items()}
    if isinstance(node, list):
        items = [_sort_values(v) for v in node]
        # @list order is meaningful; every other array is a set
        return items if getattr(node, "_ordered", False) else sorted(items, key=_key)
    return node


def _key(item: object) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def _protect_lists(node: object) -> object:
    if isinstance(node, dict):
        out = {k: _protect_lists(v) for k, v in node.items()}
        if isinstance(out.get("@list"), list):
            out["@list"] = _OrderedList(out["@list"])
        return out
    if isinstance(node, list):
        return [_protect_lists(v) for v in node]
    return node


class _OrderedList(list):
    _ordered = True


def jsonld_bytes(graph: Graph, context: dict | None = None) -> bytes:
    """Serialise compacted JSON-LD with the published context inline, byte-stable across processes."""
    context = context if context is not None else load_context()
    text = canonical(graph).serialize(format="json-ld", context=context["@context"], auto_compact=True)
    doc = json.loads(text)
    nodes = doc.get("@graph", [] if set(doc) <= {"@context"} else [{k: v for k, v in doc.items() if k != "@context"}])
    nodes = _sort_values(_protect_lists(nodes))
    out = {"@context": context["@context"], "@graph": sorted(nodes, key=lambda n: (n.get("@id", ""), _key(n)))}
    return (json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


if __name__ == "__main__":  # python -m il2kg.exports.jsonld: rewrite the published context from the ontology
    from il2kg.ontology import load_ontology
    from il2kg.rdf_io import atomic_write

    atomic_write(CONTEXT_FILE, context_bytes(load_ontology()))
    print(f"wrote {CONTEXT_FILE}")
