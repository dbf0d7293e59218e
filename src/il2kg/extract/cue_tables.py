"""Cue tables: an extractor's cue words as one table of named patterns, compiled once.

The words that signal a direction, a threshold or an enrolment ("increased", "rose", "elevated"...)
are data, not code: each extractor lists its cues in one module-level table, name -> pattern, and
compiles it here, so that a new wording is one more alternative in a table row and every cue of a
module is read with the same flags (case-insensitive, as prose is).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType


def compile_cues(table: Mapping[str, str], flags: int = re.IGNORECASE) -> Mapping[str, re.Pattern[str]]:
    """Compile every pattern of a cue table with the same flags; the result is read-only, like the table."""
    return MappingProxyType({name: re.compile(pattern, flags) for name, pattern in table.items()})
