"""schema.org MedicalTrial JSON-LD, one file per trial, safe to embed in <script type="application/ld+json">.

schema.org has no trial-phase property and MedicalTrial is not a CreativeWork (so no `citation`):
the phase goes in `additionalProperty` and the description; the reporting articles in `subjectOf`;
the publication funders in `funding` (a Grant with its `funder`). Design values come from the
ontology's `skos:closeMatch schema:...` on each design feature, not from code.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.paths import SequencePath

from il2kg.curie import LEXICON, curie
from il2kg.rdf_io import atomic_write
from il2kg.vocab import BASE, BIBO, CLINICALTRIALS, DOI, ID, IL, OBO, PUBMED, SCHEMA, slug

_AGENT_PATH = SequencePath(IL.hasArm, IL.receives, IL.hasAgent)
# Every predicate this writer looks up (exports/index.py keeps only these; a lookup of another one is an error).
READS = frozenset({RDF.type, RDFS.label, SKOS.exactMatch, SKOS.closeMatch, IL.registryId, IL.trialTitle, IL.acronym,
                   IL.hasDesignFeature, IL.studiesDisease, IL.hasArm, IL.receives, IL.hasAgent, IL.hasPhase,
                   IL.phaseLabel, IL.numberRandomised, IL.numberEnrolled, IL.reportedIn, IL.reports,
                   IL.publicationTitle, IL.publicationYear, IL.journal, BIBO.doi, BIBO.pmid, IL.fundedBy,
                   IL.funderName})


def _first(graph: Graph, node: URIRef, *predicates: URIRef) -> str | None:
    for predicate in predicates:
        values = sorted(str(v) for v in graph.objects(node, predicate))
        if values:
            return values[0]
    return None


def _sorted(items: list) -> list:
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))


def _matches(graph: Graph, term: URIRef) -> list[str]:
    """The term's own IRI when external, plus its exact matches: the ids a consumer can resolve."""
    own = [] if str(term).startswith(BASE) else [str(term)]
    return sorted(set(own) | {str(m) for m in graph.objects(term, SKOS.exactMatch)})


def _condition(graph: Graph, disease: URIRef) -> dict:
    item: dict[str, object] = {"@type": "MedicalCondition", "name": _first(graph, disease, RDFS.label) or ""}
    if str(disease).startswith(str(OBO)):
        code = curie(disease, LEXICON)
        item["code"] = {"@type": "MedicalCode", "codeValue": code, "codingSystem": code.partition(":")[0]}
    if same := _matches(graph, disease):
        item["sameAs"] = same
    return item


def _registry_id(value: str) -> dict:
    system = "ClinicalTrials.gov" if value.startswith("NCT") else value.split(" ")[0]
    item = {"@type": "PropertyValue", "propertyID": system, "value": value}
    if value.startswith("NCT"):
        item["url"] = str(CLINICALTRIALS[value])
    return item


def _article(graph: Graph, pub: URIRef) -> dict:
    item: dict[str, object] = {"@type": "ScholarlyArticle", "@id": str(pub)}
    for key, predicate in (("name", IL.publicationTitle), ("datePublished", IL.publicationYear),
                           ("isPartOf", IL.journal)):
        if (value := _first(graph, pub, predicate)) is not None:
            item[key] = value
    same = [str(DOI[d]) for d in sorted(map(str, graph.objects(pub, BIBO.doi)))]
    same += [str(PUBMED[f"{p}/"]) for p in sorted(map(str, graph.objects(pub, BIBO.pmid)))]
    if same:
        item["sameAs"] = same
    return item


def _phase(graph: Graph, trial: URIRef) -> tuple[str | None, dict | None]:
    term = min(graph.objects(trial, IL.hasPhase), default=None)  # several papers may give several: pick one stably
    label = (_first(graph, term, RDFS.label) if term is not None else None) or _first(graph, trial, IL.phaseLabel)
    if label is None:
        return None, None
    item = {"@type": "PropertyValue", "name": "trial phase", "value": label}
    if term is not None and (codes := _matches(graph, term)):
        item["valueReference"] = {"@id": codes[0]}
    return label, item


def _funding(graph: Graph, pubs: list[URIRef]) -> list[dict]:
    names = {str(n) for p in pubs for f in graph.objects(p, IL.fundedBy) for n in graph.objects(f, IL.funderName)}
    return [{"@type": "Grant", "funder": {"@type": "Organization", "name": n}} for n in sorted(names)]


def _description(phase: str | None, doc: dict) -> str:
    drugs = ", ".join(d["name"] for d in doc["studySubject"])
    conditions = ", ".join(c["name"] for c in doc["healthCondition"])
    text = f"{phase[:1].upper()}{phase[1:]} trial" if phase else "Trial"
    return text + (f" of {drugs}" if drugs else "") + (f" in {conditions}" if conditions else "")


def trial_document(graph: Graph, trial: URIRef) -> dict:
    """Describe one trial as a schema.org MedicalTrial (a JSON-LD object with the schema.org context)."""
    registry = sorted(map(str, graph.objects(trial, IL.registryId)))
    doc: dict[str, object] = {"@context": str(SCHEMA), "@type": "MedicalTrial", "@id": str(trial)}
    doc["name"] = _first(graph, trial, IL.trialTitle, IL.acronym) or (registry[0] if registry else compact_key(trial))
    if acronym := _first(graph, trial, IL.acronym):
        doc["alternateName"] = acronym
    doc["identifier"] = _sorted([_registry_id(r) for r in registry])
    designs = {m for f in graph.objects(trial, IL.hasDesignFeature) for m in graph.objects(f, SKOS.closeMatch)}
    doc["trialDesign"] = [{"@id": str(m)} for m in sorted(designs) if str(m).startswith(str(SCHEMA))]
    conditions = sorted(set(graph.objects(trial, IL.studiesDisease)))
    doc["healthCondition"] = _sorted([_condition(graph, d) for d in conditions])
    agents = sorted(set(graph.objects(trial, _AGENT_PATH)) - {IL.placebo})
    doc["studySubject"] = _sorted([{"@type": "Drug", "name": _first(graph, a, RDFS.label) or "",
                                    **({"sameAs": s} if (s := _matches(graph, a)) else {})} for a in agents])
    phase, phase_item = _phase(graph, trial)
    numbers = [{"@type": "PropertyValue", "name": name, "value": int(v)}
               for name, p in (("number randomised", IL.numberRandomised), ("number enrolled", IL.numberEnrolled))
               if (v := min(graph.objects(trial, p), default=None)) is not None]
    doc["additionalProperty"] = _sorted(numbers + ([phase_item] if phase_item else []))
    pubs = sorted(set(graph.objects(trial, IL.reportedIn)) | set(graph.subjects(IL.reports, trial)))
    doc["subjectOf"] = _sorted([_article(graph, p) for p in pubs])
    doc["funding"] = _funding(graph, pubs)
    doc["description"] = _description(phase, doc)
    return {k: v for k, v in doc.items() if v not in ([], "", None)}


def compact_key(trial: URIRef) -> str:
    """The trial's key: the part of its IRI after id:trial/."""
    return str(trial)[len(str(ID["trial/"])):] if str(trial).startswith(str(ID["trial/"])) else slug(str(trial))


def html_safe_json(doc: dict) -> bytes:
    """Dump JSON with sorted keys and with <, > and & escaped, so it can sit inside a <script> element."""
    text = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n").encode("utf-8")


def write_schemaorg(graph: Graph, out_dir: Path) -> list[Path]:
    """Write out_dir/<trial key>.jsonld for every il2kg:Trial; return the paths."""
    paths = []
    for trial in sorted(set(graph.subjects(RDF.type, IL.Trial))):
        path = out_dir / f"{slug(compact_key(trial))}.jsonld"
        atomic_write(path, html_safe_json(trial_document(graph, trial)))
        paths.append(path)
    return paths
