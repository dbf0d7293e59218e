"""The release's RDF files joined from the data files' pieces (exports/pieces.py): sort keys, join bytes.

A subject that one file alone describes is that file's piece, copied. A subject that several files, or a file
and the ontology, describe is merged again from those files' triples (read back from their N-Triples pieces):
at 1,000 documents that is ~1,000 of ~60,000 subjects. The bytes are those of exports/fast.py and of the rdflib
writers (tests/test_release_fast.py); a rebuild after one changed file sorts ~60,000 keys and joins ~300 MB of
pieces per release, where writing them from the parsed documents took ~20 s of CPU.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from il2kg.errors import Il2kgError
from il2kg.exports.fast import Parsed, Terms, _block, trig_block
from il2kg.exports.jsonld_fast import JsonLd, document
from il2kg.exports.pieces import counts, graph_piece
from il2kg.exports.xml_rows import XmlRows, description
from il2kg.ontology import rdfxml_head
from il2kg.vocab import ONTOLOGY_IRI, PREFIXES

_SORT: dict[str, Callable[[str], object]] = {
    "nt": lambda key: key + " ", "ttl": lambda key: (key.startswith("_:"), key), "xml": str, "jsonld": str}


class Assembly:
    """The files' entries (in data-file order), the ontology's entry, and the writers' shared state."""

    def __init__(self, entries: list[dict], ontology_entry: dict, ontology: Graph, terms: Terms,
                 xmlns: dict[str, str], context: dict) -> None:
        self.entries, self.onto, self.ontology = entries, ontology_entry, ontology
        self.terms, self.xmlns, self.context = terms, xmlns, context
        owner: dict[str, tuple[int, int]] = {}
        # subject -> its (entry, index) in each file, for the subjects merged again: those several files describe,
        # and those the ontology describes too
        self.shared: dict[str, list[tuple[int, int]]] = {}
        for e, entry in enumerate(entries):
            for i, subject in enumerate(entry["subjects"]):
                if subject in owner:
                    self.shared.setdefault(subject, [owner[subject]]).append((e, i))
                else:
                    owner[subject] = (e, i)
        for subject in ontology_entry["nt"].keys() & owner.keys():
            self.shared.setdefault(subject, [owner[subject]])
        self._merged_nt: dict[str, bytes] = {}

    def _triples(self, where: list[tuple[int, int]]) -> list[tuple]:
        """A shared subject's triples in the files that describe it, read back from their N-Triples pieces."""
        return [(q.subject, q.predicate, q.object) for e, i in where
                for q in ox.parse(self.entries[e]["nt"][i], format=ox.RdfFormat.N_TRIPLES)]

    def _pieces(self, fmt: str, merge: Callable[[str, list[tuple[int, int]] | None], bytes]) -> list[bytes]:
        """Every subject's piece in a format, sorted by the format's key: copied, or merged where shared."""
        keys_of, pieces_of = ("subjects", "nt") if fmt in ("nt", "nq") else (f"{fmt}_key", fmt)
        shared, items = self.shared, []
        for entry in self.entries:
            subjects, keys, pieces = entry["subjects"], entry[keys_of], entry[pieces_of]
            if fmt == "nq":
                suffix = f" <{entry['graph']}> .\n".encode()
                items.extend((k, p.replace(b" .\n", suffix)) for s, k, p in zip(subjects, keys, pieces, strict=True)
                             if s not in shared)
            else:
                items.extend((k, p) for s, k, p in zip(subjects, keys, pieces, strict=True) if s not in shared)
        merged = set()
        for where in shared.values():
            e, i = where[0]
            key = self.entries[e][keys_of][i]
            merged.add(key)
            items.append((key, merge(key, where)))
        onto = self.onto["nt" if fmt == "nq" else fmt]
        suffix = f" <{ONTOLOGY_IRI}> .\n".encode()
        items.extend((key, piece.replace(b" .\n", suffix) if fmt == "nq" else piece)
                     for key, piece in onto.items() if key not in merged)
        order = _SORT["nt" if fmt == "nq" else fmt]
        items.sort(key=lambda item: order(item[0]))
        for before, after in zip(items, items[1:], strict=False):
            if before[0] == after[0]:
                raise Il2kgError(f"two subjects of the release have the same {fmt} key {before[0]}; report it")
        return [piece for _, piece in items]

    def nt(self) -> bytes:
        def merge(key: str, where: list[tuple[int, int]]) -> bytes:
            lines = {line for e, i in where for line in self.entries[e]["nt"][i].decode("utf-8").split("\n")[:-1]}
            if key in self.onto["nt"]:
                lines.update(self.onto["nt"][key].decode("utf-8").split("\n")[:-1])
            self._merged_nt[key] = ("\n".join(sorted(lines)) + "\n").encode()
            return self._merged_nt[key]

        return b"".join(self._pieces("nt", merge))

    def nq(self) -> bytes:
        def merge(key: str, where: list[tuple[int, int]]) -> bytes:
            lines = set()
            for e, i in where:
                suffix = f" <{self.entries[e]['graph']}> ."
                lines.update(line[:-2] + suffix for line in self.entries[e]["nt"][i].decode("utf-8").split("\n")[:-1])
            if key in self.onto["nt"]:
                suffix = f" <{ONTOLOGY_IRI}> ."
                lines.update(line[:-2] + suffix for line in self.onto["nt"][key].decode("utf-8").split("\n")[:-1])
            return ("\n".join(sorted(lines)) + "\n").encode()

        return b"".join(self._pieces("nq", merge))

    def ttl(self) -> bytes:
        def merge(key: str, where: list[tuple[int, int]]) -> bytes:
            preds: dict[str, set[str]] = {p: set(o) for p, o in self.onto["structured"]["ttl"].get(key, {}).items()}
            for predicate, objects in Parsed(self._triples(where)).turtle_blocks(self.terms).get(key, {}).items():
                preds.setdefault(predicate, set()).update(objects)
            return ("\n\n" + _block(key, preds)).encode()

        head = "\n".join(f"@prefix {p}: <{ns}> ." for p, ns in sorted(self.terms.names.prefixes))
        return head.encode() + b"".join(self._pieces("ttl", merge)) + b"\n"

    def xml(self) -> bytes:
        rows = XmlRows(self.xmlns, self.terms)

        def merge(key: str, where: list[tuple[int, int]]) -> bytes:
            subject, found = self.onto["structured"]["xml"].get(key, [None, set()])
            found = set(found)
            triples = self._triples(where)
            found.update(rows.line(p, o) for _, p, o in triples)
            subject = subject if subject is not None else rows.subject(triples[0][0])
            return ("\n".join(description(subject, found)) + "\n").encode()

        head = ("\n".join(rdfxml_head(self.xmlns)) + "\n").encode()
        return head + b"".join(self._pieces("xml", merge)) + b"</rdf:RDF>\n"

    def jsonld(self) -> bytes:
        writer = JsonLd(self.context, self.terms)

        def merge(key: str, where: list[tuple[int, int]]) -> bytes:
            writer.nodes.clear()
            slots = self.onto["structured"]["jsonld"].get(key)
            if slots is not None:
                writer.nodes[key] = {name: dict(values) for name, values in slots.items()}
            writer.add_part(Parsed(self._triples(where)))
            return writer.block(key).encode()

        return document(writer.head(), self._pieces("jsonld", merge))

    def trig(self) -> bytes:
        graphs: dict[str, list[int]] = {}
        for e, entry in enumerate(self.entries):
            graphs.setdefault(entry["graph"], []).append(e)
        pieces = {str(ONTOLOGY_IRI): self.onto["trig"]}
        for name, members in graphs.items():
            if len(members) == 1:
                pieces[name] = self.entries[members[0]]["trig"]
            else:  # one document's graph from several files: written again from their triples
                where = [(e, i) for e in members for i in range(len(self.entries[e]["subjects"]))]
                pieces[name] = graph_piece(name, trig_block(Parsed(self._triples(where)), self.terms))
        head = "\n".join(f"@prefix {p}: <{ns}> ." for p, ns in sorted({k: str(v) for k, v in PREFIXES.items()}.items()))
        return head.encode() + b"".join(pieces[name] for name in sorted(pieces)) + b"\n"

    def counts(self):
        """VoID's counts of the merged graph (as void.counts_of_lines over il2kg.nt's lines); after nt()."""
        from il2kg.exports.void import Counts

        lines, predicates, classes = self.onto["lines"], Counter(self.onto["predicates"]), Counter(self.onto["classes"])
        for entry in self.entries:
            lines += entry["lines"]
            predicates.update(entry["predicates"])
            classes.update(entry["classes"])
        for key, merged in self._merged_nt.items():
            where = [self.entries[e]["nt"][i] for e, i in self.shared.get(key, [])]
            if key in self.onto["nt"]:
                where.append(self.onto["nt"][key])
            for piece, sign in [(piece, -1) for piece in where] + [(merged, 1)]:
                n, by_predicate, by_class = counts([piece])
                lines += sign * n
                predicates.update({k: sign * v for k, v in by_predicate.items()})
                classes.update({k: sign * v for k, v in by_class.items()})
        subjects = {s for entry in self.entries for s in entry["subjects"]} | set(self.onto["nt"])
        ontology_key = f"<{ONTOLOGY_IRI}>"
        about_lines = self._merged_nt.get(ontology_key) or self.onto["nt"].get(ontology_key, b"")
        about = Graph().parse(data=about_lines.decode("utf-8") + "\n", format="nt")
        return Counts(lines, sum(1 for s in subjects if s[0] == "<"),
                      Counter({URIRef(c[1:-1]): n for c, n in classes.items() if n}),
                      Counter({URIRef(p[1:-1]): n for p, n in predicates.items() if n}),
                      tuple(about.predicate_objects(ONTOLOGY_IRI)))

    def index(self, predicates):
        """What the KGX and schema.org writers read (exports/index.py), from the files' cached triples, with the
        evidence nodes as the files summarised them; an evidence node another file describes too, or that a
        triple points at, has its triples back instead."""
        from il2kg.exports.index import Index

        wanted = {ox.NamedNode(str(p)) for p in predicates}
        parts = [Parsed([(q.subject, q.predicate, q.object)
                         for q in ox.parse(entry["reads"], format=ox.RdfFormat.N_TRIPLES)]) for entry in self.entries]
        index = Index.of(self.ontology, parts, self.terms, predicates)
        rows = {row[0]: (e, row) for e, entry in enumerate(self.entries) for row in entry["evidence"]}
        restore = (rows.keys() & self.shared.keys()) | (rows.keys() & {f"<{n}>" for n in index.all_nodes()
                                                                         if isinstance(n, URIRef)})
        convert = self.terms.rdflib
        for key in sorted(restore):
            e, _ = rows.pop(key)
            where = [(e, self.entries[e]["subjects"].index(key))]
            index.add_all((convert(s), convert(p), convert(o)) for s, p, o in self._triples(where) if p in wanted)
        term = _IriTerms()
        index.evidence = [((term(row[1]), term(row[2]), term(row[3])), {term(d) for d in row[4]}, row[5])
                          for _, row in rows.values()]
        return index


class _IriTerms(dict):
    """rdflib IRIs of N-Triples IRIs ("" is None), each made once."""

    def __missing__(self, key: str) -> URIRef | None:
        value = self[key] = URIRef(key[1:-1]) if key else None
        return value

    def __call__(self, key: str) -> URIRef | None:
        return self[key]

def assembly_of(files: Sequence[tuple[Path, bytes]], ontology: Graph, terms: Terms,
                cache: Path | None) -> Assembly | None:
    """The assembly of the data files' entries (cached in the folder `cache`, when given); None where the pieces
    cannot serve: a file with a blank node or that Oxigraph refuses, an RDF list, a context with containers."""
    from il2kg.exports import jsonld_fast, kgx, schemaorg
    from il2kg.exports.jsonld import load_context
    from il2kg.exports.piece_cache import PieceCache, entries_of
    from il2kg.exports.pieces import ontology_entry

    context = load_context()
    if not jsonld_fast.supported(context, []):
        return None
    reads = frozenset(str(p) for p in kgx.READS | schemaorg.READS)
    found = entries_of(files, ontology, terms, context, PieceCache(cache), reads)
    if found is None or any(entry["jsonld_key"] is None for entry in found[0]):
        return None
    entries, xmlns = found
    return Assembly(entries, ontology_entry(ontology, xmlns, terms, context), ontology, terms, xmlns, context)
