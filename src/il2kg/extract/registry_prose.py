"""A registry record's prose (summary, description): what it says that the labelled fields did not."""

from __future__ import annotations

from dataclasses import replace

from il2kg.extract.registry_fields import Field
from il2kg.model import Trial

_PROSE_MIN = 60  # a shorter value ("No", "80 participants", "Early Phase 1") is the fields' to read, not prose


def prose_only(text: str, fields: tuple[Field, ...]) -> str:
    """The record with its labels and short field values blanked (same length): what is left is prose."""
    chars = list(text)
    for field in fields:
        spans = [(field.label_start, field.label_end)]
        spans += [(line.start, line.end) for line in field.lines
                  if line.end - line.start < _PROSE_MIN or field.name == "elsewhere"]
        for start, end in spans:
            chars[start:end] = [" "] * (end - start)
    return "".join(chars)


_CONTRADICTS = {"randomised": "non-randomised", "non-randomised": "randomised", "open-label": "double-blind",
                "double-blind": "open-label", "single-group": "parallel-group", "parallel-group": "single-group"}


def with_prose(trial: Trial, prose: Trial | None) -> Trial:
    """Fill what the labelled fields did not say from the record's prose (its summary and description).

    The fields win: prose only fills an empty field, and adds design codes that no field contradicts.
    Percentages in a record's prose are background and eligibility, so only its p-values are kept.
    """
    if prose is None:
        return trial
    codes = {f.value for f in trial.design}
    added = [f for f in prose.design if f.value not in codes and _CONTRADICTS.get(f.value) not in codes]
    return replace(
        trial,
        registry_ids=trial.registry_ids or prose.registry_ids,
        acronym=trial.acronym or prose.acronym,
        design=(*trial.design, *added),
        phase=trial.phase or prose.phase,
        n_enrolled=trial.n_enrolled or prose.n_enrolled,
        diseases=trial.diseases or prose.diseases,
        conditions_text=trial.conditions_text or (() if trial.diseases or prose.diseases else prose.conditions_text),
        arms=trial.arms or prose.arms,
        agents=trial.agents or prose.agents,
        findings=tuple(f for f in prose.findings if f.p_value is not None),
    )
