"""Gold facts: extracted records flattened to canonical `field -> {value string}`, and the gold files.

Every fact is one string; parts are joined with "|"; a missing part (None) prints as "-".
Numbers: Decimals are normalised and never use an exponent ("0.0001", "6.2", "-0.49", "30"),
ints print plainly. A Quantity prints as "<value> <unit>" ("2 MIU", "4 week", "125000 IU/m2"),
except "%" which is glued to the value ("6.2%") and a unitless "" or "1" which is left out ("3.7").
Booleans print "true"/"false". Free text is whitespace-collapsed; the codes are printed as extracted.

    kind                          the document kind: "article" | "citation-page" | "registry-record"
    publication.title / .journal / .volume / .issue / .pages / .article_number / .pmid / .author
    publication.doi               lower case: "10.1136/ard-2022-222501"
    publication.year              "2020"
    publication.type              "trial-report" | "review" | "article"
    publication.keyword           lower case
    publication.funder            a leading "the " and trailing "(...)" groups dropped: "EU H2020"
    publication.citation_count    "<kind>=<n>": "citing-publications=37"
    trial.registry_id / .acronym / .phase / .allocation_ratio / .design (one code per value)
    trial.n_randomised / .n_enrolled / .centres   "<n>"
    trial.disease / .country / .condition_text   CURIE / as extracted / a condition no lexicon term names
    trial.recruitment             "<start>..<end>": "2015-10..2015-12"
    trial.follow_up               quantity: "12 week"
    arm                           "<label>|<role>|<size>"
    arm.agent                     "<label>|<curie>"
    arm.dose / .cycle_length / .break_length / .duration   "<label>|<quantity>"
    arm.route / .frequency / .maintenance_frequency / .dosing_days / .cycles   "<label>|<value>"
    outcome                       "<measure>|<role>|<timepoint>"
    outcome.met                   "<measure>|true"
    outcome.specimen / .kind      "<measure>|<curie>": where it is measured, what kind of quantity it is
    result.value                  "<measure>|<arm>|<statistic>|<quantity>|<population>|<timepoint>"
    result.sd / .n                "<measure>|<arm>|<number>"
    result.ci                     "<measure>|<arm>|<low>..<high>"
    result.p                      "<measure>|<arm>|<op><value>|<population>|<timepoint>"  ("<0.0001"; op None -> "?")
    result.direction              "<measure>|<arm>|<direction>"
    result.significant            "<measure>|<arm>|<population>|<timepoint>|true"
    result.post_hoc               "<measure>|<arm>|<population>|true"
    result.fraction               "<measure>|<arm>|<numerator>/<denominator>"
    result.subgroup               "<measure>|<arm>|<curie>"
    adverse_event                 "<term>|<arm>|<count, else comparison>"  (term and comparison lower case)
    adverse_event.serious / .drug_related   "<term>|<arm>|true"
    citation                      "<intent>|<section>|<first 60 chars of the statement>"
    citation.mentions             "<curie>" (diseases, agents and biomarkers of every citing statement)
    citation.work                 "<first 60 chars of the statement>|<citing work's title>|<its year>"

Fields that name no arm label, so that gold written for an unseen page does not depend on how the
extractor labels arms (tests/gold/README.md has the rules for writing them):

    trial.present                 "true" when the document yields a Trial
    trial.arm                     "<role>|<size>"
    trial.agent / trial.dose      "<curie>" / "<quantity>" over all arms
    finding.p                     "<op><value>" of every p-value, in a result or a finding of its own
    finding.percent               "<value>%" of every percentage read as a result or a finding

Timepoints and sections are lower case; a result without a timepoint of its own is printed with its
outcome's timepoint (the result is a reading of that outcome). A statement is whitespace-collapsed,
stripped of the quotes and ellipses around it, cut to 60 characters and right-stripped.
In "<arm>", a value read in one arm carries that arm's label; a comparison (p, odds ratio, mean
difference) carries the experimental arm compared with the comparator; "-" means the whole trial,
several arms at once, or a number the text attributes to no arm.

A gold file is JSON: {"document": "<file name>", "facts": {field: [value, ...]}, "notes": "..."};
only the fields it lists are scored for that document, and for those fields it is complete.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

from il2kg.errors import InputFileError
from il2kg.model import Citation, Fact, Publication, Quantity, Record, Result, Trial

Add = Callable[..., None]

# Every field facts_of can print, in the order the module docstring lists them.
FIELDS = (
    "kind",
    "publication.title", "publication.journal", "publication.volume", "publication.issue", "publication.pages",
    "publication.article_number", "publication.pmid", "publication.author", "publication.doi", "publication.year",
    "publication.type", "publication.keyword", "publication.funder", "publication.citation_count",
    "trial.registry_id", "trial.acronym", "trial.phase", "trial.allocation_ratio", "trial.design",
    "trial.n_randomised", "trial.n_enrolled", "trial.centres", "trial.disease", "trial.condition_text", "trial.country",
    "trial.recruitment", "trial.follow_up", "arm", "arm.agent", "arm.dose", "arm.cycle_length", "arm.break_length",
    "arm.duration", "arm.route", "arm.frequency", "arm.maintenance_frequency", "arm.dosing_days", "arm.cycles",
    "outcome", "outcome.met", "outcome.specimen", "outcome.kind", "result.value", "result.sd", "result.n", "result.ci",
    "result.p", "result.direction", "result.significant", "result.post_hoc", "result.fraction", "result.subgroup",
    "adverse_event", "adverse_event.serious", "adverse_event.drug_related", "citation", "citation.mentions",
    "citation.work", "trial.present", "trial.arm", "trial.agent", "trial.dose", "finding.p", "finding.percent",
)

_FUNDER_TRIM = re.compile(r"^(?:the\s+)|(?:\s*\([^()]*\))+$", re.IGNORECASE)
_STATEMENT_TRIM = " \"'\u201c\u201d\u2018\u2019\u2026."


def show(value: object) -> str:
    """Print one value in its canonical form: None '-', Decimals normalised, quantities with unit."""
    if value is None:
        return "-"
    if isinstance(value, Fact):
        return show(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, Quantity):
        number, unit = show(value.value), value.unit.strip()
        return number + ("" if unit == "1" else unit) if unit in ("%", "", "1") else f"{number} {unit}"
    return " ".join(str(value).split())


def _title(value: str) -> str:
    # A final full stop is the page's punctuation, not part of the title: compared without it.
    return value.rstrip(" .")


def _lower(value: object) -> str:
    return show(value).lower()


def facts_of(records: Iterable[Record], kind: str | None = None) -> dict[str, set[str]]:
    """Flatten records (and the document kind) to canonical field -> set of value strings."""
    facts: dict[str, set[str]] = defaultdict(set)

    def add(field: str, *parts: object) -> None:
        facts[field].add("|".join(p if isinstance(p, str) else show(p) for p in parts))

    if kind is not None:
        add("kind", kind)
    for record in records:
        if isinstance(record, Publication):
            _publication(record, add)
        elif isinstance(record, Trial):
            _trial(record, add)
        elif isinstance(record, Citation):
            _citation(record, add)
    return dict(facts)


def _publication(pub: Publication, add: Add) -> None:
    simple = {
        "title": pub.title, "journal": pub.journal, "year": pub.year, "volume": pub.volume, "issue": pub.issue,
        "pages": pub.pages, "article_number": pub.article_number, "pmid": pub.pmid, "type": pub.publication_type,
    }
    for name, fact in simple.items():
        if fact is not None:
            add(f"publication.{name}", _title(show(fact)) if name == "title" else show(fact))
    if pub.doi is not None:
        add("publication.doi", _lower(pub.doi))
    for author in pub.authors:
        add("publication.author", show(author))
    for keyword in pub.keywords:
        add("publication.keyword", _lower(keyword))
    for funder in pub.funders:
        add("publication.funder", _FUNDER_TRIM.sub("", show(funder)).strip())
    for count in pub.citation_counts:
        add("publication.citation_count", f"{count.kind}={show(count.count)}")


def _labelless(trial: Trial, add: Add) -> None:
    add("trial.present", "true")
    for arm in trial.arms:
        add("trial.arm", show(arm.role), show(arm.size))
        for intervention in (arm.intervention, *arm.also) if arm.intervention else ():
            add("trial.agent", show(intervention.agent))
            if intervention.dose is not None:
                add("trial.dose", show(intervention.dose))
    for agent in trial.agents:
        add("trial.agent", show(agent))
    results = [r for o in trial.outcomes for r in o.results] + list(trial.findings)
    for r in results:
        if r.p_value is not None:
            add("finding.p", f"{r.p_comparator.value if r.p_comparator else '='}{show(r.p_value)}")
        if r.value is not None and r.value.value.unit == "%":
            add("finding.percent", show(r.value))


def _trial(trial: Trial, add: Add) -> None:
    _labelless(trial, add)
    simple = {
        "acronym": trial.acronym, "phase": trial.phase, "allocation_ratio": trial.allocation_ratio,
        "n_randomised": trial.n_randomised, "n_enrolled": trial.n_enrolled, "centres": trial.centres,
        "follow_up": trial.follow_up,
    }
    for name, fact in simple.items():
        if fact is not None:
            add(f"trial.{name}", show(fact))
    for many, facts in (("registry_id", trial.registry_ids), ("design", trial.design),
                        ("disease", trial.diseases), ("condition_text", trial.conditions_text),
                        ("country", trial.countries)):
        for fact in facts:
            add(f"trial.{many}", show(fact))
    if trial.recruitment_start is not None or trial.recruitment_end is not None:
        add("trial.recruitment", f"{show(trial.recruitment_start)}..{show(trial.recruitment_end)}")
    for arm in trial.arms:
        add("arm", arm.label, arm.role, arm.size)
        _intervention(arm.label, arm.intervention, add)
    for outcome in trial.outcomes:
        measure = show(outcome.measure)
        add("outcome", measure, outcome.role, _lower(outcome.timepoint))
        if outcome.met is not None:
            add("outcome.met", measure, outcome.met)
        if outcome.specimen is not None:
            add("outcome.specimen", measure, show(outcome.specimen))
        if outcome.measure_kind is not None:
            add("outcome.kind", measure, show(outcome.measure_kind))
        for result in outcome.results:
            _result(measure, result, add, outcome.timepoint)
    for event in trial.adverse_events:
        term, arm = _lower(event.term), show(event.arm)
        add("adverse_event", term, arm, show(event.count) if event.count is not None else _lower(event.comparison))
        if event.serious is not None:
            add("adverse_event.serious", term, arm, event.serious)
        if event.drug_related is not None:
            add("adverse_event.drug_related", term, arm, event.drug_related)


def _intervention(label: str, intervention, add: Add) -> None:
    if intervention is None:
        return
    add("arm.agent", label, intervention.agent)
    for name in ("dose", "route", "frequency", "dosing_days", "cycle_length", "cycles", "break_length",
                 "maintenance_frequency", "duration"):
        fact = getattr(intervention, name)
        if fact is not None:
            add(f"arm.{name}", label, fact)


def _result(measure: str, result: Result, add: Add, outcome_timepoint: Fact[str] | None) -> None:
    arm, population = show(result.arm), show(result.population)
    timepoint = _lower(result.timepoint if result.timepoint is not None else outcome_timepoint)
    if result.value is not None:
        add("result.value", measure, arm, result.statistic, result.value, population, timepoint)
    if result.sd is not None:
        add("result.sd", measure, arm, result.sd)
    if result.n is not None:
        add("result.n", measure, arm, result.n)
    if result.ci_low is not None or result.ci_high is not None:
        add("result.ci", measure, arm, f"{show(result.ci_low)}..{show(result.ci_high)}")
    if result.p_value is not None:
        op = result.p_comparator.value if result.p_comparator is not None else "?"
        add("result.p", measure, arm, f"{op}{show(result.p_value)}", population, timepoint)
    if result.direction is not None:
        add("result.direction", measure, arm, result.direction)
    if result.significant is not None:
        add("result.significant", measure, arm, population, timepoint, result.significant)
    if result.post_hoc is not None:
        add("result.post_hoc", measure, arm, population, result.post_hoc)
    if result.numerator is not None or result.denominator is not None:
        add("result.fraction", measure, arm, f"{show(result.numerator)}/{show(result.denominator)}")
    if result.subgroup is not None:
        add("result.subgroup", measure, arm, result.subgroup)


def statement_key(statement: str) -> str:
    """Return the 60-character key of a citing statement (quotes and ellipses stripped)."""
    return " ".join(statement.split()).strip(_STATEMENT_TRIM)[:60].rstrip()


def _citation(citation: Citation, add: Add) -> None:
    key = statement_key(show(citation.statement))
    add("citation", citation.intent, _lower(citation.section), key)
    for fact in (*citation.diseases, *citation.agents, *citation.biomarkers):
        add("citation.mentions", fact)
    if citation.citing_title or citation.citing_year:
        add("citation.work", key, citation.citing_title, citation.citing_year)


def read_gold_file(path: Path) -> tuple[str, dict[str, list[str]]]:
    """Read one gold file: its document name and its facts; raise InputFileError when malformed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputFileError(f"{path}: cannot read gold facts: {err}") from err
    document, facts = data.get("document") if isinstance(data, dict) else None, None
    if isinstance(data, dict):
        facts = data.get("facts")
    if not isinstance(document, str) or not isinstance(facts, dict):
        raise InputFileError(f"{path}: a gold file needs a 'document' name and a 'facts' object")
    for field, values in facts.items():
        if field not in FIELDS:  # a misspelt field would silently go unscored
            raise InputFileError(f"{path}: unknown gold field {field!r}")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InputFileError(f"{path}: gold field {field!r} must be a list of strings")
    facts = {field: [_title(v) for v in values] if field == "publication.title" else list(values)
             for field, values in facts.items()}
    return document, facts


def load_gold(directory: Path) -> dict[str, dict[str, list[str]]]:
    """Load every *.json gold file of a directory, keyed by document file name."""
    gold: dict[str, dict[str, list[str]]] = {}
    for path in sorted(Path(directory).glob("*.json")):
        document, facts = read_gold_file(path)
        if document in gold:
            raise InputFileError(f"{path}: a second gold file for document {document!r}")
        gold[document] = facts
    return gold
