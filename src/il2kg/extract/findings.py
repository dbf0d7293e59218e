"""Statistical findings of their own: every p-value and percentage the page reports for its study.

Structured results (outcomes.py) keep only the values they can tie to an endpoint and an arm; the
rest would be lost. Here every sentence that may speak of the study is read, and each p-value and
each result percentage becomes a finding with its clause, and its measure only when the clause names
exactly one lexicon measure (else none: a value is never attached to a guessed measure).
"""

from __future__ import annotations

import re

from il2kg.extract.cue_tables import compile_cues
from il2kg.extract.design import sentence_score, trial_spans
from il2kg.extract.numbers import find_intervals, find_p_values, find_percentages, find_spreads
from il2kg.extract.terms import find_terms_in
from il2kg.extract.text import Page, rule_facts
from il2kg.model import Fact, Lexicon, Quantity, Result

# Cues around a percentage or a p-value that make it no finding, by name.
_NOT_FINDING = compile_cues({
    # Percentages that are not results: a confidence or power level, a threshold, a concentration.
    "after": r"\s*(?:CIs?\b|or\s+(?:more|above|greater|higher|less|below|lower)\b|C\.I\.|confidence|"
    r"credible|power|significance|level\b|"
    r"(?:w/v|v/v|w/w)\b|(?:of\s+)?(?:dextrose|glucose|saline|albumin|ethanol|DMSO)\b)",
    # A bound, a threshold or the SD after "±" ("4.2 ± 1.3%"): not a percentage the study found.
    "before": r"(?:[≥≤<>±]=?|\+/-|\bat\s+least|\bmore\s+than|\bless\s+than|\bgreater\s+than|"
    r"\bup\s+to|\bpower\s+of|\bby\s+at\s+least|\bthreshold\s+of|\bcut-?off\s+of|"
    r"\bdefined\s+as(?:\s+an?)?|\bachiev\w*\s+(?:an?|at\s+least)"
    r"|\b(?:null|assumed|expected|target|hypothesi[sz]ed)\s+(?:[\w-]+\s+){0,2}(?:of\s+)?)\s*$",
    # "P < 0.05 was considered significant", "significance was set at p < 0.05": a threshold, not a finding.
    "threshold-before": r"(?:\b(?:considered|deemed|regarded|defined|set|level|threshold|alpha|significance)\b"
    r"(?:\s+(?:at|of|as|was|to|be|statistically|significant|if|when))*\s*[:(]?|\*+)\s*$",
    "threshold-after": r"^[^.;]{0,25}\b(?:was|were|is)\s+(?:considered|deemed|regarded|defined|set)\b",
})
# A sample-size calculation's assumed rates ("assuming 30% with placebo and 12% with IL-2, 120 provide 80% power").
_SAMPLE_SIZE = re.compile(r"\b(?:assum\w+|sample\s+size|(?:provides?|gives?|with|yields?)\s+\d+\s*%\s+power|"
                          r"power\s+(?:of|to)\b|to\s+detect\s+an?\b)", re.I)
_CLAUSE_END = re.compile(r";|,\s*(?:while|whereas|but|and)\s|\.\s")
_MEASURE_KINDS = ("biomarker",)


_fact = rule_facts("findings")


def _clause(page: Page, sentence: tuple[int, int], at: int) -> tuple[int, int]:
    start, end = sentence
    text = page.clean[start:end]
    cuts = [start] + [start + m.end() for m in _CLAUSE_END.finditer(text)] + [end]
    lo = max(c for c in cuts if c <= at)
    hi = min((c for c in cuts if c > at), default=end)
    return lo, hi


def _measure(page: Page, lexicon: Lexicon, clause: tuple[int, int]) -> Fact[str] | None:
    hits = [h for kind in _MEASURE_KINDS for h in find_terms_in(page.clean, *clause, lexicon, kind)]
    curies = {h.term.curie for h in hits}
    if len(curies) != 1:
        return None  # none, or several: abstain rather than guess which one the value is about
    hit = hits[0]
    return _fact(page, hit.term.curie, hit.start, hit.end, "measure")


def _finding(page: Page, lexicon: Lexicon, sentence: tuple[int, int], at: int, **values: Fact) -> Result:
    clause = _clause(page, sentence, at)
    text = page.raw[clause[0] : clause[1]].strip()
    lead = len(page.raw[clause[0] : clause[1]]) - len(page.raw[clause[0] : clause[1]].lstrip())
    return Result(measure=_measure(page, lexicon, clause),
                  clause=_fact(page, " ".join(text.split()), clause[0] + lead, clause[0] + lead + len(text), "clause"),
                  **values)


# A results table's p-value on a row of its own ("P-Value   0.013", "P-Value | <0.001"), as registries post them.
_P_ROW = re.compile(r"^[ \t]*P-?\s?Value[ \t:|]+(?:[<>=≤][ \t]*)?(?:\d*\.\d+|[01])[ \t]*$", re.M | re.I)


def p_value_rows(page: Page, lexicon: Lexicon) -> tuple[Result, ...]:
    """The p-values a registry's posted results give on rows of their own."""
    out = []
    for row in _P_ROW.finditer(page.clean):
        for p in find_p_values(row.group(0), row.start()):
            if p.value is None:
                continue
            values = {"p_text": _fact(page, page.raw[p.start : p.end], p.start, p.end, "p-row"),
                      "p_value": _fact(page, p.value, p.num_start, p.num_end, "p-row"),
                      "p_comparator": _fact(page, p.comparator, p.start, p.num_start, "p-row")}
            out.append(_finding(page, lexicon, (row.start(), row.end()), p.start, **values))
    return tuple(out)


def find_findings(page: Page, lexicon: Lexicon, taken: frozenset[int] = frozenset()) -> tuple[Result, ...]:
    """Return the p-values and result percentages of the study's sentences not already in a structured result.

    `taken` holds the start offsets of values that structured results already carry.
    """
    out: list[tuple[int, Result]] = []
    seen: set[int] = set(taken)
    opening = _background_opening(page)
    for start, end in sorted(trial_spans(page)):
        if start < opening:
            continue  # an unsectioned text's opening, before it speaks of its own study, is background
        text = page.clean[start:end]
        blocked = [(i.start, i.end) for i in find_intervals(text, start)] + find_spreads(text, start)
        for p in find_p_values(text, start):
            if p.value is None or p.num_start in seen or _is_threshold(page, p.start, p.end):
                continue
            seen.add(p.num_start)
            values = {"p_text": _fact(page, page.raw[p.start : p.end], p.start, p.end, "p-text"),
                      "p_value": _fact(page, p.value, p.num_start, p.num_end, "p-value"),
                      "p_comparator": _fact(page, p.comparator, p.start, p.num_start, "p-comparator")}
            blocked.append((p.start, p.end))
            out.append((p.start, _finding(page, lexicon, (start, end), p.start, **values)))
        for n in find_percentages(text, start) if not _SAMPLE_SIZE.search(text) else ():
            if n.start in seen or any(s <= n.start < e for s, e in blocked) or not is_result_percentage(page, n.start,
                                                                                                          n.end):
                continue
            seen.add(n.start)
            value = _fact(page, Quantity(n.value, "%"), n.start, n.end, "percentage")
            out.append((n.start, _finding(page, lexicon, (start, end), n.start, value=value)))
    return tuple(result for _, result in sorted(out, key=lambda item: item[0]))


def _background_opening(page: Page) -> int:
    """Where an unsectioned text starts speaking of its own study (its first "we ..."/"this trial" sentence);
    0 when the text has sections (their labels say what is background) or never says so."""
    if any(s.name in ("background", "methods", "results") for s in page.sections):
        return 0
    return next((s.start for s in page.sentences if sentence_score(page, s.start, s.end, s.section) >= 2), 0)


def _is_threshold(page: Page, start: int, end: int) -> bool:
    if page.raw[max(0, start - 4) : start].endswith("*"):  # a figure's star key ("*P < 0.05, **P < 0.01")
        return True
    return bool(_NOT_FINDING["threshold-before"].search(page.clean[max(0, start - 40) : start])
                or _NOT_FINDING["threshold-after"].search(page.clean[end : end + 40]))


def is_result_percentage(page: Page, start: int, end: int) -> bool:
    before = page.clean[max(0, start - 20) : start]
    after = page.clean[end : end + 24]
    if _NOT_FINDING["after"].match(after) or _NOT_FINDING["before"].search(before):
        return False
    return True
