"""Measure the SPARQL endpoint as clients see it: `python benchmarks/bench_endpoint.py [--clients 50 --requests 20]`.

The graph is that of IL2KG_ROOT (this checkout by default); `--workers N` sets the server's query workers.

Starts the real server (`python -m il2kg serve`, the graph of data/triples/) on a free loopback port in its own
process, then prints:
  - each report query's own time alone (median of 7 unique texts: nothing cached), and the slowest: the base
    issue 11 measures the p95 against ("within 3x the slowest query's own time");
  - latency p50 / p95 / max under N concurrent clients x M queries each, the report queries in turn: once as
    clients that repeat the library's questions (answers cached) and once with every text unique (no cache),
    with the CPU each request cost (server process, its query workers, these clients) and the queueing floor that
    sets on 2 cores (N x CPU per request / cores), and which requests make the tail (the slowest question's own,
    or the others);
  - a simple query's latency while two queries run into the time limit;
  - what a 389 KB query body and a 10 MB body do to another client sending simple queries meanwhile.
Figures depend on the machine (2 cores here, shared: the load average is printed); nothing is asserted.
Under load the clients are kept-alive HTTP/1.1 connections of one asyncio loop in this process (raw requests, each
answer read whole by its Content-Length): httpx cost 1.8 ms of CPU per request here, on the same 2 cores as the
server, and 50 http.client threads 0.25 ms and waits for the GIL, so the benchmark measured its own clients as
much as the endpoint. The other phases use one http.client connection per client.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
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
# A reader's buffer: asyncio stops reading a socket once twice its limit is buffered (64 KiB by default), and a
# 1.3 MB answer then came in one event-loop turn at a time, among 50 connections (its median latency 0.18 s cached).
BUFFER = 16 << 20
HEADERS = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}


def start(port: int, timeout: float, workers: int | None = None) -> subprocess.Popen:
    more = ["--workers", str(workers)] if workers else []
    server = subprocess.Popen([sys.executable, "-m", "il2kg", "serve", "--port", str(port), "--timeout",
                               str(timeout), *more], cwd=ROOT, stderr=subprocess.PIPE, text=True)
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


class Client:
    """One loopback client: a kept-alive HTTP/1.1 connection that POSTs SPARQL and reads the whole answer."""

    def __init__(self, url: str) -> None:
        parsed = httpx.URL(url)
        self.host, self.port, self.path = parsed.host, parsed.port, parsed.path
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def post(self, text: str) -> int:
        """The answer's status; 0 when the connection broke twice (counted as an error)."""
        for _ in range(2):  # the server may close a kept-alive connection (a 413 says so): reconnect once
            try:
                self.conn.request("POST", self.path, text.encode("utf-8"), HEADERS)
                response = self.conn.getresponse()
                response.read()
                if response.will_close:
                    self.conn.close()
                return response.status
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        return 0

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def timed(client: Client, url: str, text: str) -> tuple[float, int]:
    began = time.perf_counter()
    status = client.post(text)
    return time.perf_counter() - began, status


def report_queries() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries" / "report").glob("*.rq"))}


def own_times(url: str, queries: dict[str, str], repeat: int = 7) -> dict[str, float]:
    """Each query alone, median of `repeat` unique texts (each answered by a worker, not the cache), sent by one
    client of the same kind as under load."""
    parsed = httpx.URL(url)
    alone = {}
    for name, text in queries.items():
        texts = [[f"{text}\n# alone {n}" for n in range(repeat)]]
        got = asyncio.run(_load(parsed.host, parsed.port, parsed.path, texts))
        alone[name] = statistics.median(t for t, _ in got)
    return alone


def load(url: str, queries: list[str], clients: int, requests: int, unique: bool) -> tuple[list[float], dict]:
    """Each of `clients` connections sends `requests` queries one after another, the next as soon as the last is
    answered (the report queries in turn, each client from its own place); the latencies and the error statuses."""
    texts = [[queries[(c + r) % len(queries)] + (f"\n# client {c} request {r}" if unique else "")
              for r in range(requests)] for c in range(clients)]
    parsed = httpx.URL(url)
    results = asyncio.run(_load(parsed.host, parsed.port, parsed.path, texts))
    errors: dict[int, int] = {}
    for _, status in results:
        if status != 200:
            errors[status] = errors.get(status, 0) + 1
    return [t for t, _ in results], errors


async def _load(host: str, port: int, path: str, texts: list[list[str]]) -> list[tuple[float, int]]:
    """The clients as connections of one asyncio loop in this process: one thread, so no client waits for
    Python's GIL behind another (50 http.client threads did: up to 5 ms a switch) and the clients' CPU stays low
    beside the server on the same cores."""
    async def one(mine: list[str]) -> list[tuple[float, int]]:
        reader, writer = await asyncio.open_connection(host, port, limit=BUFFER)
        out = []
        for text in mine:
            body = text.encode("utf-8")
            head = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: {HEADERS['Content-Type']}\r\n"
                    f"Accept: {HEADERS['Accept']}\r\nContent-Length: {len(body)}\r\n\r\n").encode("ascii")
            began = time.perf_counter()
            try:
                writer.write(head + body)
                status, close = await _response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                status, close = 0, True
            out.append((time.perf_counter() - began, status))
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port, limit=BUFFER)
        writer.close()
        return out
    batches = await asyncio.gather(*(one(mine) for mine in texts))
    return [x for batch in batches for x in batch]


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 response whole (the endpoint always sends Content-Length): its status, and whether the
    server closes the connection after it."""
    status = int((await reader.readline()).split()[1])
    length, close = None, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
        elif name.strip().lower() == "connection" and "close" in value.lower():
            close = True
    if length is None:
        raise ValueError("no Content-Length")
    await reader.readexactly(length)
    return status, close


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds of a process itself and of its children, living or reaped (Linux /proc; 0 elsewhere)."""
    tick, own, kids_total = os.sysconf("SC_CLK_TCK"), 0.0, 0.0
    try:
        kids = [k for task in Path(f"/proc/{pid}/task").iterdir() for k in (task / "children").read_text().split()]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        own = sum(int(f) for f in fields[11:13]) / tick
        kids_total = sum(int(f) for f in fields[13:15]) / tick  # reaped children
        for kid in map(int, kids):
            fields = Path(f"/proc/{kid}/stat").read_text().rsplit(")", 1)[1].split()
            kids_total += sum(int(f) for f in fields[11:13]) / tick
    except (OSError, ValueError):
        return 0.0, 0.0
    return own, kids_total


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def beside(url: str, send, label: str) -> None:
    """Another client sends simple queries while `send` runs; print the worst latency it saw."""
    seen: list[float] = []
    done = threading.Event()

    def other() -> None:
        with Client(url) as client:
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
    parser.add_argument("--workers", type=int, help="the server's query workers (default: serve's own)")
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    server = start(port, args.timeout, args.workers)
    try:
        queries = report_queries()
        print(f"load average at start (2 cores): {os.getloadavg()[0]:.1f}")
        alone = own_times(url, queries)
        slowest = max(alone, key=alone.get)
        print(f"{len(alone)} report queries alone (median of 7 unique texts): {min(alone.values()):.3f}-"
              f"{alone[slowest]:.3f} s (slowest: {slowest}); " + ", ".join(f"{n} {t:.3f}" for n, t in alone.items()))
        for unique, label in ((False, "repeated questions (cache)"), (True, "every text unique (no cache)")):
            began, (server_cpu, worker_cpu), client_cpu = time.perf_counter(), cpu_seconds(server.pid), \
                time.process_time()
            times, errors = load(url, list(queries.values()), args.clients, args.requests, unique)
            took, (server_end, worker_end) = time.perf_counter() - began, cpu_seconds(server.pid)
            split = [server_end - server_cpu, worker_end - worker_cpu, time.process_time() - client_cpu]
            print(f"load, {args.clients} clients x {args.requests}, {label}: "
                  f"{sum(errors.values())} errors {errors or ''}, "
                  f"p50 {pct(times, 50):.3f} s, p95 {pct(times, 95):.3f} s, max {max(times):.3f} s "
                  f"(p95 / slowest alone = {pct(times, 95) / alone[slowest]:.1f}x; {took:.1f} s in all)")
            names = [list(queries)[(c + r) % len(queries)] for c in range(args.clients) for r in range(args.requests)]
            own = [t for t, n in zip(times, names, strict=True) if n == slowest]
            rest = [t for t, n in zip(times, names, strict=True) if n != slowest]
            if own and len(rest) > 1:  # which requests make the tail: the slowest question's own, or the others
                print(f"  {slowest}'s {len(own)} requests: median {statistics.median(own):.3f} s; the other "
                      f"{len(rest)}: p50 {pct(rest, 50):.3f} s, p95 {pct(rest, 95):.3f} s")
            per = sum(split) / len(times)
            print(f"  CPU per request: {per * 1000:.1f} ms (server {split[0] / len(times) * 1000:.1f}, workers "
                  f"{split[1] / len(times) * 1000:.1f}, these clients {split[2] / len(times) * 1000:.1f}); the cores "
                  f"got {sum(split) / took:.1f} of {os.cpu_count()} (load average {os.getloadavg()[0]:.1f}); queueing "
                  f"floor for the mean latency on idle cores: {args.clients} x {per * 1000:.1f} ms / "
                  f"{os.cpu_count()} = {args.clients * per / (os.cpu_count() or 1):.3f} s")
        with ThreadPoolExecutor(2) as pool, Client(url) as client:
            slow = [pool.submit(lambda v=v: timed(Client(url), url, SLOW.format(v=v))) for v in ("n", "m")]
            time.sleep(0.5)
            simple = [timed(client, url, SIMPLE.format(n=f"beside slow {i}")) for i in range(5)]
            ends = [f.result() for f in slow]
        print(f"simple query while two run into the {args.timeout:g} s limit: max {max(t for t, _ in simple):.3f} s "
              f"(statuses {[s for _, s in simple]}; the slow ones: {[s for _, s in ends]} after "
              f"{max(t for t, _ in ends):.1f} s)")
        values = " ".join(f'"value {i:06d}"' for i in range(25900))
        large = f"SELECT * WHERE {{ VALUES ?x {{ {values} }} }} LIMIT 1"
        with Client(url) as client:
            beside(url, lambda: timed(client, url, large)[1], f"{len(large) // 1000} KB query body")
            beside(url, lambda: timed(client, url, "#" * (10 << 20))[1], "10 MB body")
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
