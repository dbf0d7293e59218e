"""Run parsing and evaluation where deep recursion fits (rdflib's SPARQL parser and engine recurse per UNION)."""

from __future__ import annotations

from il2kg.errors import QueryError


def deep(work):
    """Run `work` where deep recursion fits: a valid query of 1,000 UNIONs nests past Python's default limit.

    It runs in a thread with a 512 MiB stack and a higher recursion limit, so the C stack cannot overflow first.
    """
    import sys
    import threading

    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as err:  # handed to the caller's thread
            outcome["error"] = err

    limit, size = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(max(limit, 60000))
    threading.stack_size(512 * 1024 * 1024)
    try:
        thread = threading.Thread(target=run)
        thread.start()
    finally:
        threading.stack_size(size)
    thread.join()
    sys.setrecursionlimit(limit)
    if "error" in outcome:
        error = outcome["error"]
        if isinstance(error, RecursionError):
            raise QueryError("the query nests too deeply; split it into smaller queries") from error
        raise error  # type: ignore[misc]
    return outcome["value"]
