"""Cleaning a saved page without moving a character: furniture, reference lists and repeats blanked.

Cleaning never changes the length of the text: furniture is blanked with spaces and odd
characters are replaced one for one (middle-dot decimals, thin spaces, en dashes), so an
offset into the cleaned text is the same offset into the raw document and every evidence
span can be checked against the file itself.
"""

from __future__ import annotations

import re

from il2kg.extract.markup import plain_lines

# One-for-one character replacements (same length, so offsets survive).
_CHAR_MAP = {
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ",
    "\u202f": " ", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'",
    "\t": " ", "\u200b": " ", "\ufeff": " ", "\u3000": " ", "\u3001": ",", "\u3002": ".",
    # Full-width ASCII, as pages from Chinese and Japanese journals write it: "（P＜0.05）", "n＝30".
    **{chr(0xFF01 + i): chr(0x21 + i) for i in range(94)},
}
_MIDDOT_DECIMAL = re.compile(r"(?<=\d)[\u00b7\u2219\u22c5](?=\d)")

# Lines that are page furniture on journal, PubMed and citation pages (whole line, case-insensitive).
_FURNITURE_LINE = re.compile(
    r"""^\s*(?:[\u2022*\-|]\s*)?(?:
        skip\ to\ (?:main\ )?(?:page\ )?content | log\ ?in\b.* | sign\ ?(?:in|up)\b.* | register\b.* |
        forgot\ your\b.* | username\ ?\*? | password\ ?\*? | subscribe | basket | search(?:\ for\ this\ keyword)? |
        advanced\ search | more | close | main\ menu | email\ alerts | article\ (?:text|menu|info|metrics) |
        citation\ tools | share | rapid\ responses | alerts | latest\ content | current\ issue | archive |
        authors | about | podcasts | home | you\ are\ here | \[image:[^\]]*\].* | \[bookmark:[^\]]*\] |
        .*cookies?\b.*(?:accept|settings|policy|consent).* | accept(?:\ all)?(?:\ cookies)? |
        an\ official\ website\ of\ the\ united\ states\ government | u\.s\.\ flag | dot\ gov | https |
        the\ \.gov\ means\ it.s\ official\. | the\ site\ is\ secure\. |
        federal\ government\ websites\ often\ end\ in.* | the\ https://\ ensures\ that.* |
        access\ keys\b.* | pubmed\ disclaimer | cite\ this | cite | view\ full\ text.* |
        help\ me\ understand\ this\ report | search\ citation\ statements | order\ by:.* |
        select\.\.\. | show\ more | download\ pdf | pdf | request\ permissions | for\ personal\ accounts.* |
        search\ (?:[\d,.]+\ (?:million\ )?)?(?:papers|articles|publications)\b.* | save\ to\ library | create\ alert |
        view\ via\ publisher | author\ links\ open\ overlay\ panel | discover\ the\ world's\ research
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)

# Headings that open a reference list; everything after one is reference furniture, but only when the
# next line reads like a reference entry: on citation pages "References" is also a tab label followed by
# a count ("References 34 publications") or by quoted citing statements, which must be kept.
_REFERENCES_HEADING = re.compile(r"^\s*(?:references|bibliography|literature cited)\s*$", re.IGNORECASE)
_REFERENCES_INLINE = re.compile(r"^\s*(?:references|bibliography|literature cited)\s*:\s*(?P<first>.+)$", re.IGNORECASE)
_REFERENCE_ENTRY = re.compile(
    r"^\s*(?:\[\d{1,3}\]|\d{1,3}[.)]?\s+[A-Z][\w'\-]+,?\s+[A-Z]{1,3}\b|\d{1,3}[.)]\s+\S)"  # "1. ", "[1]", "1 Smith J"
    r"|^\s*[A-Z][\w'\-]+,?\s+(?:[A-Z]\.?[ -]?){1,3}[,.]"  # "Smith J, Doe A." / "Smith, J., ..."
)

def normalise_chars(text: str) -> str:
    """Replace typographic characters one for one: decimals, spaces, dashes, quotes."""
    text = _MIDDOT_DECIMAL.sub(".", text)
    return text.translate(str.maketrans(_CHAR_MAP))


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def clean(raw: str) -> str:
    """Return the cleaned page: same length as `raw`, furniture, reference lists and repeats blanked."""
    text = plain_lines(normalise_chars(raw))
    seen: set[str] = set()
    offset = 0
    in_references = False
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        body = line.strip()
        start, end = offset, offset + len(line.rstrip("\r\n"))
        offset += len(line)
        if not body:
            continue
        if in_references or _FURNITURE_LINE.match(body):
            text = _blank(text, start, end)
            continue
        if _REFERENCES_HEADING.match(body):
            in_references = _opens_reference_list(lines[index + 1 :])
            text = _blank(text, start, end)
            continue
        inline = _REFERENCES_INLINE.match(body)
        if inline and _REFERENCE_ENTRY.match(inline.group("first")):  # "References: 1. He J, et al. Nat Med 2016;..."
            in_references = _opens_reference_list(lines[index + 1 :])
            text = _blank(text, start, end)
            continue
        key = " ".join(body.split()).lower()
        if len(key) >= 40 and key in seen:  # a repeated block (a title shown twice, a duplicated quote)
            text = _blank(text, start, end)
            continue
        seen.add(key)
    return text


def _opens_reference_list(following: list[str]) -> bool:
    """Tell whether the first non-blank line after a "References" heading is a reference entry."""
    first = next((line for line in following if line.strip()), "")
    return bool(_REFERENCE_ENTRY.match(first))
