"""What a reader knows a data resource as, by its type: a trial by acronym or title, a result by what it measured.

Data IRIs end in content hashes (`id:result/fb1b8d80dcec46e4`); a picture that shows them tells a reader
nothing. Each function here returns a name built from the resource's own facts and its neighbours', or
None when it knows none (the caller then falls back to rdfs:label, other keys, and last the CURIE).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import PROV

from il2kg.vocab import BIBO, CITO, IL

if TYPE_CHECKING:
    from il2kg.views.lookup import Lookup

TITLE_WIDTH = 40
TRIAL_TITLE_WIDTH = 30  # trial nodes sit in dense clusters: short labels overlap less


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def _first(look: Lookup, prop: URIRef, node: URIRef) -> URIRef | None:
    """The smallest subject linking to `node` through `prop` (its parent in the data)."""
    found = sorted(s for s in look.graph.subjects(prop, node) if isinstance(s, URIRef))
    return found[0] if found else None


def _join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def trial(look: Lookup, node: URIRef) -> str | None:
    """Acronym, else a short title (the trial's or its report's), else the registry id."""
    acronym = look.text(node, IL.acronym)
    if acronym:
        return acronym
    title = look.text(node, IL.trialTitle)
    report = look.value(node, IL.reportedIn)
    if not title and isinstance(report, URIRef):
        title = look.text(report, IL.publicationTitle)
    if title:
        return _short(title, TRIAL_TITLE_WIDTH)
    return look.text(node, IL.registryId) or _file_name(look, node, "trial in")


def publication(look: Lookup, node: URIRef) -> str | None:
    """Its title, else (a citing work) the first words of what it says, else its DOI."""
    title = look.text(node, IL.publicationTitle)
    if title:
        return title
    citation = _first(look, CITO.hasCitingEntity, node)
    if citation is not None:
        statement = look.text(citation, IL.citingStatement) or ""
        section = look.text(citation, IL.citingSection)
        if statement:
            return _short(f"citing work: \u201c{statement}\u201d", TITLE_WIDTH) + (f" ({section})" if section else "")
    doi = look.text(node, BIBO.doi)
    if doi:
        return f"doi:{doi}"
    return _file_name(look, node, "untitled report in")


def _file_name(look: Lookup, node: URIRef, lead: str) -> str | None:
    """Name a node by the file of the document it was read from: what a curator can open."""
    for document in sorted(o for o in look.graph.objects(node, PROV.wasDerivedFrom) if isinstance(o, URIRef)):
        name = look.text(document, IL.fileName)
        if name:
            return f"{lead} {name}"
    return None


def arm(look: Lookup, node: URIRef) -> str | None:
    """"TRIAL: arm label"."""
    owner = _first(look, IL.hasArm, node)
    return _join(look.label(owner) + ":" if owner else None, look.text(node, IL.armLabel)) or None


def intervention(look: Lookup, node: URIRef) -> str | None:
    """Agent and dose, after its trial: "TRIAL-X: aldesleukin 1 MIU"."""
    agent = look.value(node, IL.hasAgent)
    amount = look.text(node, IL.doseAmount)
    what = _join(look.label(agent) if isinstance(agent, URIRef) else "intervention",
                 amount, look.text(node, IL.doseUnit) if amount else None)
    holder = _first(look, IL.receives, node)
    owner = _first(look, IL.hasArm, holder) if holder is not None else None
    return f"{look.label(owner)}: {what}" if owner is not None else what


def outcome(look: Lookup, node: URIRef) -> str | None:
    """What it measures, its role and timepoint, and its trial: "CCL2 (secondary) · TRIAL-X"."""
    measure = look.value(node, IL.measures)
    role = look.value(node, IL.hasEndpointRole)
    detail = ", ".join(p for p in (look.label(role) if isinstance(role, URIRef) else None,
                                   look.text(node, IL.timepoint)) if p)
    owner = _first(look, IL.hasOutcome, node)
    name = _join(look.label(measure) if isinstance(measure, URIRef) else "outcome", f"({detail})" if detail else None)
    return name + (f" \u00b7 {look.label(owner)}" if owner is not None else "")


def result(look: Lookup, node: URIRef) -> str | None:
    """The measure, the arm and what was found: "SRI-4 result: ILT-101, 68%"."""
    parent = _first(look, IL.hasResult, node)
    measure = look.value(parent, IL.measures) if parent is not None else None
    arm_node = look.value(node, IL.forArm)
    value = look.text(node, IL.estimateValue)
    direction = look.value(node, IL.hasDirection)
    found = (_join(value, look.text(node, IL.estimateUnit)) if value else
             look.label(direction) if isinstance(direction, URIRef) else None)
    what = ", ".join(p for p in (look.text(arm_node, IL.armLabel) if isinstance(arm_node, URIRef) else None,
                                 found, look.text(node, IL.timepoint)) if p)
    head = (look.label(measure) if isinstance(measure, URIRef) else "") + " result"
    return f"{head.strip()}: {what}" if what else head.strip()


def citation(look: Lookup, node: URIRef) -> str | None:
    """The citing statement's first words."""
    statement = look.text(node, IL.citingStatement)
    return _short(f"citation: \u201c{statement}\u201d", TITLE_WIDTH) if statement else None


def metric(look: Lookup, node: URIRef) -> str | None:
    """"supporting citations: 12"."""
    kind, count = look.text(node, IL.metricKind), look.text(node, IL.metricCount)
    return f"{kind} citations: {count}" if kind and count is not None else None


def source_document(look: Lookup, node: URIRef) -> str | None:
    """The document by what it is the text of: "article: Low-dose IL-2 in SLE"."""
    kind = look.text(node, IL.documentKind) or "document"
    for work in sorted(look.graph.subjects(PROV.wasDerivedFrom, node)):
        if IL.Publication in look.types(work):
            title = look.text(work, IL.publicationTitle)
            if title:
                return _short(f"{kind}: {title}", TITLE_WIDTH)
    name = look.text(node, IL.fileName)
    return f"{kind}: {name}" if name else None


def activity(look: Lookup, node: URIRef) -> str | None:
    """"extraction of <document>"."""
    used = look.value(node, PROV.used)
    version = look.text(node, IL.softwareVersion)
    if not isinstance(used, URIRef):
        return None
    return f"extraction of {look.label(used)}" + (f" (il2kg {version})" if version else "")


def evidence(look: Lookup, node: URIRef) -> str | None:
    """The quoted sentence, shortened."""
    quote = look.text(node, IL.quote)
    return _short(f"\u201c{quote}\u201d", TITLE_WIDTH) if quote else None


NAMERS: dict[str, Callable[[Lookup, URIRef], str | None]] = {
    "Trial": trial, "Publication": publication, "Arm": arm, "Intervention": intervention, "Outcome": outcome,
    "Result": result, "Citation": citation, "CitationMetric": metric, "SourceDocument": source_document,
    "ExtractionActivity": activity, "Evidence": evidence,
}
