"""Reading a cleaned page: sentences and sections, all keeping raw character offsets (cleaning: furniture.py).

Cleaning never changes the length of the text: furniture is blanked with spaces and odd
characters are replaced one for one (middle-dot decimals, thin spaces, en dashes), so an
offset into the cleaned text is the same offset into the raw document and every evidence
span can be checked against the file itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from il2kg.extract.furniture import clean
from il2kg.extract.span import Span
from il2kg.model import Evidence, Fact

SECTION_NAMES = {
    "background": "background", "introduction": "background", "context": "background",
    "objective": "objectives", "objectives": "objectives", "aim": "objectives", "aims": "objectives",
    "purpose": "objectives",
    "methods": "methods", "method": "methods", "design": "methods", "patients and methods": "methods",
    "methods and findings": "methods", "material and methods": "methods", "materials and methods": "methods",
    "subjects and methods": "methods", "participants and methods": "methods", "methods and materials": "methods",
    "study design": "methods", "experimental design": "methods", "methodology": "methods",
    "design, setting, and participants": "methods", "design, setting and participants": "methods",
    "main outcomes and measures": "methods", "main outcome measures": "methods", "interventions": "methods",
    "importance": "background", "background and aims": "background", "background and objectives": "background",
    "rationale": "background", "conclusions and relevance": "conclusions", "summary": "abstract",
    "findings": "results", "results": "results", "approach and results": "results", "methods and results": "results",
    "results and conclusions": "results", "results and conclusion": "results", "main results": "results",
    "design and methods": "methods",
    "discussion": "discussion", "limitations": "discussion", "strengths and limitations": "discussion",
    "study limitations": "discussion",
    "interpretation": "conclusions", "conclusion": "conclusions", "conclusions": "conclusions",
    "funding": "funding", "funding statement": "funding", "funding information": "funding",
    "funding sources": "funding", "source of funding": "funding", "sources of funding": "funding",
    "financial support": "funding", "role of the funding source": "back-matter",
    "competing interest statement": "back-matter", "competing interests statement": "back-matter",
    "trial registration": "registration", "trial registration number": "registration",
    "clinical trial registration": "registration", "registration": "registration",
    "keywords": "keywords", "key words": "keywords",
    "abstract": "abstract",
    # Back matter: a heading of its own, so that the abstract's last section stops before it.
    "data availability statement": "back-matter", "data availability": "back-matter",
    "competing interests": "back-matter", "conflict of interest statement": "back-matter",
    "conflicts of interest": "back-matter", "footnotes": "back-matter", "contributors": "back-matter",
    "ethics approval": "back-matter", "patient consent for publication": "back-matter",
    "provenance and peer review": "back-matter", "supplementary materials": "back-matter",
    "handling editor": "back-matter", "acknowledgements": "back-matter", "acknowledgments": "back-matter",
    "comment in": "back-matter", "publication types": "back-matter", "associated data": "back-matter",
    "original language": "back-matter", "affiliations": "back-matter", "correspondence to": "back-matter",
    "author information": "back-matter", "copyright": "back-matter", "disclosure": "back-matter",
}
# Sections that are one paragraph: they end with the line that carries their text.
_ONE_LINE_SECTIONS = frozenset({"funding", "registration", "keywords", "back-matter", "abstract"})
SECTION_ALT = "|".join(sorted((re.escape(k) for k in SECTION_NAMES), key=len, reverse=True))
# "Methods: We ...", "Methods We ..." (BMJ style), "MethodsWe ..." (squashed) at a line or sentence start,
# also after a list bullet ("• Funding The work was ...").
_SECTION_HEAD = re.compile(
    rf"(?:(?<=\n)|^|(?<=[.!?]\s)|(?<=[.!?]))[ ]*(?:[\u2022*][ ]*)?(?P<name>{SECTION_ALT})"
    rf"(?:[ ]*:[ :]*|[ ]+(?=[A-Z(])|(?=[A-Z][a-z])|[ ]*\n)",
    re.IGNORECASE,
)

_ABBREVIATIONS = (
    "et al", "e.g", "i.e", "vs", "fig", "figs", "no", "dr", "prof", "approx", "ca", "cf", "resp", "ref",
    "refs", "vol", "suppl", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "mr", "mrs", "ms", "st", "inc", "ltd", "co", "dept", "univ", "min", "max", "approx", "n.s",
)
_SENTENCE_END = re.compile(r"[.!?…](?=[\"')\]]*(?:\s+|$))|\n\s*\n|\n(?=\s*[\u2022*]\s)")


@dataclass(frozen=True, slots=True)
class Snippet(Span):
    """A piece of the document and its text as read (a line, a table cell, a sentence)."""

    text: str


@dataclass(frozen=True, slots=True)
class Sentence(Snippet):
    """A sentence, its text with whitespace collapsed, and the section it stands in."""

    section: str | None


@dataclass(frozen=True, slots=True)
class Section(Span):
    """A named section: the span from its heading's end to the next heading."""

    name: str


@dataclass(frozen=True, slots=True)
class Page:
    """A document read for extraction: raw text, the same-length cleaned text, sentences, sections."""

    raw: str
    clean: str
    sections: tuple[Section, ...]
    sentences: tuple[Sentence, ...]

    def evidence(self, start: int, end: int, method: str) -> Evidence:
        """Build the Evidence for a span: the raw text of the sentence(s) it lies in, and the rule name.

        A span that runs across a sentence boundary (a schedule written over two sentences) quotes
        every sentence it touches, so the quote always contains the span.
        """
        touched = [s for s in self.sentences if s.start < max(end, start + 1) and start < s.end]
        if not touched:
            return Evidence(start, end, collapse(self.raw[start:end]), method)
        first, last = touched[0].start, touched[-1].end
        return Evidence(start, end, collapse(self.raw[min(first, start) : max(last, end)]), method)

    def fact(self, value: object, start: int, end: int, method: str) -> Fact:
        """Build a Fact for a value read from the half-open span [start, end)."""
        return Fact(value, self.evidence(start, end, method))

    def sentence_at(self, offset: int) -> Sentence | None:
        """Return the sentence containing an offset, if any."""
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return None

    def section_of(self, offset: int) -> str | None:
        """Return the name of the section containing an offset."""
        for section in self.sections:
            if section.start <= offset < section.end:
                return section.name
        return None


def rule_facts(extractor: str) -> Callable[[Page, object, int, int, str], Fact]:
    """The fact builder of one extractor: `fact(page, value, start, end, rule)` records the method
    "<extractor>.<rule>", so every fact's evidence names the extractor and the rule that read it."""

    def fact(page: Page, value: object, start: int, end: int, rule: str) -> Fact:
        return page.fact(value, start, end, f"{extractor}.{rule}")

    return fact


_ASCII_SPACE = re.compile(r"[ \t\r\n\f\v]+")


def collapse(text: str) -> str:
    """Collapse runs of ASCII whitespace to one space and strip the ends (a no-break space stays, as in a span)."""
    return _ASCII_SPACE.sub(" ", text).strip(" ")


def _line_end(text: str, start: int, limit: int) -> int:
    """Return the end of the first non-blank line at or after `start` (not beyond `limit`)."""
    body = start + len(text[start:limit]) - len(text[start:limit].lstrip())
    newline = text.find("\n", body, limit)
    return limit if newline < 0 else newline


# A blank line followed by a list bullet or a short line without final punctuation: the prose has stopped.
_PROSE_STOP = re.compile(r"\n[ ]*\n\s*(?:[\u2022*]|[^\n]{1,60}(?<![.!?:;,])[ ]*\n)")


def find_sections(text: str) -> tuple[Section, ...]:
    """Find section headings in cleaned text and return the spans they govern."""
    heads = [(m.group("name").lower(), m.start(), m.end()) for m in _SECTION_HEAD.finditer(text)]
    sections = []
    for i, (name, _start, body_start) in enumerate(heads):
        end = heads[i + 1][1] if i + 1 < len(heads) else len(text)
        canonical = SECTION_NAMES[" ".join(name.split())]
        if canonical in _ONE_LINE_SECTIONS:
            end = _line_end(text, body_start, end)
        else:
            stop = _PROSE_STOP.search(text, body_start, end)
            end = stop.start() if stop else end
        sections.append(Section(body_start, end, canonical))
    return tuple(sections)


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(0, dot - 12) : dot])
    if not word:
        return False
    token = word.group(1).lower().rstrip(".")
    if token in _ABBREVIATIONS:
        return True
    return len(token) == 1 and token.isalpha()  # initials: "Pamela J. Shaw"


def split_sentences(text: str, sections: tuple[Section, ...] = ()) -> tuple[Sentence, ...]:
    """Split cleaned text into sentences with offsets; headings start new sentences."""
    cuts = {0, len(text)}
    for section in sections:
        cuts.add(section.start)
    for match in _SENTENCE_END.finditer(text):
        if match.group(0) == "." and _is_abbreviation(text, match.start()):
            continue
        nxt = text[match.end() : match.end() + 40].lstrip()
        if match.group(0) in ".!?…" and nxt[:1].islower():
            continue  # "p < 0.05. and" or an abbreviation we do not know: not a boundary
        cuts.add(match.end())
    for line in re.finditer(r"\n", text):  # a line that ends without punctuation ends a sentence
        before = text[max(0, line.start() - 200) : line.start()].rstrip(" ")  # bounded: no quadratic scan
        if before and before[-1] not in ",;:-(" and not text[line.end() : line.end() + 1].islower():
            cuts.add(line.end())
    bounds = _capped(sorted(cuts), text)
    out = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail <= lead:
            continue
        s, e = start + lead, start + trail
        section = next((sec.name for sec in sections if sec.start <= s < sec.end), None)
        out.append(Sentence(s, e, collapse(text[s:e]), section))
    return tuple(out)


MAX_SENTENCE = 1500  # real sentences are shorter; a longer run (a table, a page with no full stop) is cut


def _capped(bounds: list[int], text: str) -> list[int]:
    """Cut spans longer than MAX_SENTENCE at a space, so no rule ever reads an unbounded 'sentence'."""
    out = [bounds[0]]
    for end in bounds[1:]:
        while end - out[-1] > MAX_SENTENCE:
            limit = out[-1] + MAX_SENTENCE
            space = text.rfind(" ", out[-1] + MAX_SENTENCE // 2, limit)
            out.append(space if space > 0 else limit)
        out.append(end)
    return out


def iter_lines(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) spans of the non-blank lines of a text, stripped of surrounding spaces."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        body = match.group(0)
        if body.strip():
            lead = len(body) - len(body.lstrip())
            spans.append((match.start() + lead, match.start() + len(body.rstrip())))
    return spans


def read_page(raw: str) -> Page:
    """Clean a raw document and split it into sections and sentences."""
    text = clean(raw)
    sections = find_sections(text)
    sentences = split_sentences(text, sections)
    raw_sentences = tuple(Sentence(s.start, s.end, collapse(raw[s.start : s.end]), s.section) for s in sentences)
    return Page(raw=raw, clean=text, sections=sections, sentences=raw_sentences)

