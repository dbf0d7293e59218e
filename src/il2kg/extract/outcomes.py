"""Outcomes of trial articles: endpoint definitions, verdicts, and the results reported for each endpoint.

Definitions ("The primary endpoint was the SRI-4 at week 12", "... as key secondary end points") give
Outcomes with a role and timepoint; result sentences (see `results.py`) give Results, each attached to
the Outcome of its measure (a finding about a measure without a definition becomes its own Outcome);
results tables written as '|' or tab rows are read by `result_tables.py`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from il2kg.extract.arm_mentions import arm_aliases
from il2kg.extract.cues import ROLE_CUE, find_timepoints, normal_role
from il2kg.extract.design import sentence_score
from il2kg.extract.measures import find_kind, find_specimen
from il2kg.extract.result_tables import read_tables
from il2kg.extract.results import Context, Finding, read_sentence
from il2kg.extract.terms import TermMatch, find_terms
from il2kg.extract.text import Page, Sentence, collapse, rule_facts
from il2kg.model import Arm, Fact, Lexicon, Outcome, Result

_FORWARD = re.compile(r"\s*(?:measures?\s+)?(?:was|were|is|are|included|includes?|consisted\s+of|comprised|:)\s*:?",
                      re.IGNORECASE)
_BACKWARD = re.compile(r"\b(?:as|was|were|is|are)\s+(?:a|an|the)?\s*$", re.IGNORECASE)
_TERM_LINK = re.compile(r"[\s(),]*(?:(?:and|or)\s+)?[\s(),]*", re.IGNORECASE)
# Measures coordinated for a shared timepoint: "C-peptide AUC and HbA1c at month 6".
_COORDINATED = re.compile(r"[\s(),]*(?:[\w-]+\s+)?(?:and|or)\s+[\s(),]*|[\s(),]*", re.IGNORECASE)
_VERDICT = re.compile(
    r"\b(?P<role>co-primary|primary|key[\s-]+secondary|secondary)\s+(?:efficacy\s+)?(?:end\s*-?\s*points?|outcomes?|"
    r"objectives?)\s+(?:was|were|has\s+been|had\s+been|is)\s+(?:(?P<neg>not\s+)?(?:met|achieved|reached|attained)|"
    r"(?P<missed>missed))\b"
    r"|\b(?P<verb>did\s+not\s+meet|failed\s+to\s+(?:meet|achieve)|did\s+not\s+achieve|met|achieved)\s+(?:its|the|their)"
    r"\s+(?P<role2>co-primary|primary|key[\s-]+secondary|secondary)\s+(?:efficacy\s+)?(?:end\s*-?\s*points?|outcomes?)",
    re.IGNORECASE,
)
_RESULT_SECTIONS = {"results"}
_DERIVED_ROLES = {"primary", "key-secondary", "secondary"}
_MAIN_POPULATIONS = {None, "intention-to-treat"}
_OTHER_SECTIONS = {"background", "objectives", "methods", "conclusions", "funding", "registration", "keywords",
                   "discussion"}
# A sentence about harms: its values without a named measure are counts of events, not the focus outcome's values.
_SAFETY = re.compile(r"adverse|reactions?\b|infections?\b|side[\s-]effects?|toxicit|death|died", re.IGNORECASE)
_STATISTICAL = re.compile(r"\bp\s*[<=>≤]|\bp[\s-]*values?\b|significan|\d\s*%|\bCI\b|\d\s*-?\s*fold\b", re.IGNORECASE)


@dataclass
class _Draft:
    """An Outcome being built: results and the verdict are added as sentences are read."""

    measure: Fact[str]
    role: Fact[str] | None = None
    timepoint: Fact[str] | None = None
    description: Fact[str] | None = None
    met: Fact[bool] | None = None
    derived: list[Fact[bool]] = field(default_factory=list)  # verdicts of its between-arm analyses
    results: list[Result] = field(default_factory=list)
    specimen: Fact[str] | None = None
    kind: Fact[str] | None = None

    def outcome(self) -> Outcome:
        """Freeze the draft; derived verdicts count only when they agree."""
        derived = self.derived[0] if len({f.value for f in self.derived}) == 1 else None
        met = self.met or derived
        return Outcome(self.measure, self.role, self.timepoint, self.description, met, tuple(self.results),
                       self.specimen, self.kind)

    def takes(self, specimen: Fact[str] | None, kind: Fact[str] | None) -> bool:
        """Whether a mention of the same measure may report on this outcome: no specimen or kind that differs
        (CSF NfL is not plasma NfL); a mention that names them fills what the outcome lacked."""
        for mine, theirs in ((self.specimen, specimen), (self.kind, kind)):
            if mine and theirs and mine.value != theirs.value:
                return False
        self.specimen, self.kind = self.specimen or specimen, self.kind or kind
        return True


def _identity(page: Page, start: int, end: int, lexicon: Lexicon) -> tuple[Fact[str] | None, Fact[str] | None]:
    """The specimen and kind of quantity stated around a measure's mention at [start, end)."""
    specimen, kind = find_specimen(page.clean, start, end, lexicon), find_kind(page.clean, start, end)
    return (_fact(page, specimen[2], specimen[0], specimen[1], "specimen") if specimen else None,
            _fact(page, kind[2], kind[0], kind[1], "measure-kind") if kind else None)


def extract_outcomes(page: Page, lexicon: Lexicon, arms: tuple[Arm, ...]) -> tuple[Outcome, ...]:
    """Return the outcomes a trial article defines or reports, each with its results, in text order."""
    drafts = _definitions(page, lexicon)
    diseases = Counter(m.term.curie for m in find_terms(page.clean, lexicon, "disease"))
    ctx = Context(page, lexicon, arms, diseases.most_common(1)[0][0] if diseases else None,
                  arm_aliases(page.clean, arms))
    focus: _Draft | None = None
    has_results = bool({s.name for s in page.sections} & _RESULT_SECTIONS)
    tables, captioned = read_tables(ctx, page.sentences)
    for i, sentence in enumerate(page.sentences):
        table = i in tables and (_in_results(sentence, has_results) or i in captioned)
        if sentence.section == "conclusions":  # "Interpretation: The trial did not meet its primary endpoint."
            _apply_verdicts(ctx, sentence, drafts)
        if not table and not _is_result_sentence(page, sentence, has_results):
            continue
        _apply_verdicts(ctx, sentence, drafts)
        safety = bool(_SAFETY.search(page.clean[sentence.start : sentence.end]))
        carries = not safety and not _OTHER_SUBJECT.match(page.clean, sentence.start, sentence.end)
        for finding in tables[i] if table else read_sentence(ctx, sentence):
            target = _target(ctx, finding, drafts) if finding.measure \
                else _by_role(drafts, finding.role) or (focus if carries else None)
            if target is None:
                continue
            target.results.extend(finding.results)
            _derive_met(ctx, target, finding)
            focus = target
    return tuple(d.outcome() for d in drafts)


# Values with no measure named belong to the outcome before them only when the sentence goes on about it
# ("Effect sizes were large: ...", "This increase ..."); a sentence whose subject is another measure, one the
# lexicon lacks ("Time to clinical improvement did not differ (HR 1.21 ...)"), is about that measure instead.
_CARRIED = (r"(?:(?:the|this|these|that|those|its|their|both|such|an?|mean|median|overall|adjusted|corresponding|"
            r"respective|relative|absolute|between-group|within-group|treatment)\s+)*(?:effect\s+sizes?|differences?|"
            r"changes?|increases?|decreases?|reductions?|rises?|effects?|values?|levels?|estimates?|ratios?|it|they)\b")
_OTHER_SUBJECT = re.compile(
    rf"\s*(?!{_CARRIED}|(?:in|at|among|for|with|after|during|by|on|from|compared|both|all|there|we|no)\b)"
    r"[A-Za-z][\w-]*(?:\s+(?:[\w-]+|\([^()]{1,20}\))){0,5}?\s+(?:did\s+not|was|were|had|showed|remained|differed|improved|worsened|"
    r"increased|decreased|rose|fell|declined|changed|reached|occurred|developed|resolved|normali[sz]ed|persisted|"
    r"responded|achieved)\b", re.IGNORECASE)


def _in_results(sentence: Sentence, has_results: bool) -> bool:
    return sentence.section in _RESULT_SECTIONS if has_results else sentence.section not in _OTHER_SECTIONS


def _is_result_sentence(page: Page, sentence: Sentence, has_results: bool) -> bool:
    text = page.clean[sentence.start : sentence.end]
    if _is_definition(text):
        return False
    if has_results:
        return sentence.section in _RESULT_SECTIONS
    # Unsectioned (a news item, a letter): a sentence about other work ("An earlier phase 2 trial had shown ...")
    return sentence.section not in _OTHER_SECTIONS and bool(_STATISTICAL.search(text)) \
        and sentence_score(page, sentence.start, sentence.end, sentence.section) >= 0


def _is_definition(text: str) -> bool:
    return any(_FORWARD.match(text, m.end()) or _BACKWARD.search(text[: m.start()]) for m in ROLE_CUE.finditer(text)) \
        and not _VERDICT.search(text)


_fact = rule_facts("outcomes")


def _definitions(page: Page, lexicon: Lexicon) -> list[_Draft]:
    """Outcomes defined by endpoint sentences, one per (measure, timepoint), first definition kept."""
    drafts: list[_Draft] = []
    for sentence in page.sentences:
        text, base = page.clean[sentence.start : sentence.end], sentence.start
        if not _is_definition(text):
            continue
        cues = list(ROLE_CUE.finditer(text))
        terms = find_terms(text, lexicon, "biomarker")
        for i, cue in enumerate(cues):
            forward = _FORWARD.match(text, cue.end())
            if forward:
                semicolon = text.find(";", forward.end())  # "The primary end point was X; Y was a secondary end point"
                stop = cues[i + 1].start() if i + 1 < len(cues) else len(text)
                stop = min(stop, len(text) if semicolon < 0 else semicolon)
                chosen = [t for t in terms if forward.end() <= t.start < stop]
                span = (forward.end(), stop)
            elif _BACKWARD.search(text[: cue.start()]):
                chosen, span = _terms_before(text, terms, cue.start()), None
            else:
                continue
            role = _fact(page, normal_role(cue.group("role")), base + cue.start(), base + cue.end(), "role")
            stop = cues[i + 1].start() if i + 1 < len(cues) else len(text)
            for term in _unique(chosen):
                timepoint = _timepoint(page, text, base, term, terms, cues[0].start(), stop)
                measure = _fact(page, term.term.curie, base + term.start, base + term.end, "measure")
                specimen, kind = _identity(page, base + term.start, base + term.end, lexicon)
                draft = _Draft(measure, role, timepoint, specimen=specimen, kind=kind)
                if span and len(_unique(chosen)) == 1:
                    draft.description = _description(page, base, text, *span)
                if not any(_key(d) == _key(draft) for d in drafts):
                    drafts.append(draft)
    return drafts


def _unique(terms: list[TermMatch]) -> list[TermMatch]:
    return list({t.term.curie: t for t in reversed(terms)}.values())[::-1]


def _terms_before(text: str, terms: list[TermMatch], end: int) -> list[TermMatch]:
    """The chain of terms just before a backward cue: "X (Y) and Z ... as key secondary end points"."""
    before = [t for t in terms if t.end <= end]
    if not before:
        return []
    chain = [before[-1]]
    for term in reversed(before[:-1]):
        if not _TERM_LINK.fullmatch(text[term.end : chain[0].start]):
            break
        chain.insert(0, term)
    return chain


def _timepoint(page: Page, text: str, base: int, term: TermMatch, terms: list[TermMatch], first_cue: int,
               stop: int) -> Fact[str] | None:
    """The first timepoint after the term (and the terms joined to it by 'and'), before the next measure;
    else one stated before the first role cue ("Efficacy was assessed at week 12 ... as a primary end point")."""
    end = stop
    previous = term
    for other in (t for t in terms if t.start >= term.end):
        if not _COORDINATED.fullmatch(text[previous.end : other.start]):
            end = min(end, other.start)
            break
        previous = other
    points = find_timepoints(text)
    chosen = next((p for p in points if term.end <= p[0] < end), None)
    if chosen is None:
        chosen = next((p for p in points if p[1] <= first_cue), None)
    return _fact(page, chosen[2], base + chosen[0], base + chosen[1], "timepoint") if chosen else None


def _description(page: Page, base: int, text: str, start: int, end: int) -> Fact[str] | None:
    body = text[start:end].rstrip(" .,;")
    lead = len(text[start:end]) - len(text[start:end].lstrip())
    start, end = base + start + lead, base + start + len(body)
    return _fact(page, collapse(page.raw[start:end]), start, end, "description") if end > start else None


def _key(draft: _Draft) -> tuple[str | None, ...]:
    return tuple(f.value if f else None for f in (draft.measure, draft.timepoint, draft.specimen, draft.kind))


def _target(ctx: Context, finding: Finding, drafts: list[_Draft]) -> _Draft:
    """The outcome a finding reports on: same measure, matching timepoint or role; else a new outcome."""
    curie = finding.measure.term.curie
    time = finding.timepoint.value if finding.timepoint else None
    m = finding.measure
    specimen, kind = _identity(ctx.page, m.start, m.end, ctx.lexicon)
    same = [d for d in drafts if d.measure.value == curie and _compatible(d, specimen, kind)]
    picks = (
        [d for d in same if time and d.timepoint and d.timepoint.value == time],
        [d for d in same if finding.role and d.role and d.role.value == finding.role
         and (time is None or d.timepoint is None or d.timepoint.value == time)],
        same if time is None else [],
        [d for d in same if d.timepoint is None],
    )
    for pick in picks:
        if pick and pick[0].takes(specimen, kind):
            return pick[0]
    draft = _Draft(_fact(ctx.page, curie, m.start, m.end, "measure"), None, finding.timepoint, specimen=specimen,
                   kind=kind)
    drafts.append(draft)
    return draft


def _compatible(draft: _Draft, specimen: Fact[str] | None, kind: Fact[str] | None) -> bool:
    return all(not (a and b and a.value != b.value) for a, b in ((draft.specimen, specimen), (draft.kind, kind)))


def _by_role(drafts: list[_Draft], role: str | None) -> _Draft | None:
    """The outcome a clause names only by its role ("The primary end point was not met (A: 68%, B: 58%)")."""
    same = [d for d in drafts if role and d.role and d.role.value == role]
    return same[0] if len({d.measure.value for d in same}) == 1 else None


def _apply_verdicts(ctx: Context, sentence: Sentence, drafts: list[_Draft]) -> None:
    """Set Outcome.met from "the primary end point was (not) met" statements."""
    text, base = ctx.page.clean[sentence.start : sentence.end], sentence.start
    for m in _VERDICT.finditer(text):
        role = normal_role(m.group("role") or m.group("role2"))
        met = not (m.group("neg") or m.group("missed")
                   or (m.group("verb") and re.match(r"did|failed", m.group("verb"), re.IGNORECASE)))
        times = {v for _s, _e, v in find_timepoints(text)}
        chosen = [d for d in drafts if d.role and d.role.value == role]
        timed = [d for d in chosen if d.timepoint and d.timepoint.value in times]
        for draft in timed or chosen:
            if draft.met is None:
                draft.met = _fact(ctx.page, met, base + m.start(), base + m.end(), "met")


def _derive_met(ctx: Context, draft: _Draft, finding: Finding) -> None:
    """A defined outcome whose between-arm analysis is called significant (or not) is met (or not).

    Only the main analysis counts: not post hoc, not a subgroup, not per-protocol; a primary outcome's analysis named
    as such counts too. Conflicting verdicts (one dose significant, one not) derive nothing: a documented derivation.
    """
    if draft.met or draft.role is None or draft.role.value not in _DERIVED_ROLES:
        return
    if not (finding.comparison or finding.role == "primary" == draft.role.value):
        return
    for result in finding.results:
        population = result.population.value if result.population else None
        if result.significant is None or result.post_hoc or result.subgroup or population not in _MAIN_POPULATIONS:
            continue
        ev = replace(result.significant.evidence, method="outcomes.met_from_significance")
        draft.derived.append(Fact(result.significant.value, ev))
