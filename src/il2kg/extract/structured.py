"""Records saved from web APIs as JSON: which kind of document each is, and the extractor that reads it.

A document that opens with a JSON object or array is scanned once (json_scan); a ClinicalTrials.gov study
is a registry record, a bibliographic work (OpenAlex, Crossref, CSL-JSON) an article, or a citation page when
the index shows its citation counts. Anything else, or JSON too broken to hold a record, is left to the
plain-text readers.
"""

from __future__ import annotations

from dataclasses import dataclass

from il2kg.extract import ctgov_json, work_json
from il2kg.extract.json_scan import Node, parse
from il2kg.model import Lexicon, Record


@dataclass(frozen=True, slots=True)
class StructuredRecord:
    """A JSON record recognised: its document kind, its format, and the node holding it."""

    kind: str
    format: str
    node: Node


def recognise(text: str) -> StructuredRecord | None:
    """The record a JSON document holds, or None (not JSON, or no format we read)."""
    root = parse(text)
    if root is None:
        return None
    study = ctgov_json.study_of(root)
    if study is not None:
        return StructuredRecord("registry-record", "ctgov", study)
    work = work_json.work_of(root)
    if work is not None:
        fmt, node = work
        return StructuredRecord(work_json.kind_of(fmt, node), fmt, node)
    return None


def extract(text: str, record: StructuredRecord, *, lexicon: Lexicon) -> list[Record]:
    """The records of a recognised JSON document, every evidence span in the JSON itself."""
    if record.format == "ctgov":
        return ctgov_json.extract(text, record.node, lexicon=lexicon)
    return work_json.extract(text, record.format, record.node, kind=record.kind, lexicon=lexicon)
