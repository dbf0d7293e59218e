"""What crosses documents: group the documents that share nodes, and gate each group's union.

Each document is gated alone when it is extracted; what only shows once graphs are merged (one trial
reported by several papers with different phases, one text saved under two names) lives in the
groups of documents that describe or point at the same node. Those groups are gated again, with
the shapes and with the SPARQL checks in queries/check/cross/, so the merged graph conforms without
validating all of it. Documents of a failing group are added back one at a time, in name order, and
the one that breaks the group is left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef

from il2kg import resources
from il2kg.gate import gate
from il2kg.gate_cache import GateCache, group_key, report_from_json, report_to_json
from il2kg.rdf_io import parse_turtle_bytes
from il2kg.validate import Report, Violation, _sort_key

CROSS_CHECKS = resources.QUERIES_DIR / "check" / "cross"


@dataclass
class Member:
    """One document (or data file) taking part in the crossing check."""

    name: str
    key: str
    described: frozenset[str]  # IRIs it gives triples about
    mentioned: frozenset[str]  # IRIs it points at
    graph: Callable[[], Graph]  # its triples, loaded only when its group must be gated


def node_sets(graph: Graph | Iterable[tuple], vocabulary: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The IRIs a graph (or its triples) describes (subjects) and points at (objects), less the ontology's and
    shared agents'."""
    from il2kg.graph.emit import SOFTWARE

    skip = vocabulary | {str(SOFTWARE)}
    subjects, objects = set(), set()
    for s, _, o in graph:
        subjects.add(s)
        objects.add(o)
    described = frozenset(str(s) for s in subjects if isinstance(s, URIRef)) - skip
    mentioned = frozenset(str(o) for o in objects if isinstance(o, URIRef)) - skip - described
    return described, mentioned


def groups(members: Sequence[Member]) -> list[list[Member]]:
    """Documents joined when one describes a node that another describes or points at; groups of two or more."""
    parent = list(range(len(members)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, member in enumerate(members):
        for iri in member.described:
            j = owner.setdefault(iri, i)
            parent[find(i)] = find(j)
    for i, member in enumerate(members):
        for iri in member.mentioned:
            if iri in owner:
                parent[find(i)] = find(owner[iri])
    found: dict[int, list[Member]] = {}
    for i, member in enumerate(members):
        found.setdefault(find(i), []).append(member)
    return [sorted(g, key=lambda m: m.name) for g in found.values() if len(g) > 1]


@lru_cache(maxsize=1)
def _checks() -> tuple[tuple[str, str, str], ...]:
    from il2kg.query import prepare

    checks = []
    for path in sorted(CROSS_CHECKS.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        prepare(text, str(path))  # refuses an update or a malformed check with its file name
        severity = "Warning" if re.search(r"^#\s*Severity:\s*Warning\b", text, re.MULTILINE) else "Violation"
        checks.append((path.stem, text, severity))
    return tuple(checks)


def check_union(graph: Graph | str | list) -> Report:
    """Gate a union of documents (a graph, its N-Triples or Oxigraph quads): the shapes, then the cross-document
    SPARQL checks."""
    import pyoxigraph as ox

    if isinstance(graph, Graph):
        graph = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    quads = graph if isinstance(graph, list) else list(ox.parse(graph, format=ox.RdfFormat.N_TRIPLES))
    report = gate(quads)
    found = list(report.violations)
    store = ox.Store()
    store.extend(quads)
    for name, text, severity in _checks():
        for row in store.query(text):
            found.append(Violation(focus=row["focus"].value, path=None, value=None, message=row["message"].value,
                                   severity=severity, component="CrossDocumentCheck", shape=f"check/cross/{name}"))
    violations = tuple(sorted(set(found), key=_sort_key))
    return Report(conforms=all(v.severity != "Violation" for v in violations), violations=violations)


def check_groups(members: Sequence[Member], cache: GateCache) -> tuple[list[tuple[Member, Report]], list[Report]]:
    """Gate every group of documents that share nodes; return (documents left out with why, passing reports)."""
    left_out: list[tuple[Member, Report]] = []
    reports: list[Report] = []
    for group in groups(members):
        key = group_key([m.key for m in group])
        cached = cache.get(key)
        report = report_from_json(cached) if cached else _union_report(group)
        cache.put(key, report_to_json(report))
        if report.conforms:
            reports.append(report)
            continue
        report, dropped = _leave_out(group, report)
        left_out += dropped
        reports.append(report)
    return left_out, reports


def _leave_out(group: Sequence[Member], report: Report) -> tuple[Report, list[tuple[Member, Report]]]:
    """Leave out, in rounds, the later documents (by name) that describe a node a violation is about.

    The first document describing the node stays; the union is gated again after each round. A few rounds
    settle any realistic group; after MAX_ROUNDS every document naming a violating node but the first goes.
    Each round gates the union once, so a group of a hundred documents costs a few gates, not a hundred.
    """
    kept, dropped = list(group), []
    for _ in range(MAX_ROUNDS):
        focuses = {v.focus for v in report.violations if v.severity == "Violation"}
        suspects = [m for m in kept if m.described & focuses or m.mentioned & focuses]
        if len(suspects) <= 1:  # one document alone is at fault: it passed its own gate, so drop it
            suspects = suspects or kept[-1:]
            out = suspects
        else:
            out = suspects[1:]
        dropped += [(m, report) for m in out]
        kept = [m for m in kept if m not in out]
        if len(kept) < 2:
            break
        report = _union_report(kept)
        if report.conforms:
            break
    else:
        dropped += [(m, report) for m in kept[1:]]
        kept = kept[:1]
    return report if len(kept) > 1 else Report(True, ()), dropped


MAX_ROUNDS = 4


def uncached_groups(members: Sequence[Member], cache: GateCache) -> list[list[Member]]:
    """The groups whose verdict is not cached yet (what check_groups would gate)."""
    return [g for g in groups(members) if group_key([m.key for m in g]) not in cache.entries]


def union_report_of(files: Sequence[tuple[str, bytes | Path]]) -> Report:
    """Gate the union of data files given as (name, Turtle bytes or path): a worker process's job."""
    import pyoxigraph as ox

    blobs = [(name, data.read_bytes() if isinstance(data, Path) else data) for name, data in files]
    try:  # Oxigraph's parser straight to quads: an rdflib graph of the union cost more than its gate
        quads = {q: None for _, data in blobs
                 for q in ox.parse(data, format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)}
        return check_union(list(quads))
    except (SyntaxError, ValueError):
        union = Graph(bind_namespaces="none")
        for name, data in blobs:
            parse_turtle_bytes(data, Path(name), union)
        return check_union(union)


def _union_report(group: Sequence[Member]) -> Report:
    union = Graph(bind_namespaces="none")
    for member in group:
        union += member.graph()
    return check_union(union)
