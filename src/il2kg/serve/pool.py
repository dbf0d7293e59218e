"""Query worker processes and the queue in front of them: `Pool.answer(job)` from the server's event loop.

Why processes: a runaway rdflib query in a thread cannot be stopped, and parsing a large query holds the GIL for
seconds. Each worker loads the graph once and answers jobs one at a time; a job past the time limit gets its
worker killed and replaced, so later requests are answered. The pool has more workers than the two slow queries a
client can start before the limit stops them, waiting jobs form one bounded FIFO queue (503 + Retry-After when
full, or when a job waited `wait` seconds), identical jobs in flight share one run, and answers are kept in a
small cache: the graph never changes while the server runs.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
import threading
from collections import OrderedDict, deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rdflib import Dataset

from il2kg.serve.answer import Answer, Job, answer, refusal

RECURSION_LIMIT = 30000  # 1,000 UNIONs need ~4,000 frames of rdflib's recursive-descent parser
STACK_BYTES = 512 * 1024 * 1024  # room for those frames in the worker's job thread (address space, not RAM)
READY_SECONDS = 300.0
# Above this many bytes of N-Triples (~250k triples) a worker holds the graph in Oxigraph: at 1M triples rdflib
# loads for ~30 s and answers the report queries in 0.3-20 s, Oxigraph in milliseconds (benchmarks/bench_queries.py).
OXIGRAPH_ABOVE = 32 << 20


class Busy(Exception):
    """Every worker is busy and the queue is full (or the job waited too long for a worker)."""


def _worker_main(conn: Any, data: bytes) -> None:
    """Worker process: run the job loop in a thread with a deep stack, so deep queries parse instead of failing."""
    sys.setrecursionlimit(RECURSION_LIMIT)
    threading.stack_size(STACK_BYTES)
    _cap_memory(len(data))
    thread = threading.Thread(target=_job_loop, args=(conn, data))
    thread.start()
    thread.join()


def _cap_memory(data_bytes: int) -> None:
    """Cap the worker's address space, so a query that builds a huge result gets MemoryError (answered 503)
    instead of pushing the machine into swap; room for two deep stacks (the job thread's and the one query.py's
    deep-query runner starts), the graph (~10x its N-Triples) and 1 GiB."""
    try:
        import resource
    except ImportError:  # not on Windows: no cap there
        return
    cap = 2 * STACK_BYTES + (1 << 30) + 10 * data_bytes
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _job_loop(conn: Any, data: bytes) -> None:
    import rdflib.plugins.sparql

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # never fetch FROM graphs over the network
    if len(data) > OXIGRAPH_ABOVE:  # rdflib would load it for a minute and answer in seconds: Oxigraph, in memory
        import pyoxigraph as ox
        from oxrdflib import OxigraphStore

        inner = ox.Store()
        inner.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
        graph = Dataset(store=OxigraphStore(store=inner))
    else:
        graph = Dataset()  # the data is its default graph; GRAPH ?g {...} matches no named graph instead of raising
        graph.parse(data=data, format="nt")
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(answer(graph, job))


class Worker:
    """One query process; `ask` waits at most `timeout` seconds for the answer, then kills the process."""

    def __init__(self, data: bytes) -> None:
        context = multiprocessing.get_context("spawn")  # no fork of the server's threads and event loop
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, data), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self) -> bool:
        """Block until the worker has loaded the graph (False if it died or took too long)."""
        try:
            return bool(self.conn.poll(READY_SECONDS)) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            return False

    def ask(self, job: Job, timeout: float) -> Answer | None:
        """Send a job and wait for the answer; None (and the process killed) when the deadline passes."""
        self.conn.send(job)
        if self.conn.poll(timeout):
            return self.conn.recv()
        self.stop()
        return None

    def alive(self) -> bool:
        """Whether the process still runs."""
        return self.process.is_alive()

    def stop(self) -> None:
        """Kill the process."""
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class Cache:
    """Answers by job, least recently used first out, bounded by total body bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.size = max_bytes, 0
        self.items: OrderedDict[Job, Answer] = OrderedDict()

    def get(self, job: Job) -> Answer | None:
        """The cached answer, marked as recently used."""
        found = self.items.get(job)
        if found is not None:
            self.items.move_to_end(job)
        return found

    def put(self, job: Job, got: Answer) -> None:
        """Keep a final answer (not a time-out, not a worker failure) if it fits."""
        if got.status >= 500 or len(got.body) > self.max_bytes // 8 or job in self.items:
            return
        self.items[job] = got
        self.size += len(got.body)
        while self.size > self.max_bytes:
            _, old = self.items.popitem(last=False)
            self.size -= len(old.body)


class Pool:
    """`size` workers behind one FIFO queue of at most `queue` waiting jobs."""

    def __init__(self, data: bytes, size: int, queue: int, timeout: float, wait: float = 30.0,
                 cache_bytes: int = 64 << 20) -> None:
        self.data, self.size, self.queue, self.timeout, self.wait = data, size, queue, timeout, wait
        self.idle: deque[Worker] = deque()
        self.waiting: deque[asyncio.Future] = deque()
        self.running: dict[Job, asyncio.Future] = {}
        self.cache = Cache(cache_bytes)
        self.threads = ThreadPoolExecutor(max_workers=2 * size, thread_name_prefix="il2kg-worker")
        self.closed = False

    async def start(self) -> None:
        """Start every worker and wait until each has loaded the graph; RuntimeError if none could."""
        await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        if not self.idle:
            raise RuntimeError("no query worker could start; see the errors above")

    async def answer(self, job: Job) -> Answer | None:
        """The job's answer: cached, shared with an identical job in flight, or run on a worker. None = time-out.

        Raises Busy when the queue is full or the job waited `wait` seconds for a worker.
        """
        found = self.cache.get(job)
        if found is not None:
            return found
        if job in self.running:
            return await asyncio.shield(self.running[job])
        shared = asyncio.get_running_loop().create_future()
        self.running[job] = shared
        try:
            got = await self._run(job)
        except BaseException as err:
            shared.set_exception(err if isinstance(err, Busy) else Busy())
            shared.exception()  # mark retrieved: no "never retrieved" warning when nobody else waited
            raise
        finally:
            del self.running[job]
        if got is not None:
            self.cache.put(job, got)
        shared.set_result(got)
        return got

    async def _run(self, job: Job) -> Answer | None:
        worker = await self._acquire()
        loop = asyncio.get_running_loop()
        try:
            got = await loop.run_in_executor(self.threads, worker.ask, job, self.timeout)
        except (EOFError, OSError):  # the worker died: out of memory, or a crash in a C extension
            got = refusal(503, "the query stopped its worker (out of memory or stack); narrow it or add LIMIT")
        if worker.alive():
            self._release(worker)
        else:
            worker.conn.close()
            asyncio.ensure_future(self._spawn())  # replace it; the job's client is answered meanwhile
        return got

    async def _acquire(self) -> Worker:
        if self.idle:
            return self.idle.popleft()
        if len(self.waiting) >= self.queue:
            raise Busy()
        wanted = asyncio.get_running_loop().create_future()
        self.waiting.append(wanted)
        try:
            return await asyncio.wait_for(asyncio.shield(wanted), self.wait)
        except (TimeoutError, asyncio.CancelledError):
            if wanted in self.waiting:
                self.waiting.remove(wanted)
            if wanted.done() and not wanted.cancelled():  # handed a worker just as we gave up: pass it on
                self._release(wanted.result())
            raise Busy() from None

    def _release(self, worker: Worker) -> None:
        if self.closed:
            worker.stop()
            return
        while self.waiting:
            wanted = self.waiting.popleft()
            if not wanted.done():
                wanted.set_result(worker)
                return
        self.idle.append(worker)

    async def _spawn(self) -> None:
        loop = asyncio.get_running_loop()

        def start() -> Worker | None:
            worker = Worker(self.data)
            if worker.wait_ready():
                return worker
            worker.stop()
            return None

        worker = await loop.run_in_executor(self.threads, start)
        if worker is not None:
            self._release(worker)

    def close(self) -> None:
        """Stop every idle worker; busy ones stop when their job returns."""
        self.closed = True
        while self.idle:
            self.idle.popleft().stop()
        self.threads.shutdown(wait=False, cancel_futures=True)
