"""Where a trial ran: the number of centres and the countries its own sentences name."""

from __future__ import annotations

import re

from il2kg.extract.design import trial_spans
from il2kg.extract.number_words import NUMBER_WORD, parse_count
from il2kg.extract.text import Page, rule_facts
from il2kg.model import Fact

# "at 92 centres", "9 US and Canadian centers", "a two-centre study" (not "2 of the centres").
_CENTRES = re.compile(rf"(?<![\w-])(?:(?P<n>\d{{1,3}}|{NUMBER_WORD})\s+(?:(?!(?:of|the|in|at)\b)[\w-]+\s+){{0,3}}?"
                      r"(?:centres|centers|sites|hospitals|institutions|departments|clinics)\b|(?P<n2>\d{1,2}|two|three|four|five|six|seven|"
                      r"eight|nine|ten)-(?:centre|center|site)\b)", re.I)
_COUNTRY_NAMES = (
    "Argentina|Australia|Austria|Belgium|Brazil|Bulgaria|Canada|Chile|China|Croatia|Czech Republic|Denmark|Egypt|"
    "Estonia|Finland|France|Germany|Greece|Hungary|India|Iran|Ireland|Israel|Italy|Japan|Korea|Latvia|Lithuania|"
    "Mexico|Netherlands|New Zealand|Norway|Poland|Portugal|Romania|Russia|Serbia|Singapore|Slovakia|Slovenia|"
    "South Africa|Spain|Sweden|Switzerland|Taiwan|Thailand|Turkey|Ukraine|United Kingdom|UK|United States|USA"
)
_COUNTRY = re.compile(rf"\b(?:{_COUNTRY_NAMES})\b")
_COUNTRY_CUE = re.compile(
    r"\b(?:cent(?:re|er)s?|sites?|hospitals?|conducted|performed|carried out)\b[^.]{0,40}\bin\b", re.I
)

_fact = rule_facts("population")


def find_centres(page: Page) -> Fact[int] | None:
    """Return the number of centres stated in an own-trial sentence."""
    for start, end in trial_spans(page):
        m = _CENTRES.search(page.clean, start, end)
        if m:
            group = "n" if m.group("n") else "n2"
            return _fact(page, parse_count(m.group(group)), m.start(group), m.end(group), "centres")
    return None


def find_countries(page: Page) -> tuple[Fact[str], ...]:
    """Return countries where the trial ran ("at 12 centres in France and Germany")."""
    seen: dict[str, Fact[str]] = {}
    for start, end in trial_spans(page):
        cue = _COUNTRY_CUE.search(page.clean, start, end)
        if not cue:
            continue
        for m in _COUNTRY.finditer(page.clean, cue.end(), end):
            seen.setdefault(m.group(0), _fact(page, m.group(0), m.start(), m.end(), "country"))
    return tuple(seen.values())
