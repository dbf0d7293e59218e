"""Load time and query latency on synthetic trial-evidence graphs: rdflib memory vs Oxigraph.

Run: python benchmarks/bench_store.py [--sizes 10000,100000,1000000] [--repeat 3]
Prints one table to stdout; no assertions. About 56 triples per trial (trial, two arms with their
interventions, one outcome with two results, evidence nodes); rdflib at 1M triples takes ~30 s to load.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

import pyoxigraph as ox
from rdflib import Graph

from il2kg.vocab import ID, PREFIXES

DISEASES = ["MONDO_0007915", "MONDO_0004976", "MONDO_0008383", "MONDO_0005147", "MONDO_0005101"]
QUERIES = {
    "trials-per-disease": """SELECT ?d (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a il2kg:Trial ; il2kg:studiesDisease ?d }
        GROUP BY ?d ORDER BY ?d""",
    "significant-results": """SELECT ?t ?r ?p WHERE { ?t il2kg:hasOutcome/il2kg:hasResult ?r . ?r il2kg:pValue ?p
        FILTER(?p < 0.05) } ORDER BY ?p LIMIT 100""",
    "registry-to-publication": """SELECT ?id ?pub WHERE { ?t il2kg:registryId ?id ; il2kg:reportedIn ?pub }
        ORDER BY ?id LIMIT 100""",
    "evidence-for-dose": """SELECT ?i ?dose ?quote WHERE { ?i il2kg:doseAmount ?dose . ?e il2kg:evidenceFor ?i ;
        il2kg:evidenceProperty il2kg:doseAmount ; il2kg:quote ?quote FILTER(?dose >= 3) } ORDER BY ?i LIMIT 100""",
}
HEADER = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def _trial(n: int) -> str:
    """One trial's triples: the trial, two arms with interventions, one outcome, two results, evidence."""
    key, doc, p = f"trial/NCT{n:08d}", f"<{ID}doc/{n:016x}>", (n % 97) / 1000

    def t(path: str = "") -> str:
        return f"<{ID}{key}{path}>"

    lines = [
        f"{t()} a il2kg:Trial ; il2kg:registryId \"NCT{n:08d}\" ; il2kg:trialTitle \"Trial {n} of low-dose IL-2\" ;",
        f"  il2kg:studiesDisease obo:{DISEASES[n % 5]} ; il2kg:hasDesignFeature il2kg:randomised, il2kg:doubleBlind ;",
        f"  il2kg:hasPhase il2kg:phase2 ; il2kg:numberRandomised {40 + n % 60} ; il2kg:hasArm {t('/arm/a')}, "
        f"{t('/arm/p')} ; il2kg:hasOutcome {t('/outcome/o')} ; il2kg:reportedIn <{ID}publication/{n:016x}> ;",
        f"  prov:wasDerivedFrom {doc} .",
    ]
    for arm, dose in (("a", 1 + n % 5), ("p", 0)):
        a, i = t("/arm/" + arm), t(f"/arm/{arm}/i")
        lines += [
            f"{a} a il2kg:Arm ; il2kg:armLabel \"{arm}\" ; il2kg:receives {i} ; prov:wasDerivedFrom {doc} .",
            f"{i} a il2kg:Intervention ; il2kg:hasAgent il2kg:aldesleukin ; il2kg:doseAmount {dose}.0 ;",
            "  il2kg:doseUnit \"MIU\" .",
            f"<{ID}evidence/{n:x}{arm}> a il2kg:Evidence ; il2kg:evidenceFor {i} ; il2kg:evidenceProperty",
            f"  il2kg:doseAmount ; il2kg:evidenceValue \"{dose}\" ; il2kg:spanStart {n % 900} ;",
            f"  il2kg:spanEnd {n % 900 + 5} ; il2kg:quote \"Patients received {dose} MIU daily.\" ;",
            f"  prov:wasDerivedFrom {doc} .",
        ]
    lines += [
        f"{t('/outcome/o')} a il2kg:Outcome ; il2kg:measures il2kg:tregs ; il2kg:hasResult {t('/r1')}, {t('/r2')} .",
        f"{t('/r1')} a il2kg:Result ; il2kg:pValue {p:.3f} ; il2kg:forArm {t('/arm/a')} ;",
        f"  il2kg:significant {'true' if p < 0.05 else 'false'} .",
        f"{t('/r2')} a il2kg:Result ; il2kg:pValue {p + 0.1:.3f} ; il2kg:forArm {t('/arm/p')} .",
    ]
    return "\n".join(lines)


def _count(data: bytes) -> int:
    return sum(1 for _ in ox.parse(input=data, format=ox.RdfFormat.TURTLE))


def _median_ms(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _load(data: bytes) -> dict[str, object]:
    """Load the data into each store; return {store: (load seconds, run-query function)}."""
    start = time.perf_counter()
    memory = Graph().parse(data=data, format="turtle")
    loads = {"rdflib memory": (time.perf_counter() - start, lambda q: list(memory.query(q, initNs=PREFIXES)))}
    start = time.perf_counter()
    native = ox.Store()
    native.bulk_load(input=data, format=ox.RdfFormat.TURTLE)
    loads["pyoxigraph native"] = (time.perf_counter() - start, lambda q: list(native.query(SPARQL_PREFIXES + q)))
    start = time.perf_counter()
    oxr = Graph(store="Oxigraph").parse(data=data, format="ox-turtle")
    loads["oxrdflib Graph"] = (time.perf_counter() - start, lambda q: list(oxr.query(q, initNs=PREFIXES)))
    return loads


def bench(data: bytes, repeat: int, slow_repeat: int) -> dict[str, list[str]]:
    """Time loads and the median query latencies; returns {store: [load, q1, q2, ...]} as text cells."""
    table = {}
    for name, (load, run) in _load(data).items():
        reps = slow_repeat if name == "rdflib memory" else repeat
        cells = [f"{_median_ms(lambda q=q, run=run: run(q), reps):9.1f} ms" for q in QUERIES.values()]
        table[name] = [f"{load:8.2f} s", *cells]
    gc.collect()
    return table


def main() -> None:
    """Print the comparison table for each size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    columns = ["load"] + list(QUERIES)
    print(f"{'triples':>9}  {'store':<18}" + "".join(f"{c:>26}" if i else f"{c:>11}" for i, c in enumerate(columns)))
    for size in (int(s) for s in args.sizes.split(",")):
        data = HEADER.encode() + b"\n".join(_trial(n).encode() for n in range(max(1, size // 56)))
        triples = _count(data)
        table = bench(data, args.repeat, 1 if triples > 500_000 else args.repeat)
        for name, cells in table.items():
            print(f"{triples:>9}  {name:<18}" + "".join(f"{c:>26}" if i else f"{c:>11}" for i, c in enumerate(cells)),
                  flush=True)


if __name__ == "__main__":
    main()
