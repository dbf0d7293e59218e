"""Safety findings: adverse events that were absent, counted, or more frequent than with the comparator."""

from __future__ import annotations

import re

from il2kg.extract.text import Page
from il2kg.model import AdverseEvent, Arm, Fact

_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_COUNT = r"(?:\d{1,4}|" + "|".join(_WORD_NUMBERS) + r")"
_MODS = r"(?:(?:(?:study[- ])?drug|treatment|IL-2)[- ]related |non-serious |serious |severe |grade [1-5] )*"
_HEAD = (r"(?:adverse (?:events?|reactions?|effects?)|SAEs?|AEs?|(?:[a-z-]+ )?infections?|deaths?|"
         r"injection[- ]site reactions?|flu-like (?:symptoms?|syndromes?)|hypersensitivity reactions?)")
_TERM = rf"(?P<term>{_MODS}{_HEAD})"
_ARM = r"(?: in (?:the |both )?(?P<arm>[\w .+-]{1,40}?) (?:group|arm|groups|arms)s?)?"
_ABSENT = re.compile(
    rf"\b(?:there (?:was|were) )?no {_TERM}\b(?: (?:was|were|has been|have been))?"
    rf"(?: (?:observed|reported|occurred|noted|seen|recorded))?{_ARM}"
    rf"(?:,? but (?P<n>{_COUNT}) in (?:the )?(?P<arm2>[\w .+-]{{1,40}}?) (?:group|arm))?",
    re.I,
)
_MORE = re.compile(
    rf"\b{_TERM} (?:occurred|were|was|are) (?P<dir>more|less) (?:frequent(?:ly)?|common(?:ly)?)"
    rf"(?: (?:with|in) (?P<arm>[^,;]+?))? (?:compared (?:to|with)|than(?: with)?) (?:the )?(?P<comp>[\w .+-]{{1,30}}?)"
    rf"(?: (?:group|arm)s?)?(?=[,;.]|$| and)(?P<tail>,? including (?P<list>[^.;]+))?",
    re.I,
)
_NO_GENERATION = re.compile(
    r"\bno (?:generation|development|formation|induction|detection|emergence) of (?P<term>[\w -]{3,40}?)"
    r"(?=[.,;)]| was| were| in |$)",
    re.I,
)
_HAD = re.compile(rf"\b(?P<n>{_COUNT}) (?:patients? |participants? |subjects? )?(?:had|experienced|developed) "
                  rf"(?:an? |at least one )?{_TERM}{_ARM}", re.I)


def _fact(page: Page, value: object, start: int, end: int, rule: str) -> Fact:
    return page.fact(value, start, end, f"safety.{rule}")


def _normalise(term: str) -> str:
    """Lower-case, drop "drug-related", and make an event head noun singular ("reactions" -> "reaction")."""
    term = re.sub(r"\b(?:(?:study[- ])?drug|treatment|il-2)[- ]related\s+", "", " ".join(term.lower().split()))
    return re.sub(r"\b(events|reactions|effects|infections|deaths|symptoms|syndromes|aes|saes)$",
                  lambda m: m.group(1)[:-1], term)


def _arm_label(text: str | None, arms: tuple[Arm, ...]) -> str | None:
    """Map "the IL-2 group", "placebo", "2 MIU" to an arm label; None when it names several arms or none."""
    if not text:
        return None
    low = text.lower()
    if "placebo" in low:
        return "placebo" if any(a.label == "placebo" for a in arms) else None
    named = [a.label for a in arms if a.label.lower() in low]
    active = [a.label for a in arms if a.label != "placebo"]
    if len(named) == 1 and not re.search(r"\band\b|,", low):
        return named[0]
    return active[0] if len(active) == 1 else None


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


def _count(text: str) -> int:
    return _WORD_NUMBERS.get(text.lower()) or int(text)


def _absent(page: Page, m: re.Match[str], arms: tuple[Arm, ...]) -> list[AdverseEvent]:
    term = _fact(page, _normalise(m.group("term")), *m.span("term"), "absent-term")
    first = AdverseEvent(term, _arm_label(m.group("arm"), arms), _fact(page, 0, m.start(), m.end("term"), "absent"),
                         **_flags(page, m, "term"))
    out = [first]
    if m.group("n") and first.arm:
        count = _fact(page, _count(m.group("n")), *m.span("n"), "but-count")
        out.append(AdverseEvent(term, _arm_label(m.group("arm2"), arms), count, **_flags(page, m, "term")))
    return out


def _more(page: Page, m: re.Match[str], arms: tuple[Arm, ...]) -> list[AdverseEvent]:
    comparison = f"{m.group('dir').lower()} frequent than comparator"
    comparator = _arm_label(m.group("comp"), arms) or m.group("comp").strip().lower()
    arm = _arm_label(m.group("arm"), arms)
    how = _fact(page, comparison, m.start("dir"), m.end("comp"), "comparison")
    head = _fact(page, _normalise(m.group("term")), *m.span("term"), "more-term")
    out = [AdverseEvent(head, arm, comparison=how, comparator=comparator, **_flags(page, m, "term"))]
    if m.group("list"):
        base = m.start("list")
        for item in re.finditer(r"[^,]+", re.sub(r"\band\b|\bor\b", lambda x: "," * len(x.group(0)), m.group("list"))):
            text = item.group(0)
            if not text.strip():
                continue
            s = base + item.start() + len(text) - len(text.lstrip())
            e = base + item.start() + len(text.rstrip())
            term = _fact(page, _normalise(page.clean[s:e]), s, e, "more-including")
            out.append(AdverseEvent(term, arm, comparison=how, comparator=comparator))
    return out


def find_adverse_events(page: Page, arms: tuple[Arm, ...] = ()) -> tuple[AdverseEvent, ...]:
    """Return the safety findings of results and conclusions sentences, in text order."""
    has_results = any(s.section == "results" for s in page.sentences)
    found: list[tuple[int, AdverseEvent]] = []
    for sentence in page.sentences:
        if has_results and sentence.section not in ("results", "conclusions"):
            continue
        text_span = (sentence.start, sentence.end)
        for m in _ABSENT.finditer(page.clean, *text_span):
            found.extend((m.start(), ae) for ae in _absent(page, m, arms))
        for m in _MORE.finditer(page.clean, *text_span):
            found.extend((m.start(), ae) for ae in _more(page, m, arms))
        for m in _NO_GENERATION.finditer(page.clean, *text_span):
            term = _fact(page, _normalise(m.group("term")), *m.span("term"), "no-generation-term")
            found.append((m.start(), AdverseEvent(term, None, _fact(page, 0, m.start(), m.end(), "no-generation"))))
        for m in _HAD.finditer(page.clean, *text_span):
            count = _fact(page, _count(m.group("n")), *m.span("n"), "had-count")
            term = _fact(page, _normalise(m.group("term")), *m.span("term"), "had-term")
            arm = _arm_label(m.group("arm"), arms)
            found.append((m.start(), AdverseEvent(term, arm, count, **_flags(page, m, "term"))))
    return tuple(ae for _, ae in sorted(found, key=lambda item: item[0]))
