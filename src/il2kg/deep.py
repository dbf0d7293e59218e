"""Run parsing and evaluation where deep recursion fits (rdflib's SPARQL parser and engine recurse per UNION)."""

from __future__ import annotations

import sys
import threading

from il2kg.errors import QueryError

STACK_BYTES = 512 * 1024 * 1024  # address space for ~60,000 frames of rdflib's recursive-descent parser, not RAM
RECURSION_LIMIT = 60000
_HERE = threading.local()  # set in a thread deep() started: work there already has the deep stack


def deep(work):
    """Run `work` where deep recursion fits: a valid query of 1,000 UNIONs nests past Python's default limit.

    It runs in a thread with a 512 MiB stack and a higher recursion limit, so the C stack cannot overflow first;
    called again from inside such a thread (an endpoint worker runs its whole job loop in one), it runs in place:
    a 512 MiB stack per query would fill a worker's capped address space.
    """
    if getattr(_HERE, "deep", False):
        return _checked(work)
    outcome: dict[str, object] = {}

    def run() -> None:
        _HERE.deep = True
        try:
            outcome["value"] = _checked(work)
        except BaseException as err:  # handed to the caller's thread
            outcome["error"] = err

    limit, size = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(max(limit, RECURSION_LIMIT))
    threading.stack_size(STACK_BYTES)
    try:
        thread = threading.Thread(target=run)
        thread.start()
    finally:
        threading.stack_size(size)
    thread.join()
    sys.setrecursionlimit(limit)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]


def _checked(work):
    try:
        return work()
    except RecursionError as error:
        raise QueryError("the query nests too deeply; split it into smaller queries") from error
