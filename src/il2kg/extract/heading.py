"""The page's heading: its title and its author line, found among the lines before the abstract."""

from __future__ import annotations

import re
from functools import lru_cache

from il2kg.extract.cue_tables import compile_cues
from il2kg.extract.export_authors import export_authors
from il2kg.extract.issue_line import VOLUME_LINE, journal_above
from il2kg.extract.markup import export_fields
from il2kg.extract.text import SECTION_ALT, Page, iter_lines, rule_facts
from il2kg.model import Fact

# "Michelle Rosenzwajg et al. Ann Rheum Dis. 2019 Feb." (PubMed's short citation).
ET_AL = re.compile(
    r"(?P<author>[A-Z][\w'\-]+(?: [A-Z][\w'\-]*\.?){0,4}) et al\.\s+(?P<journal>[A-Z][^\n]{0,120}?\.)\s+"
    r"(?P<year>(?:19|20)\d\d)\b"
)


_fact = rule_facts("metadata")


def abstract_start(page: Page) -> int:
    """Offset of the first section heading (the abstract's start), or the page's end."""
    heads = [s.start for s in page.sections if s.name not in ("back-matter", "abstract")]
    return min(heads) if heads else len(page.clean)


_TITLE_MAX = 300
# What makes a line no title, by name: masthead words anywhere ("doi", "© 2020", "Volume 3"); a bullet, a
# figure caption, a journal-and-date line, a search-engine snippet ("... - … England Journal of …"); a section
# label ("Purpose:", "BACKGROUND").
_NOT_TITLE = compile_cues({
    "masthead": r"^[.\d(\[|]|doi\b|[h]ttps?:|\bvolume\s+\d|©|copyright|research output|\b(?:19|20)\d\d\s*;",
    "line": r"^[\u2022*•-]\s|^(?:fig(?:ure)?\.?|table)\s*\d|…|^this\s+(?:article|page|site)\b|\b10\.\d{4,9}/|"
    r"\bsupplementary\b|\bjoin\s+us\b|\bfeedback\b|\bsubject\s+terms\b|\bcookies?\b|\bsubscri|"
    r"\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:19|20)\d\d\b|"
    r"\bjournal\b.*\b(?:19|20)\d\d|^\w+\s*=\s*[\"{]"
    r"|^home(?:\s*[>›»/|]|\s{2,})",  # a breadcrumb trail: "Home > Journals > ..."
    "section-start": rf"^(?:{SECTION_ALT})\b\s*(?::|$|(?=[A-Z]))",
})
_LABEL_START = re.compile(r"^(?P<label>[\w ]{2,30}):\s")
# What may open a title line: a caption's label, a search engine's format tags ("[HTML][HTML] Regulatory ...").
_CAPTION_LEAD = re.compile(r"^(?:(?:from|source|title)\s*:\s*|(?:\[(?:HTML|PDF|CITATION|BOOK|B|C)\]\s*)+"
                           r"|(?-i:[A-Z]{2,4}\d{3,5})\s+)",  # a congress abstract's number: "POS0871 LOW-DOSE ..."
                           re.IGNORECASE)


def _is_title_line(line: str) -> bool:
    words = line.split()
    shouting = not any(c.islower() for c in line)  # a congress abstract's title in capitals has six words or more
    if not 5 <= len(words) or len(line) > _TITLE_MAX or (shouting and (len(words) < 6 or not _TOPIC.search(line))):
        return False
    if any(cue.search(line) for cue in _NOT_TITLE.values()):
        return False
    if len(re.findall(r"[a-z]{2}[.?!]\s+[A-Z]", line)) >= 1:
        return False  # two sentences or more: an abstract written on one line
    label = _LABEL_START.match(line)
    return not (label and label.group("label").strip().lower() in _LABEL_WORDS)


# What this knowledge graph's studies are about; a masthead ("The New England Journal of Medicine", "Case Series |
# Open Access", "Journal of ..., in press") does not say it. Of the title-like lines, the first that does is the
# title (else the first of them).
_TOPIC = re.compile(r"interleukin|\bIL-?2\b|leukin\b|\bTregs?\b|regulatory\s+T", re.I)
# A sentence, not a title: "MIROCALS is a phase II study of ld-IL-2 ...", "The primary objective to evaluate ...".
_STATEMENT = re.compile(r"\b(?:is|are|was|were|will|has|have|had|may|can|could|should|must|might)\s|"
                        r"\bto\s+(?:evaluate|assess|determine|investigate|"
                        r"establish|examine|test|compare|explore)\b|^[^\n]{200}"
                        # a record's "A.3 Full title of the trial:" (its label blanked when the record is read)
                        r"|^[\w. ]{0,12}[A-Za-z ]{0,30}\btitle\b[^:\n]{0,30}:|^[\w.]{1,8}\s+:",
                        re.I | re.M)
_LABEL_WORDS = frozenset({"purpose", "key points", "experimental design", "importance", "significance", "aims",
                          "summary", "highlights", "objective", "objectives", "background", "abstract"})


_DEGREE_LIST = re.compile(r",\s*(?:M\.D\.|Ph\.D\.|M\.P\.H\.|MD|PhD|MBBS|FRCP)(?:,|\s|$)")


@lru_cache(maxsize=16)
def find_title(page: Page) -> tuple[int, int] | None:
    """Return the span of the title: an export's title field, else the first title-like line before the abstract."""
    exported = export_fields(page.raw).get("title")
    if exported:
        return exported
    limit = abstract_start(page)
    issue = VOLUME_LINE.search(page.clean, 0, limit)
    journal = journal_above(page, issue.start(), "journal") if issue else None  # the journal, not the title
    lines = iter_lines(page.clean)
    candidates = []
    for i, (start, end) in enumerate(lines):
        if start >= limit:
            break
        line = page.clean[start:end]
        lead = _CAPTION_LEAD.match(line)
        if not _is_title_line(line[lead.end() if lead else 0 :]) or (journal and journal.evidence.start == start):
            continue
        if line.count(",") >= 3 and _names_in(line) or _DEGREE_LIST.search(line):  # an author list, not a title
            continue
        candidates.append((i, start + (lead.end() if lead else 0)))
    if not candidates:
        return None
    topical = [c for c in candidates[:4] if _TOPIC.search(page.clean, c[1], lines[c[0]][1])
               and not _STATEMENT.search(page.clean, c[1], lines[c[0]][1])]
    i, start = topical[0] if topical else candidates[0]
    head = " ".join(page.clean[start : lines[i][1]].lower().split())
    after = next(((j, s) for j, s in candidates if j == i + 1), None)
    following = " ".join(page.clean[after[1] : lines[i + 1][1]].lower().split()) if after else ""
    if after and (head in following or _english(following) > _english(head) + 1):
        i, start = after  # a running head over the full title, or a title in French over its English translation
    end = _wrapped_end(page, lines[i:], limit)
    return start, end - (1 if page.clean[end - 1] == "." else 0)


# A title wrapped over lines (a PDF's text): the line breaks off mid-phrase ("... in refractory immune",
# "single-") or the next line goes on in lower case.
_UNFINISHED = re.compile(r"(?:-|,|:|\b(?:in|of|and|or|the|a|an|with|for|to|on|versus|vs|at|by|from|after|"
                         r"among|immune|low-dose|high-dose))$", re.IGNORECASE)


SUBTITLE = re.compile(r"(?:An?|The)\s+(?:[\w-]+\s+){0,5}?(?:Trial|Study)", re.I)


def title_text(text: str) -> str:
    """A title wrapped over lines as one line: "single-\narm" is "single-arm"; a subtitle line follows a colon."""
    lines = re.sub(r"(?<=\w-)\s*\n\s*", "", text).split("\n")
    if len(lines) > 1 and SUBTITLE.fullmatch(lines[-1].strip()) and re.search(r"[\w)]\s*$", lines[-2]):
        lines[-2] += ":"
    return " ".join(" ".join(lines).split())


def _english(text: str) -> int:
    return len(re.findall(r"\b(?:the|of|in|and|with|for|an|to|on|at|by|from|study|trial|patients)\b", text))


def _wrapped_end(page: Page, lines: list[tuple[int, int]], limit: int) -> int:
    """Where the title that starts on lines[0] ends: at most three more lines, 300 characters in all."""
    start, end = lines[0]
    for next_start, next_end in lines[1:4]:
        text, following = page.clean[start:end].rstrip(), page.clean[next_start:next_end].strip()
        if next_start >= limit or next_end - start > _TITLE_MAX or not following or text.endswith("."):
            break
        if SUBTITLE.fullmatch(following):  # "A Randomized Clinical Trial" under the title (JAMA's layout)
            return next_end
        if re.match(r"[Bb]y\s+[A-Z][\w'-]+\s+[A-Z]", following):
            break  # a byline ("by Jennifer Walsh, Contributing Writer")
        if not (_UNFINISHED.search(text) or following[0].islower()) or _NOT_TITLE["section-start"].match(following):
            break
        end = next_end
    return end


# A name may open with a capital beyond ASCII: "Ó Briain C", "Øvrebø K", "Łukasik A".
_NAME_TOKEN = re.compile(r"^(?:[A-ZÀ-ÖØ-ÞĀ-ſ][\w'\-]*\.?|[A-ZÀ-ÖØ-ÞĀ-ſ]\.?"
                         r"|de|del|der|van|von|da|di|la|le|dos|du|ten|ter)$")
_NOT_NAME = frozenset(
    "trial article clinical journal abstract review research study text info tools metrics citation alerts"
    " responses content access open original free full affiliations authors keywords department university"
    " hospital institute centre center school disease diseases medicine information session poster presentation"
    " number details history download figures tables references supplementary similar related articles issue"
    " volume section menu home search panel overlay cite citations pdf export print email author links notes"
    " disclosures background methods results conclusions purpose objective staff reporter correspondent writer"
    " editor editors team newsroom key points highlights messages summary graphical".split()
)
# Degrees after a name's comma ("Naomi Castellanos, MD, PhD"; "Smith MD" is a name and initials) and "et al".
_DEGREES = re.compile(r"(?<=,)\s*(?:MD|PhD|MSc|MBBS|MBChB|MPH|DPhil|PharmD|RN|BSc|MS|DO|FRCPC?|MRCP)\b\.?"
                      r"|(?<=,)\s*(?:M\.D\.|Ph\.D\.|M\.P\.H\.|M\.B\.)|\bet\s+al\b\.?"
                      r"|,?\s*\bfor\s+the\s+[^,;]{2,60}?(?:Group|Investigators|Consortium|Network)\b\*?\s*$")
_ORCID = re.compile(r"\S*orcid\.org/[\dX\-]{19}")
_AFFIL_MARKS = re.compile(r"(?<=[A-Za-z])[\d*†‡§]+(?:,[\d*†‡§]+)*|^\s*\d+\.\s+"
                          # PubMed's summary text: "Kowalski PJ(1), Sørensen AM(2), Ueda K(3)." (and its full stop)
                          r"|(?<=\w)\(\d{1,3}(?:,\s?\d{1,3})*\)|(?<=[\w)])\.[ \t]*$")


def _is_name(chunk: str) -> bool:
    tokens = chunk.split()
    if not 2 <= len(tokens) <= 5 or any(t.lower() in _NOT_NAME for t in tokens):
        return False
    return all(_NAME_TOKEN.match(t) for t in tokens) and tokens[-1][0].isupper()


def _name_chunks(line: str, offset: int) -> list[tuple[int, int]]:
    """Split a line into name spans (offsets absolute), after blanking ORCID URLs and affiliation marks."""
    masked = _AFFIL_MARKS.sub(lambda m: " " * len(m.group(0)), _ORCID.sub(lambda m: " " * len(m.group(0)), line))
    masked = re.sub(r"^\s*By\s", "   ", masked)  # a news byline: "By Maria Santos and Tom Reed"
    masked = _DEGREES.sub(lambda m: " " * len(m.group(0)), masked)  # "Naomi Castellanos, MD; ...; et al"
    spans = []
    for m in re.finditer(r"[^,;]+", re.sub(r"\band\b|&", lambda m: "," + " " * (len(m.group(0)) - 1), masked)):
        body = m.group(0)
        if body.strip():
            lead = len(body) - len(body.lstrip())
            spans.append((offset + m.start() + lead, offset + m.start() + len(body.rstrip())))
    return spans


def _names_in(line: str) -> bool:
    chunks = _name_chunks(line, 0)
    return bool(chunks) and all(_is_name(line[s:e]) for s, e in chunks)


def _split_squashed(page: Page, start: int, end: int) -> list[tuple[int, int]]:
    # Pure pages glue the last two authors: "Timothy TreeGilbert Bensimon".
    text = page.clean[start:end]
    m = re.search(r"(?<=[a-z]{3})(?=[A-Z][a-z]+ [A-Z][\w'\-]+$)", text)
    if m and len(text.split()) >= 3 and not re.search(r"(?:Mc|Mac)$", text[: m.start()]):
        return [(start, start + m.start()), (start + m.start(), end)]
    return [(start, end)]


def find_authors(page: Page) -> tuple[Fact[str], ...]:
    """Return the authors in page order: a citation export's author fields, the author block after the title, or
    the first of an "et al." line."""
    exported = export_authors(page.raw)
    if exported:
        return tuple(_fact(page, name, start, end, "export-author-normalised" if normalised else "export-author")
                     for name, start, end, normalised in exported)
    et_al = ET_AL.search(page.clean, 0, abstract_start(page))
    if et_al:
        return (_fact(page, et_al.group("author"), et_al.start("author"), et_al.end("author"), "et-al-author"),)
    title = find_title(page)
    if not title:
        return ()
    spans: list[tuple[int, int]] = []
    skipped = 0
    for start, end in iter_lines(page.clean[: abstract_start(page)]):
        if start < title[1]:
            continue
        chunks = _name_chunks(page.clean[start:end], start)
        if chunks and all(_is_name(page.clean[s:e]) for s, e in chunks):
            spans.extend(chunks)
            continue
        if spans or skipped >= 15:
            break
        skipped += 1
    if spans:
        spans = spans[:-1] + _split_squashed(page, *spans[-1])
    return tuple(_fact(page, page.clean[s:e], s, e, "author-list") for s, e in spans)
