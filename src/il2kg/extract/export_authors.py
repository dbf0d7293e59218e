"""The authors of a citation export (MEDLINE, RIS, RefWorks, EndNote, BibTeX), read from its author fields.

A reference manager writes "Family, Given"; the page's own byline order is "Given Family", so that is the
value (the span stays on the field as written, and the rule says the value was normalised). BibTeX writes
all authors in one field joined by "and", with LaTeX accents ("Ay{\\c{s}}e").
"""

from __future__ import annotations

import re
import unicodedata

from il2kg.extract.markup import tag_values

# The author tags of each format, the fuller first: MEDLINE's FAU ("Kowalski, Piotr J") before its AU.
_AUTHOR_TAGS = (("FAU",), ("AU", "A1", "A", "author"))
_BIBTEX_AND = re.compile(r"\s+and\s+")
# Where a BibTeX field ends: its closing brace or quote before the next field ("}, note = {...").
_BIBTEX_FIELD_END = re.compile(r"[}\"]\s*,\s*[A-Za-z_-]+\s*=")
# LaTeX accent commands and the combining marks they stand for; letters LaTeX writes as commands.
_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
            ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a"}
_ACCENT = re.compile(r"\\([`'^\"~=.]|[uvHckr](?![A-Za-z]))\s*\{?\s*([A-Za-z])\s*\}?")
_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "ae": "æ", "AE": "Æ"}
_LETTER = re.compile(r"\\(ss|aa|AA|ae|AE|[oOlL])(?![A-Za-z])\s*")


def _latex(text: str) -> str:
    """LaTeX accents as the letters they make ("Ay{\\c{s}}e" is "Ayşe"), braces dropped."""
    text = _ACCENT.sub(lambda m: unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)]), text)
    text = _LETTER.sub(lambda m: _LETTERS[m.group(1)], text)
    return text.replace("{", "").replace("}", "")


def _bibtex_names(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of the names of a BibTeX author field (its value cut where the next field begins)."""
    stop = _BIBTEX_FIELD_END.search(text, start, end)
    end = stop.start() if stop else end
    spans, at = [], start
    for piece in _BIBTEX_AND.split(text[start:end]):
        at = text.index(piece, at)
        spans.append((at, at + len(piece)))
        at += len(piece)
    return spans


def export_authors(text: str) -> list[tuple[str, int, int, bool]]:
    """The authors of a citation export as (name, start, end, normalised): "Family, Given" is read as "Given
    Family", a name without a comma ("Kowalski PJ") as written; `normalised` when the name is not a copy."""
    values = tag_values(text)
    spans: list[tuple[str, int, int]] = []
    for tags in _AUTHOR_TAGS:
        spans = [(tag, start, end) for tag, start, end, _w in values if tag in tags or tag.lower() in tags]
        if spans:
            break
    out = []
    for tag, start, end in spans:
        for s, e in _bibtex_names(text, start, end) if tag.lower() == "author" else [(start, end)]:
            written = " ".join(text[s:e].split())
            name = " ".join(_latex(written).split())
            family, comma, given = name.partition(",")
            if comma and given.strip():
                name = f"{given.strip()} {family.strip()}"
            name = name.strip(" ,")
            if name:
                out.append((name, s, e, name != written))
    return out
