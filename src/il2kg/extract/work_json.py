"""Bibliographic works saved as JSON: OpenAlex works, Crossref works (`message`), CSL-JSON items (Zotero, citeproc),
Europe PMC search results of one article (`resultList`).

The publication's fields are read from their keys, each fact's span the value in the JSON and its quote the
member (`"cited_by_count": 23`). An abstract ("abstract" in CSL and Crossref, JATS markup and all) is rendered
under the title as an article page and read by the article extractor, so the trial it reports comes out as it
does from an abstract page or a RIS export.
"""

from __future__ import annotations

import re
from dataclasses import replace

from il2kg.extract.json_scan import Node, key_of
from il2kg.extract.rendering import Rendering
from il2kg.extract.text import collapse, read_page
from il2kg.model import CitationCount, Evidence, Fact, Lexicon, Publication, Record

_DOI = re.compile(r"10\.\d{4,9}/\S+")
_PMID = re.compile(r"(?<!\d)\d{4,9}(?!\d)")
_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")
_OPENALEX = ("cited_by_count", "referenced_works_count", "publication_year", "authorships", "primary_location")
_CROSSREF = ("is-referenced-by-count", "references-count", "reference-count", "container-title-short")
_CSL = ("container-title", "issued", "DOI", "author", "type", "abstract")
_EUROPEPMC = ("authorString", "journalTitle", "journalInfo", "pubYear", "pmcid", "citedByCount", "abstractText")
# Where each format keeps a field (a path of member names); formats not listed keep it under _DEFAULT_PATHS.
_PATHS = {
    "journal": {"openalex": ("primary_location", "source", "display_name"), "europepmc": ("journalTitle",),
                "europepmc-core": ("journalInfo", "journal", "title")},
    "volume": {"openalex": ("biblio", "volume"), "europepmc": ("journalVolume",),
               "europepmc-core": ("journalInfo", "volume")},
    "issue": {"openalex": ("biblio", "issue"), "europepmc-core": ("journalInfo", "issue")},
}
_DEFAULT_PATHS = {"journal": ("container-title",), "volume": ("volume",), "issue": ("issue",)}


def _one(node: Node) -> Node:
    """A list of one work as that work (a CSL export of one item, an index's single result)."""
    if node.kind == "array" and len(node.items) == 1:
        return node.items[0]
    results = node.get("results", "items") or node.path("resultList", "result")
    if results is not None and results.kind == "array" and len(results.items) == 1:
        return results.items[0]
    return node


def work_of(root: Node) -> tuple[str, Node] | None:
    """("openalex" | "crossref" | "csl" | "europepmc", the work's object) for a saved work record, else None."""
    node = _one(root)
    message = node.get("message")
    if message is not None and message.kind == "object":
        node = _one(message)
    if node.kind != "object" or node.get("title", "display_name") is None:
        return None
    if sum(k in node.members for k in _OPENALEX) >= 2:
        return "openalex", node
    if sum(k in node.members for k in _EUROPEPMC) >= 2:
        return "europepmc", node
    if any(k in node.members for k in _CROSSREF) or message is not None:
        return "crossref", node
    if sum(k in node.members for k in _CSL) >= 2:
        return "csl", node
    return None


def kind_of(fmt: str, work: Node) -> str:
    """A work shown with its citation counts and no abstract of its own is an index's page about it: a
    citation page; otherwise the work's own page, an article."""
    counted = any(work.get(k) is not None for k in ("cited_by_count", "is-referenced-by-count", "citedByCount"))
    return "citation-page" if counted and _abstract(work) is None else "article"


def _fact(raw: str, node: Node, value: object, method: str, start: int | None = None,
          end: int | None = None, quoted: Node | None = None) -> Fact:
    """A fact read from a JSON value: its span (all of the value unless given) and the member as its quote."""
    start = node.start if start is None else start
    end = node.end if end is None else end
    quoted = quoted or node
    quote_end = quoted.end + (raw[quoted.end : quoted.end + 1] == '"')
    return Fact(value, Evidence(start, end, collapse(raw[quoted.key_start : quote_end]), f"work_json.{method}"))


def _items(node: Node | None) -> list[Node]:
    """A list's items (a single value as a list of one); none for a missing key."""
    return node.list() if node is not None else []


def _first(node: Node | None) -> Node | None:
    """A value, or the first item of a list of values (Crossref writes titles as lists)."""
    if node is not None and node.kind == "array":
        return node.items[0] if node.items else None
    return node


def _text(raw: str, node: Node | None, method: str) -> Fact[str] | None:
    node = _first(node)
    value = collapse(node.scalar() or "") if node is not None else ""
    return _fact(raw, node, value, method) if value else None


def _matched(raw: str, node: Node | None, pattern: re.Pattern[str], method: str, *, as_int: bool = False,
             lower: bool = False, quoted: Node | None = None) -> Fact | None:
    """The part of a value a pattern finds ("https://doi.org/10.1/x" holds the DOI 10.1/x)."""
    node = _first(node)
    text = node.scalar() if node is not None else None
    m = pattern.search(text) if text else None
    if node is None or m is None:
        return None
    value: object = int(m.group(0)) if as_int else m.group(0).lower() if lower else m.group(0)
    return _fact(raw, node, value, method, *node.raw_span(m.start(), m.end()), quoted=quoted)


def _year(raw: str, work: Node) -> Fact[int] | None:
    """The year: OpenAlex's publication_year, else the first date-parts year of issued / published."""
    found = _matched(raw, work.get("publication_year", "pubYear"), _YEAR, "year", as_int=True)
    for key in ("issued", "published", "published-print", "published-online"):
        parts = work.path(key, "date-parts")
        first = _first(_first(parts))
        found = found or _matched(raw, first, _YEAR, "year", as_int=True, quoted=work.get(key))
    return found


def _authors(raw: str, fmt: str, work: Node) -> tuple[Fact[str], ...]:
    """Authors as "Given Family" (or as the record names them), each spanning the values it joins."""
    out = []
    if fmt == "openalex":
        for authorship in _items(work.get("authorships")):
            name = authorship.path("author", "display_name")
            if (fact := _text(raw, name, "author")) is not None:
                out.append(fact)
        return tuple(out)
    if fmt == "europepmc":
        return _europepmc_authors(raw, work)
    for author in _items(work.get("author")):
        given, family = author.get("given"), author.get("family")
        parts = [n for n in (given, family) if n is not None and n.scalar()]
        if not parts:
            if (fact := _text(raw, author.get("literal", "name"), "author")) is not None:
                out.append(fact)
            continue
        value = " ".join(collapse(n.text) for n in parts)
        start, end = min(n.start for n in parts), max(n.end for n in parts)
        out.append(Fact(value, Evidence(start, end, collapse(raw[author.start : author.end]), "work_json.author")))
    return tuple(out)


def _europepmc_authors(raw: str, work: Node) -> tuple[Fact[str], ...]:
    """Europe PMC's author list ("fullName" as PubMed writes it), else its authorString split at commas."""
    names = [fact for a in _items(work.path("authorList", "author"))
             if (fact := _text(raw, a.get("fullName"), "author")) is not None]
    written = work.get("authorString")
    if names or written is None or not written.scalar():
        return tuple(names)
    out = []
    for m in re.finditer(r"[^,]+", written.text.rstrip(". ")):
        name = m.group(0).strip()
        if name:
            start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
            out.append(_fact(raw, written, name, "author", *written.raw_span(start, start + len(name))))
    return tuple(out)


def _pages(raw: str, fmt: str, work: Node) -> Fact[str] | None:
    if fmt != "openalex":
        return _text(raw, work.get("page", "pageInfo"), "pages")
    first, last = work.path("biblio", "first_page"), work.path("biblio", "last_page")
    if first is None or not first.scalar():
        return None
    if last is None or not last.scalar() or last.scalar() == first.scalar():
        return _text(raw, first, "pages")
    value = f"{first.scalar()}-{last.scalar()}"
    return _fact(raw, first, value, "pages", first.start, last.end, quoted=work.get("biblio"))


def _counts(raw: str, work: Node) -> tuple[CitationCount, ...]:
    out = []
    for kind, keys in (("citing-publications", ("cited_by_count", "is-referenced-by-count", "citedByCount")),
                       ("references", ("referenced_works_count", "references-count", "reference-count"))):
        node = work.get(*keys)
        if node is not None and node.kind == "number" and isinstance(node.value, int) and node.value >= 0:
            out.append(CitationCount(kind, _fact(raw, node, node.value, f"count-{kind}")))
    return tuple(out)


def _abstract(work: Node) -> Node | None:
    node = _first(work.get("abstract", "abstract_inverted_index", "abstractText"))
    if node is not None and node.kind == "object":  # OpenAlex: {"word": [positions]}
        return node if len(node.members) >= 5 else None
    return node if node is not None and node.scalar() and len(node.text.split()) >= 5 else None


_MAX_WORDS = 5_000  # an abstract has a few hundred words; a position beyond this is no abstract's


def _inverted_words(raw: str, index: Node) -> list[Node]:
    """An inverted abstract's words in reading order, each the key it is written as, up to the first gap (an index
    cut short lacks the words first used late, so the text stops where a word is missing)."""
    at: dict[int, Node] = {}
    for member in index.members.values():
        key = key_of(raw, member)
        for position in member.list() if key is not None else ():
            if position.kind == "number" and isinstance(position.value, int) and 0 <= position.value < _MAX_WORDS:
                at.setdefault(position.value, key)
    words = []
    while len(words) in at:
        words.append(at[len(words)])
    return words


def _field(fmt: str, work: Node, name: str) -> Node | None:
    """A field where the work's format keeps it (Europe PMC's core results nest the journal's)."""
    formats = (fmt + "-core", fmt) if work.get("journalInfo") is not None else (fmt,)
    paths = [_PATHS[name][f] for f in formats if f in _PATHS[name]] or [_DEFAULT_PATHS[name]]
    return next((node for path in paths if (node := work.path(*path)) is not None), None)


def publication(raw: str, fmt: str, work: Node, describes_trial: bool, kind: str) -> Publication:
    """The work's publication record."""
    title = _text(raw, work.get("title", "display_name"), "title")
    ids = work.get("ids")
    type_of = "trial-report" if describes_trial else "article"
    return Publication(
        title=title,
        authors=_authors(raw, fmt, work),
        journal=_text(raw, _field(fmt, work, "journal"), "journal"),
        year=_year(raw, work),
        volume=_text(raw, _field(fmt, work, "volume"), "volume"),
        issue=_text(raw, _field(fmt, work, "issue"), "issue"),
        pages=_pages(raw, fmt, work),
        doi=_matched(raw, work.get("DOI", "doi"), _DOI, "doi", lower=True),
        pmid=_matched(raw, work.get("PMID") or (ids.get("pmid") if ids else None), _PMID, "pmid"),
        publication_type=Fact(type_of, replace(title.evidence, method="work_json.publication-type"))
        if title and kind == "article" else None,
        citation_counts=_counts(raw, work),
    )


def _trial(raw: str, work: Node, kind: str, lexicon: Lexicon) -> Record | None:
    """The trial the work's abstract reports (its title heading the rendered page), evidence in the JSON."""
    from il2kg.extract import article  # the largest extractor: imported when a work is read

    abstract = _abstract(work)
    if abstract is None and kind != "article":
        return None
    page = Rendering()
    if page.value(_first(work.get("title", "display_name"))):
        page.label("\n\n")
    if abstract is not None:
        page.label("Abstract\n")
        if abstract.kind == "object":
            for i, word in enumerate(_inverted_words(raw, abstract)):
                page.label(" " if i else "")
                page.value(word, scattered=True)
        else:
            page.value(abstract)
        page.label("\n")
    if not page.segments:
        return None
    rendered = read_page(page.text)
    trial = article.extract_trial(rendered, lexicon, title_reports=kind == "article")
    sentences = tuple((s.start, s.end) for s in rendered.sentences)
    return page.remap(raw, trial, sentences) if trial is not None else None


def extract(raw: str, fmt: str, work: Node, *, kind: str, lexicon: Lexicon) -> list[Record]:
    """The Publication of a work record and, when its abstract (or title) reports one, the Trial."""
    trial = _trial(raw, work, kind, lexicon)
    pub = publication(raw, fmt, work, trial is not None, kind)
    if not any((pub.title, pub.doi, pub.pmid)):
        return []
    return [pub] if trial is None else [pub, trial]
