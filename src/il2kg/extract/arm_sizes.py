"""How many people each arm holds, as the page states it: "12 per group", "IL-2 (n=30)", "(29 to IL-2 and 29 to
placebo)", "(IL2:placebo, n=31:29)", "aldesleukin (12 MDD and 12 BD)"."""

from __future__ import annotations

import re

from il2kg.extract.arm_mentions import PLACEBO_WORD
from il2kg.extract.number_words import NUMBER_WORD, parse_count
from il2kg.extract.text import Page, rule_facts
from il2kg.model import Fact

_fact = rule_facts("population")


_PER_GROUP = re.compile(r"\b(?P<n>\d{1,4})\s+(?:patients\s+|subjects\s+|participants\s+|cases\s+)?"
                        r"(?:per|in each|each)\s+(?:group|arm|cohort|dose\s+level)\b", re.I)
# "IL-2 (n=30)", also after the regimen in the same parentheses: "IL-2 (1 MIU every other day; n=60)".
# A dose per unit of time is a label too: "1 MIU/day (cohort 2, n = 6)".
# An arm named inside the parentheses names it better than the words before them: "(IL-2 group, n = 30)".
# "IL-2 (thirty-two patients) or placebo (sixteen patients)": the people counted in the parentheses.
_ARM_N = re.compile(r"(?P<label>[\w.\-/ ×^]{1,40}?)\s*\((?:(?P<inner>[^()\n]{0,80}?)[;,]\s*)?"
                    rf"(?:n\s*=\s*(?P<n>\d{{1,5}})|(?P<people>\d{{1,5}}|{NUMBER_WORD})\s+(?:patients|participants|subjects))"
                    r"\s*\)", re.I)
_POPULATION = re.compile(r"\b(?:patients|participants|subjects|adults|children|women|men|individuals|volunteers|"
                         r"people|cases)\b", re.I)
_INNER_GROUP = re.compile(r"(?P<label>[\w-]+(?:\s+[\w-]+){0,2}?)\s+(?:group|arm)", re.I)
# "(29 to interleukin-2 and 29 to placebo)": every item of the parentheses is "<n> to <arm>".
_TO_ARMS = re.compile(r"\((?P<body>[^()\n]{5,160})\)")
_TO_ITEM = re.compile(r"^\s*(?:and\s+)?(?P<n>\d{1,5})\s+(?:(?:patients|participants|subjects)\s+)?(?:were\s+)?"
                      r"(?:to|in)\s+(?:the\s+)?(?P<label>[^\s].*?)(?:\s+(?:group|arm))?\s*$", re.I)
# "(IL-2 n=29; placebo n=29)", also without "n=": "(IL-2 29; sham 29)": each item an arm and its size.
_LABEL_N_ITEM = re.compile(r"^\s*(?:and\s+)?(?P<label>[A-Za-z][\w .+/-]{0,40}?)\s*[:,]?\s*(?:n\s*=\s*)?"
                           r"(?P<n>\d{1,5})\s*$", re.I)
# "(20 IL-2, 20 placebo)": the size before the arm; read so only beside a placebo item, so that subgroups
# ("12 MDD and 12 BD") or sexes are never taken for arms.
_N_LABEL_ITEM = re.compile(r"^\s*(?:and\s+)?(?P<n>\d{1,5})\s+(?:(?:on|given|received)\s+)?"
                           r"(?P<label>[A-Za-z][\w .+/-]{0,30}?)\s*$", re.I)
_ALLOCATION_CUE = re.compile(r"\b(?:received|randomi[sz]ed|randomly|assigned|allocated)\b", re.I)
_RANDOMISES = re.compile(r"\b(?:randomi[sz]ed|randomly\s+(?:assigned|allocated))\s+(?:\(\d+:\d+\)\s+)?to\b", re.I)


def find_arm_sizes(page: Page) -> tuple[tuple[str | None, Fact[int]], ...]:
    """Return per-arm sizes as (arm text or None for every arm, size): "12 per group", "IL-2 (n=30)"."""
    out: list[tuple[str | None, Fact[int]]] = []
    for sentence in page.sentences:
        if sentence.section not in ("methods", "results", "abstract", None):
            continue
        m = _PER_GROUP.search(page.clean, sentence.start, sentence.end)
        if m and not out:
            return ((None, _fact(page, int(m.group("n")), m.start("n"), m.end("n"), "per-group")),)
        out = _ratio_arms(page, sentence.start, sentence.end)
        if out:
            return tuple(out)
        if not _ALLOCATION_CUE.search(page.clean, sentence.start, sentence.end):
            continue
        out = _to_arms(page, sentence.start, sentence.end) or _subgroup_arms(page, sentence.start, sentence.end) \
            or _assigned_to_groups(page, sentence.start, sentence.end)
        # "(n=50)" after an arm is its size where the methods say who received what, or wherever the sentence
        # randomises ("75 patients were randomly assigned to IL-2 (n=50) or placebo (n=25)", a Findings opening).
        if not out and (sentence.section in ("methods", "abstract", None)
                        or _RANDOMISES.search(page.clean, sentence.start, sentence.end)):
            for arm in _ARM_N.finditer(page.clean, sentence.start, sentence.end):
                label = re.sub(r"^.*\b(?:either|or|and|to|receive|received)\s+", "", arm.group("label")).strip()
                if arm.group("inner") and (inner := _INNER_GROUP.fullmatch(arm.group("inner").strip())):
                    label = inner.group(0)
                elif _POPULATION.search(label):
                    continue  # "Patients with acute coronary syndrome (n = 60) were randomized": everyone, no arm
                group = "n" if arm.group("n") else "people"
                count = parse_count(arm.group(group))
                out += [(label, _fact(page, count, arm.start(group), arm.end(group), "arm-n"))] if count else []
        if out:
            return tuple(out)
    return ()


# "(IL2:placebo, n=31:29)": arms and their sizes in the same order.
# A label never holds the separators, so the text splits one way only (linear, whatever the slashes).
_RATIO_ARMS = re.compile(r"\((?P<labels>[^()\n,;=:/]{1,30}(?:[:/][^()\n,;=:/]{1,30})+),\s*n\s*=\s*"
                         r"(?P<ns>\d{1,5}(?:\s*[:/]\s*\d{1,5})+)\s*\)", re.I)


def _ratio_arms(page: Page, start: int, end: int) -> list[tuple[str | None, Fact[int]]]:
    for m in _RATIO_ARMS.finditer(page.clean, start, end):
        labels = re.split(r"\s*[:/]\s*", m.group("labels").strip())
        numbers = list(re.finditer(r"\d+", m.group("ns")))
        if len(labels) == len(numbers):
            at = m.start("ns")
            return [(label, _fact(page, int(n.group(0)), at + n.start(), at + n.end(), "ratio-arm"))
                    for label, n in zip(labels, numbers, strict=True)]
    return []


def _to_arms(page: Page, start: int, end: int) -> list[tuple[str | None, Fact[int]]]:
    """Sizes from an allocation in parentheses: "(29 to interleukin-2 and 29 to placebo)"."""
    for group in _TO_ARMS.finditer(page.clean, start, end):
        base = group.start("body")
        # "(IL-2, n = 61; placebo, n = 61)": with semicolons, commas stay inside an item
        pieces = list(re.finditer(r"[^;]+" if ";" in group.group("body") else r"[^,;]+", group.group("body")))
        if len(pieces) == 1:  # "29 to IL-2 and 29 to placebo": split at the "and" before a number
            pieces = list(re.finditer(r"(?:^|(?<=\s))(?:and\s+)?\d.*?(?=\s+and\s+\d|$)", group.group("body")))
        parsed = [(base + m.start(), _TO_ITEM.match(m.group(0)) or _LABEL_N_ITEM.match(m.group(0))) for m in pieces]
        if not all(m for _, m in parsed):
            parsed = [(at, m or _N_LABEL_ITEM.match(piece.group(0)))
                      for (at, m), piece in zip(parsed, pieces, strict=True)]
            if not any(m and PLACEBO_WORD.search(m.group("label")) for _, m in parsed):
                continue
        if len(parsed) >= 2 and all(m for _, m in parsed):
            return [(m.group("label"), _fact(page, int(m.group("n")), at + m.start("n"), at + m.end("n"), "to-arm"))
                    for at, m in parsed]
    return []


# "aldesleukin (12 MDD and 12 BD) or placebo (6 MDD and 6 BD)": an arm's size given by its subgroups.
_SUBGROUP = r"\d{1,4}\s+(?:[A-Z][A-Z0-9-]{1,7}|(?:wo)?men|(?:fe)?males|boys|girls|children|adults)\b"
_SUBGROUP_ARM = re.compile(rf"(?P<label>[\w-]+)\s*\((?P<body>{_SUBGROUP}(?:\s*(?:,|\+|and)\s*{_SUBGROUP})+)\)")


def _subgroup_arms(page: Page, start: int, end: int) -> list[tuple[str | None, Fact[int]]]:
    """Each arm's size as the sum of its subgroups, when at least two arms are sized so in the sentence."""
    out = []
    for m in _SUBGROUP_ARM.finditer(page.clean, start, end):
        counts = [int(n) for n in re.findall(r"(?<![\w.])\d{1,4}(?=\s)", m.group("body"))]
        out.append((m.group("label"), _fact(page, sum(counts), m.start("body"), m.end("body"), "subgroup-sum")))
    return out if len(out) >= 2 else []


# "88 were assigned to the interleukin-2 group and 44 to the placebo group".
_ASSIGNED_TO = re.compile(r"(?<![\w.,])(?P<n>\d{1,5})\s+(?:(?:patients|participants|subjects)\s+)?(?:were\s+)?"
                          r"(?:(?:randomly\s+)?(?:assigned|allocated)|randomi[sz]ed)?\s*to\s+(?:the\s+)?"
                          r"(?P<label>[\w-]+(?:\s+[\w-]+){0,3}?)\s+(?:group|arm)\b", re.I)


# "45 were assigned to IL-2 and 45 to placebo": the arms by name alone, read when one of them is the placebo.
_ASSIGNED_TO_BARE = re.compile(r"(?<![\w.,])(?P<n>\d{1,5})\s+(?:(?:patients|participants|subjects)\s+)?(?:were\s+)?"
                               r"(?:(?:randomly\s+)?(?:assigned|allocated)|randomi[sz]ed)?\s*to\s+(?:the\s+)?"
                               r"(?P<label>[\w-]+(?:\s+[\w.-]+){0,2}?)(?=\s*(?:,|;|\.(?!\d)|\(|\band\b|$))", re.I)


# "121 received interleukin 2 and 119 received tocilizumab": each count with what its group received.
_RECEIVED_BY = re.compile(r"(?<![\w.,])(?P<n>\d{1,5})\s+(?:(?:patients|participants|subjects)\s+)?received\s+"
                          r"(?P<label>[\w-]+(?:\s+[\w.-]+){0,2}?)(?=\s*(?:,|;|\.(?!\d)|\(|\band\b|$))", re.I)


def _assigned_to_groups(page: Page, start: int, end: int) -> list[tuple[str | None, Fact[int]]]:
    """Sizes from counts each sent to a named group, when the sentence names at least two groups so."""
    out = [(m.group("label"), _fact(page, int(m.group("n")), m.start("n"), m.end("n"), "assigned-to-group"))
           for m in _ASSIGNED_TO.finditer(page.clean, start, end)]
    if len(out) < 2:
        out = [(m.group("label"), _fact(page, int(m.group("n")), m.start("n"), m.end("n"), "assigned-to-arm"))
               for m in _ASSIGNED_TO_BARE.finditer(page.clean, start, end)]
        out = out if any(PLACEBO_WORD.search(label) for label, _ in out) else []
    if len(out) < 2:
        out = [(m.group("label"), _fact(page, int(m.group("n")), m.start("n"), m.end("n"), "received-by-group"))
               for m in _RECEIVED_BY.finditer(page.clean, start, end)]
    return out if len(out) >= 2 and len({label.lower() for label, _ in out}) == len(out) else []


# "95 were randomised (38, 38 and 19)": every arm's size, in the order the arms were named.
_LISTED = re.compile(r"\b(?:randomi[sz]ed|randomly\s+(?:assigned|allocated)|allocated)\s*"
                     r"\((?P<body>\d{1,4}(?:\s*,\s*\d{1,4})*\s*,?\s*and\s+\d{1,4})\)", re.I)


def listed_sizes(page: Page, count: int, ratio: str | None) -> list[Fact[int]]:
    """Arm sizes written as a bare list after the randomisation, when there is one per arm and they agree with the
    allocation ratio (or are all equal): their order is then the arms' own, read from the ratio."""
    for sentence in page.sentences:
        m = _LISTED.search(page.clean, sentence.start, sentence.end)
        if not m:
            continue
        numbers = list(re.finditer(r"\d+", m.group("body")))
        values = [int(n.group(0)) for n in numbers]
        parts = [int(p) for p in ratio.split(":")] if ratio else []
        agrees = len(set(values)) == 1 or (len(parts) == len(values)
                                           and all(v * parts[0] == values[0] * p for v, p in zip(values, parts,
                                                                                                 strict=True)))
        if len(values) == count and agrees and all(values):
            at = m.start("body")
            return [_fact(page, v, at + n.start(), at + n.end(), "listed-after-randomisation")
                    for v, n in zip(values, numbers, strict=True)]
    return []
