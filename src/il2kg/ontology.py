"""Load the ontology source and write its release artefacts (RDF/XML for Protégé, merged Turtle)."""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF

from il2kg import resources
from il2kg.rdf_io import atomic_write, canonical_triples, read_turtle, turtle_bytes
from il2kg.vocab import PREFIXES


def load_ontology(path: Path | None = None) -> Graph:
    """Parse the ontology source (ontology/il2kg.ttl by default)."""
    return read_turtle(path or resources.ONTOLOGY)


_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*$")


def _split(iri: str) -> tuple[str, str]:
    match = _NCNAME.search(iri)
    if not match:
        raise ValueError(f"predicate {iri} has no XML local name")
    return iri[: match.start()], match.group(0)


def _node_attr(term: object, attr: str) -> str:
    if isinstance(term, BNode):
        return f'rdf:nodeID="{term}"'
    return f'{attr}="{escape(str(term), {chr(34): "&quot;"})}"'


def rdfxml_bytes(graph: Graph) -> bytes:
    """Serialise as flat, sorted RDF/XML (rdflib's writer orders by hash, so its bytes vary by process)."""
    by_subject: dict = {}
    for s, p, o in canonical_triples(graph):
        by_subject.setdefault(s, set()).add((p, o))
    return rdfxml_document(by_subject)


def rdfxml_namespaces(predicates: set) -> dict[str, str]:
    """{namespace: XML prefix} for the predicates: rdf, the project's prefixes, ns1, ns2... for the others."""
    namespaces = sorted({_split(str(p))[0] for p in predicates} - {str(RDF)})
    xmlns = {str(RDF): "rdf", **{ns: f"ns{i}" for i, ns in enumerate(namespaces, start=1)}}
    known = {str(v): k for k, v in PREFIXES.items()}
    xmlns.update({ns: known[ns] for ns in namespaces if ns in known})
    return xmlns


def rdfxml_head(xmlns: dict[str, str]) -> list[str]:
    """The document's first lines, up to the opening rdf:RDF tag with its namespaces."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    lines += [f'  xmlns:{prefix}="{ns}"' for ns, prefix in sorted(xmlns.items(), key=lambda kv: kv[1])]
    lines[-1] += ">"
    return lines


def rdfxml_document(by_subject: dict) -> bytes:
    """Flat, sorted RDF/XML of {subject: {(predicate, object)}}: one rdf:Description per subject."""
    xmlns = rdfxml_namespaces({p for pairs in by_subject.values() for p, _ in pairs})
    lines = rdfxml_head(xmlns)
    n3: dict = {}
    tags: dict = {}

    def key(term) -> str:  # each distinct term formatted once: a release repeats terms many times
        found = n3.get(term)
        if found is None:
            found = n3[term] = term.n3()
        return found

    for subject in sorted(by_subject, key=key):
        lines.append(f"  <rdf:Description {_node_attr(subject, 'rdf:about')}>")
        for p, o in sorted(by_subject[subject], key=lambda t: (key(t[0]), key(t[1]))):
            tag = tags.get(p)
            if tag is None:
                ns, local = _split(str(p))
                tag = tags[p] = f"{xmlns[ns]}:{local}"
            if isinstance(o, Literal):
                attrs = f' xml:lang="{o.language}"' if o.language else ""
                attrs += f' rdf:datatype="{o.datatype}"' if o.datatype else ""
                lines.append(f"    <{tag}{attrs}>{escape(str(o))}</{tag}>")
            else:
                lines.append(f"    <{tag} {_node_attr(o, 'rdf:resource')}/>")
        lines.append("  </rdf:Description>")
    lines.append("</rdf:RDF>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_release(merged: Graph, out_dir: Path) -> list[Path]:
    """Write il2kg.owl (RDF/XML) and il2kg.ttl (Turtle) of the merged ontology and data."""
    owl, ttl = out_dir / "il2kg.owl", out_dir / "il2kg.ttl"
    atomic_write(owl, rdfxml_bytes(merged))
    atomic_write(ttl, turtle_bytes(merged))
    return [owl, ttl]
