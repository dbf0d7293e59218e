"""Measure the SPARQL endpoint as clients see it: `python benchmarks/bench_endpoint.py [--clients 50 --requests 20]`.

Starts the real server (`python -m il2kg serve`, the graph of data/triples/) on a free loopback port in its own
process, then prints:
  - each report query's own time (first run, nothing cached), and the slowest;
  - latency p50 / p95 / max under N concurrent clients x M queries each, the report queries in turn: once as
    clients that repeat the library's questions (answers cached) and once with every text unique (no cache),
    with the CPU each request cost and the queueing floor that sets on 2 cores (N x CPU per request / cores);
  - a simple query's latency while two queries run into the time limit;
  - what a 389 KB query body and a 10 MB body do to another client sending simple queries meanwhile.
Figures depend on the machine (2 cores here, shared); nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SIMPLE = "PREFIX il2kg: <https://w3id.org/il2kg/> SELECT ?id WHERE {{ ?t il2kg:registryId ?id }} ORDER BY ?id # {n}"
SLOW = "SELECT (COUNT(*) AS ?{v}) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }}"
HEADERS = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}


def start(port: int, timeout: float) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "il2kg", "serve", "--port", str(port), "--timeout",
                               str(timeout)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/sparql", timeout=5).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"the server did not start: {server.stderr.read() if server.stderr else ''}")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def timed(client: httpx.Client, url: str, text: str) -> tuple[float, int]:
    began = time.perf_counter()
    status = client.post(url, content=text.encode("utf-8"), headers=HEADERS, timeout=120).status_code
    return time.perf_counter() - began, status


def report_queries() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries" / "report").glob("*.rq"))}


def own_times(url: str, queries: dict[str, str]) -> dict[str, float]:
    with httpx.Client() as client:
        return {name: timed(client, url, text)[0] for name, text in queries.items()}


def load(url: str, queries: list[str], clients: int, requests: int, unique: bool) -> tuple[list[float], dict]:
    def one_client(c: int) -> list[tuple[float, int]]:
        with httpx.Client() as client:
            return [timed(client, url, queries[(c + r) % len(queries)]
                          + (f"\n# client {c} request {r}" if unique else "")) for r in range(requests)]
    with ThreadPoolExecutor(clients) as pool:
        results = [x for batch in pool.map(one_client, range(clients)) for x in batch]
    errors: dict[int, int] = {}
    for _, status in results:
        if status != 200:
            errors[status] = errors.get(status, 0) + 1
    return [t for t, _ in results], errors


def cpu_seconds(pid: int) -> float:
    """CPU seconds of a process and its children, living or reaped (Linux /proc; 0 elsewhere)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    try:
        kids = [k for task in Path(f"/proc/{pid}/task").iterdir() for k in (task / "children").read_text().split()]
        for one in [pid, *map(int, kids)]:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15 if one == pid else 13]) / tick
    except (OSError, ValueError):
        return 0.0
    return total


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def beside(url: str, send, label: str) -> None:
    """Another client sends simple queries while `send` runs; print the worst latency it saw."""
    seen: list[float] = []
    done = threading.Event()

    def other() -> None:
        with httpx.Client() as client:
            n = 0
            while not done.is_set():
                n += 1
                seen.append(timed(client, url, SIMPLE.format(n=f"{label} {n}"))[0])
                time.sleep(0.05)
    watcher = threading.Thread(target=other)
    watcher.start()
    time.sleep(0.2)
    began = time.perf_counter()
    status = send()
    took = time.perf_counter() - began
    done.set()
    watcher.join()
    print(f"{label}: answered {status} in {took:.2f} s; meanwhile another client's {len(seen)} simple queries: "
          f"max {max(seen):.3f} s, median {statistics.median(seen):.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=5.0, help="the server's query time limit (s)")
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    server = start(port, args.timeout)
    try:
        queries = report_queries()
        alone = own_times(url, queries)
        slowest = max(alone, key=alone.get)
        print(f"{len(alone)} report queries alone (first run): {min(alone.values()):.3f}-{alone[slowest]:.3f} s "
              f"(slowest: {slowest})")
        for unique, label in ((False, "repeated questions (cache)"), (True, "every text unique (no cache)")):
            began, spent = time.perf_counter(), cpu_seconds(server.pid) + time.process_time()
            times, errors = load(url, list(queries.values()), args.clients, args.requests, unique)
            took, spent = time.perf_counter() - began, cpu_seconds(server.pid) + time.process_time() - spent
            print(f"load, {args.clients} clients x {args.requests}, {label}: "
                  f"{sum(errors.values())} errors {errors or ''}, "
                  f"p50 {pct(times, 50):.3f} s, p95 {pct(times, 95):.3f} s, max {max(times):.3f} s "
                  f"(p95 / slowest alone = {pct(times, 95) / alone[slowest]:.1f}x; {took:.1f} s in all)")
            per = spent / len(times)
            print(f"  CPU per request (server, workers and these clients): {per * 1000:.1f} ms; the cores got "
                  f"{spent / took:.1f} of {os.cpu_count()} (load average {os.getloadavg()[0]:.1f}); queueing floor "
                  f"for the mean latency on idle cores: {args.clients} x {per * 1000:.1f} ms / {os.cpu_count()} = "
                  f"{args.clients * per / (os.cpu_count() or 1):.3f} s")
        with ThreadPoolExecutor(2) as pool, httpx.Client() as client:
            slow = [pool.submit(lambda v=v: timed(httpx.Client(), url, SLOW.format(v=v))) for v in ("n", "m")]
            time.sleep(0.5)
            simple = [timed(client, url, SIMPLE.format(n=f"beside slow {i}")) for i in range(5)]
            ends = [f.result() for f in slow]
        print(f"simple query while two run into the {args.timeout:g} s limit: max {max(t for t, _ in simple):.3f} s "
              f"(statuses {[s for _, s in simple]}; the slow ones: {[s for _, s in ends]} after "
              f"{max(t for t, _ in ends):.1f} s)")
        values = " ".join(f'"value {i:06d}"' for i in range(25900))
        large = f"SELECT * WHERE {{ VALUES ?x {{ {values} }} }} LIMIT 1"
        with httpx.Client() as client:
            beside(url, lambda: timed(client, url, large)[1], f"{len(large) // 1000} KB query body")
            beside(url, lambda: timed(client, url, "#" * (10 << 20))[1], "10 MB body")
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
