"""Extraction benchmark: 1,000 synthetic abstract-sized documents through il2kg.extract.extract.

Run: python benchmarks/bench_extract.py [--documents N] [--seed S] [--gate N]
Prints documents per second and peak memory (tracemalloc and ru_maxrss); asserts nothing. With --gate N
(default 200; 0 skips it), the first N documents also go through the graph, the Turtle writer and the
per-document SHACL gate by each of its paths (what `il2kg extract` runs, its pyrudof fallback, and pyrudof
alone as the reference), on one core: CPU ms per document of each step.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # the shared generator beside this script
import corpus_gen  # noqa: E402

from il2kg.extract import extract
from il2kg.lexicon import load_lexicon
from il2kg.resources import ONTOLOGY

DISEASES = (
    "systemic lupus erythematosus", "type 1 diabetes", "rheumatoid arthritis", "chronic graft-versus-host disease",
    "amyotrophic lateral sclerosis", "ulcerative colitis", "psoriasis", "alopecia areata", "immune thrombocytopenia",
    "primary Sjogren's syndrome", "multiple sclerosis", "Crohn's disease",
)
MEASURES = ("Treg percentage", "SRI-4 response", "DAS28-CRP", "HbA1c", "PASI", "clinical response", "C-peptide AUC")
SCHEDULES = (
    "once daily for 5 days", "every other day for 12 weeks", "once daily for 5 days every 4 weeks for 3 cycles",
    "once daily for 5 days followed by weekly injections for 12 weeks", "once weekly for 24 weeks",
)
DESIGNS = (
    "randomised, double-blind, placebo-controlled", "multicentre, randomized, double-blind, placebo-controlled",
    "open-label, single-arm", "single-centre, parallel-group, randomised, placebo-controlled",
)
PHASES = ("1", "2", "2a", "2b", "I-IIa", "II")
AGENTS = ("low-dose IL-2", "aldesleukin", "interleukin-2", "ILT-101", "ld-IL-2")


def _p(rng: random.Random) -> str:
    return rng.choice(("p<0.001", "p=0.03", "P = .21", "p<0\u00b70001", "p=0.0049", "p=0.3439"))


def article(rng: random.Random, i: int) -> str:
    """A structured abstract with a title, citation line, methods, results and registration."""
    disease, agent, measure = rng.choice(DISEASES), rng.choice(AGENTS), rng.choice(MEASURES)
    n = rng.randrange(20, 200)
    doses = sorted(rng.sample(("0.5", "1", "1.5", "2", "3"), rng.choice((1, 2))))
    arms = " or ".join(f"{agent} {d} MIU" for d in doses) + " or placebo"
    title = f"{agent[0].upper()}{agent[1:]} in {disease}"
    return (
        f"{title}: a {rng.choice(DESIGNS)} phase {rng.choice(PHASES)} trial\n\n"
        f"A. Author, B. Author\n\nJ Synth Med. {rng.randrange(2010, 2025)};{rng.randrange(1, 90)}"
        f"({rng.randrange(1, 12)}):{rng.randrange(1, 500)}-{rng.randrange(500, 900)}. doi: 10.5555/synth.{i:05d}\n\n"
        f"Background: Regulatory T cells (Tregs) are deficient in {disease}, and low-dose interleukin-2 expands "
        f"and activates them. We assessed the safety, pharmacodynamics and efficacy of {agent} in adults with "
        f"{disease} who remained active despite standard treatment.\n\n"
        f"Methods: {n} patients were randomly assigned ({':'.join(['1'] * (len(doses) + 1))}) to {arms}, given "
        f"subcutaneously {rng.choice(SCHEDULES)}. "
        f"The primary endpoint was {measure} at week {rng.choice((5, 12, 24))}; secondary "
        f"endpoints included Treg numbers, effector T cells, NK cells and {rng.choice(MEASURES)}.\n\n"
        f"Results: {measure} changed by {rng.uniform(-5, 10):.1f}% (SD {rng.uniform(0.5, 3):.1f}) with {agent} and "
        f"{rng.uniform(-2, 2):.2f}% (SD {rng.uniform(0.5, 3):.1f}) with placebo ({_p(rng)}). Effect size "
        f"{rng.uniform(0, 4):.2f} (95% CI {rng.uniform(0, 1):.1f}-{rng.uniform(2, 5):.1f}). Injection site reactions "
        f"occurred in {rng.randrange(0, n // 2)} patients; no serious adverse events were observed.\n\n"
        f"Treg counts rose in every treated patient whereas effector T cells did not change.\n\n"
        f"Conclusions: {agent} was well tolerated in {disease} and selectively expanded Tregs; larger trials "
        f"with clinical endpoints are warranted.\n\n"
        f"Trial registration: NCT{rng.randrange(10**7, 10**8):08d}.\n"
    )


def documents(count: int, seed: int) -> list[str]:
    """Generate `count` documents: mostly articles, some registry records and citation pages."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        kind = rng.randrange(8)  # six articles in eight; registry records and citation pages from corpus_gen
        if kind < 6:
            out.append(article(rng, i))
        else:
            trial = corpus_gen.draw_trial(rng, i)
            out.append((corpus_gen.registry_record if kind == 6 else corpus_gen.citation_page)(rng, trial))
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print throughput and memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20240521)
    parser.add_argument("--gate", type=int, default=200, help="documents to gate as well (0: none)")
    args = parser.parse_args(argv)
    lexicon = load_lexicon(ONTOLOGY)
    docs = documents(args.documents, args.seed)
    extract(docs[0], lexicon=lexicon)  # warm the compiled lexicon patterns outside the timed loop
    started = time.perf_counter()
    records = sum(len(extract(text, lexicon=lexicon)[1]) for text in docs)
    elapsed = time.perf_counter() - started
    # A second pass measures memory: tracemalloc slows Python down, so it stays out of the timed pass.
    tracemalloc.start()
    for text in docs:
        extract(text, lexicon=lexicon)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # ru_maxrss is KiB on Linux and bytes on macOS.
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    maxrss_mib = maxrss / (2**20 if sys.platform == "darwin" else 2**10)
    chars = sum(len(text) for text in docs)
    print(f"documents: {len(docs)} ({chars / len(docs):.0f} characters on average), records: {records}")
    print(f"elapsed: {elapsed:.2f} s, {len(docs) / elapsed:.1f} documents/s")
    print(f"peak traced memory: {peak / 2**20:.1f} MiB, peak RSS (ru_maxrss): {maxrss_mib:.1f} MiB")
    if args.gate:
        gate_figures(docs[:args.gate], lexicon)
    return 0


def gate_figures(docs: list[str], lexicon) -> None:
    """CPU ms per document: text to graph, graph to Turtle, and the gate by each engine path."""
    from il2kg.gate import _session, gate, gate_per_node
    from il2kg.pipeline import Document, extract_document
    from il2kg.rdf_io import turtle_bytes

    def cpu(function, items) -> tuple[float, list]:
        started = time.process_time()
        out = [function(item) for item in items]
        return (time.process_time() - started) * 1000 / len(items), out

    made = [Document(Path(f"bench-{i:05d}.txt"), f"{i:064x}", text) for i, text in enumerate(docs)]
    graph_ms, extractions = cpu(lambda d: extract_document(d, lexicon).graph, made)
    ttl_ms, blobs = cpu(turtle_bytes, extractions)
    texts = [g.serialize(format="nt") for g in extractions]
    per_graph = _session("per_graph").check
    gate(blobs[0]), per_graph(texts[0]), gate_per_node(texts[0])  # load shapes and ontology outside the timing
    fast_ms, fast = cpu(gate, blobs)
    per_graph_ms, _ = cpu(per_graph, texts)
    per_node_ms, slow = cpu(gate_per_node, texts)
    same = sum(a == b for a, b in zip(fast, slow, strict=True))
    print(f"gate over {len(texts)} documents ({sum(t.count(chr(10)) for t in texts) / len(texts):.0f} triples "
          f"on average), CPU ms per document on one core:")
    print(f"  extract + graph {graph_ms:.1f}, graph to Turtle {ttl_ms:.1f}")
    for label, ms in (("gate as `il2kg extract` runs it (simple checks in Python, SHACL-SPARQL once per graph, "
                       "pyrudof only when a check fails)", fast_ms),
                      ("pyrudof core + SHACL-SPARQL once per graph (the fallback)", per_graph_ms),
                      ("pyrudof alone, SHACL-SPARQL per focus node (the reference)", per_node_ms)):
        print(f"  {label}: {ms:.1f} (extract+Turtle+gate {1000 / (graph_ms + ttl_ms + ms):.1f} documents/s per core)")
    print(f"  same report as the reference: {same} of {len(texts)} documents")


if __name__ == "__main__":
    raise SystemExit(main())
