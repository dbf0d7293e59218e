"""Who the trial studied: diseases, eligibility, numbers randomised or enrolled, recruitment, centres, countries."""

from __future__ import annotations

import re
from decimal import Decimal

from il2kg.extract.cue_tables import compile_cues
from il2kg.extract.design import trial_spans
from il2kg.extract.number_words import NUMBER_WORD, parse_count
from il2kg.extract.text import Page, rule_facts
from il2kg.model import Fact, Quantity

_ELIGIBILITY = re.compile(
    r"\b(?:eligibility|inclusion|key inclusion|main inclusion) criteria (?:included|were|was|comprised|:)\s*:?\s*", re.I
)
_PEOPLE = (r"(?:patients|pts|subjects|participants|adults|children|individuals|people|volunteers|recipients|persons|"
           r"inpatients|outpatients|women|men|adolescents|infants|neonates|mothers|couples|girls|boys|cases)")
# A count in digits, or in words ("Fifty adults"); the words between it and the people must not make it a
# count of something else ("two groups of patients", "5 years of patients' data").
_N = rf"(?:\d{{1,5}}(?![\d.,%/])|(?i:{NUMBER_WORD}))"
# A preposition between them makes the number part of a name: "type 1 diabetes in children" counts no one.
_BETWEEN = (r"(?:(?!(?:of|groups?|arms?|cohorts?|doses?|years?|months?|weeks?|days?|in|with|for|from|at|on|to|by|"
            r"and|or|per)\b)[a-zA-Z][\w-]*\s+)")
# "type 2 diabetic patients", "grade 3 patients": a number that names a type, grade or stage is no count.
_NAMED_NUMBER = "".join(f"(?<![{w[0].upper()}{w[0]}]{w[1:]} )"
                        for w in ("type", "grade", "stage", "phase", "class", "level", "step"))
_COUNT = re.compile(rf"(?<![\w./(=-]){_NAMED_NUMBER}(?P<n>{_N})\s+{_BETWEEN}{{0,2}}?{_PEOPLE}\b")
# "AD individuals (n = 8)", "patients with SLE (n=30)": the count in parentheses after the people.
# (The words after "with" name a condition, never a verb: in "Patients with SLE were randomized to IL-2 (n = 41)"
# the count is the arm's.)
_PEOPLE_N = re.compile(rf"\b{_PEOPLE}\b(?:\s+with\s+(?:(?!\b(?:were|was|are|received|randomi[sz]ed|assigned|"
                       rf"allocated)\b)[^()\n.;]){{1,40}}?)?\s*\(\s*n\s*=\s*(?P<n>\d{{1,5}})\s*\)", re.I)
_WERE_RANDOMISED = re.compile(rf"(?<![\w./(=-])(?P<n>{_N}) {_PEOPLE} were (?:randomi[sz]ed|randomly assigned)\b")
# "46 subjects were screened, of whom 40 were randomized": the count after "of whom" is the one randomised.
_OF_WHOM_RANDOMISED = re.compile(rf"\b(?:of\s+(?:whom|these|them),?|(?:screened|assessed|enrolled)[^.;]{{0,40}}?"
                                 rf"(?:\band|,|;))"
                                 rf"\s+(?P<n>{_N})\s+(?:were|was)\s+"
                                 r"(?:randomi[sz]ed|randomly\s+(?:assigned|allocated))\b", re.I)
# "31 patients were screened and 25 were enrolled": the count after the screening is the one enrolled.
_SCREENED_THEN_ENROLLED = re.compile(rf"\b(?:screened|assessed(?:\s+for\s+eligibility)?)[^.;]{{0,40}}?(?:\band|,)"
                                     rf"\s+(?P<n>{_N})\s+(?:were|was)\s+(?:enrolled|included|recruited)\b", re.I)
_RANDOMISED = re.compile(r"\brandomi[sz]|\brandomly\b|\ballocated\b|\bassigned\b", re.I)
_MONTHS = ("january february march april may june july august september october november december").split()
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
         r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?:\s+\d{1,2}(?:st|nd|rd|th)?,?)?"  # "March 4, 2019"
_RANGE = (rf"\b(?:from|between)\s+(?P<m1>{_MONTH}){_DAY}\s+(?P<y1>(?:19|20)\d\d),?\s+(?:to|and|until|through)\s+"
          rf"(?P<m2>{_MONTH}){_DAY}\s+(?P<y2>(?:19|20)\d\d)\b")
_ENROL_CUE = r"\b(?:recruited|enrolled|included|randomi[sz]ed|randomly assigned|recruitment|enrolment|enrollment)\b"
# The cue before the dates ("recruited from October 2015 to December 2015") or after them, in a sentence
# opened by the dates ("Between March 4, 2019, and Nov 20, 2020, 58 patients were randomly assigned").
_PERIOD = re.compile(rf"{_ENROL_CUE}[^.]{{0,60}}?{_RANGE}", re.I)
_PERIOD_FIRST = re.compile(rf"{_RANGE}(?=,?[^.;]{{0,50}}?{_ENROL_CUE})", re.I)
_fact = rule_facts("population")


def _split_list(page: Page, start: int, end: int) -> list[tuple[int, int]]:
    text = page.clean[start:end].rstrip(". ")
    out = []
    for m in re.finditer(r"[^,;]+", text):
        piece = re.sub(r"^\s*(?:and|or)\s+", lambda x: " " * len(x.group(0)), m.group(0))
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append((start + m.start() + lead, start + m.start() + len(piece.rstrip())))
    return out


def find_eligibility(page: Page) -> tuple[Fact[str], ...]:
    """Return eligibility criteria listed after "Eligibility criteria included ..."."""
    for sentence in page.sentences:
        m = _ELIGIBILITY.search(page.clean, sentence.start, sentence.end)
        if m:
            spans = _split_list(page, m.end(), sentence.end)
            return tuple(_fact(page, page.clean[s:e], s, e, "eligibility") for s, e in spans)
    return ()


# What is said around a count of people, by name: whether it is the study's total and whether it is the enrolment.
_COUNT_CUES = compile_cues({
    # A count of people that is not the study's total: those who completed, went on, or one group of several.
    "subset-after": r"^[^.;]{0,60}?\b(?:completed|proceeded|continued|entered|withdrew|discontinued|dropped|died|"
    r"were\s+lost|were\s+evaluable|were\s+analy[sz]ed|remained|responded|achieved|experienced|developed|"
    r"(?<!who\s)(?<!that\s)had\s+(?!been\b)|relapsed|flared|"
    r"(?:were\s+)?screened|(?:were\s+)?assessed\s+for\s+eligibility|were\s+assessed\b|were\s+approached)\b"
    r"|^\s*(?:\w+\s+){0,3}?\(\s*\d+(?:[.·]\d+)?\s*%"
    r"|^[^.;]{0,30}?\b(?:were\s+)?(?:randomly\s+)?(?:assigned|allocated|randomi[sz]ed)\s+to\s+(?:the|a|an)\s+"
    r"[\w-]+(?:\s+[\w-]+)?\s+(?:group|arm)\b"
    # "6 of 14 patients in arm A": one arm's count
    r"|^\s*(?:\w+\s+)?in\s+(?:(?:arm|group|cohort)\s+[A-H1-9]\b|the\s+[\w-]+(?:\s+[\w-]+)?\s+(?:arm|group)\b)",
    # A second group counted beside the patients: healthy controls or donors, "and another 25", "twelve with
    # lupus nephritis ..., and four with ..." (the sentence's total is the sum, which it does not state).
    "other-group": r"\b\d+\s+(?:age-\s*and\s+sex-matched\s+)?healthy\s+(?:controls?|donors?)\b"
    # "five men and five women": each sex one part of the total
    rf"|\b(?:\d+|{NUMBER_WORD})\s+(?:men|women|males|females|boys|girls)\s+and\s+(?:\d+|{NUMBER_WORD})\s+"
    r"(?:men|women|males|females|boys|girls)\b"
    rf"|\band\s+(?:another|the\s+other)\s+\d+\b|\band\s+(?:\d+|{NUMBER_WORD})\s+(?:(?:more|other)\s+)?"
    r"(?:(?:patients|participants|subjects)\s+)?(?:with|who)\b",
    # "the 45 patients" (named before), "occurred in 12 patients" (people with an event): not the enrolment.
    # "... in 71 (69%) of 103 versus ...": a denominator after a count with its percentage, one arm's.
    "anaphora": r"\b(?:the|these|those)\s+$|\b(?:occurred|observed|reported|seen|developed|noted)\s+in\s+$"
    r"|\(\s*\d+(?:\.\d+)?\s*%\s*\)\s*of\s+$"
    # "two in five patients", "3 of every 4 patients": a proportion, not a count of people
    r"|(?<![\w.,])(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:in|(?:out\s+)?of\s+every)\s+$",
    "enrolment-before": r"\b(?:a\s+total\s+of|in\s+total|overall)\b[^.;]{0,12}$|\b(?:study|trial|cohort)\b[^.;]{0,40}"
    r"\b(?:in|of|with|including|involving|enrolling|recruiting|involved|enrolled|included|"
    r"recruited)\s+$",
    "enrolment-after": r"^[^.;]{0,70}?\b(?:were|was)\s+(?:enrolled|included|recruited|treated|studied|"
    r"randomi[sz]ed|selected)\b|^[^.;]{0,40}?\b(?:participated|took\s+part|entered|enrolled)\b",
})


def _is_total(page: Page, m: re.Match[str], start: int, end: int) -> bool:
    """Whether a count of people is the study's total, not a subset, a group named before, or one of several."""
    before = page.clean[max(start, m.start() - 20) : m.start("n")]
    if _COUNT_CUES["subset-after"].search(page.clean[m.end("n") : end]) or _COUNT_CUES["anaphora"].search(before):
        return False
    if not parse_count(m.group("n")):
        return False  # "in 0 patients": no one
    if _DENOMINATOR.search(before) and _EVENT.search(page.clean, start, end) \
            and not _PARTICIPATING.match(page.clean, m.end(), end):
        return False  # "occurred in 2 of 12 patients at 3 MIU": the people of one group an event is counted in
    if _PLANNED.search(page.clean, start, m.start("n")) or _TO_BE.match(page.clean, m.end(), end):
        return False  # a protocol's plan ("will enrol 90 adults", "60 patients to be randomised"), not a count
    return not _COUNT_CUES["other-group"].search(page.clean, start, end)


_PARTICIPATING = re.compile(r"\s*(?:participating|enrolled|included|treated|taking\s+part)\b")
_DENOMINATOR = re.compile(r"(?<![\w.,])\d{1,4}\s+(?:out\s+)?of\s+$")
_EVENT = re.compile(r"\b(?:occurred|experienced|developed|reported|achieved|reached|responded|relapsed|died)\b", re.I)
_PLANNED = re.compile(r"\b(?:will|shall|plans?\s+to|planned|aims?\s+to|intends?\s+to|targets?|targeted|"
                      r"expected\s+to|estimated)\b[^.;]{0,60}$", re.I)
# After the count: a plan ("60 patients to be randomised", "24 participants will receive ...") or a power
# calculation ("120 participants provide 80% power").
_TO_BE = re.compile(r"\s+(?:\w+\s+){0,3}?(?:(?:to\s+be|will\s+be)\s+(?:enrolled|randomi[sz]ed|recruited|included)\b|"
                    r"will\s+\w+|(?:would|should)\s+\w+|(?:provide|provides|give|gives|yield|yields)\s+(?:\d+\s*%\s+)?"
                    r"power\b|(?:are|is)\s+(?:required|needed|sufficient)\b)", re.I)


def _enrolment_score(page: Page, m: re.Match[str], start: int, end: int) -> int:
    """How surely a count is the number enrolled: said so ("were enrolled", "a total of"), in the methods."""
    score = 2 if _COUNT_CUES["enrolment-after"].search(page.clean[m.end("n") : end]) else 0
    score += 2 if _COUNT_CUES["enrolment-before"].search(page.clean[max(start, m.start() - 60) : m.start("n")]) else 0
    return score + (1 if page.section_of(start) == "methods" else 0)


_RECRUITED = re.compile(r"\b(?:recruited|enrolled|included)\b", re.I)


def find_counts(page: Page) -> tuple[Fact[int] | None, Fact[int] | None]:
    """Return (n_randomised, n_enrolled): the surest count of each, or none when the candidates disagree."""
    randomised = None
    enrolled: list[tuple[int, int, re.Match[str]]] = []
    for rank, (start, end) in enumerate(trial_spans(page)):
        # The first count that is a total: "52 were assessed for eligibility and 30 patients were enrolled".
        counts = [*_COUNT.finditer(page.clean, start, end)] or [*_PEOPLE_N.finditer(page.clean, start, end)][:1]
        m = next((c for c in counts if _is_total(page, c, start, end)), None)
        if not m:
            continue
        if _RANDOMISED.search(page.clean, start, end):
            if randomised is None:
                randomised = _fact(page, parse_count(m.group("n")), m.start("n"), m.end("n"), "n-randomised")
                if _RECRUITED.search(m.group(0)):  # "36 consecutively recruited inpatients were randomised"
                    enrolled.append((-9, rank, m))
        else:
            enrolled.append((-_enrolment_score(page, m, start, end), rank, m))
    if randomised is None:  # "In total, 60 patients were randomised" is often a results sentence
        for sentence in page.sentences:
            m = _WERE_RANDOMISED.search(page.clean, sentence.start, sentence.end) \
                or _OF_WHOM_RANDOMISED.search(page.clean, sentence.start, sentence.end)
            if m and _is_total(page, m, sentence.start, sentence.end):
                randomised = _fact(page, parse_count(m.group("n")), *m.span("n"), "were-randomised")
                break
    randomised = randomised or _of_total(page, randomised=True)
    return randomised, _resolve_enrolled(page, enrolled) or _screened_then_enrolled(page) or _of_total(page)


# "Of 64 patients randomised, 60 completed week 24", "Of 34 patients dosed, ...": the total the clause opens with.
_OF_TOTAL = re.compile(rf"\s*(?:[A-Z][a-z]+:\s*)?Of\s+(?:the\s+|all\s+)?(?P<n>{_N})\s+{_PEOPLE}\s+(?:who\s+were\s+)?"
                       r"(?P<how>randomi[sz]ed|randomly\s+assigned|dosed|treated|enrolled|included|recruited)\s*,")


def _of_total(page: Page, *, randomised: bool = False) -> Fact[int] | None:
    for start, end in trial_spans(page):
        m = _OF_TOTAL.match(page.clean, start, end)
        if m and m.group("how").lower().startswith("random") == randomised and parse_count(m.group("n")):
            return _fact(page, parse_count(m.group("n")), *m.span("n"), "of-total")
    return None


def _screened_then_enrolled(page: Page) -> Fact[int] | None:
    for start, end in trial_spans(page):
        m = _SCREENED_THEN_ENROLLED.search(page.clean, start, end)
        if m and parse_count(m.group("n")):
            return _fact(page, parse_count(m.group("n")), *m.span("n"), "screened-then-enrolled")
    return None


# "Twenty-five patients were randomly assigned to the trial group ... and another 25 patients to the control group"
_TO_GROUP = re.compile(rf"(?<![\w./(=-])(?P<n>{_N})\s+{_PEOPLE}\s+(?:were\s+)?"
                       r"(?:(?:randomly\s+)?(?:assigned|allocated)|randomi[sz]ed)?\s*to\s+(?:the\s+|a\s+)?"
                       r"[\w-]+(?:\s+[\w-]+)?\s+(?:group|arm)\b", re.I)


def randomised_as_enrolled(page: Page, enrolled: Fact[int] | None) -> Fact[int] | None:
    """Everyone enrolled was randomised when one randomisation sentence allocates counts to groups that add up
    to the enrolment ("Fifty ... were included. Twenty-five ... were randomly assigned to the trial group and
    another 25 patients to the control group"): the enrolment's own span, the derivation named."""
    if enrolled is None:
        return None
    for sentence in page.sentences:
        if not _RANDOMISED.search(page.clean, sentence.start, sentence.end):
            continue
        counts = [parse_count(m.group("n")) for m in _TO_GROUP.finditer(page.clean, sentence.start, sentence.end)]
        if len(counts) >= 2 and all(counts) and sum(counts) == enrolled.value:
            return _fact(page, enrolled.value, enrolled.evidence.start, enrolled.evidence.end, "randomised-as-enrolled")
    return None


def randomised_from_arms(page: Page, sizes: list[Fact[int] | None]) -> Fact[int] | None:
    """The number randomised as the sum of the arms' sizes, when one randomisation sentence gives them all
    ("randomized to either treatment (n=160) or no treatment (control, n=160)")."""
    if len(sizes) < 2 or any(s is None for s in sizes):
        return None
    facts = [s for s in sizes if s is not None]
    if len({f.evidence.sentence for f in facts}) != 1 or not _RANDOMISED.search(facts[0].evidence.sentence):
        return None
    if len({f.evidence.start for f in facts}) != len(facts):
        return None  # "12 per group": one size shared by every arm, not each arm's own count
    start, end = min(f.evidence.start for f in facts), max(f.evidence.end for f in facts)
    return _fact(page, sum(f.value for f in facts), start, end, "sum-of-arms")


def _resolve_enrolled(page: Page, candidates: list[tuple[int, int, re.Match[str]]]) -> Fact[int] | None:
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1]))
    best_score, _, best = candidates[0]
    values = {parse_count(m.group("n")) for _, _, m in candidates}
    if best_score > -2 and len(values) > 1:
        return None  # several counts of people and none said to be the enrolment: abstain
    return _fact(page, parse_count(best.group("n")), best.start("n"), best.end("n"), "n-enrolled")


def _month(name: str) -> int:
    key = name.lower().rstrip(".")[:3]
    return next(i for i, month in enumerate(_MONTHS, 1) if month.startswith(key))


def find_recruitment(page: Page) -> tuple[Fact[str] | None, Fact[str] | None]:
    """Return the recruitment start and end as "yyyy-mm"."""
    for sentence in page.sentences:
        m = _PERIOD.search(page.clean, sentence.start, sentence.end) or _PERIOD_FIRST.search(
            page.clean, sentence.start, sentence.end)
        if m:
            first = f"{m.group('y1')}-{_month(m.group('m1')):02d}"
            last = f"{m.group('y2')}-{_month(m.group('m2')):02d}"
            return (_fact(page, first, m.start("m1"), m.end("y1"), "recruitment-start"),
                    _fact(page, last, m.start("m2"), m.end("y2"), "recruitment-end"))
    return None, None


_FOLLOW_UP = re.compile(r"\bfollowed(?: up)? for (?:an? )?(?:additional |further )?"
                        r"(?P<n>\d{1,3}) (?P<u>day|week|month|year)s?\b|"
                        r"\bfollow-up (?:period )?of (?P<n2>\d{1,3}) (?P<u2>day|week|month|year)s?\b", re.I)


def find_follow_up(page: Page) -> Fact[Quantity] | None:
    """Return the follow-up length stated in an own-trial sentence ("followed up for 12 weeks")."""
    for start, end in trial_spans(page):
        m = _FOLLOW_UP.search(page.clean, start, end)
        if m:
            n, unit = (m.group("n"), m.group("u")) if m.group("n") else (m.group("n2"), m.group("u2"))
            return _fact(page, Quantity(Decimal(n), unit.lower()), m.start(), m.end(), "follow-up")
    return None
