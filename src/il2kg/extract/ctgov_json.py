"""ClinicalTrials.gov study records saved as JSON (API v2 `protocolSection`, and the classic API's
`FullStudy`/`ProtocolSection` with its `...List` wrappers): rendered as the study's text page and read by the
registry extractor, every fact's span moved back to its value in the JSON.

The API writes enumerations in capitals ("ACTIVE_NOT_RECRUITING", "PHASE2", masking "NONE"); the page shows
them in words ("Active, not recruiting", "Phase 2", "None (Open Label)"), and that display form is what the
rendering writes, mapped to the whole raw value.
"""

from __future__ import annotations

from il2kg.extract import registry
from il2kg.extract.json_scan import Node
from il2kg.extract.rendering import Rendering
from il2kg.extract.text import read_page
from il2kg.model import Lexicon, Record

# The API's enumeration values as ClinicalTrials.gov displays them (its data dictionary's display names).
_DISPLAY = {
    "NONE": "None (Open Label)", "SINGLE": "Single", "DOUBLE": "Double", "TRIPLE": "Triple",
    "QUADRUPLE": "Quadruple", "RANDOMIZED": "Randomized", "NON_RANDOMIZED": "Non-Randomized", "NA": "N/A",
    "SINGLE_GROUP": "Single Group Assignment", "PARALLEL": "Parallel Assignment",
    "CROSSOVER": "Crossover Assignment", "FACTORIAL": "Factorial Assignment", "SEQUENTIAL": "Sequential Assignment",
    "EXPERIMENTAL": "Experimental", "ACTIVE_COMPARATOR": "Active Comparator",
    "PLACEBO_COMPARATOR": "Placebo Comparator", "SHAM_COMPARATOR": "Sham Comparator",
    "NO_INTERVENTION": "No Intervention", "OTHER": "Other", "DRUG": "Drug", "BIOLOGICAL": "Biological",
    "DEVICE": "Device", "PROCEDURE": "Procedure", "BEHAVIORAL": "Behavioral",
    "DIETARY_SUPPLEMENT": "Dietary Supplement",
    "GENETIC": "Genetic", "RADIATION": "Radiation", "COMBINATION_PRODUCT": "Combination Product",
    "DIAGNOSTIC_TEST": "Diagnostic Test", "EARLY_PHASE1": "Early Phase 1", "PHASE1": "Phase 1", "PHASE2": "Phase 2",
    "PHASE3": "Phase 3", "PHASE4": "Phase 4", "ACTUAL": "Actual", "ESTIMATED": "Estimated",
    "ANTICIPATED": "Anticipated", "INTERVENTIONAL": "Interventional", "OBSERVATIONAL": "Observational",
    "RECRUITING": "Recruiting", "NOT_YET_RECRUITING": "Not yet recruiting", "COMPLETED": "Completed",
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting", "TERMINATED": "Terminated", "WITHDRAWN": "Withdrawn",
    "SUSPENDED": "Suspended", "ENROLLING_BY_INVITATION": "Enrolling by invitation", "UNKNOWN": "Unknown status",
}


def study_of(root: Node) -> Node | None:
    """The study object of a saved response: the root, a one-study `studies` list, or the classic `FullStudy`."""
    node: Node | None = _only(root)
    for wrapper in (("studies",), ("FullStudiesResponse", "FullStudies"), ("FullStudy",)):
        inner = node.path(*wrapper) if node is not None else None
        node = _only(inner) if inner is not None else node
    node = (node.get("Study") or node) if node is not None else None
    return node if node is not None and node.get("protocolSection") is not None else None


def _only(node: Node) -> Node | None:
    """A list of one as its item (a list of several is a search's results, no one record); else the node."""
    if node.kind != "array":
        return node
    return node.items[0] if len(node.items) == 1 else None


def _shown(node: Node | None) -> str | None:
    """The display form of an enumeration value (None when the value is written in words already)."""
    return _DISPLAY.get(node.text.strip()) if node is not None and node.kind == "string" else None


def _word(node: Node | None) -> str | None:
    """A qualifier in words: the display form of an enumeration, else the value as written."""
    return _shown(node) or (node.scalar() if node is not None else None)


def _all(node: Node | None, *steps: str) -> list[Node]:
    """The items under a path, through the classic format's wrappers ("ArmGroupList" / "ArmGroup")."""
    found = node.path(*steps) if node is not None else None
    return list(found.list()) if found is not None else []


def _values(out: Rendering, label: str, nodes: list[Node]) -> None:
    """A field whose values stand one a line under it."""
    nodes = [n for n in nodes if n.scalar()]
    if nodes:
        out.label(label)
        for node in nodes:
            out.value(node, _shown(node))
            out.label("\n")


def _identification(out: Rendering, proto: Node) -> None:
    ident = proto.get("identificationModule")
    out.line("NCT Number: ", ident.path("nctId") if ident else None)
    secondary = _all(ident, "secondaryIdInfos") + _all(ident, "SecondaryIdInfoList", "SecondaryIdInfo")
    _values(out, "Secondary IDs:\n", [n for i in secondary if (n := i.get("id", "SecondaryId")) is not None])
    for label, key in (("Brief Title: ", "briefTitle"), ("Official Title: ", "officialTitle"),
                       ("Acronym: ", "acronym")):
        out.line(label, ident.get(key) if ident else None)


def _status_and_design(out: Rendering, proto: Node) -> None:
    status = proto.get("statusModule")
    out.line("Overall Status: ", (overall := status.get("overallStatus") if status else None), _shown(overall))
    start = status.get("startDateStruct") if status else None
    start_type = start.get("type", "StartDateType") if start else None
    out.line(f"Study Start ({_word(start_type)}): " if _word(start_type) else "Study Start: ",
             start.get("date", "StartDate") if start else status.get("StartDate") if status else None)
    conditions = proto.get("conditionsModule")
    _values(out, "Conditions:\n", _all(conditions, "conditions") + _all(conditions, "ConditionList", "Condition"))
    design = proto.get("designModule")
    if design is None:
        return
    out.line("Study Type: ", (kind := design.get("studyType")), _shown(kind))
    phases = design.get("phases") or design.path("PhaseList", "Phase")
    if phases is not None and phases.closed:  # "PHASE1", cut before "PHASE2": no phase rather than a wrong one
        _values(out, "Phases:\n", phases.list())
    info = design.get("designInfo")
    if info is not None:
        for label, keys in (("Allocation: ", "allocation|DesignAllocation"),
                            ("Intervention Model: ", "interventionModel|DesignInterventionModel"),
                            ("Masking: ", "maskingInfo|DesignMaskingInfo"), ("Primary Purpose: ", "primaryPurpose")):
            node = info.path(keys)
            node = node.get("masking", "DesignMasking") if node is not None and node.kind == "object" else node
            out.line(label, node, _shown(node))
    enrolment = design.get("enrollmentInfo")
    count = enrolment.get("count", "EnrollmentCount") if enrolment else None
    qualifier = _word(enrolment.get("type", "EnrollmentType")) if enrolment else None
    out.line(f"Enrollment ({qualifier}): " if qualifier else "Enrollment: ", count)


def _arms(out: Rendering, proto: Node) -> None:
    arms = proto.get("armsInterventionsModule")
    groups = _all(arms, "armGroups") + _all(arms, "ArmGroupList", "ArmGroup")
    if groups:
        out.label("Arms and Interventions:\n")
    for group in groups:
        _typed_item(out, group, ("type", "ArmGroupType"), ("label", "ArmGroupLabel"),
                    ("description", "ArmGroupDescription"))
        for name in _all(group, "interventionNames") + _all(group, "ArmGroupInterventionList",
                                                            "ArmGroupInterventionName"):
            if out.value(name):
                out.label("\n")
    interventions = _all(arms, "interventions") + _all(arms, "InterventionList", "Intervention")
    if interventions:
        out.label("Interventions:\n")
    for item in interventions:
        _typed_item(out, item, ("type", "InterventionType"), ("name", "InterventionName"),
                    ("description", "InterventionDescription"))


def _typed_item(out: Rendering, node: Node, kind_keys: tuple[str, str], name_keys: tuple[str, str],
                description_keys: tuple[str, str]) -> None:
    """ "Experimental: <label>" or "Drug: <name>" on a line, its description on the next (v2 or classic keys)."""
    kind = node.get(*kind_keys)
    if out.value(kind, _shown(kind)):
        out.label(": ")
    out.value(node.get(*name_keys))
    out.label("\n")
    if out.value(node.get(*description_keys)):
        out.label("\n")


def _outcomes(out: Rendering, proto: Node) -> None:
    outcomes = proto.get("outcomesModule")
    for label, key in (("Primary Outcome Measures:\n", "primaryOutcomes|PrimaryOutcomeList"),
                       ("Secondary Outcome Measures:\n", "secondaryOutcomes|SecondaryOutcomeList")):
        found = _all(outcomes, key)
        found = [i for n in found for i in (n.get("PrimaryOutcome", "SecondaryOutcome") or n).list()]
        if found:
            out.label(label)
        for item in found:
            out.value(item.get("measure", "PrimaryOutcomeMeasure", "SecondaryOutcomeMeasure"))
            frame = item.get("timeFrame", "PrimaryOutcomeTimeFrame", "SecondaryOutcomeTimeFrame")
            if frame is not None and frame.scalar():
                out.label(" [ Time Frame: ")
                out.value(frame)
                out.label(" ]")
            out.label("\n")


def _places_and_prose(out: Rendering, proto: Node) -> None:
    locations = _all(proto, "contactsLocationsModule", "locations") + _all(
        proto, "ContactsLocationsModule", "LocationList", "Location")
    seen: dict[str, Node] = {}
    for place in locations:
        country = place.get("country", "LocationCountry")
        if country is not None and country.scalar():
            seen.setdefault(country.text.strip().lower(), country)
    if seen:  # one line, as the site lists them: "Location Countries: France, Belgium"
        out.label("Location Countries: ")
        for i, country in enumerate(seen.values()):
            out.label(", " if i else "")
            out.value(country)
        out.label("\n")
    description = proto.get("descriptionModule")
    for label, key in (("Brief Summary:\n", "briefSummary"), ("Detailed Description:\n", "detailedDescription")):
        node = description.get(key) if description else None
        if node is not None and node.scalar():
            out.label(label)
            out.value(node)
            out.label("\n\n")


def _results(out: Rendering, study: Node) -> None:
    """Posted results: the participant flow's groups and STARTED counts, and the analyses' p-values."""
    results = study.get("resultsSection")
    flow = results.get("participantFlowModule") if results else None
    groups = _all(flow, "groups")
    started = next((m for period in _all(flow, "periods") for m in _all(period, "milestones")
                    if m.get("type") is not None and m.get("type").text.strip().upper() == "STARTED"), None)
    counts = {a.get("groupId").text: a.get("numSubjects") for a in _all(started, "achievements")
              if a.get("groupId") is not None} if started else {}
    if groups and counts:
        out.label("Participant Flow\nArm/Group Title")
        for group in groups:
            out.label("\t")
            out.value(group.get("title"))
        out.label("\nSTARTED")
        for group in groups:
            out.label("\t")
            if not out.value(counts.get(group.get("id").text if group.get("id") else "")):
                out.label("-")
        out.label("\n")
    measures = _all(results, "outcomeMeasuresModule", "outcomeMeasures") if results else []
    for measure in measures:
        for analysis in _all(measure, "analyses"):
            p = analysis.get("pValue")
            if p is not None and p.scalar():
                out.label("\n")
                out.value(measure.get("title"))
                out.label("\nP-Value: ")
                out.value(p)
                out.label("\n")


def render(study: Node) -> Rendering:
    """The study's text page: the ClinicalTrials.gov labels the registry extractor reads, the record's values."""
    out = Rendering()
    proto = study.get("protocolSection")
    for part in (_identification, _status_and_design, _arms, _outcomes, _places_and_prose):
        part(out, proto)
    _results(out, study)
    return out


def extract(raw: str, study: Node, *, lexicon: Lexicon) -> list[Record]:
    """The Trial of a ClinicalTrials.gov JSON record, its evidence in the JSON."""
    rendering = render(study)
    records = registry.extract(rendering.text, lexicon=lexicon)
    sentences = tuple((s.start, s.end) for s in read_page(rendering.text).sentences)
    return list(rendering.remap(raw, tuple(records), sentences))
