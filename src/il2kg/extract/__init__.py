"""Extraction: one pure `extract(text, *, lexicon) -> list[Record]` per document kind, and a dispatcher."""

from __future__ import annotations

from collections.abc import Callable

from il2kg.extract import citation_page, registry, structured
from il2kg.extract.kind import detect_kind
from il2kg.model import Lexicon, Record


def _article(text: str, *, lexicon: Lexicon) -> list[Record]:
    """Extract an article page (imported on first use: the largest extractor, and written separately)."""
    from il2kg.extract import article

    return article.extract(text, lexicon=lexicon)


EXTRACTORS: dict[str, Callable[..., list[Record]]] = {
    "article": _article,
    "citation-page": citation_page.extract,
    "registry-record": registry.extract,
}


# Extraction reads at most this many characters: an abstract page is a few thousand, a full-text page
# rarely more; a longer document is read up to here (the pipeline says so), so no input can take minutes.
MAX_CHARS = 150_000


def extract(text: str, *, lexicon: Lexicon, kind: str | None = None) -> tuple[str, list[Record]]:
    """Extract records with the extractor of `kind` (detected when None); return the kind used and the records."""
    text = text[:MAX_CHARS]
    record = structured.recognise(text)  # JSON saved from an API: read by its keys, not as prose
    if record is not None and kind in (None, record.kind):
        records = structured.extract(text, record, lexicon=lexicon)
        if records:
            return record.kind, records
    kind = kind or detect_kind(text, by_keys=False)  # a record broken before its fields: read as text
    if kind not in EXTRACTORS:
        raise ValueError(f"unknown document kind {kind!r}: expected one of {', '.join(sorted(EXTRACTORS))}")
    return kind, EXTRACTORS[kind](text, lexicon=lexicon)
