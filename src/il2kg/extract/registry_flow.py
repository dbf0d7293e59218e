"""How many are in each arm of a registry record: a results record's participant flow (the flow table's columns),
or a group list that gives each group's size beside its intervention (ChiCTR: "Group: ...; Sample size: 30;
Intervention: ...").

ClinicalTrials.gov results (and the sites that mirror them) give the flow as rows of cells: an
"Arm/Group Title" row naming the columns and a "STARTED" row counting each. A column is an arm's only
when its title names that arm alone (its label, its agent, or placebo), and every column must find its arm:
a table that does not line up with the arms gives nothing rather than a size in the wrong arm.
"""

from __future__ import annotations

import re
from dataclasses import replace

from il2kg.extract.arm_mentions import arm_dose, is_placebo
from il2kg.extract.doses import find_doses, in_base_units
from il2kg.extract.terms import find_terms
from il2kg.extract.text import Page
from il2kg.model import Arm, Fact, Lexicon

# The column titles: an "Arm/Group Title" row, or a row whose first cell is empty right above the flow's first
# labelled row (the site shows the titles as a header over the labels' column).
# Cells are split by tabs, pipes or a run of two or more spaces (a table copied as spaced text).
_TITLES = re.compile(r"^[ \t]*(?:Arm/Group Title|Number of subjects in period \d+)(?:[ \t]*[\t|]|[ ]{2,})"
                     r"(?P<cells>[^\n]+)$"
                     r"|^\t(?P<cells2>[^\t\n]+(?:\t[^\t\n]+)+)[ \t]*(?=\n[ \t]*(?:Arm/Group Description|STARTED)\b)",
                     re.M)
_STARTED_ROW = re.compile(r"^[ \t]*(?:STARTED|Started)(?:[ \t]*[\t|]|[ ]{2,})(?P<cells>[^\n]+)$", re.M)
_CELL = re.compile(r"[^\t| ]+(?: [^\t| ]+)*")
_TOTAL = re.compile(r"^\s*total\s*$", re.I)


def _cells(page: Page, m: re.Match[str]) -> list[tuple[int, int, str]]:
    group = "cells" if m.group("cells") is not None else "cells2"
    return [(c.start(), c.end(), c.group(0).strip()) for c in _CELL.finditer(page.raw, *m.span(group))
            if c.group(0).strip()]


def _arm_of(title: str, arms: tuple[Arm, ...], lexicon: Lexicon) -> Arm | None:
    """The one arm a column title names: by its label, placebo, its agent, or (arms of one agent) its dose; a
    title naming an agent is the only active arm's ("Interleukin-2" over an arm given ILT-101)."""
    agents = {t.term.curie for t in find_terms(title, lexicon, "agent")}
    active = [a for a in arms if not is_placebo(a)]
    written = find_doses(title)
    dose = in_base_units(written[0].value, written[0].unit) if len(written) == 1 else None
    found = [a for a in arms if a.label.lower() == title.lower()
             or (is_placebo(a) and ("il2kg:placebo" in agents or re.search(r"\bplacebo\b", title, re.I)))
             or (not is_placebo(a) and a.intervention is not None and "il2kg:placebo" not in agents
                 and (a.intervention.agent.value in agents or "il2kg:interleukin2" in agents))  # "IL-2": any IL-2
             or (not is_placebo(a) and len(active) == 1 and agents == {"il2kg:interleukin2"})]
    if len(found) > 1 and dose is not None:
        found = [a for a in found if arm_dose(a) == dose]
    return found[0] if len(found) == 1 else None


def with_flow_sizes(page: Page, arms: tuple[Arm, ...], lexicon: Lexicon) -> tuple[Arm, ...]:
    """Each arm's size from the first flow table whose columns are the arms, one to one; else the arms as they were."""
    titles, started = _TITLES.search(page.raw), None
    if titles:
        started = _STARTED_ROW.search(page.raw, titles.end())
    if not (titles and started) or len(arms) < 2:
        return arms
    heads = [cell for cell in _cells(page, titles) if not _TOTAL.match(cell[2])]
    counts = _cells(page, started)[: len(heads)]
    if len(counts) != len(heads) or not all(c[2].isascii() and c[2].isdigit() for c in counts):
        return arms
    matched = [_arm_of(head[2], arms, lexicon) for head in heads]
    if None in matched or len({id(a) for a in matched}) != len(matched):
        return arms
    sizes = {id(arm): Fact(int(count[2]), page.evidence(count[0], count[1], "registry.flow-started"))
             for arm, count in zip(matched, counts, strict=True)}
    return tuple(replace(a, size=sizes[id(a)]) if id(a) in sizes and a.size is None else a for a in arms)


# "Group: Experimental group; Sample size: 30; Intervention: rhIL-2 1 MIU ...;": one group, its size, what it gets.
_GROUP = re.compile(r"\bGroup:\s*(?P<label>[^;\n]{1,80});\s*Sample size:\s*(?P<n>\d{1,5})\s*;\s*"
                    r"Intervention:\s*(?P<what>[^;\n]{1,300})", re.I)


def with_group_sizes(page: Page, arms: tuple[Arm, ...], lexicon: Lexicon) -> tuple[Arm, ...]:
    """Each arm's size from a group that names it alone by its intervention; groups that name the same arm,
    or none, size nothing."""
    found: dict[int, list] = {}
    for m in _GROUP.finditer(page.raw):
        arm = _arm_of(m.group("what"), arms, lexicon)
        if arm is not None:
            found.setdefault(id(arm), []).append(m)
    sizes = {key: Fact(int(ms[0].group("n")), page.evidence(ms[0].start("n"), ms[0].end("n"), "registry.group-size"))
             for key, ms in found.items() if len(ms) == 1}
    return tuple(replace(a, size=sizes[id(a)]) if id(a) in sizes and a.size is None else a for a in arms)
