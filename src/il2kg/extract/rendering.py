"""A structured record rendered as the text page its site shows, with every value mapped back to the raw record.

The text extractors read labelled lines and prose; a JSON record has keys and values instead. So a record is
written out as the page the site itself would show ("Enrollment (Actual): 35"), the extractors read that, and
each fact's span is moved from the rendered text back to the value it came from in the raw record, its quote
becoming the raw member (`"count": 35`). Labels are the renderer's words and map nowhere: a span that falls on a
label alone is moved to the nearest value.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
from dataclasses import dataclass

from il2kg.extract.json_scan import Node
from il2kg.extract.text import collapse
from il2kg.model import Evidence


@dataclass(frozen=True, slots=True)
class Segment:
    """Rendered text [start, end) that came from raw [raw_start, raw_end); `exact` when character for character
    (through `offsets` for a string that held escapes), else a display form of the value ("NONE" shown as
    "None (Open Label)")."""

    start: int
    end: int
    raw_start: int
    raw_end: int
    quote_start: int
    exact: bool
    offsets: tuple[int, ...] | None = None
    scattered: bool = False  # a word of a text the record holds out of order (an inverted index): quote as read


# A member quoted whole up to this length ("count": 48, a title); a longer value (a summary) by its sentence.
_MEMBER_QUOTE = 300


class Rendering:
    """A text built line by line from labels (the renderer's) and values (the record's)."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.segments: list[Segment] = []
        self._starts: list[int] = []
        self.sentences: tuple[tuple[int, int], ...] = ((0, 0),)  # the rendered text's sentences (see remap)
        self._sentence_starts: list[int] = [0]

    def label(self, text: str) -> None:
        """Words of the renderer's own (a field's label, a line break)."""
        self._parts.append(text)
        self._length += len(text)

    def value(self, node: Node | None, shown: str | None = None, *, scattered: bool = False) -> bool:
        """A value of the record, as written or in its display form `shown`; False (nothing written) for none.
        `scattered`: the value is one word of a text the record does not hold in reading order."""
        if node is None or node.kind not in ("string", "number", "literal"):
            return False
        text = shown if shown is not None else node.text
        if not text.strip():
            return False
        exact = shown is None
        self.segments.append(Segment(self._length, self._length + len(text), node.start, node.end,
                                     min(node.key_start, node.start), exact, node.offsets if exact else None,
                                     scattered))
        self._starts.append(self._length)
        self.label(text)
        return True

    def line(self, label: str, node: Node | None, shown: str | None = None) -> bool:
        """A "Label: value" line, written only when the value is there."""
        if node is None or node.kind not in ("string", "number", "literal") or not (shown or node.text).strip():
            return False
        self.label(label)
        self.value(node, shown)
        self.label("\n")
        return True

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def _raw(self, segment: Segment, offset: int, end: bool) -> int:
        if not segment.exact:
            return segment.raw_end if end else segment.raw_start
        if segment.offsets is not None:  # an escape is one character of the text, several of the raw value
            i = min(max(offset - segment.start, 0), len(segment.offsets))
            return segment.offsets[i] if i < len(segment.offsets) else segment.raw_end
        return segment.raw_start + min(max(offset - segment.start, 0), segment.raw_end - segment.raw_start)

    def evidence(self, raw: str, evidence: Evidence) -> Evidence:
        """The evidence moved from the rendered text to the raw record: its span, and the raw members it lies in
        as its quote."""
        starts = self._starts
        first = max(bisect.bisect_right(starts, evidence.start) - 1, 0)
        touched = []
        for segment in itertools.islice(self.segments, first, None):  # in text order: stop past the span
            if segment.start >= max(evidence.end, evidence.start + 1):
                break
            if evidence.start < segment.end:
                touched.append(segment)
        if not touched:  # a label alone: the value nearest after it (else before it)
            after = bisect.bisect_left(starts, evidence.start)
            touched = [self.segments[min(after, len(self.segments) - 1)]]
        if any(s.scattered for s in touched):  # the words read, wherever the record holds them; the text as read
            return Evidence(min(s.raw_start for s in touched), max(s.raw_end for s in touched), evidence.sentence,
                            evidence.method)
        head, tail = touched[0], touched[-1]
        start = self._raw(head, max(evidence.start, head.start), end=False)
        end = self._raw(tail, min(evidence.end, tail.end), end=True)
        if end <= start:  # values rendered in another order than the record holds them: all of them
            start, end = min(s.raw_start for s in touched), max(s.raw_end for s in touched)
        quote_end = max(s.raw_end for s in touched)
        quote_end += raw[quote_end : quote_end + 1] == '"'  # the closing quote of a string member
        quote_start = min(s.quote_start for s in touched)
        if quote_end - quote_start > _MEMBER_QUOTE and len(touched) == 1:  # a summary: the sentence, not all of it
            quote_start, quote_end = self._sentence(head, evidence, start, end)
        quote = collapse(raw[quote_start:quote_end])
        return Evidence(start, end, quote or collapse(raw[start:end]), evidence.method)

    def _sentence(self, segment: Segment, evidence: Evidence, start: int, end: int) -> tuple[int, int]:
        """The raw span of the rendered sentence(s) the evidence lies in, within its value (and holding its span)."""
        i = max(bisect.bisect_right(self._sentence_starts, evidence.start) - 1, 0)
        j = max(bisect.bisect_left(self._sentence_starts, max(evidence.end, evidence.start + 1)) - 1, i)
        first, last = self.sentences[i], self.sentences[j] if j < len(self.sentences) else self.sentences[-1]
        a = self._raw(segment, max(first[0], segment.start), end=False)
        b = self._raw(segment, min(last[1], segment.end), end=True)
        return min(a, start), max(b, end)

    def remap(self, raw: str, obj: object, sentences: tuple[tuple[int, int], ...] = ()) -> object:
        """The records with every Evidence moved to the raw record (frozen dataclasses and tuples rebuilt).
        `sentences`: the rendered text's sentence spans, to quote one sentence of a long value."""
        if not self.segments:
            return obj
        if sentences:
            self.sentences, self._sentence_starts = sentences, [a for a, _b in sentences]
        return self._remap(raw, obj)

    def _remap(self, raw: str, obj: object) -> object:
        if isinstance(obj, Evidence):
            return self.evidence(raw, obj)
        if isinstance(obj, tuple):
            return tuple(self._remap(raw, item) for item in obj)
        if isinstance(obj, list):
            return [self._remap(raw, item) for item in obj]
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            changes = {f.name: self._remap(raw, getattr(obj, f.name)) for f in dataclasses.fields(obj)}
            return dataclasses.replace(obj, **changes)
        return obj
