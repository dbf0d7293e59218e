"""Query worker processes and the queue in front of them: `Pool.answer(job)` from the server's event loop.

Why processes (worker.py says more): a running query in a thread cannot be stopped, and parsing a large query
holds the GIL for seconds. Each worker loads the graph once and answers jobs one at a time; a job past the time
limit gets its worker killed and replaced, so later requests are answered. The pool has more workers than the two
slow queries a client can start before the limit stops them, waiting jobs form one bounded FIFO queue (503 +
Retry-After when full, or when a job waited `wait` seconds), identical jobs in flight share one run, and answers
are kept in a small cache: the graph never changes while the server runs. A job runs in a task of its own, so a
client that goes away does not leave its worker half-read.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from concurrent.futures import ThreadPoolExecutor

from il2kg.serve.answer import Answer, Job, refusal
from il2kg.serve.worker import Worker, WorkerGone, worker_graph

__all__ = ["Busy", "Cache", "Pool", "worker_graph"]


class Busy(Exception):
    """Every worker is busy and the queue is full (or the job waited too long for a worker)."""


class Cache:
    """Answers by job, least recently used first out, bounded by total body bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.size = max_bytes, 0
        self.items: OrderedDict[Job, Answer] = OrderedDict()

    def get(self, job: Job) -> Answer | None:
        """The cached answer, marked as recently used."""
        if job not in self.items:
            return None
        self.items.move_to_end(job)
        return self.items[job]

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
        self.threads = ThreadPoolExecutor(max_workers=size + 1, thread_name_prefix="il2kg-spawn")  # start, reap
        self.chores: set[asyncio.Future] = set()  # replacements under way (referenced, so not collected)
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
        run = self.running.get(job)
        if run is None:
            run = self.running[job] = asyncio.ensure_future(self._run(job))
            run.add_done_callback(lambda done: self._finished(job, done))
        return await asyncio.shield(run)

    def _finished(self, job: Job, run: asyncio.Future) -> None:
        del self.running[job]
        if not run.cancelled() and run.exception() is None and run.result() is not None:
            self.cache.put(job, run.result())

    async def _run(self, job: Job) -> Answer | None:
        worker = await self._acquire()
        try:
            got = await worker.ask(job, self.timeout)
        except WorkerGone:  # out of memory, or a crash in a C extension
            got = refusal(503, "the query stopped its worker (out of memory or stack); narrow it or add LIMIT")
        if worker.alive():
            self._release(worker)
        else:  # killed at the time limit, or died: replace it; the job's client is answered meanwhile
            self._chore(self._replace(worker))
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
            worker.kill()
            return
        while self.waiting:
            wanted = self.waiting.popleft()
            if not wanted.done():
                wanted.set_result(worker)
                return
        self.idle.append(worker)

    def _chore(self, work) -> None:
        task = asyncio.ensure_future(work)
        self.chores.add(task)
        task.add_done_callback(self.chores.discard)

    async def _replace(self, worker: Worker) -> None:
        worker.kill()
        await asyncio.get_running_loop().run_in_executor(self.threads, worker.reap)
        if not self.closed:
            await self._spawn()

    async def _spawn(self) -> None:
        worker = await asyncio.get_running_loop().run_in_executor(self.threads, Worker.start, self.data)
        if worker is not None:
            await worker.attach()
            self._release(worker)

    def close(self) -> None:
        """Stop every idle worker; busy ones stop when their job returns."""
        self.closed = True
        while self.idle:
            worker = self.idle.popleft()
            worker.kill()
            worker.reap()
        self.threads.shutdown(wait=False, cancel_futures=True)
