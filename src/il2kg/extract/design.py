"""Trial design: registry ids, acronym, design features, phase and allocation ratio."""

from __future__ import annotations

import re

from il2kg.extract.metadata import find_title
from il2kg.extract.terms import find_terms
from il2kg.extract.text import Page
from il2kg.model import Arm, Fact, Lexicon

# Sentences that describe the document's own trial (not earlier trials, not the background).
_OWN_TRIAL = re.compile(
    r"\bwe (?:\w+ )?(?:performed|conducted|did|carried out|report|present|undertook|designed|evaluated|assessed|"
    r"investigated|randomi[sz]ed|randomly|enrolled|recruited|aimed|tested|studied)\b|"
    r"\b(?:this|the present|the current|our) (?:\w+ ){0,3}(?:study|trial)\b|"
    r"\b(?:patients|participants|subjects) were\b",
    re.IGNORECASE,
)
_OTHER_WORK = re.compile(r"\b(?:previous(?:ly)?|suggested|have shown|has shown|is required|are needed|prior)\b", re.I)

# Registry ids: pattern and how to spell the id canonically.
_REGISTRIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bNCT ?(\d{8})\b", re.I), "NCT{0}"),
    (re.compile(r"\bEUCTR ?(\d{4}-\d{6}-\d{2}(?:-[A-Z]{2})?)\b", re.I), "EUCTR{0}"),
    (re.compile(r"(?<![\w-])(?:EudraCT[\w .:#-]{0,12}?)?(?<!EUCTR)(\d{4}-\d{6}-\d{2})(?![\w-])", re.I), "EudraCT {0}"),
    (re.compile(r"\bChiCTR[- ]?((?:[A-Z]{2,4}-)?\d{8,})\b", re.I), "ChiCTR{0}"),
    (re.compile(r"\bISRCTN ?(\d{8})\b", re.I), "ISRCTN{0}"),
    (re.compile(r"\bACTRN ?(\d{14})\b", re.I), "ACTRN{0}"),
    (re.compile(r"\bDRKS ?(\d{8})\b", re.I), "DRKS{0}"),
    (re.compile(r"\bCTRI/(\d{4}/\d{2,3}/\d{6})\b", re.I), "CTRI/{0}"),
)

_FEATURES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("non-randomised", re.compile(r"\bnon-?randomi[sz]ed\b", re.I)),
    ("randomised", re.compile(r"(?<!non-)(?<!non)\brandomi[sz]ed\b|\brandomly (?:assigned|allocated)\b|"
                              r"(?<!non-)\brandomi[sz]ation\b", re.I)),
    ("double-blind", re.compile(r"\bdouble[- ](?:blind(?:ed)?|masked)\b", re.I)),
    ("single-blind", re.compile(r"\bsingle[- ](?:blind(?:ed)?|masked)\b", re.I)),
    ("open-label", re.compile(r"\bopen[- ]label(?:led|ed)?\b|\bopen\b(?=,?(?: [\w-]+){0,2} (?:trial|study)\b)", re.I)),
    ("placebo-controlled", re.compile(r"\bplacebo[- ]controlled\b", re.I)),
    ("active-controlled", re.compile(r"\bactive[- ]controlled\b|\bactive comparator\b", re.I)),
    ("multicentre", re.compile(r"\bmulti-?(?:cent(?:re|er|ric)|site|national)\b", re.I)),
    ("single-centre", re.compile(r"\b(?:single[- ]cent(?:re|er)|mono-?cent(?:re|er|ric))\b", re.I)),
    ("parallel-group", re.compile(r"\bparallel\b", re.I)),
    ("crossover", re.compile(r"\bcross-?over\b", re.I)),
    ("single-group", re.compile(r"\bsingle[- ](?:group|arm)\b", re.I)),
    ("prospective", re.compile(r"\bprospective\b", re.I)),
)
_PHASE = re.compile(r"\bphase[ -]?(?P<p>(?:IV|I{1,3}|[1-4])[ab]?(?:\s*[/-]\s*(?:IV|I{1,3}|[1-4])[ab]?)?)(?![\w])", re.I)
_RATIO = re.compile(r"(?<![\d:.])(?P<r>\d{1,2}(?:\s?:\s?\d{1,2}){1,3})(?![\d:])")
_RATIO_CUE = re.compile(r"\brandomi[sz]|\bratio\b|\bassigned\b|\ballocat", re.I)
_ACRONYM = re.compile(r"\((?P<a>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)\)")


def _fact(page: Page, value: object, start: int, end: int, rule: str) -> Fact:
    return page.fact(value, start, end, f"design.{rule}")


def trial_spans(page: Page) -> list[tuple[int, int]]:
    """Return the title span and the sentences that describe the document's own trial, in text order."""
    spans = []
    title = find_title(page)
    if title:
        spans.append(title)
    for sentence in page.sentences:
        text = page.clean[sentence.start : sentence.end]
        if title and sentence.start < title[1] or sentence.section in ("results", "conclusions", "back-matter"):
            continue
        if sentence.section != "methods" and _OTHER_WORK.search(text):
            continue
        if sentence.section == "methods" or _OWN_TRIAL.search(text):
            spans.append((sentence.start, sentence.end))
    return spans


def find_registry_ids(page: Page) -> tuple[Fact[str], ...]:
    """Return the trial registry ids named on the page, canonically spelled, first mention of each."""
    found: dict[str, tuple[int, int, int]] = {}
    for pattern, template in _REGISTRIES:
        for m in pattern.finditer(page.clean):
            if any(s <= m.start(1) < e for s, e, _ in found.values()):
                continue  # an EUCTR id also looks like a EudraCT number
            value = template.format(m.group(1).upper().replace("CHICTR", "ChiCTR"))
            found.setdefault(value, (m.start(), m.end(), m.start()))
    ordered = sorted(found.items(), key=lambda item: item[1][2])
    return tuple(_fact(page, value, s, e, "registry-id") for value, (s, e, _) in ordered)


def _initials_match(words: list[str], token: str) -> bool:
    letters = re.sub(r"[^A-Z]", "", token)
    initials = "".join(w[0].upper() for w in words if w[:1].isalpha())
    return bool(letters) and initials.endswith(letters)


def find_acronym(page: Page, lexicon: Lexicon) -> Fact[str] | None:
    """Return the trial acronym: an all-capitals token in parentheses in the title that abbreviates nothing."""
    title = find_title(page)
    if not title:
        return None
    for m in _ACRONYM.finditer(page.clean, *title):
        token = m.group("a")
        if len(re.sub(r"[^A-Z]", "", token)) < 3 or find_terms(token, lexicon):
            continue
        before = re.findall(r"[\w'-]+", page.clean[title[0] : m.start()])
        if _initials_match(before[-len(token) :], token):
            continue  # "systemic lupus erythematosus (SLE)": an abbreviation, not a name
        return _fact(page, token, m.start("a"), m.end("a"), "title-acronym")
    return None


def find_design(page: Page) -> tuple[Fact[str], ...]:
    """Return the design feature codes stated for the trial, first mention of each, in DESIGN_FEATURES order."""
    facts = []
    spans = trial_spans(page)
    for code, pattern in _FEATURES:
        for start, end in spans:
            m = pattern.search(page.clean, start, end)
            if m:
                facts.append(_fact(page, code, m.start(), m.end(), code))
                break
    return tuple(facts)


def find_phase(page: Page) -> Fact[str] | None:
    """Return the trial phase as written, normalised ("2a", "I-IIa", "1b/2a")."""
    for start, end in trial_spans(page):
        m = _PHASE.search(page.clean, start, end)
        if m:
            raw = re.sub(r"\s+", "", m.group("p"))
            value = re.sub(r"(?<=[IV\d])([AB])", lambda x: x.group(1).lower(), raw.upper())
            return _fact(page, value, m.start("p"), m.end("p"), "phase")
    return None


def find_allocation_ratio(page: Page) -> Fact[str] | None:
    """Return the allocation ratio ("1:1:1") stated next to a randomisation or ratio cue."""
    for start, end in trial_spans(page):
        text = page.clean[start:end]
        if not _RATIO_CUE.search(text):
            continue
        for m in _RATIO.finditer(page.clean, start, end):
            window = page.clean[max(start, m.start() - 40) : min(end, m.end() + 20)]
            if _RATIO_CUE.search(window):
                return _fact(page, re.sub(r"\s", "", m.group("r")), m.start("r"), m.end("r"), "allocation-ratio")
    return None


def with_arm_structure(page: Page, features: tuple[Fact[str], ...], arms: tuple[Arm, ...]) -> tuple[Fact[str], ...]:
    """Add "single-group" and "non-randomised" when the trial's only arm is a single-group arm ("all received")."""
    codes = {f.value for f in features}
    single = len(arms) == 1 and arms[0].role is not None and arms[0].role.value == "single-group-arm"
    if not single or codes & {"randomised", "placebo-controlled", "active-controlled", "crossover"}:
        return features
    role = arms[0].role.evidence
    added = [_fact(page, code, role.start, role.end, f"{code}-by-arms") for code in ("non-randomised", "single-group")
             if code not in codes]
    order = [code for code, _ in _FEATURES]
    return tuple(sorted((*features, *added), key=lambda f: order.index(f.value)))
