"""Markup a saved page may carry, turned into plain lines of the same length (offsets survive).

- Citation exports (MEDLINE/MEDLARS `TI  - `, RefWorks `T1 `, RIS `TY  - `, BibTeX `title = "..."`),
  often saved on one line: each tag becomes a line break, and its field's span is known.
- XML (JATS) and HTML tags, and markdown escapes and emphasis: blanked with spaces.
"""

from __future__ import annotations

import html
import re

# Tag sets by export format; a format is recognised by its first tag, so a tag-like word in prose is safe.
_MEDLINE = re.compile(r"(?:^|(?<=\s))(?P<tag>PT|AU|FAU|TI|AID|DP|TA|JT|PG|VI|IP|AB|PMID|LA|OT|MH|AD|SO|LID|DEP|"
                      r"OWN|STAT|LR|IS|DCOM|EDAT|MHDA|CRDT|PHST|PST|CI|GR|PL|JID|SB|CIN|OTO|COIS|FIR|IR|4099|4100|"
                      r"SI|RN|NM|CN|PMC|PMCR|MID|OAB|OABL|RF|TT|VTI|AUID|EIN|ECI|ERI|CON|CRI|CRF|DDIN|DRIN|EFR|ORI|"
                      r"RIN|ROF|RPF|RPI|SPIN|UIN|UOF|PS|PUBM|GN|IRAD|GS|CTDT|DA)"
                      r"\s{0,3}-\s")
_REFWORKS = re.compile(r"(?:^|(?<=\s))(?P<tag>RT|SR|T1|T2|JF|JO|FD|SP|OP|DO|VO|IS|A1|YR|UL|AB|K1|PB|SN|LA|NO|ID|LK)\s")
_RIS = re.compile(r"(?:^|(?<=\s))(?P<tag>TY|TI|T1|T2|T3|AU|A1|A2|A3|PY|Y1|Y2|DA|JO|JF|JA|J2|VL|IS|SP|EP|DO|AB|N1|N2|"
                  r"UR|KW|ER|SN|PB|CY|ST|ET|LA|M3|AN|DB|DP|L1|L2|C1|C2)\s{2}-\s")
_BIBTEX_FIELD = re.compile(r"(?:^|(?<=[\s,{]))(?P<tag>title|abstract|author|journal|year|doi|volume|number|pages|"
                           r"keywords|publisher|issn|url|pmid|pmcid|month)\s*=\s*[\"{]", re.IGNORECASE)
# EndNote's tagged export: one field a line, "%T Title", "%A Family, Given", "%X Abstract".
_ENDNOTE = re.compile(r"(?:^|(?<=\n))[ \t]*%(?P<tag>[0-9A-Z@!+()*^><\[=~#$&?])[ \t]")
_LATEX_ESCAPE = re.compile(r"\\(?=[%&_#$])")  # BibTeX's "4.1\%"
_FORMATS = (
    (re.compile(r"^\s*(?:PT|PMID)\s{0,3}-\s"), _MEDLINE,
     {"TI": "title", "AB": "abstract", "AID": "doi", "LID": "doi", "DP": "year", "PMID": "pmid", "JT": "journal"}),
    (re.compile(r"^\s*RT\s"), _REFWORKS, {"T1": "title", "AB": "abstract", "DO": "doi", "YR": "year", "JF": "journal",
                                          "JO": "journal"}),
    (re.compile(r"^\s*TY\s{2}-\s"), _RIS, {"TI": "title", "T1": "title", "AB": "abstract", "DO": "doi", "PY": "year",
                                             "Y1": "year",
                                             "T2": "journal", "JO": "journal", "JF": "journal"}),
    (re.compile(r"^\s*%0[ \t]"), _ENDNOTE, {"T": "title", "X": "abstract", "R": "doi", "D": "year", "J": "journal",
                                           "M": "pmid"}),
    (re.compile(r"^\s*@\w+\s*\{"), _BIBTEX_FIELD, {"title": "title", "abstract": "abstract", "doi": "doi",
                                                  "year": "year", "journal": "journal", "pmid": "pmid"}),
)
_TAG = re.compile(r"<(?:[A-Za-z!?/][^<>]{0,2000})>")
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{1,6}|#[xX][0-9a-fA-F]{1,5});")
# A field's continuation line in a MEDLINE export: six spaces of indent under the tag.
_MEDLINE_WRAP = re.compile(r"\n(?= {6}\S)")
_MARKDOWN = re.compile(r"\\(?=[-*_#`\[\]()])|\*\*|__|(?<=\s)#{1,6}(?=\s)|^#{1,6}(?=\s)", re.MULTILINE)


_JATS_TITLE = re.compile(r"<article-title>(?P<v>[^<]{5,400})</article-title>")
_JATS_FIELDS = {
    "year": re.compile(r"<pub-date\b[^>]{0,100}>(?:(?!</pub-date>)[^\n]){0,200}?<year>(?P<v>(?:19|20)\d\d)</year>"),
    "journal": re.compile(r"<journal-title>(?P<v>[^<]{3,200})</journal-title>"),
}


def export_fields(text: str) -> dict[str, tuple[int, int]]:
    """Return the spans of the title, abstract, DOI and year of a citation export (first of each)."""
    jats = _JATS_TITLE.search(text)
    if jats:
        found = {name: m.span("v") for name, pattern in _JATS_FIELDS.items() if (m := pattern.search(text))}
        return {"title": jats.span("v"), **found}
    fields: dict[str, tuple[int, int]] = {}
    for tag, start, end, wanted in tag_values(text):
        name = wanted.get(tag) or wanted.get(tag.lower())
        if name is not None and name not in fields and (name != "pmid" or _DIGITS.fullmatch(text[start:end])):
            fields[name] = (start, end)
    return fields


# A PMID is digits only (EndNote's %M holds any database's accession number: "WOS:000...").
_DIGITS = re.compile(r"\d{1,9}")


def tag_values(text: str) -> list[tuple[str, int, int, dict[str, str]]]:
    """Each tagged field of a citation export: its tag, its value's span (trimmed), the format's field names."""
    for opening, tag_pattern, wanted in _FORMATS:
        if not opening.match(text):
            continue
        tags = list(tag_pattern.finditer(text))
        out = []
        for i, m in enumerate(tags):
            end = tags[i + 1].start() if i + 1 < len(tags) else len(text)
            start = m.end()
            value = text[start:end].rstrip().rstrip(",").rstrip()
            if value[-1:] in "\"}":
                value = value[:-1]
            while len(value) > 2 and value.startswith("{") and value.endswith("}"):  # BibTeX's "{{Title}}"
                value, start = value[1:-1], start + 1
            lead = len(value) - len(value.lstrip())
            if value.strip():
                out.append((m.group("tag"), start + lead, start + len(value), wanted))
        return out
    return []


def _blank(text: str, spans: list[tuple[int, int]], first: str = " ") -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = [first] + [" "] * (end - start - 1) if end > start else []
    return "".join(chars)


def plain_lines(text: str) -> str:
    """Return the text with export tags turned into line breaks and markup blanked, same length."""
    for opening, tag_pattern, _wanted in _FORMATS:
        if opening.match(text):
            if tag_pattern is _MEDLINE:  # one field wrapped over lines reads as one line
                text = _MEDLINE_WRAP.sub(" ", text)
            if tag_pattern is _BIBTEX_FIELD:
                text = _LATEX_ESCAPE.sub(" ", text)
            text = _blank(text, [m.span() for m in tag_pattern.finditer(text)], "\n")
            break
    if _TAG.search(text[:5000]):
        text = _blank(text, [m.span() for m in _TAG.finditer(text)])
    text = _ENTITY.sub(_entity, text)
    return _blank(text, [m.span() for m in _MARKDOWN.finditer(text)])


def _entity(match: re.Match[str]) -> str:
    """A character entity as its character, padded to the entity's length ("&lt;" is "<   ": "P &lt; 0.001" keeps
    its comparator); an unknown name is left as written."""
    char = html.unescape(match.group(0))
    if len(char) != 1:
        return match.group(0)
    return (" " if not char.isprintable() else char) + " " * (len(match.group(0)) - 1)
