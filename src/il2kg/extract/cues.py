"""Cues in result and endpoint sentences: timepoints, role words, clauses, direction and significance.

Each finder takes cleaned text and an offset and returns spans into the document: (start, end, value).
"""

from __future__ import annotations

import re

from il2kg.extract.cue_tables import compile_cues
from il2kg.extract.numbers import PValue

Span = tuple[int, int, str]

_ORDINALS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5"}
_TIMEPOINTS = (
    (r"\b(?:week|wk)\s*(?P<n>\d+)\b", "week {n}"),
    (r"\b(?:at|after|by)\s+(?P<n>\d+)\s+weeks?\b", "week {n}"),
    (r"\bmonth\s*(?P<n>\d+)\b", "month {n}"),
    (r"\b(?:at|after|by)\s+(?P<n>\d+)\s+months?\b", "month {n}"),
    (r"\bday\s*(?P<n>\d+)\b", "day {n}"),
    (r"\b(?:at|after|by)\s+(?P<n>\d+)\s+days?\b", "day {n}"),
    (r"\b(?:following|after|at\s+the\s+end\s+of)\s+(?:a|the)?\s*(?P<o>first|second|third|fourth|fifth|last|final)"
     r"\s+(?:treatment\s+)?cycle\b", "after cycle {o}"),
    (r"\b(?:following|after)\s+cycle\s*(?P<c>[1-5])\b", "after cycle {c}"),
    (r"\b(?:following|after)\s+(?:the\s+)?(?:repeated|subsequent|successive|multiple|further)\s+(?:treatment\s+)?"
     r"cycles\b", "after repeated cycles"),
    (r"\b(?:at\s+)?the\s+end\s+of\s+(?:the\s+)?treatment\b", "end of treatment"),
)
_TIMEPOINT_RES = tuple((re.compile(p, re.IGNORECASE), v) for p, v in _TIMEPOINTS)

# The other cues a result or endpoint sentence is read for, by name.
_CUES = compile_cues({
    # The role an endpoint is given: "primary endpoint", "key secondary (clinical) outcomes".
    "role": r"\b(?P<role>co-primary|primary|key[\s-]+secondary|secondary|exploratory|safety)\s+"
    r"(?:\(?(?:laboratory|clinical|efficacy|immunological|biological|biomarker)\)?\s+)?(?:outcome|end\s*-?\s*point)s?\b",
    # Where a sentence splits into clauses, and a leading phrase that is one ("Besides X, ...").
    # "... increased 2.1-fold with IL-2 and were unchanged with placebo": "and" opening a second predicate of
    # the same subject starts a clause of its own, so each arm keeps its own direction.
    "clause-break": r";\s|,\s+(?=(?:and|but|whereas|while|although|due\s+to|accompanied\s+by|which)\b)|\s(?=without\b)"
    r"|\s(?=and\s+(?:(?:was|were|remained|stayed)\s+(?:unchanged|stable|similar|constant|not)|did\s+not|"
    r"showed\s+no|had\s+no)\b)",
    "leading-phrase": r"^(?:besides|in\s+addition\s+to|apart\s+from|beyond)\b[^,]*,",
    # The direction a clause states (named as find_direction reports it).
    "no-change": r"\bno\s+(?:statistically\s+)?(?:significant\s+)?(?:differences?|changes?|effects?|increases?|"
    r"decreases?)\b|\bunchanged\b|\bdid\s+not\s+(?:significantly\s+)?(?:change|differ|increase|decrease|rise|fall)\b"
    r"|\bremained\s+(?:stable|unchanged)\b|^without\b(?=.*\b(?:activation|expansion|increase|change)\b)",
    "increase": r"\b(?:increas\w*|rise|rose|risen|elevat\w*|higher|expan\w*|enhanc\w*)\b",
    "decrease": r"\b(?:decreas\w*|reduc\w*|declin\w*|lower|fell|fall|drop\w*|diminish\w*)\b",
    # What the text says of significance; "not significant" is looked for first.
    "not-significant": r"\b(?:no|not|without|failed\s+to\s+reach|did\s+not\s+reach)\s+(?:\w+\s+){0,2}?"
    r"(?:statistical\s+|statistically\s+)?significan\w*|\bnon-?significant\w*|\bnot\s+statistically\s+significant",
    "significant": r"\b(?:statistically\s+)?significant(?:ly)?\b",
    # A comparison between arms ("compared with", "versus", "than"), a value given with its SD, a response rate.
    "comparison": r"\b(?:compared|versus|vs\.?|than|relative\s+to)\b",
    "sd": r"\bSDs?\b|±|standard\s+deviation",
    "response": r"respon|remission",
})
ROLE_CUE = _CUES["role"]
COMPARISON_CUE = _CUES["comparison"]
SD_CUE = _CUES["sd"]


def proportion_statistic(text: str) -> str:
    """A percentage of patients is a response rate when the text speaks of response or remission."""
    return "response-rate" if _CUES["response"].search(text) else "proportion"

def normal_role(text: str) -> str:
    """Normalise a role cue: "Key secondary" -> "key-secondary", "co-primary" -> "primary"."""
    text = re.sub(r"[\s-]+", "-", text.lower())
    return "primary" if text == "co-primary" else text



def find_timepoints(text: str, offset: int = 0) -> list[tuple[int, int, str]]:
    """Return normalised timepoints ("week 12", "after cycle 1") with their spans, in text order."""
    found: list[tuple[int, int, str]] = []
    for pattern, template in _TIMEPOINT_RES:
        for m in pattern.finditer(text):
            if any(m.start() < e - offset and s - offset < m.end() for s, e, _ in found):
                continue
            fields = {k: v.lower() for k, v in m.groupdict().items() if v}
            if "o" in fields:  # "after the first cycle" -> "after cycle 1"; "after the last cycle" stays
                fields["o"] = _ORDINALS.get(fields["o"], "last" if fields["o"] in ("last", "final") else fields["o"])
            value = template.format(**fields).replace("after cycle last", "after last cycle")
            found.append((offset + m.start(), offset + m.end(), value))
    return sorted(found)



def clauses(text: str) -> list[tuple[int, int]]:
    """Split a sentence into clauses at top-level '; ', ', and', ', but', 'without' ... (never inside brackets)."""
    depth, depths = 0, []
    for char in text:
        depth += char in "([" and 1 or (char in ")]" and -1 or 0)
        depths.append(depth)
    cuts = [0]
    leading = _CUES["leading-phrase"].match(text)
    if leading:
        cuts.append(leading.end())
    cuts += [m.end() for m in _CUES["clause-break"].finditer(text) if depths[m.start()] <= 0]
    cuts = sorted(set(cuts)) + [len(text)]
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if text[a:b].strip(" ,;.")]



def find_direction(text: str, offset: int = 0) -> tuple[int, int, str] | None:
    """Return the direction a clause states: "no-change" wins over words of change; both ways gives None."""
    none = _CUES["no-change"].search(text.lstrip())
    shift = offset + len(text) - len(text.lstrip())
    if none:
        return shift + none.start(), shift + none.end(), "no-change"
    up, down = _CUES["increase"].search(text), _CUES["decrease"].search(text)
    if bool(up) == bool(down):
        return None
    m = up or down
    return offset + m.start(), offset + m.end(), "increase" if up else "decrease"


def p_verdict(p: PValue) -> bool | None:
    """Significance a p-value shows: below 0.05 with '<', '<=' or '=' is True; '=' or '>' 0.05 or more is False."""
    if p.value is None:
        return False  # "NS"
    if p.comparator in ("<", "<=") and p.value <= 0.05 or p.comparator == "=" and p.value < 0.05:
        return True
    return False if p.comparator in ("=", ">") and p.value >= 0.05 else None


def find_significance(text: str, offset: int, p: PValue | None) -> tuple[int, int, bool] | None:
    """Significant only when the text says so or a p-value below 0.05 is written; conflicting cues give None."""
    negative = _CUES["not-significant"].search(text)
    word = negative or _CUES["significant"].search(text)
    said = None if word is None else not negative
    by_p = p_verdict(p) if p else None
    if said is not None and by_p is not None and said != by_p:
        return None
    if said is not None:
        return offset + word.start(), offset + word.end(), said
    return (p.start, p.end, by_p) if p and by_p is not None else None
