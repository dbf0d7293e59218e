"""networkx projections of the RDF graph: the mechanism map, the citation map and the full graph.

Every projection is a `networkx.DiGraph` whose node ids are IRIs (strings), inserted in sorted
order, with the attributes `type`, `label`, `weight`, `facts`, `evidence` and `diseases` (see
`il2kg.views.network.ViewBuilder`). Labels of vocabulary nodes come from the ontology graph.

>>> from il2kg.rdf_io import new_graph
>>> mechanism_map(new_graph(), new_graph()).number_of_nodes()
0
"""

from __future__ import annotations

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from il2kg.curie import LEXICON, curie
from il2kg.views.data import ViewData
from il2kg.views.effects import Effect, effect_facts
from il2kg.views.lookup import Lookup, local_name, lookup, short
from il2kg.views.network import ViewBuilder
from il2kg.vocab import CITO, IL

AGGREGATE_ABOVE = 80  # trials; above this one node per trial and arm is unreadable


def _vocab_facts(look: Lookup, node: URIRef) -> list[tuple[str, str]]:
    facts = [("id", curie(node, LEXICON))]
    categories = sorted(look.ontology.objects(node, IL.hasDiseaseCategory))
    if categories:
        facts.append(("category", look.labels(categories)))
    return facts


def _trial_facts(look: Lookup, trial: URIRef) -> list[tuple[str, str]]:
    g = look.graph
    return [
        ("registry id", ", ".join(sorted(str(o) for o in g.objects(trial, IL.registryId)))),
        ("acronym", look.text(trial, IL.acronym) or ""),
        ("title", look.text(trial, IL.trialTitle) or ""),
        ("phase", look.text(trial, IL.phaseLabel) or ""),
        ("design", look.labels(g.objects(trial, IL.hasDesignFeature))),
        ("randomised", look.text(trial, IL.numberRandomised) or ""),
        ("enrolled", look.text(trial, IL.numberEnrolled) or ""),
    ]


def _treatment(view: ViewBuilder, arm: URIRef) -> str:
    """The node standing for an arm: its intervention (labelled agent and dose), else the arm itself."""
    look = view.look
    arm_facts = [("arm", look.text(arm, IL.armLabel) or ""), ("arm size", look.text(arm, IL.armSize) or ""),
                 ("arm role", look.labels(look.graph.objects(arm, IL.hasArmRole)))]
    iv = look.value(arm, IL.receives)
    if not isinstance(iv, URIRef):
        return view.node(arm, "Arm", arm_facts)
    agent = look.value(iv, IL.hasAgent)
    amount, unit = look.text(iv, IL.doseAmount), look.text(iv, IL.doseUnit)
    dose = f"{amount} {unit or ''}".strip() if amount else ""
    name = look.label(agent) if isinstance(agent, URIRef) else (look.text(arm, IL.armLabel) or "intervention")
    facts = [("agent", name), ("dose", dose), ("route", look.text(iv, IL.route) or ""),
             ("frequency", look.text(iv, IL.frequency) or ""), ("schedule", look.text(iv, IL.scheduleText) or "")]
    evidence = tuple(sorted(set(look.evidence(iv)) | set(look.evidence(arm))))
    return view.node(iv, "Intervention", facts + arm_facts, label=f"{name} {dose}".strip(), evidence=evidence)


def biomarker_node(view: ViewBuilder, biomarker: URIRef) -> str:
    """Add a biomarker with the mechanisms it indicates (from the ontology); return its id."""
    look = view.look
    mechanisms = sorted(look.ontology.objects(biomarker, IL.indicatesMechanism))
    facts = _vocab_facts(look, biomarker) + [("indicates", look.labels(mechanisms))]
    node = view.node(biomarker, None, facts, evidence=())
    for mechanism in mechanisms:
        view.edge(node, view.node(mechanism, "Mechanism", _vocab_facts(look, mechanism), evidence=()), "indicates")
    return node


def mechanism_map(graph: Graph | ViewData, ontology: Graph) -> nx.DiGraph:
    """Project diseases, trials, interventions (with doses) and the biomarkers and mechanisms they move.

    Edges: trial -studies-> disease, trial -tests-> intervention, intervention (or trial, for a
    whole-trial result) -effect-> biomarker with `direction` (increase, decrease, no change, mixed,
    unreported), `significant` (yes, no, unknown), `results`, `detail` lines and evidence
    sentences, and biomarker -indicates-> mechanism. An outcome without results gives a
    trial -measures-> biomarker edge. Above AGGREGATE_ABOVE trials the map is aggregated (aggregate.py).
    """
    look = lookup(graph, ontology)
    trials = sorted(look.graph.subjects(RDF.type, IL.Trial))
    if len(trials) > AGGREGATE_ABOVE:
        from il2kg.views.aggregate import mechanism_overview

        return mechanism_overview(graph, ontology)
    view = ViewBuilder(look)
    graph = look.graph
    for trial in trials:
        t = view.node(trial, "Trial", _trial_facts(look, trial))
        for disease in sorted(graph.objects(trial, IL.studiesDisease)):
            view.edge(t, view.node(disease, "Disease", _vocab_facts(look, disease), evidence=()), "studies")
        arms = {arm: _treatment(view, arm) for arm in sorted(graph.objects(trial, IL.hasArm))}
        for arm_node in sorted(set(arms.values())):
            view.edge(t, arm_node, "tests")
        effects: dict[tuple[str, str], list[Effect]] = {}
        for outcome in sorted(graph.objects(trial, IL.hasOutcome)):
            biomarker = look.value(outcome, IL.measures)
            if not isinstance(biomarker, URIRef):
                continue
            b = biomarker_node(view, biomarker)
            results = sorted(graph.objects(outcome, IL.hasResult))
            if not results:
                view.edge(t, b, "measures", direction="unreported", significant="unknown", results=0,
                          detail=(look.text(outcome, IL.outcomeDescription) or "measured; no result extracted",),
                          evidence=look.evidence(outcome))
            for result in results:
                source = arms.get(look.value(result, IL.forArm), t)
                effects.setdefault((source, b), []).append(Effect.read(look, outcome, result))
        for (source, target), found in sorted(effects.items()):
            view.edge(source, target, "effect", **effect_facts(found))
    return view.graph()


def _citing_work(view: ViewBuilder, work: URIRef, statement: str) -> str:
    look = view.look
    label = short(statement, 40) if statement else look.label(work)
    return view.node(work, "CitingWork", [("citing statement", statement)], label=label, evidence=(statement,))


def _publication(view: ViewBuilder, pub: URIRef) -> str:
    look = view.look
    facts = [("title", look.text(pub, IL.publicationTitle) or ""), ("journal", look.text(pub, IL.journal) or ""),
             ("year", look.text(pub, IL.publicationYear) or ""), ("type", look.text(pub, IL.publicationType) or "")]
    year = look.text(pub, IL.publicationYear)
    label = short(look.label(pub), 40) + (f" ({year})" if year else "")
    return view.node(pub, "Publication", facts, label=label)


def citation_map(graph: Graph | ViewData, ontology: Graph) -> nx.DiGraph:
    """Project publications, the trials they report, the works citing them and what the citing statements discuss.

    Edges: citing work -cites-> publication with `intent` (supports, discusses, disputes, unstated)
    and the citing statement as evidence; citing work -discusses-> disease, agent or biomarker;
    biomarker -indicates-> mechanism; publication -reports-> trial; trial -studies-> disease.
    """
    view = ViewBuilder(lookup(graph, ontology))
    look = view.look
    graph = look.graph
    for citation in sorted(graph.subjects(RDF.type, IL.Citation)):
        cited, citing = look.value(citation, CITO.hasCitedEntity), look.value(citation, CITO.hasCitingEntity)
        if not isinstance(cited, URIRef) or not isinstance(citing, URIRef):
            continue
        statement = look.text(citation, IL.citingStatement) or ""
        intent = look.value(citation, CITO.hasCitationCharacterization)
        intent_label = look.label(intent) if isinstance(intent, URIRef) else "unstated"
        work = _citing_work(view, citing, statement)
        view.edge(work, _publication(view, cited), "cites", intent=intent_label,
                  section=look.text(citation, IL.citingSection) or "", evidence=look.evidence(citation))
        for prop in (IL.mentionsDisease, IL.mentionsAgent):
            for term in sorted(graph.objects(citation, prop)):
                view.edge(work, view.node(term, None, _vocab_facts(look, term), evidence=()), "discusses")
        for biomarker in sorted(graph.objects(citation, IL.mentionsBiomarker)):
            view.edge(work, biomarker_node(view, biomarker), "discusses")
    for pub in sorted(graph.subjects(IL.reports, None)):
        p = _publication(view, pub)
        for trial in sorted(graph.objects(pub, IL.reports)):
            t = view.node(trial, "Trial", _trial_facts(look, trial))
            view.edge(p, t, "reports")
            for disease in sorted(graph.objects(trial, IL.studiesDisease)):
                view.edge(t, view.node(disease, "Disease", _vocab_facts(look, disease), evidence=()), "studies")
    return view.graph()


def full_graph(graph: Graph | ViewData, ontology: Graph | None = None) -> nx.DiGraph:
    """Project every typed resource except Evidence nodes; their sentences become the supported node's `evidence`.

    Literal-valued properties become facts (property local name, value); resource-valued ones
    become edges whose `relation` is the property's local name (several joined by '; ').
    Vocabulary objects (diseases, biomarkers...) are typed, labelled and included from `ontology`.
    """
    view = ViewBuilder(lookup(graph, ontology))
    look = view.look
    graph = look.graph
    evidence, a = IL.Evidence, RDF.type  # looked up once: a closed namespace's attribute costs a function call
    typed = {s for s, t in graph.subject_objects(a) if isinstance(s, URIRef) and t != evidence}
    typed = {s for s in typed if look.types(s) and evidence not in look.types(s)}
    names: dict[object, str] = {}  # property -> local name, each made once (~100k edges and facts)
    for node in sorted(typed):
        facts = sorted((names.get(p) or names.setdefault(p, local_name(p)), str(o))
                       for p, o in graph.predicate_objects(node) if isinstance(o, Literal))
        view.node(node, None, facts)
    for s, p, o in graph.triples((None, None, None)):
        if p == a or s not in typed or not isinstance(o, URIRef):
            continue
        if o not in typed:
            if not look.types(o) or evidence in look.types(o):
                continue
            view.node(o, None, [("id", curie(o, LEXICON))], evidence=())
        name = names.get(p) or names.setdefault(p, local_name(p))
        data = view.edge(str(s), str(o), name)
        if data["relation"] != name:  # a second property between the same two nodes
            data["relation"] = "; ".join(sorted(set(str(data["relation"]).split("; ")) | {name}))
    return view.graph()
