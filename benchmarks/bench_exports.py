"""Exports benchmark: `write_exports` alone (what the build's exports phase runs) over a data folder.

Run: python benchmarks/bench_exports.py DATA_TRIPLES_DIR [--profile N] [--added FILE]
DATA_TRIPLES_DIR is a built data/triples folder (e.g. /tmp/bbx/1000/data/triples after
`bench_build.py --documents 1000 --keep /tmp/bbx`), copied to a temporary folder with an empty pieces cache
beside it, as the build keeps it (data/.il2kg-cache/exports). Prints wall and CPU seconds and peak RSS per export
(a line marked "second process" was written by the forked writer, exports/writing.py): a cold run, every piece
made; with --added, the same after adding one data file (one file's pieces made, the rest from the cache).
With --profile N, prints the N costliest functions (this process only).
Asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from il2kg.build import load_files
from il2kg.exports import LazyDocuments, write_exports
from il2kg.ontology import load_ontology
from il2kg.rdf_io import canonical, new_graph, parse_turtle_bytes


def run(triples: Path, label: str, profile: int = 0) -> None:
    ontology = load_ontology()
    files = load_files(triples)
    merged = new_graph()
    for path, data in files:
        parse_turtle_bytes(data, path, merged)
    merged += canonical(ontology)
    gc.freeze()  # as the build does: the loaded graph stays out of the collector's passes
    timings: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        profiler = cProfile.Profile() if profile else None
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        write_exports(merged, ontology, LazyDocuments(files), Path(tmp), True, timings.append,
                      cache=triples.parent / ".il2kg-cache" / "exports")
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    parts = "\n  ".join(line.removeprefix("timing: export ") for line in timings)
    print(f"{label}: exports {seconds:.2f} s wall, {cpu:.2f} s CPU over {len(files)} files, {len(merged)} triples "
          f"(peak RSS {peak} MiB, load average {os.getloadavg()[0]:.1f})")
    print(f"  {parts}")
    if profiler:
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(profile)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("triples", type=Path)
    parser.add_argument("--profile", type=int, default=0)
    parser.add_argument("--added", type=Path, help="A data file to add for a second run.")
    parser.add_argument("--label", default="exports", help=argparse.SUPPRESS)
    parser.add_argument("--in-place", action="store_true", help=argparse.SUPPRESS)  # the second run: same cache
    args = parser.parse_args(argv)
    if args.in_place:
        run(args.triples, args.label, args.profile)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        triples = Path(tmp) / "data" / "triples"
        shutil.copytree(args.triples, triples)
        run(triples, args.label, args.profile)
        if args.added:  # in a fresh process, as a rebuild is: this one still holds the first run's frozen graph
            shutil.copy(args.added, triples / f"added-{args.added.name}")
            sys.stdout.flush()
            subprocess.run([sys.executable, __file__, str(triples), "--label", "one data file added",
                            "--in-place", "--profile", str(args.profile)], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
