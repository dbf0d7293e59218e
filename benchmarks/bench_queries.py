"""Every competency question (queries/report/*.rq) at ~1M triples on the Oxigraph store: query CLI and endpoint.

Run: python benchmarks/bench_queries.py [--triples 1000000] [--documents 200] [--keep DIR]
Generates --documents documents (benchmarks/corpus_gen.py), extracts them with `il2kg extract`, then copies
their Turtle under renamed IRIs (id/r<k>-...) until the data holds --triples triples: a realistic mix of
trials, arms, results, evidence and citations at the size the issue names. A private root (IL2KG_ROOT) holds
that data beside links to the ontology, shapes and queries, so the real commands read it. Prints:
  - the store's first load and a reopen (excluded from the query times, as the target says);
  - each report query through `il2kg query`'s code path (load_kg, execute, format_result), median of 3, in wall
    and in CPU seconds (the machine is shared: the load average is printed, and CPU time is what it costs);
  - one `il2kg query` process end to end (process start and store open included), for scale;
  - each report query through `il2kg serve --store oxigraph:PATH` over HTTP, median of 3, in wall seconds and in
    CPU seconds of the server and its query workers (read from /proc in 10 ms ticks).
Target: every question < 0.2 s both ways. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_endpoint import HEADERS, cpu_seconds, free_port  # noqa: E402
from corpus_gen import write_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ID = b"https://w3id.org/il2kg/id/"


def make_root(work: Path, triples: int, documents: int) -> Path:
    """A private IL2KG_ROOT whose data/triples/ holds copies of an extracted corpus up to `triples` triples."""
    import pyoxigraph as ox

    root = work / "root"
    data = root / "data" / "triples"
    if data.is_dir() and any(data.glob("*.ttl")):
        return root
    for name in ("ontology", "shapes", "queries", "context"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        if not (root / name).exists():
            (root / name).symlink_to(ROOT / name)
    seed = work / "seed"
    write_corpus(work / "corpus", documents)
    subprocess.run([sys.executable, "-m", "il2kg", "extract", "--corpus", str(work / "corpus"), "--out", str(seed)],
                   capture_output=True, check=False)
    files = [(p.name, p.read_bytes()) for p in sorted(seed.glob("*.ttl"))]
    per_copy = sum(sum(1 for _ in ox.parse(d, format=ox.RdfFormat.TURTLE)) for _, d in files)
    data.mkdir(parents=True)
    copies = max(1, -(-triples // per_copy))
    for k in range(copies):
        for name, body in files:
            renamed = body if k == 0 else re.sub(re.escape(ID) + rb"([^>\s]*)", ID + f"r{k}-".encode() + rb"\1", body)
            (data / f"r{k}-{name}").write_bytes(renamed)
    print(f"data: {copies} copies of {len(files)} extracted documents, {copies * per_copy} triples", flush=True)
    return root


_BIND = re.compile(r"\(Bind \?(subject)\b")  # a question asked about one subject: "(Bind ?subject ...)"


def bound(path: Path) -> str | None:
    """The variable a question says to bind (asked as it is meant: about one trial), else None."""
    m = _BIND.search(path.read_text(encoding="utf-8").split("\nPREFIX", 1)[0])
    return m.group(1) if m else None


def query_times(store: str, repeat: int) -> tuple[dict[str, float], dict[str, float], str]:
    """Each report query through the query command's own code path, the store already open (load excluded)."""
    from il2kg import resources
    from il2kg.exports.sparql_results import format_result
    from il2kg.query import execute
    from il2kg.triplestore import load_kg

    for label in ("first load", "reopen"):
        began = time.perf_counter()
        graph = load_kg(store)
        print(f"store {label}: {time.perf_counter() - began:.1f} s", flush=True)
        if label == "first load":
            graph.close()
    from rdflib.namespace import RDF

    from il2kg.vocab import IL

    trial = next(iter(graph.subjects(RDF.type, IL.Trial)))
    print(f"questions that say to bind ?subject are asked about {trial}", flush=True)
    times, cpu = {}, {}
    try:
        for path in sorted((resources.QUERIES_DIR / "report").glob("*.rq")):
            runs, spent = [], []
            bindings = {var: trial} if (var := bound(path)) else None
            for _ in range(repeat):
                began, began_cpu = time.perf_counter(), time.process_time()
                format_result(execute(path.stem, graph, bindings), "csv")
                runs.append(time.perf_counter() - began)
                spent.append(time.process_time() - began_cpu)
            times[path.stem], cpu[path.stem] = statistics.median(runs), statistics.median(spent)
    finally:
        graph.close()
    return times, cpu, str(trial)


def endpoint_times(store: str, env: dict, repeat: int, trial: str) -> tuple[dict[str, float], dict[str, float]]:
    """Each report query through `il2kg serve --store` over HTTP, median of `repeat` unique texts (no cache): wall
    seconds, and CPU seconds of the server process and its workers."""
    import httpx

    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    began = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "il2kg", "serve", "--port", str(port), "--store", store,
                               "--workers", "2"], env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                if httpx.get(url, timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        print(f"endpoint ready in {time.perf_counter() - began:.1f} s (excluded)", flush=True)
        times, cpu = {}, {}
        with httpx.Client() as client:
            for path in sorted((Path(env["IL2KG_ROOT"]) / "queries" / "report").glob("*.rq")):
                runs, spent = [], []
                for n in range(repeat):
                    text = path.read_text(encoding="utf-8") + f"\n# run {n}"  # unique text: the cache answers none
                    if var := bound(path):
                        text += f"\nVALUES ?{var} {{ <{trial}> }}"
                    began, began_cpu = time.perf_counter(), sum(cpu_seconds(server.pid))
                    status = client.post(url, content=text.encode(), headers=HEADERS, timeout=120).status_code
                    runs.append(time.perf_counter() - began if status == 200 else float("inf"))
                    spent.append(sum(cpu_seconds(server.pid)) - began_cpu)
                times[path.stem], cpu[path.stem] = statistics.median(runs), statistics.median(spent)
    finally:
        server.terminate()
        server.wait(30)
    return times, cpu


def show(label: str, times: dict[str, float]) -> None:
    slowest = max(times, key=times.get)
    print(f"{label}: " + ", ".join(f"{name} {t:.3f}" for name, t in times.items()))
    print(f"{label}: max {times[slowest]:.3f} s ({slowest}); {sum(t < 0.2 for t in times.values())} of {len(times)} "
          "under 0.2 s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Work in this folder and keep it (default: a temporary one).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        root = make_root(work, args.triples, args.documents)
        store = f"oxigraph:{work / 'store'}"
        env = {**os.environ, "IL2KG_ROOT": str(root)}
        os.environ["IL2KG_ROOT"] = str(root)  # before il2kg is imported: resources reads it once
        print(f"load average at start (2 cores): {os.getloadavg()[0]:.1f}", flush=True)
        times, cpu, trial = query_times(store, args.repeat)
        show("il2kg query (in process, load excluded)", times)
        show("il2kg query, CPU seconds (what an idle machine's wall clock would show)", cpu)
        began = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "il2kg", "query", "trials-by-disease", "--store", store,
                               "--format", "csv"], env=env, capture_output=True, check=False)
        print(f"one `il2kg query` process, end to end: {time.perf_counter() - began:.2f} s (exit {done.returncode})")
        wall, spent = endpoint_times(store, env, args.repeat, trial)
        show("endpoint (HTTP, unique texts)", wall)
        show("endpoint, CPU seconds of the server and its workers", spent)
        print(f"load average at the end (2 cores): {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
