"""The mechanism map of a large graph, aggregated: one node per disease, per dose regimen, per biomarker, per
mechanism, and trials grouped by the diseases they study.

At a thousand documents one node per trial and per arm is a hairball nobody can read; what a reader
asks of the map there is which regimens move which biomarkers in which diseases, and how often.
Every edge keeps its results (and the trials they come from) in its `detail` lines.
"""

from __future__ import annotations

from dataclasses import replace

import networkx as nx
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from il2kg.views.data import ViewData
from il2kg.views.effects import Effect, effect_facts
from il2kg.views.lookup import curie, lookup, short
from il2kg.views.network import ViewBuilder
from il2kg.vocab import IL

MAX_NAMES = 25  # trial names listed in a group's facts; the rest are counted


def _group(view: ViewBuilder, diseases: tuple[URIRef, ...], trials: list[str]) -> str:
    look = view.look
    names = [look.label(d) for d in diseases]
    what = (" + ".join(names) if len(names) <= 3 else f"{len(names)} diseases") if names else "no disease stated"
    listed = ", ".join(trials[:MAX_NAMES]) + (f" and {len(trials) - MAX_NAMES} more" if len(trials) > MAX_NAMES else "")
    key = "trials:" + ("+".join(curie(d) for d in diseases) or "none")
    facts = [("trials", str(len(trials))), ("names", listed), ("diseases", ", ".join(names))]
    label = f"{short(what, 36)} trials ({len(trials)})"
    return view.node(URIRef(key), "TrialGroup", facts, label=label, evidence=())


def _regimen(view: ViewBuilder, arm: URIRef) -> str | None:
    """The node of the dose regimen an arm receives (agent, dose and unit), shared by every arm receiving it."""
    look = view.look
    iv = look.value(arm, IL.receives)
    if not isinstance(iv, URIRef):
        return None
    agent = look.value(iv, IL.hasAgent)
    amount, unit = look.text(iv, IL.doseAmount), look.text(iv, IL.doseUnit)
    name = look.label(agent) if isinstance(agent, URIRef) else "intervention"
    dose = f"{amount} {unit or ''}".strip() if amount else ""
    key = "regimen:" + (curie(agent) if isinstance(agent, URIRef) else "unknown") + (f"/{amount}/{unit}" if dose
                                                                                    else "")
    return view.node(URIRef(key), "Regimen", [("agent", name), ("dose", dose)], label=f"{name} {dose}".strip(),
                     evidence=())


def mechanism_overview(graph: Graph | ViewData, ontology: Graph) -> nx.DiGraph:
    """Aggregate the mechanism map: group -studies-> disease, group -tests-> regimen, regimen (or group, for a
    whole-trial result) -effect-> biomarker, biomarker -indicates-> mechanism. Node `diseases` tags are those
    of the trials behind each node, so the disease filter keeps working.
    """
    view = ViewBuilder(lookup(graph, ontology))
    look = view.look
    graph = look.graph
    by_diseases: dict[tuple[URIRef, ...], list[URIRef]] = {}
    for trial in sorted(graph.subjects(RDF.type, IL.Trial)):
        by_diseases.setdefault(tuple(sorted(graph.objects(trial, IL.studiesDisease))), []).append(trial)
    tags: dict[str, set[str]] = {}
    effects: dict[tuple[str, str], list[Effect]] = {}
    for diseases, trials in sorted(by_diseases.items()):
        names = sorted(look.label(t) for t in trials)
        group = _group(view, diseases, names)
        own = {str(d) for d in diseases}
        tags.setdefault(group, set()).update(own)
        for disease in diseases:
            view.edge(group, view.node(disease, "Disease", [("id", curie(disease))], evidence=()), "studies")
            tags.setdefault(str(disease), set()).add(str(disease))
        for trial in trials:
            regimens = {arm: _regimen(view, arm) for arm in sorted(graph.objects(trial, IL.hasArm))}
            for regimen in sorted({r for r in regimens.values() if r}):
                data = view.edge(group, regimen, "tests")
                data["trials"] = int(data.get("trials", 0)) + 1
                tags.setdefault(regimen, set()).update(own)
            for outcome in sorted(graph.objects(trial, IL.hasOutcome)):
                _outcome(view, trial, outcome, group, regimens, own, tags, effects)
    for (source, target), found in sorted(effects.items()):
        view.edge(source, target, "effect", **effect_facts(found))
    out = view.graph()
    for node in out:
        mine = tags.get(node, set())
        if out.nodes[node]["type"] == "Mechanism":
            mine = set().union(*(tags.get(b, set()) for b in out.predecessors(node)))
        out.nodes[node]["diseases"] = tuple(sorted(mine))
    return out


def _outcome(view: ViewBuilder, trial: URIRef, outcome: URIRef, group: str, regimens: dict[URIRef, str | None],
             own: set[str], tags: dict[str, set[str]], effects: dict[tuple[str, str], list[Effect]]) -> None:
    """Add one outcome's results as effects on its biomarker, from the regimen of the result's arm (else the group)."""
    from il2kg.views.projections import biomarker_node

    look = view.look
    biomarker = look.value(outcome, IL.measures)
    if not isinstance(biomarker, URIRef):
        return
    b = biomarker_node(view, biomarker)
    tags.setdefault(b, set()).update(own)
    results = sorted(look.graph.objects(outcome, IL.hasResult))
    if not results:
        view.edge(group, b, "measures", direction="unreported", significant="unknown", results=0)
    who = look.label(trial)
    for result in results:
        source = regimens.get(look.value(result, IL.forArm)) or group
        effect = Effect.read(look, outcome, result)
        effects.setdefault((source, b), []).append(replace(effect, line=f"{who}: {effect.line}"))
