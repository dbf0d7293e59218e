"""Extraction evaluation: run the extractor on documents and score its facts against gold facts.

The canonical fact strings (what `facts_of` prints for each field) are documented in `il2kg.gold`.
Only the fields a document's gold lists are scored for that document; for those fields the gold is
complete, so every extracted value it lacks is a false positive (a wrong value) and every gold value
the extractor lacks is a false negative (a miss).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from il2kg.errors import InputFileError
from il2kg.gold import facts_of, load_gold, read_gold_file, statement_key
from il2kg.model import Lexicon, Record

__all__ = ["FieldScore", "Report", "evaluate", "facts_of", "format_report", "load_gold", "load_gold_dirs",
           "read_documents",
           "read_gold_file", "statement_key"]

Extractor = Callable[..., tuple[str, list[Record]]]


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else 1.0


class _Scored:
    """Precision and recall from the counts a score has (true positives, false positives, false negatives)."""

    __slots__ = ()
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)


@dataclass(frozen=True, slots=True)
class FieldScore(_Scored):
    """The score of one field over the scored documents; `wrong` and `missed` hold (document, value)."""

    field: str
    true_positives: int
    wrong: tuple[tuple[str, str], ...] = ()
    missed: tuple[tuple[str, str], ...] = ()

    @property
    def false_positives(self) -> int:
        return len(self.wrong)

    @property
    def false_negatives(self) -> int:
        return len(self.missed)


@dataclass(frozen=True, slots=True)
class Report(_Scored):
    """Per-field scores (sorted by field), the documents scored, and those that could not be."""

    fields: tuple[FieldScore, ...]
    documents: tuple[str, ...]
    unscored: tuple[str, ...] = ()  # documents given without gold facts
    missing: tuple[str, ...] = ()  # gold documents not among the documents given

    @property
    def true_positives(self) -> int:
        return sum(f.true_positives for f in self.fields)

    @property
    def false_positives(self) -> int:
        return sum(f.false_positives for f in self.fields)

    @property
    def false_negatives(self) -> int:
        return sum(f.false_negatives for f in self.fields)

    def field(self, name: str) -> FieldScore:
        """Return the score of one field (an empty score when no document lists it)."""
        return next((f for f in self.fields if f.field == name), FieldScore(name, 0))


def _default_extractor() -> Extractor:
    # Imported late so that scoring helpers work while the extractors are still being written.
    from il2kg.extract import extract

    return extract


def evaluate(
    documents: Iterable[tuple[str, str]],
    gold: dict[str, dict[str, list[str]]],
    lexicon: Lexicon,
    *,
    extractor: Extractor | None = None,
) -> Report:
    """Extract each (name, text) document that has gold facts and score its facts field by field."""
    run = extractor or _default_extractor()
    hits: dict[str, int] = {}
    wrong: dict[str, list[tuple[str, str]]] = {}
    missed: dict[str, list[tuple[str, str]]] = {}
    scored, unscored = [], []
    for name, text in documents:
        if name not in gold:
            unscored.append(name)
            continue
        scored.append(name)
        kind, records = run(text, lexicon=lexicon)
        got = facts_of(records, kind=kind)
        for field, values in gold[name].items():
            expected, found = set(values), got.get(field, set())
            hits[field] = hits.get(field, 0) + len(expected & found)
            wrong.setdefault(field, []).extend((name, v) for v in sorted(found - expected))
            missed.setdefault(field, []).extend((name, v) for v in sorted(expected - found))
    fields = tuple(
        FieldScore(field, hits[field], tuple(wrong[field]), tuple(missed[field])) for field in sorted(hits)
    )
    missing = tuple(sorted(set(gold) - set(scored)))
    return Report(fields, tuple(scored), tuple(unscored), missing)


def read_documents(directory: Path) -> list[tuple[str, str]]:
    """Read every *.txt document of a directory as (file name, text), sorted by name."""
    paths = sorted(Path(directory).glob("*.txt"))
    if not paths:
        raise InputFileError(f"{directory}: no *.txt documents to evaluate")
    try:
        return [(path.name, path.read_text(encoding="utf-8")) for path in paths]
    except (OSError, UnicodeDecodeError) as err:
        raise InputFileError(f"cannot read a document in {directory}: {err}") from err


def _row(name: str, tp: int, fp: int, fn: int, precision: float, recall: float) -> str:
    # With nothing extracted (or nothing expected) the ratio is undefined: "n/a", never a perfect 1.000.
    shown_p = f"{precision:.3f}" if tp + fp else "n/a"
    shown_r = f"{recall:.3f}" if tp + fn else "n/a"
    return f"{name:<30} {tp:>5} {fp:>5} {fn:>5} {shown_p:>9} {shown_r:>7}"


def load_gold_dirs(directories: Iterable[Path]) -> dict[str, dict[str, list[str]]]:
    """Load the gold files of several folders; a document named twice is an error."""
    merged: dict[str, dict[str, list[str]]] = {}
    for directory in directories:
        for name, facts in load_gold(directory).items():
            if name in merged:
                raise InputFileError(f"{directory}: a second gold file for document {name!r}")
            merged[name] = facts
    return merged


def format_report(report: Report, *, details: bool = True) -> str:
    """Render the report: a table per field, the totals, then the wrong values and the misses."""
    lines = [f"{'field':<30} {'TP':>5} {'FP':>5} {'FN':>5} {'precision':>9} {'recall':>7}"]
    for s in report.fields:
        lines.append(_row(s.field, s.true_positives, s.false_positives, s.false_negatives, s.precision, s.recall))
    lines.append(_row("TOTAL", report.true_positives, report.false_positives, report.false_negatives,
                      report.precision, report.recall))
    lines.append(f"documents scored: {len(report.documents)}")
    if report.unscored:
        lines.append("documents without gold (not scored): " + ", ".join(report.unscored))
    if report.missing:
        lines.append("gold documents not given: " + ", ".join(report.missing))
    if not details:
        return "\n".join(lines)
    for title, attr in (("wrong values (extracted, not in the gold)", "wrong"),
                        ("missed values (in the gold, not extracted)", "missed")):
        items = [(doc, s.field, value) for s in report.fields for doc, value in getattr(s, attr)]
        if items:
            lines.append(f"\n{title}:")
            lines.extend(f"  {doc}  {field}  {value}" for doc, field, value in sorted(items))
    return "\n".join(lines)
