"""Structured-record benchmark: JSON records saved from APIs through il2kg.extract.extract.

Run: python benchmarks/bench_structured.py [--repeat N]
Prints, for each JSON case of tests/cases, its size and the ms to extract it (best of N); then the scanner alone
on records of growing size (characters per second, to show the scan is linear); and a record cut every 100
bytes: how many cuts gave a Trial. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from il2kg.extract import extract
from il2kg.extract.json_scan import parse
from il2kg.extract.structured import recognise
from il2kg.lexicon import load_lexicon
from il2kg.model import Trial
from il2kg.resources import ONTOLOGY

CASES = Path(__file__).parents[1] / "tests" / "cases"


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    lexicon = load_lexicon(ONTOLOGY)
    print("case                                           kind             chars   ms/extract")
    for path in sorted(CASES.glob("*/*/input.txt")):
        text = path.read_text(encoding="utf-8")
        if recognise(text) is None:
            continue
        kind = extract(text, lexicon=lexicon)[0]
        ms = 1000 * _best(lambda text=text: extract(text, lexicon=lexicon), args.repeat)
        print(f"{path.parent.name:46} {kind:16} {len(text):6} {ms:10.1f}")
    print("\nscanner alone (a work record with N authors):")
    for n in (100, 1_000, 10_000):
        record = json.dumps({"title": "A title", "author": [{"given": f"G{i}", "family": f"F{i}"} for i in range(n)]})
        seconds = _best(lambda record=record: parse(record), args.repeat)
        print(f"  {len(record):9,} chars  {seconds * 1000:8.1f} ms  {len(record) / seconds / 1e6:6.2f} M chars/s")
    text = (CASES / "registry-record" / "ctgov-api-json-randomised" / "input.txt").read_text(encoding="utf-8")
    cuts = range(100, len(text), 100)
    trials = sum(any(isinstance(r, Trial) for r in extract(text[:cut], lexicon=lexicon)[1]) for cut in cuts)
    print(f"\nctgov-api-json-randomised cut every 100 characters: {trials} of {len(cuts)} cuts gave a Trial")


if __name__ == "__main__":
    main()
