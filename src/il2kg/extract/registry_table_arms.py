"""Arms a registry record lists as a table, one row per group (PACTR's interventions table):

    Intervention type | Intervention name | Dose | ... | Group size | Nature of control
    Experimental Group | Interleukin-2 | 1 MIU subcutaneously | ... | 60 |
    Control Group | Prednisone | 40 mg/day orally | ... | 60 | Active-Treatment of Control Group

Each row is an arm: its role from the group's type and the nature of control, its agent from the name, its dose
and route from the dose cell. A group size in such a table is the plan, so it sizes no arm.
"""

from __future__ import annotations

import re

from il2kg.extract.doses import find_doses
from il2kg.extract.layout import Line
from il2kg.extract.registry_fields import table_cells
from il2kg.extract.schedule import ROUTES, find_codes
from il2kg.extract.terms import find_terms
from il2kg.extract.text import Page
from il2kg.model import Arm, Fact, Intervention, Lexicon, Quantity

_COLUMNS = {
    "type": re.compile(r"(?:intervention|arm|group)\s+type|arm|group", re.I),
    "name": re.compile(r"intervention\s+name|name|drug|intervention", re.I),
    "dose": re.compile(r"dose|dosage", re.I),
    "control": re.compile(r"nature\s+of\s+control|control", re.I),
}
_PLACEBO = re.compile(r"\bplacebo\b", re.I)


def table_arms(page: Page, lines: tuple[Line, ...], lexicon: Lexicon) -> tuple[Arm, ...]:
    """The arms of the first interventions table whose header names a group type and an intervention name."""
    for i, line in enumerate(lines):
        header = _header(page, line)
        if header is None:
            continue
        arms = []
        for row in lines[i + 1 :]:
            cells = _row_cells(page, row)
            if len(cells) != header["width"]:
                break
            arm = _arm(page, header, cells, lexicon)
            if arm is not None:
                arms.append(arm)
        return tuple(arms) if len(arms) >= 2 else ()
    return ()


def _row_cells(page: Page, line: Line) -> list[Line]:
    return table_cells(page, line, keep_empty=True) if "|" in page.raw[line.start : line.end] else []


def _header(page: Page, line: Line) -> dict | None:
    cells = _row_cells(page, line)
    found: dict = {"width": len(cells)}
    for index, cell in enumerate(cells):
        for name, pattern in _COLUMNS.items():
            if name not in found and pattern.fullmatch(cell.text):
                found[name] = index
                break
    return found if {"type", "name"} <= set(found) else None


def _arm(page: Page, header: dict, cells: list[Line], lexicon: Lexicon) -> Arm | None:
    kind, name = cells[header["type"]], cells[header["name"]]
    control = cells[header["control"]].text if "control" in header else ""
    agents = list(find_terms(name.text, lexicon, "agent"))
    if len(agents) != 1:
        return None
    term = agents[0]
    placebo = term.term.curie == "il2kg:placebo" or bool(_PLACEBO.search(name.text + " " + control))
    if re.search(r"\bexperimental\b", kind.text, re.I):
        role = "experimental"
    elif re.search(r"\bcontrol\b", kind.text, re.I):
        role = "placebo-comparator" if placebo else "active-comparator" if re.search(r"\bactive\b", control, re.I) \
            else None
    else:
        role = None
    if role is None:
        return None
    agent = Fact(term.term.curie, page.evidence(name.start + term.start, name.start + term.end, "registry.table_agent"))
    fields: dict = {}
    if "dose" in header and not placebo:
        dose_cell = cells[header["dose"]]
        written = find_doses(dose_cell.text)
        if len(written) == 1:
            d = written[0]
            span = (dose_cell.start + d.start, dose_cell.start + d.end)
            fields["dose"] = Fact(Quantity(d.value, d.unit), page.evidence(*span, "registry.table_dose"))
        routes = find_codes(ROUTES, dose_cell.text)
        if len(routes) == 1:
            code, s, e = routes[0]
            span = (dose_cell.start + s, dose_cell.start + e)
            fields["route"] = Fact(code, page.evidence(*span, "registry.table_route"))
    label = "placebo" if placebo else name.text
    return Arm(label, Fact(role, page.evidence(kind.start, kind.end, "registry.table_role")), None,
               Intervention(agent=agent, **fields))
