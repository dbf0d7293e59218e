"""Build benchmark: the real `il2kg build --corpus DIR --data TMP --out TMP` on a generated corpus.

Run: python benchmarks/bench_build.py [--documents 10 100 1000] [--no-reason] [--keep DIR]
For each size: a cold build (empty cache), then one more document and a rebuild. Prints seconds per phase
(from the build's "timing:" lines: extract+gate, load, validate, index, reason, release, exports (the views drawn
meanwhile in a second process), views-shared (the views' units the main process took), views (the rest of the wait
for the second process, the folder listed and swapped in)),
wall time, peak RSS of the build process, and `il2kg extract` throughput with the gate. Asserts nothing.
Targets on a 2-core machine: 1,000 documents cold <= 60 s, +1 document <= 5 s, RSS <= 2 GiB, extract >= 50/s.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus_gen import documents, write_corpus  # noqa: E402

_TIMING = re.compile(r"^timing: (\S+) ([0-9.]+) s(?: \(peak RSS (\d+) MiB\))?$", re.MULTILINE)


def il2kg(*args: str) -> tuple[float, int, str, float, float]:
    """Run the CLI in a child process: (seconds, exit code, stderr, peak RSS of the child in MiB, CPU seconds).

    CPU seconds (user + system of the process and its workers) is the fairer figure on a shared machine,
    where wall time grows with the other jobs' load."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "il2kg", *args], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return seconds, done.returncode, done.stderr, max(after.ru_maxrss, before.ru_maxrss) / 1024, cpu


def report(label: str, seconds: float, code: int, stderr: str, rss: float, cpu: float) -> None:
    phases = "  ".join(f"{name} {value}" + (f" [{peak} MiB]" if peak else "")
                       for name, value, peak in _TIMING.findall(stderr))
    load = os.getloadavg()[0]
    print(f"  {label}: {seconds:.1f} s wall, {cpu:.1f} s CPU, exit {code}, peak RSS {rss:.0f} MiB (largest child "
          f"so far), load average {load:.1f}")
    print(f"    phases (s): {phases}")
    if code not in (0, 3):
        print("    " + stderr.strip().splitlines()[-1][:300])


def run_size(count: int, work: Path, reason: bool) -> None:
    corpus, data, out = work / "corpus", work / "data" / "triples", work / "dist"
    write_corpus(corpus, count)
    flags = [] if reason else ["--no-reason"]
    print(f"{count} documents")
    report("cold build", *il2kg("build", "--corpus", str(corpus), "--data", str(data), "--out", str(out), *flags))
    name, text = documents(count + 1)[-1]
    (corpus / f"added-{name}").write_text(text, encoding="utf-8")
    report("+1 document", *il2kg("build", "--corpus", str(corpus), "--data", str(data), "--out", str(out), *flags))
    extract_out = work / "extract"
    seconds, code, stderr, _, cpu = il2kg("extract", "--corpus", str(corpus), "--out", str(extract_out))
    print(f"  il2kg extract (cold cache, gate included): {(count + 1) / seconds:.1f} documents/s "
          f"({seconds:.1f} s wall, {cpu:.1f} s CPU over its workers, exit {code}, process start included)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--no-reason", action="store_true")
    parser.add_argument("--keep", type=Path, help="Work in this folder and keep it (default: a temporary one).")
    args = parser.parse_args(argv)
    for count in args.documents:
        if args.keep:
            run_size(count, args.keep / str(count), not args.no_reason)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                run_size(count, Path(tmp), not args.no_reason)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
