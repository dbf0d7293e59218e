"""IRIs as CURIEs: `curie(iri, scheme)` shortens, `expand(curie)` reads a lexicon CURIE back.

This is the one place that shortens an IRI. Callers differ only in the namespaces they shorten
(a scheme is data, not code): the lexicon writes OBO terms as MONDO:0004976 and its own terms as
il2kg:ccl2; views, pages and the check command also write data as id:trial/NCT...; the query table
and the validation report use the Turtle prefixes (obo:MONDO_0004976), as the files themselves do.
The `curies` library was weighed: it shortens by prefix map only, so the OBO rule (any
PREFIX_local under obo/, as the OBO Foundry writes them) would have to list every ontology.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import URIRef

from il2kg.vocab import BASE, CITO, HGNC, ID, OBO, PREFIXES, SHAPES

_OBO = str(OBO)


@dataclass(frozen=True)
class Scheme:
    """What to shorten: OBO terms as PREFIX:local (when `obo`), then these namespaces, the longest first."""

    obo: bool
    namespaces: tuple[tuple[str, str], ...]  # (base IRI, prefix), longest base first

    @classmethod
    def of(cls, namespaces: Mapping[str, object], *, obo: bool) -> Scheme:
        pairs = sorted(((str(base), prefix) for prefix, base in namespaces.items()), key=lambda p: (-len(p[0]), p[1]))
        return cls(obo, tuple(pairs))


_LEXICON_BASES = {"il2kg": BASE, "cito": CITO, "hgnc": HGNC}
LEXICON = Scheme.of(_LEXICON_BASES, obo=True)  # the lexicon's own CURIEs (ontology keys, schema.org codes)
READER = Scheme.of({"id": ID, **_LEXICON_BASES}, obo=True)  # what a reader of a view or the check command sees
PAGE = Scheme.of({**PREFIXES, "id": ID, **_LEXICON_BASES}, obo=True)  # a linked-data page: any known namespace
KGX = Scheme.of(PREFIXES, obo=True)  # Biolink's CURIEs for OBO terms, the Turtle prefixes for the rest
TURTLE = Scheme.of({**PREFIXES, "ilsh": SHAPES}, obo=False)  # as the Turtle files and shapes write it


def curie(iri: URIRef | str, scheme: Scheme = READER) -> str:
    """The CURIE of an IRI in the scheme, or the IRI itself when no namespace of the scheme holds it."""
    text = str(iri)
    if scheme.obo and text.startswith(_OBO):
        prefix, _, local = text[len(_OBO):].partition("_")
        return f"{prefix}:{local}"
    for base, prefix in scheme.namespaces:
        if text.startswith(base) and len(text) > len(base):
            return f"{prefix}:{text[len(base):]}"
    return text


def expand(text: str) -> URIRef:
    """Expand a lexicon CURIE ("MONDO:0004976", "il2kg:ccl2") to its IRI (the inverse of curie(iri, LEXICON))."""
    prefix, _, local = text.partition(":")
    if prefix in _LEXICON_BASES:
        return URIRef(str(_LEXICON_BASES[prefix]) + local)
    if prefix.isupper():
        return OBO[f"{prefix}_{local}"]
    raise ValueError(f"unknown CURIE prefix in {text!r}")
