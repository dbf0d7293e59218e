"""Arms that differ by schedule only: "IL-2 1 MIU ... then randomly assigned to injections 3 days/week (arm A,
n=14) or once weekly (arm B, n=13)". One regimen read from the sentence would give every arm the last schedule;
each labelled alternative is its own arm, with the frequency written just before its label."""

from __future__ import annotations

import re
from dataclasses import replace

from il2kg.extract.schedule import FREQUENCIES, find_codes, with_schedule_text
from il2kg.extract.text import Page, rule_facts
from il2kg.model import Arm

_fact = rule_facts("intervention")

# "(arm A, n=14)", "(group 2; n = 9)", "(cohort B)": an arm's own label in parentheses, its size optional.
_LABEL = re.compile(r"\((?P<label>(?:arm|group|cohort)\s+(?:[A-H]|[1-9]))(?![\w-])"
                    r"(?:\s*[,;:]\s*n\s*=\s*(?P<n>\d{1,4}))?\s*\)", re.I)


def split_by_schedule(page: Page, arm: Arm, start: int, end: int) -> tuple[Arm, ...] | None:
    """The arms of a one-regimen sentence whose labelled alternatives differ by frequency, else None.

    Every label must follow its own frequency (the last one written since the previous label), and the
    frequencies must differ: otherwise the labels name something else and the one arm stands.
    """
    labels = list(_LABEL.finditer(page.clean, start, end))
    if len(labels) < 2 or len({m.group("label").lower() for m in labels}) < len(labels):
        return None
    if arm.intervention is None:
        return None
    field = "maintenance_frequency" if arm.intervention.maintenance_frequency else "frequency"
    own = getattr(arm.intervention, field)
    lower = own.evidence.start if field == "maintenance_frequency" and own else start
    frequencies = []
    for i, label in enumerate(labels):
        after = labels[i - 1].end() if i else lower
        hits = find_codes(FREQUENCIES, page.clean, after, label.start())
        if not hits or page.clean.count("(", after, label.start()) != page.clean.count(")", after, label.start()):
            return None
        frequencies.append(hits[-1])
    if len({code for code, _, _ in frequencies}) < len(frequencies):
        return None
    out = []
    for label, (code, s, e) in zip(labels, frequencies, strict=True):
        fields = {k: getattr(arm.intervention, k) for k in ("route", "frequency", "dosing_days", "cycle_length",
                                                          "cycles", "break_length", "maintenance_frequency",
                                                          "duration")}
        fields[field] = _fact(page, code, s, e, "arm-frequency")
        intervention = replace(arm.intervention, **with_schedule_text(page, fields))
        size = _fact(page, int(label.group("n")), *label.span("n"), "arm-label-n") if label.group("n") else None
        role = _fact(page, "experimental", *label.span("label"), "role")
        out.append(Arm(label.group("label"), role, size, intervention, arm.also))
    return tuple(out)
