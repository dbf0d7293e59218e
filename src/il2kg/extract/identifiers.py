"""Registry ids and trial phases: one grammar each, one canonical spelling each.

One trial is one IRI only if every page spells its id the same way, so the canonical form is the
registry's own: `NCT01234567`, `EudraCT 2019-001696-36`, `EUCTR2019-001696-36-FR`, `EU CT 2023-512345-12-00`,
`ChiCTR-IOR-17012345`
(hyphens restored when a page drops them), `ChiCTR2000012345`, `ISRCTN12345678`, `ACTRN12612000123456`,
`DRKS00012345`, `CTRI/2019/01/012345`, `jRCT2031190123`, `UMIN000012345`, `KCT0001234`, `IRCT20200101045678N1`,
`NTR5216`, `PACTR201901234567890`, `TCTR20200101001`, `RBR-5x2k4g`, `SLCTR/2021/007`, `NL-OMON54321`, `LBCTR2023045231`.
Phases are written in Arabic numerals with "/" between them: "phase I-IIa" is `1/2a`, "Phase II" is `2`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from il2kg.extract.span import Span

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}


@dataclass(frozen=True, slots=True)
class Mention(Span):
    """A canonical value read in the text."""

    value: str


# (pattern, canonical template): group 1 is the registry's own number part.
_REGISTRIES: tuple[tuple[re.Pattern[str], object], ...] = (
    (re.compile(r"\bNCT[\s-]?(\d{8})(?!\d)", re.I), lambda m: f"NCT{m.group(1)}"),
    (re.compile(r"\bEUCTR\s?(\d{4}-\d{6}-\d{2}(?:-[A-Z]{2})?)\b", re.I), lambda m: f"EUCTR{m.group(1).upper()}"),
    (re.compile(r"(?<![\d-])(\d{4}-5\d{5}-\d{2}-\d{2})(?![\d-])"), lambda m: f"EU CT {m.group(1)}"),
    (re.compile(r"(?<![\w-])(?:EudraCT[\w .:#-]{0,12}?)?(?<!EUCTR)(\d{4}-\d{6}-\d{2})(?![\w-])", re.I),
     lambda m: f"EudraCT {m.group(1)}"),
    (re.compile(r"\bChiCTR[- ]?(?:(?P<t>[A-Z]{2,4})[- ]?)?(?P<n>\d{8,10})(?!\d)", re.I),
     lambda m: f"ChiCTR-{m.group('t').upper()}-{m.group('n')}" if m.group("t") else f"ChiCTR{m.group('n')}"),
    (re.compile(r"\bISRCTN\s?(\d{8})(?!\d)", re.I), lambda m: f"ISRCTN{m.group(1)}"),
    (re.compile(r"\bACTRN\s?(\d{14})(?!\d)", re.I), lambda m: f"ACTRN{m.group(1)}"),
    (re.compile(r"\bDRKS\s?(\d{8})(?!\d)", re.I), lambda m: f"DRKS{m.group(1)}"),
    (re.compile(r"\bCTRI/(\d{4}/\d{2,3}/\d{6})(?!\d)", re.I), lambda m: f"CTRI/{m.group(1)}"),
    (re.compile(r"\bjRCT\s?([a-z]?\d{9,10})(?!\d)", re.I), lambda m: f"jRCT{m.group(1)}"),
    (re.compile(r"\bUMIN\s?(\d{9})(?!\d)", re.I), lambda m: f"UMIN{m.group(1)}"),
    (re.compile(r"\bKCT\s?(\d{7})(?!\d)", re.I), lambda m: f"KCT{m.group(1)}"),
    (re.compile(r"\bIRCT\s?(\d{10,14}N\d{1,3})(?!\w)", re.I), lambda m: f"IRCT{m.group(1).upper()}"),
    (re.compile(r"\bNTR\s?(\d{3,5})(?!\d)"), lambda m: f"NTR{m.group(1)}"),
    (re.compile(r"\bPACTR\s?(\d{15})(?!\d)", re.I), lambda m: f"PACTR{m.group(1)}"),
    (re.compile(r"\bTCTR\s?(\d{11})(?!\d)", re.I), lambda m: f"TCTR{m.group(1)}"),
    (re.compile(r"\bRBR-([A-Za-z0-9]{6,8})(?![\w-])"), lambda m: f"RBR-{m.group(1)}"),
    (re.compile(r"\bSLCTR/(\d{4}/\d{3})(?!\d)", re.I), lambda m: f"SLCTR/{m.group(1)}"),
    (re.compile(r"\bLBCTR\s?(\d{10})(?!\d)", re.I), lambda m: f"LBCTR{m.group(1)}"),
    (re.compile(r"\bNL-OMON\s?(\d{4,6})(?!\d)", re.I), lambda m: f"NL-OMON{m.group(1)}"),
)


def find_registry_ids(text: str, start: int = 0, end: int | None = None) -> list[Mention]:
    """Return the registry ids in text, canonically spelled, first mention of each, in text order."""
    end = len(text) if end is None else end
    found: dict[str, Mention] = {}
    taken: list[tuple[int, int]] = []
    for pattern, canonical in _REGISTRIES:
        for m in pattern.finditer(text, start, end):
            if any(s <= m.start() < e or m.start() <= s < m.end() for s, e in taken):
                continue  # an EUCTR id also looks like a EudraCT number
            value = canonical(m)
            taken.append(m.span())
            if value not in found or m.start() < found[value].start:
                found[value] = Mention(m.start(), m.end(), value)
    return sorted(found.values(), key=lambda mention: mention.start)


_PART = r"(?:IV|I{1,3}|[1-4])[ab]?"
_JOIN = r"(?:/|-|and|to|–|,(?=\s*(?:phase[ -]?)?I))"  # a comma only before a Roman numeral: "Phase I,II"
PHASE = re.compile(rf"\bphase[ -]?(?P<p>{_PART}(?:\s*{_JOIN}\s*(?:phase[ -]?)?{_PART})?)(?![\w])", re.I)


def phase_code(written: str) -> str | None:
    """Normalise a phase as written: "I-IIa" -> "1/2a", "II" -> "2", "Phase 1/Phase 2" -> "1/2"."""
    parts = re.findall(r"(iv|i{1,3}|[1-4])([ab]?)(?![a-z])", re.sub(r"phase", " ", written.lower()))
    if not parts:
        return None
    codes = [_ROMAN.get(number, number) + letter for number, letter in parts]
    return "/".join(dict.fromkeys(codes))


_NOT_THIS_PHASE = re.compile(r"\)?\s*:\s*No\b")  # an EU CTR line read as prose: "(Phase I): No"


def find_phase(text: str, start: int = 0, end: int | None = None) -> Mention | None:
    """Return the first phase written "phase ..." in text[start:end], normalised; not one a form answers "No"."""
    for m in PHASE.finditer(text, start, len(text) if end is None else end):
        code = phase_code(m.group("p"))
        if code and not _NOT_THIS_PHASE.match(text, m.end()):
            return Mention(m.start("p"), m.end("p"), code)
    return None
