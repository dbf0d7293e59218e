"""The release's RDF files joined from the data files' pieces (exports/pieces.py): sort keys, join bytes.

A subject that one file alone describes is that file's piece, copied. A subject that several files, or a file
and the ontology, describe is merged again from those files' triples (read back from their N-Triples pieces):
at 1,000 documents that is ~1,000 of ~60,000 subjects. The bytes are those of exports/fast.py and of the rdflib
writers (tests/test_release_fast.py); a rebuild after one changed file sorts ~60,000 keys and joins ~300 MB of
pieces per release, where writing them from the parsed documents took ~20 s of CPU.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from itertools import chain
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from il2kg.errors import Il2kgError
from il2kg.exports.fast import Parsed, Terms, _block, trig_block
from il2kg.exports.jsonld_fast import TAIL, JsonLd, document
from il2kg.exports.piece_cache import Memo
from il2kg.exports.pieces import counts, graph_piece
from il2kg.exports.xml_rows import XmlRows, description
from il2kg.ontology import rdfxml_head
from il2kg.vocab import ONTOLOGY_IRI, PREFIXES


class KeysCollide(Il2kgError):
    """Two subjects have one key in a format: the pieces cannot order the release (the caller writes it from the
    parsed documents instead)."""


_FIELDS = {"nt": ("subjects", "nt"), "nq": ("subjects", "nq"), "ttl": ("ttl_key", "ttl"), "xml": ("xml_key", "xml"),
           "jsonld": ("jsonld_key", "jsonld")}


class Assembly:
    """The files' entries (in data-file order), the ontology's entry, and the writers' shared state; `memo` keeps
    the merged pieces of shared subjects from build to build (exports/piece_cache.py)."""

    def __init__(self, entries: list[dict], ontology_entry: dict, ontology: Graph, terms: Terms,
                 xmlns: dict[str, str], context: dict, memo: Memo | None = None) -> None:
        self.entries, self.onto, self.ontology = entries, ontology_entry, ontology
        self.terms, self.xmlns, self.context = terms, xmlns, context
        self.memo = memo if memo is not None else Memo(None)
        seen = Counter(chain.from_iterable(entry["subjects"] for entry in entries))
        multiple = {s for s, n in seen.items() if n > 1} | (ontology_entry["nt"].keys() & seen.keys())
        # subject -> its (entry, index) in each file, for the subjects merged again: those several files describe,
        # and those the ontology describes too
        self.shared: dict[str, list[tuple[int, int]]] = {}
        for e, entry in enumerate(entries):
            subjects = entry["subjects"]
            for i in sorted(subjects.index(s) for s in multiple.intersection(subjects)):
                self.shared.setdefault(subjects[i], []).append((e, i))
        self._merged: dict[str, dict] | None = None

    def _triples(self, where: list[tuple[int, int]]) -> list[tuple]:
        """A shared subject's triples in the files that describe it, read back from their N-Triples pieces."""
        return [(q.subject, q.predicate, q.object) for e, i in where
                for q in ox.parse(bytes(self.entries[e]["nt"][i]), format=ox.RdfFormat.N_TRIPLES)]

    def merged(self) -> dict[str, dict]:
        """{shared subject: {format: piece, and its keys}}, from the memo where its inputs are unchanged."""
        if self._merged is None:
            self._merged = {}
            for subject, where in self.shared.items():
                key = self._memo_key(subject, where)
                found = self.memo.get(key)
                if found is None:
                    found = self.memo.put(key, self._merge(subject, where))
                self._merged[subject] = found
            self.memo.save()
        return self._merged

    def _memo_key(self, subject: str, where: list[tuple[int, int]]) -> str:
        digest = hashlib.sha256(f"{subject}\0{sorted(self.xmlns.items())}".encode())
        for e, i in where:
            digest.update(b"\0" + self.entries[e]["graph"].encode() + b"\0" + self.entries[e]["nt"][i])
        digest.update(b"\0ontology\0" + self.onto["nt"].get(subject, b""))
        return digest.hexdigest()

    def _merge(self, subject: str, where: list[tuple[int, int]]) -> dict:
        """One shared subject's pieces in every format, made from the triples of all that describe it."""
        first = self.entries[where[0][0]]
        ttl_key, xml_key, node_id = (first[name][where[0][1]] for name in ("ttl_key", "xml_key", "jsonld_key"))
        onto = self.onto["nt"].get(subject, b"")
        # what the ontology says of the subject, when it says anything (the cached entry makes it again then)
        structured = self._structured() if onto else {"ttl": {}, "xml": {}, "jsonld": {}}
        nt_lines, nq_lines = set(onto.decode("utf-8").split("\n")[:-1]), set()
        nq_lines.update(line[:-2] + f" <{ONTOLOGY_IRI}> ." for line in nt_lines)
        for e, i in where:
            suffix = f" <{self.entries[e]['graph']}> ."
            lines = bytes(self.entries[e]["nt"][i]).decode("utf-8").split("\n")[:-1]
            nt_lines.update(lines)
            nq_lines.update(line[:-2] + suffix for line in lines)
        triples = self._triples(where)
        preds = {p: set(o) for p, o in structured["ttl"].get(ttl_key, {}).items()}
        for predicate, objects in Parsed(triples).turtle_blocks(self.terms).get(ttl_key, {}).items():
            preds.setdefault(predicate, set()).update(objects)
        rows = XmlRows(self.xmlns, self.terms)
        about, found = structured["xml"].get(xml_key, [rows.subject(triples[0][0]), set()])
        writer = JsonLd(self.context, self.terms)
        if (slots := structured["jsonld"].get(node_id)) is not None:
            writer.nodes[node_id] = {name: dict(values) for name, values in slots.items()}
        writer.add_part(Parsed(triples))
        return {"nt": ("\n".join(sorted(nt_lines)) + "\n").encode(),
                "nq": ("\n".join(sorted(nq_lines)) + "\n").encode(),
                "ttl_key": ttl_key, "ttl": ("\n\n" + _block(ttl_key, preds)).encode(), "xml_key": xml_key,
                "xml": ("\n".join(description(about, set(found) | {rows.line(p, o) for _, p, o in triples}))
                        + "\n").encode(),
                "jsonld_key": node_id, "jsonld": writer.block(node_id).encode(), "subjects": subject}

    def _structured(self) -> dict:
        """What merging a subject the ontology describes too needs of the ontology (made again if the entry came
        from the cache without it)."""
        if self.onto["structured"] is None:
            from il2kg.exports.pieces import ontology_entry

            self.onto["structured"] = ontology_entry(self.ontology, self.xmlns, self.terms, self.context)["structured"]
        return self.onto["structured"]

    def _pieces(self, fmt: str, head: bytes = b"", tail: bytes = b"", sep: bytes = b"") -> list:
        """Every subject's piece in a format, sorted by the format's key (copied, or merged where shared), with sep
        between them, head first and tail last: the file's bytes, in order."""
        keys_of, pieces_of = _FIELDS[fmt]
        entries = self.entries
        # A shared subject's pieces collapse to one key here, then its merged piece takes the key.
        pieces = dict(zip(chain.from_iterable(entry[keys_of] for entry in entries),
                          chain.from_iterable(entry[pieces_of] for entry in entries), strict=True))
        merged = {found[keys_of]: found[fmt] for found in self.merged().values()}
        pieces.update(merged)
        suffix = f" <{ONTOLOGY_IRI}> .\n".encode()
        pieces.update((key, piece.replace(b" .\n", suffix) if fmt == "nq" else piece)
                      for key, piece in self.onto["nt" if fmt == "nq" else fmt].items() if key not in merged)
        if len(pieces) != self._subjects - len(self.onto["nt"]) + len(self.onto["nt" if fmt == "nq" else fmt]):
            raise KeysCollide(f"two subjects of the release have the same {fmt} key")
        # Keys hold no space or control character, so plain string order is the order of their lines ("<s> ..."):
        # one subject's key is never a prefix of another's but where a longer label follows, which sorts after.
        keys = sorted(pieces)
        if fmt == "ttl":  # blank nodes after IRIs, as the Turtle writer orders subjects
            keys = [key for key in keys if key[:2] != "_:"] + [key for key in keys if key[:2] == "_:"]
        if sep:
            found = [sep] * (2 * len(keys) + 1)
            found[0], found[-1] = head, tail
            found[1:-1:2] = map(pieces.__getitem__, keys)
            return found
        return [head, *map(pieces.__getitem__, keys), tail]

    @property
    def _subjects(self) -> int:
        """How many distinct subjects the release has (data and ontology, as N-Triples keys)."""
        if not hasattr(self, "_count"):
            data = set(chain.from_iterable(entry["subjects"] for entry in self.entries))
            self._count = len(data | self.onto["nt"].keys())
        return self._count

    def buffers(self, fmt: str) -> list:
        """The bytes of the release's file in a format ("nt", "nq", "ttl", "trig", "xml", "jsonld"), as buffers to
        write one after the other (pieces of the cached files, not copied)."""
        if fmt == "ttl":
            head = "\n".join(f"@prefix {p}: <{ns}> ." for p, ns in sorted(self.terms.names.prefixes))
            return self._pieces("ttl", head.encode(), b"\n")
        if fmt == "xml":
            return self._pieces("xml", ("\n".join(rdfxml_head(self.xmlns)) + "\n").encode(), b"</rdf:RDF>\n")
        if fmt == "jsonld":
            head = JsonLd(self.context, self.terms).head()
            if not self._subjects:
                return [document(head, [])]
            return self._pieces("jsonld", (head + "\n").encode(), TAIL, b",\n")
        if fmt == "trig":
            return self._trig()
        return self._pieces(fmt)

    def bytes(self, fmt: str) -> bytes:
        """The release's file in a format, as one bytes object."""
        return b"".join(self.buffers(fmt))

    def _trig(self) -> list:
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
        return [head.encode(), *(pieces[name] for name in sorted(pieces)), b"\n"]

    def counts(self):
        """VoID's counts of the merged graph (as void.counts_of_lines over il2kg.nt's lines); after nt()."""
        from il2kg.exports.void import Counts

        lines, predicates, classes = self.onto["lines"], Counter(self.onto["predicates"]), Counter(self.onto["classes"])
        for entry in self.entries:
            lines += entry["lines"]
            predicates.update(entry["predicates"])
            classes.update(entry["classes"])
        for key, found in self.merged().items():
            merged = found["nt"]
            where = [self.entries[e]["nt"][i] for e, i in self.shared[key]]
            if key in self.onto["nt"]:
                where.append(self.onto["nt"][key])
            for piece, sign in [(piece, -1) for piece in where] + [(merged, 1)]:
                n, by_predicate, by_class = counts([bytes(piece)])
                lines += sign * n
                predicates.update({k: sign * v for k, v in by_predicate.items()})
                classes.update({k: sign * v for k, v in by_class.items()})
        subjects = {s for entry in self.entries for s in entry["subjects"]} | set(self.onto["nt"])
        ontology_key = f"<{ONTOLOGY_IRI}>"
        about_lines = self.merged()[ontology_key]["nt"] if ontology_key in self.shared else \
            self.onto["nt"].get(ontology_key, b"")
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
                         for q in ox.parse(bytes(entry["reads"]), format=ox.RdfFormat.N_TRIPLES)])
                 for entry in self.entries]
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
    from il2kg.exports.entries import entries_of
    from il2kg.exports.jsonld import load_context
    from il2kg.exports.piece_cache import PieceCache, ontology_entry_cached

    context = load_context()
    if not jsonld_fast.supported(context, []):
        return None
    reads = frozenset(str(p) for p in kgx.READS | schemaorg.READS)
    found = entries_of(files, ontology, terms, context, PieceCache(cache), reads)
    if found is None or any(entry["jsonld_key"] is None for entry in found[0]):
        return None
    entries, xmlns = found
    onto = ontology_entry_cached(ontology, xmlns, terms, context, cache)
    return Assembly(entries, onto, ontology, terms, xmlns, context,
                    Memo(cache))
