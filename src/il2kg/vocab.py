"""Every namespace, the prefix map, the closed il2kg vocabulary and the IRI minting functions.

This is the only module that spells out an IRI. `IL` is closed (`_fail = True`): a term that
the ontology does not declare raises at once, and a test keeps the two lists equal.
"""

from __future__ import annotations

import hashlib
import re

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD, DefinedNamespace

BASE = "https://w3id.org/il2kg/"
ONTOLOGY_IRI = URIRef(BASE)
ID = Namespace(BASE + "id/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
CITO = Namespace("http://purl.org/spar/cito/")
FABIO = Namespace("http://purl.org/spar/fabio/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
SCHEMA = Namespace("https://schema.org/")
MESH = Namespace("http://id.nlm.nih.gov/mesh/")
HGNC = Namespace("http://identifiers.org/hgnc/")
DOI = Namespace("https://doi.org/")
PUBMED = Namespace("https://pubmed.ncbi.nlm.nih.gov/")
CLINICALTRIALS = Namespace("https://clinicaltrials.gov/study/")
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")
SHAPES = Namespace(BASE + "shapes/")  # the SHACL shapes (prefix ilsh in shapes/*.ttl)
GRAPHML = "http://graphml.graphdrawing.org/xmlns"  # the GraphML namespace, and where its schema is (views/graphml.py)
GRAPHML_SCHEMA = "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
XML_SCHEMA_INSTANCE = "http://www.w3.org/2001/XMLSchema-instance"


# Open namespace for lexicon individuals (diseases, agents, biomarkers): they live in the ontology, not here.
LEX = Namespace(BASE)


class IL(DefinedNamespace):
    """The il2kg ontology's terms (classes, properties, vocabulary individuals)."""

    _NS = Namespace(BASE)
    _fail = True

    AdverseEventFinding: URIRef
    Agent: URIRef
    AnalysisPopulation: URIRef
    Arm: URIRef
    ArmRole: URIRef
    Authorship: URIRef
    AutoimmuneDisease: URIRef
    AutoimmuneDiseaseTrial: URIRef
    Biomarker: URIRef
    CellPopulation: URIRef
    Citation: URIRef
    CitationIntent: URIRef
    CitationMetric: URIRef
    ClinicalScore: URIRef
    DesignFeature: URIRef
    Direction: URIRef
    Disease: URIRef
    DiseaseCategory: URIRef
    DoubleBlindTrial: URIRef
    EndpointRole: URIRef
    MeasureKind: URIRef
    Specimen: URIRef
    Evidence: URIRef
    ExtractionActivity: URIRef
    Funder: URIRef
    InflammatoryDisease: URIRef
    Intervention: URIRef
    Mechanism: URIRef
    NeurodegenerativeDisease: URIRef
    NeurodegenerativeDiseaseTrial: URIRef
    OpenLabelTrial: URIRef
    Outcome: URIRef
    PlaceboArm: URIRef
    PlaceboControlledTrial: URIRef
    PrimaryOutcome: URIRef
    Publication: URIRef
    RandomisedControlledTrial: URIRef
    RandomisedTrial: URIRef
    Result: URIRef
    SignificantResult: URIRef
    SolubleMarker: URIRef
    SourceDocument: URIRef
    StatisticType: URIRef
    Trial: URIRef
    TrialPhase: URIRef
    acronym: URIRef
    activeComparator: URIRef
    activeControlled: URIRef
    allocationRatio: URIRef
    armLabel: URIRef
    armSize: URIRef
    articleNumber: URIRef
    authorName: URIRef
    authorPosition: URIRef
    breakLengthUnit: URIRef
    breakLengthValue: URIRef
    characterCount: URIRef
    ciLevel: URIRef
    ciLower: URIRef
    ciUpper: URIRef
    citingSection: URIRef
    citingStatement: URIRef
    comparedWith: URIRef
    comparisonText: URIRef
    count: URIRef
    conditionText: URIRef
    country: URIRef
    crossover: URIRef
    cycleLengthUnit: URIRef
    cycleLengthValue: URIRef
    decrease: URIRef
    denominator: URIRef
    documentKind: URIRef
    doseAmount: URIRef
    doseUnit: URIRef
    dosingDays: URIRef
    doubleBlind: URIRef
    drugRelated: URIRef
    durationUnit: URIRef
    durationValue: URIRef
    effectSize: URIRef
    eligibilityCriterion: URIRef
    endpointMet: URIRef
    estimateUnit: URIRef
    estimateValue: URIRef
    eventCount: URIRef
    eventTerm: URIRef
    evidenceCount: URIRef
    evidenceFor: URIRef
    evidenceObject: URIRef
    evidenceProperty: URIRef
    evidenceValue: URIRef
    experimental: URIRef
    exploratory: URIRef
    extractionMethod: URIRef
    extractionMethodCount: URIRef
    fileName: URIRef
    followUpUnit: URIRef
    followUpValue: URIRef
    forArm: URIRef
    frequency: URIRef
    fundedBy: URIRef
    funderName: URIRef
    hasAdverseEventFinding: URIRef
    hasAgent: URIRef
    hasArm: URIRef
    hasArmRole: URIRef
    hasAuthorship: URIRef
    hasCitationMetric: URIRef
    hasDesignFeature: URIRef
    hasDirection: URIRef
    hasDiseaseCategory: URIRef
    hasEndpointRole: URIRef
    hasOutcome: URIRef
    hasFinding: URIRef
    evaluatesAgent: URIRef
    aboutMeasure: URIRef
    findingClause: URIRef
    hasPhase: URIRef
    hasResult: URIRef
    hasStatistic: URIRef
    hazardRatio: URIRef
    inPopulation: URIRef
    inSubgroup: URIRef
    increase: URIRef
    indicatesMechanism: URIRef
    intentionToTreat: URIRef
    isFormulationOf: URIRef
    issue: URIRef
    journal: URIRef
    keySecondary: URIRef
    keyword: URIRef
    maintenanceFrequency: URIRef
    mean: URIRef
    meanChange: URIRef
    meanDifference: URIRef
    foldChange: URIRef
    measureKind: URIRef
    absoluteCount: URIRef
    concentration: URIRef
    percentageOfParent: URIRef
    score: URIRef
    measures: URIRef
    specimen: URIRef
    median: URIRef
    mentionsAgent: URIRef
    mentionsBiomarker: URIRef
    mentionsDisease: URIRef
    metricCount: URIRef
    metricKind: URIRef
    metricSource: URIRef
    multicentre: URIRef
    noChange: URIRef
    nonRandomised: URIRef
    numberEnrolled: URIRef
    numberOfCentres: URIRef
    numberOfCycles: URIRef
    numberRandomised: URIRef
    numerator: URIRef
    oddsRatio: URIRef
    openLabel: URIRef
    outcomeDescription: URIRef
    pValue: URIRef
    pValueComparator: URIRef
    pValueText: URIRef
    pages: URIRef
    parallelGroup: URIRef
    perProtocol: URIRef
    phase1: URIRef
    phase1_2: URIRef
    phase2: URIRef
    phase2_3: URIRef
    phase2a: URIRef
    phase2b: URIRef
    phase3: URIRef
    phase4: URIRef
    phaseLabel: URIRef
    noIntervention: URIRef
    placebo: URIRef
    tregExpansion: URIRef
    placeboComparator: URIRef
    placeboControlled: URIRef
    postHoc: URIRef
    prespecified: URIRef
    primary: URIRef
    proportion: URIRef
    prospective: URIRef
    retrospective: URIRef
    doseEscalation: URIRef
    publicationTitle: URIRef
    publicationType: URIRef
    publicationYear: URIRef
    quote: URIRef
    randomised: URIRef
    receives: URIRef
    recruitmentEnd: URIRef
    recruitmentStart: URIRef
    registryId: URIRef
    reportedIn: URIRef
    reports: URIRef
    responseRate: URIRef
    riskRatio: URIRef
    route: URIRef
    safety: URIRef
    safetyPopulation: URIRef
    sampleSize: URIRef
    scheduleText: URIRef
    secondary: URIRef
    serious: URIRef
    sha256: URIRef
    significant: URIRef
    singleBlind: URIRef
    singleCentre: URIRef
    singleGroup: URIRef
    singleGroupArm: URIRef
    softwareVersion: URIRef
    spanEnd: URIRef
    spanStart: URIRef
    spanText: URIRef
    standardDeviation: URIRef
    studiesDisease: URIRef
    subgroupPopulation: URIRef
    timepoint: URIRef
    trialTitle: URIRef
    volume: URIRef


PREFIXES: dict[str, Namespace] = {prefix: Namespace(str(ns)) for prefix, ns in (
    ("il2kg", BASE), ("id", ID), ("obo", OBO), ("cito", CITO), ("fabio", FABIO), ("bibo", BIBO), ("dcterms", DCTERMS),
    ("prov", PROV), ("schema", SCHEMA), ("skos", SKOS), ("owl", OWL), ("rdf", RDF), ("rdfs", RDFS), ("xsd", XSD),
    ("sh", SH), ("mesh", MESH))}

def code_term(code: str) -> URIRef:
    """Map a record code ("double-blind", "per-protocol", "response-rate") to its il2kg individual."""
    head, *rest = code.split("-")
    return IL[head + "".join(part[:1].upper() + part[1:] for part in rest)]


def slug(text: str) -> str:
    """Lower-case, ASCII, hyphen-separated key for an IRI path segment."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def short_hash(*parts: object) -> str:
    """First 16 hex digits of the sha256 of the parts joined by '|': content-derived ids."""
    return hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def mint(kind: str, *path: str) -> URIRef:
    """Mint a data IRI: id:<kind>/<path...>."""
    return ID["/".join((kind, *path))]
