"""Frozen records that extraction returns and the graph builder turns into triples.

Nothing here knows RDF: vocabulary terms are carried as CURIE strings ("MONDO:0004976",
"il2kg:ccl2") that come from the lexicon, and `graph.py` expands them.
Every extracted value is a `Fact`: the value plus the `Evidence` it was read from.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True, order=True)
class Evidence:
    """Where a fact was read: a half-open character span of the raw document, its sentence, the rule."""

    start: int
    end: int
    sentence: str
    method: str


@dataclass(frozen=True, slots=True)
class Fact(Generic[T]):
    """One extracted value with its evidence."""

    value: T
    evidence: Evidence


@dataclass(frozen=True, slots=True, order=True)
class Quantity:
    """A number with a unit code: MIU, IU, IU/m2, IU/kg, ug, %, day, week, month, year."""

    value: Decimal
    unit: str


# --- publications and citation pages -------------------------------------------------


@dataclass(frozen=True, slots=True)
class CitationCount:
    """A count shown on a page: kind is one of CITATION_COUNT_KINDS."""

    kind: str
    count: Fact[int]
    source: str | None = None  # the index that counted, where the page names it ("Scopus")


CITATION_COUNT_KINDS = (
    "citing-publications",
    "citation-statements",
    "references",
    "supporting",
    "mentioning",
    "contrasting",
)


@dataclass(frozen=True, slots=True)
class Publication:
    """The work a document is (or, on a citation page, the work the page is about)."""

    title: Fact[str] | None = None
    authors: tuple[Fact[str], ...] = ()
    journal: Fact[str] | None = None
    year: Fact[int] | None = None
    volume: Fact[str] | None = None
    issue: Fact[str] | None = None
    pages: Fact[str] | None = None
    article_number: Fact[str] | None = None
    doi: Fact[str] | None = None
    pmid: Fact[str] | None = None
    publication_type: Fact[str] | None = None  # "trial-report" | "review" | "article"
    keywords: tuple[Fact[str], ...] = ()
    funders: tuple[Fact[str], ...] = ()
    citation_counts: tuple[CitationCount, ...] = ()


@dataclass(frozen=True, slots=True)
class Citation:
    """One citing statement quoted on a citation page; it cites the document's Publication."""

    statement: Fact[str]
    intent: Fact[str]  # "mentions" | "supports" | "disputes" (CiTO)
    section: Fact[str] | None = None
    diseases: tuple[Fact[str], ...] = ()  # lexicon CURIEs
    agents: tuple[Fact[str], ...] = ()
    biomarkers: tuple[Fact[str], ...] = ()
    citing_title: Fact[str] | None = None  # the citing work, when the page names it under the statement
    citing_year: Fact[int] | None = None


# --- trials ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Intervention:
    """What an arm receives: agent and dose regimen."""

    agent: Fact[str]  # lexicon CURIE: il2kg:aldesleukin, il2kg:placebo, ...
    dose: Fact[Quantity] | None = None  # per administration
    route: Fact[str] | None = None  # "subcutaneous" | "intravenous" | "oral"
    frequency: Fact[str] | None = None  # "once daily" | "every other day" | "weekly" | "fortnightly" ...
    dosing_days: Fact[int] | None = None  # consecutive dosing days per cycle or induction
    cycle_length: Fact[Quantity] | None = None  # unit day/week/month
    cycles: Fact[int] | None = None
    break_length: Fact[Quantity] | None = None
    maintenance_frequency: Fact[str] | None = None
    duration: Fact[Quantity] | None = None  # total treatment duration
    schedule_text: Fact[str] | None = None  # the schedule as written


@dataclass(frozen=True, slots=True)
class Arm:
    """A trial arm; `label` is its key within the trial ("2 MIU", "placebo", "IL-2")."""

    label: str
    role: Fact[str] | None = None  # "experimental" | "placebo-comparator" | "active-comparator" | "single-group-arm"
    size: Fact[int] | None = None
    intervention: Intervention | None = None
    # What the same arm also receives: a second agent ("rapamycin with IL-2"), a later course at another dose.
    also: tuple[Intervention, ...] = ()


@dataclass(frozen=True, slots=True)
class Result:
    """A reported number or verdict for an outcome, in one arm or comparing two."""

    arm: str | None = None  # Arm.label; None = whole trial or all treated arms
    comparator: str | None = None  # Arm.label of the comparator
    statistic: Fact[str] | None = None  # one of STATISTICS
    value: Fact[Quantity] | None = None
    sd: Fact[Decimal] | None = None
    ci_low: Fact[Decimal] | None = None
    ci_high: Fact[Decimal] | None = None
    ci_level: Fact[Decimal] | None = None  # 95
    p_text: Fact[str] | None = None  # as written: "p < 0·0001"
    p_value: Fact[Decimal] | None = None
    p_comparator: Fact[str] | None = None  # "=" | "<" | "<=" | ">"
    numerator: Fact[int] | None = None
    denominator: Fact[int] | None = None
    n: Fact[int] | None = None
    # "intention-to-treat" | "per-protocol" | "safety-population" | "subgroup-population"
    population: Fact[str] | None = None
    subgroup: Fact[str] | None = None  # lexicon CURIE of the subgroup's disease, if any
    post_hoc: Fact[bool] | None = None
    prespecified: Fact[bool] | None = None
    timepoint: Fact[str] | None = None  # "week 12", "after cycle 1"
    direction: Fact[str] | None = None  # "increase" | "decrease" | "no-change"
    significant: Fact[bool] | None = None
    measure: Fact[str] | None = None  # a finding's measure: lexicon CURIE, only when the clause names exactly one
    clause: Fact[str] | None = None  # a finding's clause, as written


STATISTICS = (
    "mean-change",
    "mean",
    "median",
    "response-rate",
    "proportion",
    "effect-size",
    "odds-ratio",
    "risk-ratio",
    "hazard-ratio",
    "mean-difference",
    "fold-change",
    "count",
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """An endpoint: what is measured, its role and timepoint, and the results reported for it."""

    measure: Fact[str]  # lexicon CURIE of a biomarker or clinical score
    role: Fact[str] | None = None  # "primary" | "key-secondary" | "secondary" | "exploratory" | "safety"
    timepoint: Fact[str] | None = None
    description: Fact[str] | None = None
    met: Fact[bool] | None = None  # stated in the text, or derived (the method says which)
    results: tuple[Result, ...] = ()
    specimen: Fact[str] | None = None  # lexicon CURIE: il2kg:plasma, il2kg:cerebrospinalFluid ...
    measure_kind: Fact[str] | None = None  # il2kg:percentageOfParent | absoluteCount | concentration | score


@dataclass(frozen=True, slots=True)
class AdverseEvent:
    """A safety finding: an event term, optionally per arm, with its count or comparison."""

    term: Fact[str]  # as written, normalised to lower case: "serious adverse event", "injection site reaction"
    arm: str | None = None
    count: Fact[int] | None = None  # 0 for "no ... was observed"
    serious: Fact[bool] | None = None
    drug_related: Fact[bool] | None = None
    comparison: Fact[str] | None = None  # "more frequent than comparator" ...
    comparator: str | None = None


@dataclass(frozen=True, slots=True)
class Trial:
    """A clinical trial as one document describes it."""

    registry_ids: tuple[Fact[str], ...] = ()  # "NCT01234567", "EudraCT 2014-000123-45" normalised
    acronym: Fact[str] | None = None
    title: Fact[str] | None = None
    design: tuple[Fact[str], ...] = ()  # codes in DESIGN_FEATURES
    phase: Fact[str] | None = None  # as written, normalised: "2a", "I-IIa", "II"
    allocation_ratio: Fact[str] | None = None  # "1:1:1"
    n_randomised: Fact[int] | None = None
    n_enrolled: Fact[int] | None = None
    diseases: tuple[Fact[str], ...] = ()  # lexicon CURIEs
    conditions_text: tuple[Fact[str], ...] = ()  # conditions no lexicon term names, as written
    eligibility: tuple[Fact[str], ...] = ()
    recruitment_start: Fact[str] | None = None  # "2015-10"
    recruitment_end: Fact[str] | None = None
    centres: Fact[int] | None = None
    countries: tuple[Fact[str], ...] = ()
    follow_up: Fact[Quantity] | None = None
    arms: tuple[Arm, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    adverse_events: tuple[AdverseEvent, ...] = ()
    agents: tuple[Fact[str], ...] = ()  # lexicon CURIEs of what the study gives, arms or not
    findings: tuple[Result, ...] = ()  # statistics read outside any outcome's results: p-values, percentages


DESIGN_FEATURES = (
    "randomised",
    "non-randomised",
    "double-blind",
    "single-blind",
    "open-label",
    "placebo-controlled",
    "active-controlled",
    "multicentre",
    "single-centre",
    "parallel-group",
    "crossover",
    "single-group",
    "prospective",
    "retrospective",
    "dose-escalation",
)

Record = Publication | Trial | Citation


@dataclass(frozen=True, slots=True)
class Term:
    """A vocabulary entry the extractor can recognise: CURIE, kind and labels (preferred first)."""

    curie: str
    kind: str  # "disease" | "biomarker" | "agent" | "mechanism" | "specimen"
    labels: tuple[str, ...]
    broader: tuple[str, ...] = ()  # CURIEs of the broader terms, transitively (skos:broader in the ontology)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The recognisable vocabulary, built from the ontology's labels and synonyms."""

    terms: tuple[Term, ...]

    def of_kind(self, kind: str) -> tuple[Term, ...]:
        """Return the terms of one kind."""
        return tuple(t for t in self.terms if t.kind == kind)
