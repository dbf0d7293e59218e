"""Trial design: registry ids, acronym, design features, phase and allocation ratio."""

from __future__ import annotations

import re
from functools import lru_cache

from il2kg.extract import identifiers
from il2kg.extract.heading import find_title
from il2kg.extract.terms import find_terms
from il2kg.extract.text import Page, rule_facts
from il2kg.model import Arm, Fact, Lexicon

# Sentences that describe the document's own trial (not earlier trials, not the background).
_OWN_TRIAL = re.compile(
    r"\bwe (?:\w+ )?(?:performed|conducted|did|carried out|report|present|undertook|designed|evaluated|assessed|"
    r"investigated|randomi[sz]ed|randomly|enrolled|recruited|aimed|tested|studied|treated|included|gave|"
    r"administered)\b|"
    r"\b(?:this|the present|the current|our) (?:\w+ ){0,3}(?:study|trial)\b|"
    r"\b(?:patients|participants|subjects) were\b",
    re.IGNORECASE,
)
# Other work ("previously reported", "prior trials"); "previous" as time ("diagnosed within the previous 2 years")
# is not.
_OTHER_WORK = re.compile(
    r"\b(?:previous(?:ly)?(?!\s+(?:\d+|one|two|three|six|twelve)\s+(?:days?|weeks?|months?|years?)\b)"
    r"|suggested|have shown|has shown|is required|are needed|prior|"
    r"warrant(?:s|ed)?|merits?|future|further (?:\w+ )?(?:studies|trials|research)|should be (?:tested|confirmed|"
    r"explored|evaluated)|larger (?:\w+ )?(?:studies|trials)|"
    r"earlier (?:[\w-]+ ){0,3}?(?:studies|study|trials?|reports?|work)|had shown)\b"
    # a trial a relative clause cites ("low-dose IL-2, which in a randomized trial in SLE patients (NCT...) improved")
    r"|\b(?:which|that)\s+in\s+an?\s+(?:[\w,-]+\s+){0,6}?(?:trial|study)\b"
    # a trial named as an example ("such as the DILT1D study (ISRCTN...)")
    r"|\bsuch\s+as\s+the\s+(?:[\w-]+\s+){1,3}?(?:trial|study)\b"
    # a trial cited by its reference mark: "the phase 2 DILfrenz trial (2)", "trials [4-6]"
    r"|\b(?:trial|study|trials|studies)\s*(?:\(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\)"
    r"|\[\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\])", re.I)

# "A prospective trial of IL-2 in AIH (EudraCT ...) is now recruiting": a trial the page announces, not its own.
_OTHER_TRIAL = re.compile(r"\s*an?\s+(?:[\w-]+\s+){0,6}?(?:trial|study)\b[^.]{0,160}?\b(?:is|are)\s+"
                          r"(?:now\s+|currently\s+)?(?:recruiting|ongoing|underway|planned|being\s+(?:conducted|planned))\b",
                          re.I)

# A trial the page calls for or plans ("these data justify a randomized trial", "A randomised trial (X) will start
# in 2026", "larger controlled trials are needed"): its design is not the own study's.
_FUTURE_TRIAL = re.compile(
    r"\b(?:justif(?:y|ies)|warrant(?:s|ing)?|supports?|call(?:s)?\s+for|need\s+for|merits?|pave\s+the\s+way\s+for)\s+"
    r"(?:an?\s+|further\s+|the\s+)?(?:[\w-]+\s+){0,4}?trials?\b"
    r"|\btrials?\b[^.;]{0,60}?\b(?:is|are)\s+(?:needed|warranted|required)\b"
    # "plans a phase 3 study next year", "(phase 2 planned)"
    r"|\bplan(?:s|ned|ning)?\s+(?:to\s+\w+\s+)?(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?:trial|study)\b"
    r"|\bphase\s+(?:[1-4]|I{1,3}V?)[ab]?\s+(?:trial\s+|study\s+)?(?:is\s+)?planned\b"
    r"|^\s*an?\s+(?:[\w-]+\s+){0,4}?trial\b(?:\s+\([^()]{1,40}\))?[^.;]{0,60}?\bwill\b", re.I)

# "In a phase 1 trial in patients with UC (NCT...), similar Treg expansion was reported": a trial the page cites.
_REPORTED_TRIAL = re.compile(r"\s*(?:in|from)\s+an?\s+(?:[\w-]+\s+){0,4}?(?:trial|study)\b[^.]{0,200}?\b"
                             r"(?:was|were|has\s+been|have\s+been)\s+(?:reported|observed|shown|described|seen|found)\b",
                             re.I)

DESIGN_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("non-randomised", re.compile(r"\bnon-?randomi[sz]ed\b", re.I)),
    ("randomised", re.compile(r"(?<!non-)(?<!non)\brandomi[sz]ed\b|"
                              r"\brandomly (?:assigned|allocated|divided|grouped|distributed|split)\b|"
                              r"(?<!non-)\brandomi[sz](?:ation|ing)\b", re.I)),
    ("double-blind", re.compile(r"\b(?:double|triple|quadruple)[- ](?:blind(?:ed)?|masked)\b", re.I)),
    ("single-blind", re.compile(r"\b(?:single|assessor|observer|evaluator|rater)[- ](?:blind(?:ed)?|masked)\b", re.I)),
    ("open-label", re.compile(r"\bopen[- ]label(?:led|ed)?\b|\bopen\b(?=,?(?: [\w-]+){0,2} (?:trial|study)\b)", re.I)),
    ("placebo-controlled", re.compile(r"\b(?:placebo|sham)[- ]controlled\b|"
                                      r"\b(?:versus|vs\.?|or|compared\s+(?:with|to)|against|"
                                      r"matching|matched)\s+(?:an?\s+|the\s+)?(?:matching\s+)?placebo\b|"
                                      r"\bcompar(?:es|ing)\s+(?:[\w-]+\s+){1,4}?(?:with|to|against)\s+(?:an?\s+|the\s+)?"
                                      r"(?:matching\s+)?placebo\b|\brather\s+than\s+(?:a\s+)?placebo\b|\bcompared\s+(?:with|to)\s+"
                                      r"(?:\d+\s+)?(?:patients|participants|subjects)\s+(?:who\s+)?(?:received|receiving|"
                                      r"given|on)\s+(?:an?\s+|matching\s+)?placebo\b", re.I)),
    ("active-controlled", re.compile(r"\bactive[- ]controlled\b|\bactive comparator\b", re.I)),
    ("multicentre", re.compile(r"\bmulti-?(?:cent(?:re|er|ric)|site|national)\b", re.I)),
    ("single-centre", re.compile(r"\b(?:single[- ]cent(?:re|er)|mono-?cent(?:re|er|ric))\b", re.I)),
    ("parallel-group", re.compile(r"\bparallel\b", re.I)),
    ("crossover", re.compile(r"\bcross-?over\b", re.I)),
    ("single-group", re.compile(r"\bsingle[- ](?:group|arm)\b", re.I)),
    ("prospective", re.compile(r"(?<!registered )\bprospective(?:ly)?\b(?!\s+regist)", re.I)),  # not a registration
    ("retrospective", re.compile(r"\bretrospective(?:ly)?\b(?!\s+regist)", re.I)),
    ("dose-escalation", re.compile(r"\bdose[- ]escalat(?:ion|ing)\b|\bescalating\s+doses?\b|\bascending[- ]doses?\b|"
                                   r"\b(?:and|was|were)\s+escalated\s+to\b", re.I)),
)
_RATIO = re.compile(r"(?<![\d:.])(?P<r>\d{1,2}(?:\s?:\s?\d{1,2}){1,3})(?![\d:])")
_RATIO_CUE = re.compile(r"\brandomi[sz]|\bratio\b|\bassigned\b|\ballocat", re.I)
_ACRONYM = re.compile(r"\((?P<a>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)\)")


_fact = rule_facts("design")


_SKIPPED_SECTIONS = frozenset({"back-matter", "keywords", "funding"})


def sentence_score(page: Page, start: int, end: int, section: str | None) -> int:
    """Score how surely a sentence speaks of the document's own study (methods, "we", "patients were")."""
    text = page.clean[start:end]
    score = {"methods": 3, "results": 1, "registration": 1, "background": -1, "discussion": -1}.get(section or "", 0)
    if _OWN_TRIAL.search(text):
        score += 2
    if section != "methods" and (_OTHER_WORK.search(text) or _OTHER_TRIAL.match(text) or _FUTURE_TRIAL.search(text)
                                 or _REPORTED_TRIAL.match(text)):
        score -= 3
    return score


@lru_cache(maxsize=16)
def trial_spans(page: Page) -> tuple[tuple[int, int], ...]:
    """Return the sentences that may describe the document's own study, surest first, then in text order.

    Structure is a score, not a filter: a page whose sections or title were misread still offers
    every sentence; only those that speak of other work (or page furniture sections) are left out.
    """
    scored = []
    for sentence in page.sentences:
        if sentence.section in _SKIPPED_SECTIONS:
            continue
        score = sentence_score(page, sentence.start, sentence.end, sentence.section)
        if score >= 0:
            scored.append((-score, sentence.start, sentence.end))
    return tuple((start, end) for _, start, end in sorted(scored))


def own_study_evidence(page: Page) -> int:
    """Count the sentences that surely describe the document's own study (score 2 or more)."""
    return sum(1 for s in page.sentences if s.section not in _SKIPPED_SECTIONS
               and sentence_score(page, s.start, s.end, s.section) >= 2)


def find_registry_ids(page: Page) -> tuple[Fact[str], ...]:
    """Return the trial registry ids named on the page, canonically spelled, first mention of each."""
    return tuple(_fact(page, m.value, m.start, m.end, "registry-id") for m in identifiers.find_registry_ids(page.clean)
                 if not _announced(page, m.start))


def _announced(page: Page, offset: int) -> bool:
    """Whether the sentence at offset announces another trial ("A prospective trial ... (EudraCT ...) is now
    recruiting")."""
    sentence = page.sentence_at(offset)
    return sentence is not None and (bool(_OTHER_TRIAL.match(page.clean, sentence.start, sentence.end))
                                     or sentence_score(page, sentence.start, sentence.end, sentence.section) < 0)


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


_COMPARISON = re.compile(
    r"\b(?:healthy|matched|untreated|placebo|historical)\s+controls\b|"
    r"\bcontrol\s+(?:group|arm|cohort|subjects|patients|participants)\b|"
    r"\b(?:compared\s+(?:with|to)|versus|vs\.?)\s+(?!baseline|pre-?treatment|before|the\s+baseline)", re.I)
# Codes that contradict each other: the one read from the surer sentence wins.
_CONTRADICTIONS = (("randomised", "non-randomised"), ("prospective", "retrospective"), ("double-blind", "open-label"),
                   ("single-blind", "open-label"),
                   ("double-blind", "single-blind"), ("multicentre", "single-centre"),
                   ("parallel-group", "single-group"), ("crossover", "single-group"))


def find_design(page: Page) -> tuple[Fact[str], ...]:
    """Return the design feature codes stated for the trial, first mention of each, in DESIGNDESIGN_WORDS order."""
    found: dict[str, tuple[int, Fact[str]]] = {}
    spans = trial_spans(page)
    for code, pattern in DESIGN_WORDS:
        for rank, (start, end) in enumerate(spans):
            m = pattern.search(page.clean, start, end)
            if m:
                found[code] = (rank, _fact(page, code, m.start(), m.end(), code))
                break
    for a, b in _CONTRADICTIONS:
        if a in found and b in found:
            del found[b if found[a][0] <= found[b][0] else a]
    return tuple(found[code][1] for code, _ in DESIGN_WORDS if code in found)


# "two earlier phase 2 trials", "Phase 1 trials conducted solely on adults are not public": trials in general,
# unless the sentence speaks of the own study ("patients received ... in two sequential, randomized, phase 1 studies").
_PLURAL_TRIALS = re.compile(r"\s*(?:[\w-]+\s+){0,2}?(?:trials|studies)\b", re.I)


def _own_score(page: Page, start: int, end: int) -> int:
    sentence = page.sentence_at(start)
    return sentence_score(page, start, end, sentence.section if sentence else None)


def find_phase(page: Page) -> Fact[str] | None:
    """Return the trial phase, normalised ("2a", "1/2a", "1b/2a"), from the surest sentence that states one;
    a later mention of the same phases with their letters refines it ("phase I/phase II", then "phase I/ IIa")."""
    mentions = [m for start, end in trial_spans(page) if (m := identifiers.find_phase(page.clean, start, end))
                and not (_PLURAL_TRIALS.match(page.clean, m.end, end) and _own_score(page, start, end) < 2)]
    if not mentions:
        return None
    chosen = mentions[0]
    digits = re.sub(r"[ab]", "", chosen.value)
    chosen = next((m for m in mentions if re.sub(r"[ab]", "", m.value) == digits and len(m.value) > len(chosen.value)),
                  chosen)
    return _fact(page, chosen.value, chosen.start, chosen.end, "phase")


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


def with_centres(page: Page, features: tuple[Fact[str], ...], centres: Fact[int] | None) -> tuple[Fact[str], ...]:
    """Add "multicentre" (or "single-centre") from the number of centres the study ran at ("at 92 centres")."""
    codes = {f.value for f in features}
    if centres is None or centres.value < 1 or codes & {"multicentre", "single-centre"}:
        return features
    code = "multicentre" if centres.value > 1 else "single-centre"
    added = _fact(page, code, centres.evidence.start, centres.evidence.end, f"{code}-by-centres")
    order = [c for c, _ in DESIGN_WORDS]
    return tuple(sorted((*features, added), key=lambda f: order.index(f.value)))


# The page says everyone was given the same: "They all received", "all patients were treated with".
_ALL_RECEIVED = re.compile(r"\b(?:they|patients|participants|subjects)\s+all\s+(?:received|were\s+(?:treated|given))\b"
                           r"|\ball\s+(?:the\s+)?(?:\w+\s+)?(?:patients|participants|subjects)\s+(?:received|were\s+"
                           r"(?:treated|given))\b", re.I)


def with_arm_structure(page: Page, features: tuple[Fact[str], ...], arms: tuple[Arm, ...]) -> tuple[Fact[str], ...]:
    """Add "single-group" and "non-randomised" when the only arm is a single-group arm and all received it."""
    codes = {f.value for f in features}
    single = len(arms) == 1 and arms[0].role is not None and arms[0].role.value == "single-group-arm"
    if not single or codes & {"randomised", "placebo-controlled", "active-controlled", "crossover", "retrospective"}:
        return features
    if any(_COMPARISON.search(page.clean, start, end) for start, end in trial_spans(page)):
        return features  # a control or comparison group: one treated arm does not make a single-group study
    cue = next((m for start, end in trial_spans(page) for m in [_ALL_RECEIVED.search(page.clean, start, end)] if m),
               None)
    if cue is None:
        return features  # one arm found is not the page saying the study had one group
    added = [_fact(page, code, cue.start(), cue.end(), f"{code}-by-arms") for code in ("non-randomised", "single-group")
             if code not in codes]
    order = [code for code, _ in DESIGN_WORDS]
    return tuple(sorted((*features, *added), key=lambda f: order.index(f.value)))
