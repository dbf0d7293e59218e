"""Safety findings: adverse events that were absent, counted, or more frequent than with the comparator."""

from __future__ import annotations

import re

from il2kg.extract.cue_tables import compile_cues
from il2kg.extract.number_words import NUMBER_WORD, parse_count
from il2kg.extract.text import Page, rule_facts
from il2kg.model import AdverseEvent, Arm, Fact

# A count of events or people: digits, or a word from one to nine (parse_count reads both).
_COUNT = r"(?:\d{1,4}|one|two|three|four|five|six|seven|eight|nine)"
_MODS = r"(?:(?:(?:study[- ])?drug|treatment|IL-2)[- ]related |non-serious |serious |severe |grade [1-5] )*"
_HEAD = (r"(?:adverse (?:events?|reactions?|effects?)|SAEs?|AEs?|(?:[a-z-]+ )?infections?|deaths?|"
         r"injection[- ]site reactions?|flu-like (?:symptoms?|syndromes?)|hypersensitivity reactions?)")
_TERM = rf"(?P<term>{_MODS}{_HEAD})"
_ARM = r"(?: in (?:the |both )?(?P<arm>[\w .+-]{1,40}?) (?:group|arm|groups|arms)s?)?"
_N = rf"(?:\d{{1,4}}|none|(?i:{NUMBER_WORD}))"
_PEOPLE = r"(?:\s+(?:patients?|participants?|subjects?|individuals?))?"
_ARM_CUE = r"(?:in the|in|given|with|receiving|on|treated with|of the)"
# The sentence shapes an adverse event is reported in, by name; find_adverse_events reads each.
_SHAPES = compile_cues({
    "absent": rf"\b(?:there (?:was|were) )?no {_TERM}\b(?: (?:was|were|has been|have been))?"
    rf"(?: (?:observed|reported|occurred|noted|seen|recorded))?{_ARM}"
    rf"(?:,? but (?P<n>{_COUNT}) in (?:the )?(?P<arm2>[\w .+-]{{1,40}}?) (?:group|arm))?",
    "more": rf"\b{_TERM} (?:occurred|were|was|are) (?P<dir>more|less) (?:frequent(?:ly)?|common(?:ly)?)"
    rf"(?: (?:with|in) (?P<arm>[^,;]+?))? (?:compared (?:to|with)|than(?: with)?) (?:the )?(?P<comp>[\w .+-]{{1,30}}?)"
    rf"(?: (?:group|arm)s?)?(?=[,;.]|$| and)(?P<tail>,? including (?P<list>[^.;]+))?",
    "no-generation": r"\bno (?:generation|development|formation|induction|detection|emergence) of "
    r"(?P<term>[\w -]{3,40}?)(?=[.,;)]| was| were| in |$)",
    "had": rf"\b(?P<n>{_COUNT}) (?:patients? |participants? |subjects? )?(?:had|experienced|developed) "
    rf"(?:an? |at least one )?{_TERM}{_ARM}",
    # "<event> occurred in 6 patients given IL-2 and in none given placebo", "... were reported by 18 patients ...".
    "counted": rf"(?<![\w-])(?P<term>[A-Za-z][a-z-]+(?: [a-z-]+){{0,3}}) (?:occurred|were (?:reported|observed|seen|"
    rf"noted)|was (?:reported|observed|seen|noted))(?: by| in)? (?P<list>(?:in )?{_N}{_PEOPLE}\b[^;.]*)",
    # "injection site reactions (IL-2 18/40; placebo 2/20)": per-arm counts in parentheses after the event.
    "by-arm": rf"{_TERM}\s*\((?P<body>[^()]{{3,120}})\)",
    # "(14 vs 3 patients)" after "more common with IL-2".
    "versus": rf"{_TERM} (?:were|was|occurred) more (?:common|frequent)(?:ly)? (?:with|in) (?P<arm>[^(),;]+?)"
    r"\s*\((?P<n1>\d{1,4}) (?:vs\.?|versus) (?P<n2>\d{1,4})\b[^)]*\)",
})
# One "<n> [given <arm>]" item of a counted list, and where the list is cut into items.
_ITEM = re.compile(rf"^\s*(?:in\s+)?(?P<n>{_N}){_PEOPLE}(?:\s+(?P<arm>(?:{_ARM_CUE}\s+|each\s|both\s)"
                   r"(?:[^,;]|(?<=\d),(?=\d{3}))+?))?\s*$", re.I)
_ITEM_CUT = re.compile(rf",?\s+and\s+(?=(?:in\s+)?{_N}\b)|,\s+(?=(?:in\s+)?{_N}\b)", re.I)  # not "250,000"
_LABELLED = re.compile(r"^\s*(?P<label>[^\d;,()]*?[A-Za-z][^;,()]*?)\s*[:=]?\s+(?P<n>\d{1,4})(?:\s*/\s*\d{1,4})?"
                       r"(?:\s*\(\d+(?:\.\d+)?%\))?\s*$")
# "The most common adverse events were injection site reactions (24 patients) and fatigue (11 patients)".
_LIST_LEAD = re.compile(r"\b(?:adverse (?:events?|effects?|reactions?)|side effects?|toxicit(?:y|ies)) (?:were|was|"
                        r"included|comprised)\b", re.I)
_LIST_ITEM = re.compile(rf"(?P<term>[a-z][a-z-]*(?: [a-z-]+){{0,3}}) \((?P<n>\d{{1,4}}){_PEOPLE}(?:,[^)]*)?\)")
# Outcome words: "clinical response occurred in 11 patients" is a result, not an adverse event.
_NOT_EVENT = re.compile(r"\b(?:response|remission|improvement|regrowth|reduction|increase|decrease|change|score|"
                        r"rate|level|efficacy|endpoint|end point|outcome|relapse|flare|mortality|survival|patients?)\b",
                        re.I)
_LEAD_WORDS = re.compile(r"^(?:(?:and|or|were|was|mostly|mainly|predominantly|mild|moderate|transient|local|the|"
                         r"included|including)\s+)+", re.I)


_fact = rule_facts("safety")


def _normalise(term: str) -> str:
    """Lower-case, drop "drug-related", and make an event head noun singular ("reactions" -> "reaction")."""
    term = re.sub(r"\b(?:(?:study[- ])?drug|treatment|il-2)[- ]related\s+", "", " ".join(term.lower().split()))
    return re.sub(r"\b(events|reactions|effects|infections|deaths|symptoms|syndromes|aes|saes)$",
                  lambda m: m.group(1)[:-1], term)


def _arm_label(text: str | None, arms: tuple[Arm, ...]) -> str | None:
    """Map "the IL-2 group", "placebo", "2 MIU" to an arm label; None when it names several arms or none."""
    if not text:
        return None
    low = re.sub(r"(?<=\d),(?=\d{3})", "", text.lower())  # "250,000 IU/m2" names the arm "250000 IU/m2"
    if "placebo" in low:
        return "placebo" if any(a.label == "placebo" for a in arms) else None
    named = [a.label for a in arms if a.label.lower() in low]
    active = [a.label for a in arms if a.label != "placebo"]
    if len(named) == 1 and not re.search(r"\band\b|,", low):
        return named[0]
    return active[0] if len(active) == 1 else None


def _arms_named(text: str | None, arms: tuple[Arm, ...]) -> list[str]:
    """The active arms a phrase names together: "the 1 and 2 MIU IL-2 doses" names "1 MIU" and "2 MIU"."""
    if not text:
        return []

    def spread(m: re.Match[str]) -> str:
        return ", ".join(f"{n} {m.group('unit')}" for n in re.findall(r"\d+(?:\.\d+)?", m.group("nums")))

    low = re.sub(r"(?P<nums>\d+(?:\.\d+)?(?:\s*(?:,|and|or)\s*\d+(?:\.\d+)?)+)\s*(?P<unit>[A-Za-z][\w/]*)", spread,
                 re.sub(r"(?<=\d),(?=\d{3})", "", text)).lower()
    active = [a.label for a in arms if a.label != "placebo"]
    return [label for label in active if re.search(rf"(?<![\w.]){re.escape(label.lower())}(?![\w])", low)]


def _count_value(text: str) -> int | None:
    return 0 if text.lower() == "none" else parse_count(text)


def _counted(page: Page, m: re.Match[str], arms: tuple[Arm, ...]) -> list[AdverseEvent]:
    """One event per "<n> [given <arm>]" item; nothing unless every item reads as a count for an arm."""
    term_text, sentence = m.group("term"), page.sentence_at(m.start())
    before = page.clean[sentence.start : m.start()] if sentence else ""
    if before.strip() and not re.search(r"[;:,]\s*$", before):
        return []  # the event must open its clause: "Eosinophilia occurred in ...", "; fatigue occurred in ..."
    if _NOT_EVENT.search(term_text) or not (re.search(_HEAD, term_text, re.I) or _safety_context(page, m)):
        return []
    base, body = m.start("list"), m.group("list")
    cuts = [0, *[c for x in _ITEM_CUT.finditer(body) for c in (x.start(), x.end())], len(body)]
    items = [(base + a, _ITEM.match(body[a:b])) for a, b in zip(cuts[::2], cuts[1::2], strict=True)]
    if not items or not all(item for _, item in items):
        return []
    term = _fact(page, _normalise(term_text), *m.span("term"), "counted-term")
    out = []
    for offset, item in items:
        n = _fact(page, _count_value(item.group("n")), offset + item.start("n"), offset + item.end("n"), "counted")
        where = item.group("arm")
        labels = [a.label for a in arms] if where and re.match(r"(?:in\s+)?(?:each|both)\b", where, re.I) else [
            _arm_label(where, arms)]
        if where and labels == [None]:
            return []  # an arm we cannot name: leave the counts out rather than pin them on the trial
        out.extend(AdverseEvent(term, label, n, **_flags(page, m, "term")) for label in labels)
    return out


def _safety_context(page: Page, m: re.Match[str]) -> bool:
    sentence = page.sentence_at(m.start())
    return bool(sentence and re.search(r"\badverse\b|\bsafety\b|\btolerat|\bside effects?\b", sentence.text, re.I))


def _by_arm(page: Page, m: re.Match[str], arms: tuple[Arm, ...]) -> list[AdverseEvent]:
    """Counts in parentheses after the event, one "<arm> <n>[/<N>]" per arm."""
    base, out = m.start("body"), []
    items = [(base + x.start(), _LABELLED.match(x.group(0))) for x in re.finditer(r"[^;,]+", m.group("body"))]
    labels = [_arm_label(item.group("label"), arms) if item else None for _, item in items]
    if len(items) < 2 or None in labels or len(set(labels)) != len(labels):
        return []
    term = _fact(page, _normalise(m.group("term")), *m.span("term"), "by-arm-term")
    for (offset, item), label in zip(items, labels, strict=True):
        n = _fact(page, int(item.group("n")), offset + item.start("n"), offset + item.end("n"), "by-arm")
        out.append(AdverseEvent(term, label, n, **_flags(page, m, "term")))
    return out


def _versus(page: Page, m: re.Match[str], arms: tuple[Arm, ...]) -> list[AdverseEvent]:
    """ "more common with IL-2 (14 vs 3 patients)": the named arm, then the other of two arms."""
    first = _arm_label(m.group("arm"), arms)
    others = [a.label for a in arms if a.label != first]
    if first is None or len(arms) != 2 or len(others) != 1:
        return []
    term = _fact(page, _normalise(m.group("term")), *m.span("term"), "versus-term")
    return [AdverseEvent(term, label, _fact(page, int(m.group(g)), *m.span(g), "versus"), **_flags(page, m, "term"))
            for label, g in ((first, "n1"), (others[0], "n2"))]


def _listed(page: Page, start: int, end: int) -> list[tuple[int, AdverseEvent]]:
    """ "adverse events were injection site reactions (24 patients) and fatigue (11 patients)"."""
    lead = _LIST_LEAD.search(page.clean, start, end)
    stop = page.clean.find(";", lead.end(), end) if lead else -1
    out = []
    for m in _LIST_ITEM.finditer(page.clean, lead.end() if lead else end, stop if stop >= 0 else end):
        skip = _LEAD_WORDS.match(m.group("term"))
        s = m.start("term") + (skip.end() if skip else 0)
        term_text = page.clean[s : m.end("term")]
        if not term_text or _NOT_EVENT.search(term_text):
            continue
        term = _fact(page, _normalise(term_text), s, m.end("term"), "listed-term")
        out.append((s, AdverseEvent(term, None, _fact(page, int(m.group("n")), *m.span("n"), "listed"))))
    return out


def _flags(page: Page, m: re.Match[str], group: str) -> dict[str, Fact[bool]]:
    term = m.group(group).lower()
    s, e = m.span(group)
    flags: dict[str, Fact[bool]] = {}
    if re.search(r"\bnon-serious\b", term):
        flags["serious"] = _fact(page, False, s, e, "non-serious")
    elif re.search(r"\bserious\b|\bsaes?\b", term):
        flags["serious"] = _fact(page, True, s, e, "serious")
    if re.search(r"related\b", term):
        flags["drug_related"] = _fact(page, True, s, e, "drug-related")
    return flags


def _absent(page: Page, m: re.Match[str], arms: tuple[Arm, ...]) -> list[AdverseEvent]:
    term = _fact(page, _normalise(m.group("term")), *m.span("term"), "absent-term")
    first = AdverseEvent(term, _arm_label(m.group("arm"), arms), _fact(page, 0, m.start(), m.end("term"), "absent"),
                         **_flags(page, m, "term"))
    out = [first]
    if m.group("n") and first.arm:
        count = _fact(page, parse_count(m.group("n")), *m.span("n"), "but-count")
        out.append(AdverseEvent(term, _arm_label(m.group("arm2"), arms), count, **_flags(page, m, "term")))
    return out


def _more(page: Page, m: re.Match[str], arms: tuple[Arm, ...]) -> list[AdverseEvent]:
    comparison = f"{m.group('dir').lower()} frequent than comparator"
    comparator = _arm_label(m.group("comp"), arms) or m.group("comp").strip().lower()
    arm = _arm_label(m.group("arm"), arms)
    how = _fact(page, comparison, m.start("dir"), m.end("comp"), "comparison")
    head = _fact(page, _normalise(m.group("term")), *m.span("term"), "more-term")
    named = _arms_named(m.group("arm"), arms) if arm is None else []
    labels = [arm] + (named if len(named) >= 2 else [])  # the arms together, then each arm the phrase names
    out = [AdverseEvent(head, a, comparison=how, comparator=comparator, **_flags(page, m, "term")) for a in labels]
    if m.group("list"):
        base = m.start("list")
        for item in re.finditer(r"[^,]+", re.sub(r"\band\b|\bor\b", lambda x: "," * len(x.group(0)), m.group("list"))):
            text = item.group(0)
            if not text.strip():
                continue
            s = base + item.start() + len(text) - len(text.lstrip())
            e = base + item.start() + len(text.rstrip())
            term = _fact(page, _normalise(page.clean[s:e]), s, e, "more-including")
            out.extend(AdverseEvent(term, a, comparison=how, comparator=comparator) for a in labels)
    return out


def find_adverse_events(page: Page, arms: tuple[Arm, ...] = ()) -> tuple[AdverseEvent, ...]:
    """Return the safety findings of results and conclusions sentences, in text order."""
    has_results = any(s.section == "results" for s in page.sentences)
    found: list[tuple[int, AdverseEvent]] = []
    for sentence in page.sentences:
        if has_results and sentence.section not in ("results", "conclusions"):
            continue
        text_span = (sentence.start, sentence.end)
        for m in _SHAPES["absent"].finditer(page.clean, *text_span):
            found.extend((m.start(), ae) for ae in _absent(page, m, arms))
        for m in _SHAPES["more"].finditer(page.clean, *text_span):
            found.extend((m.start(), ae) for ae in _more(page, m, arms))
        for m in _SHAPES["no-generation"].finditer(page.clean, *text_span):
            term = _fact(page, _normalise(m.group("term")), *m.span("term"), "no-generation-term")
            found.append((m.start(), AdverseEvent(term, None, _fact(page, 0, m.start(), m.end(), "no-generation"))))
        for shape, read in (("counted", _counted), ("by-arm", _by_arm), ("versus", _versus)):
            for m in _SHAPES[shape].finditer(page.clean, *text_span):
                found.extend((m.start(), ae) for ae in read(page, m, arms))
        found.extend(_listed(page, *text_span))
        for m in _SHAPES["had"].finditer(page.clean, *text_span):
            count = _fact(page, parse_count(m.group("n")), *m.span("n"), "had-count")
            term = _fact(page, _normalise(m.group("term")), *m.span("term"), "had-term")
            arm = _arm_label(m.group("arm"), arms)
            found.append((m.start(), AdverseEvent(term, arm, count, **_flags(page, m, "term"))))
    return _without_armless_repeats(tuple(ae for _, ae in sorted(found, key=lambda item: item[0])))


def _key(event: AdverseEvent) -> tuple:
    return (event.term.value, event.comparison.value if event.comparison else None,
            event.count.value if event.count else None)


def _without_armless_repeats(events: tuple[AdverseEvent, ...]) -> tuple[AdverseEvent, ...]:
    """Drop a finding with no arm when the same finding is stated for each arm: one fact, not two."""
    per_arm = {_key(e) for e in events if e.arm is not None}
    return tuple(e for e in events if e.arm is not None or _key(e) not in per_arm)
