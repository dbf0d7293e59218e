"""One query worker process and the server's end of its socket: `Worker.start(data)`, `await worker.ask(job, s)`.

Why processes and not threads over one shared Store: pyoxigraph (0.5) evaluates and writes results with the GIL
released, so threads would run queries in parallel and skip the socket (a prototype: 2.1 instead of 2.4 ms of CPU a
request on the report questions, against the pipes and thread per request this module replaced), but it has no way
to stop a query once started (no timeout or cancellation in `Store.query`): a cross product in a thread would burn a
core until the server stopped. A process can be killed at the time limit, and its address space capped.

The server talks to a worker over a socket pair with length-prefixed frames read by the event loop itself (no
thread per request, no pickled answer): a job goes as a pickle (small; the server is the only sender), an answer
as a fixed header, the media type and the body bytes as they are.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import pickle
import socket
import struct
from typing import Any

from rdflib import Graph

from il2kg.deep import STACK_BYTES, deep
from il2kg.serve.answer import Answer, Job, answer

READY_SECONDS = 300.0
_LENGTH = struct.Struct("!Q")
_HEAD = struct.Struct("!HBBQ")  # status, truncated, media-type length, body length
READY = b"ready"


class WorkerGone(Exception):
    """The worker process died (out of memory, a crash in a C extension) or closed its socket."""


def _worker_main(sock: socket.socket, data: bytes) -> None:
    """Worker process: run the job loop on one deep stack, so deep queries parse instead of failing."""
    _cap_memory(len(data))
    deep(lambda: _job_loop(sock, data))


def _cap_memory(data_bytes: int) -> None:
    """Cap the worker's address space, so a query that builds a huge result gets MemoryError (answered 503)
    instead of pushing the machine into swap: room for the job loop's deep stack (every query runs on it),
    the graph (~10x its N-Triples) and 2.5 GiB (the interpreter, its libraries, Oxigraph and per-thread malloc
    arenas reserve address space well beyond what they use)."""
    try:
        import resource
    except ImportError:  # not on Windows: no cap there
        return
    cap = STACK_BYTES + (5 << 29) + 10 * data_bytes
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _job_loop(sock: socket.socket, data: bytes) -> None:
    graph = worker_graph(data)
    sock.sendall(_LENGTH.pack(len(READY)) + READY)
    while True:
        frame = _read_frame(sock)
        if frame is None:
            return
        got = answer(graph, pickle.loads(frame))
        media = got.media_type.encode("ascii")
        sock.sendall(_HEAD.pack(got.status, got.truncated, len(media), len(got.body)) + media)
        sock.sendall(got.body)  # apart: a 1 MB body is not copied into one more buffer


def _read_frame(sock: socket.socket) -> bytes | None:
    """One length-prefixed frame from a blocking socket; None when the other end has closed it."""
    head = _read_exactly(sock, _LENGTH.size)
    return None if head is None else _read_exactly(sock, _LENGTH.unpack(head)[0])


def _read_exactly(sock: socket.socket, size: int) -> bytes | None:
    buffer, got = bytearray(size), 0
    view = memoryview(buffer)
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            return None
        got += n
    return bytes(buffer)


def worker_graph(data: bytes) -> Graph:
    """The graph a worker answers from: the N-Triples in an in-memory Oxigraph store, as its default graph (no
    named graphs: GRAPH ?g {...} matches nothing), seen through oxrdflib. Oxigraph answers the report questions
    10-70x faster than rdflib's engine; rdflib still checks a query whose text could hold something to refuse."""
    import pyoxigraph as ox
    from oxrdflib import OxigraphStore
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    inner = ox.Store()
    inner.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    return Graph(store=OxigraphStore(store=inner), identifier=DATASET_DEFAULT_GRAPH_ID)


class Worker:
    """One query process. `start` (blocking: run it off the event loop) spawns it and waits until it has loaded
    the graph; `attach` (on the loop) opens the streams `ask` uses."""

    def __init__(self, process: Any, sock: socket.socket) -> None:
        self.process, self.sock, self.killed = process, sock, False
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    @classmethod
    def start(cls, data: bytes) -> Worker | None:
        """A worker that has loaded the graph, or None (and the process killed) if it died or took too long."""
        context = multiprocessing.get_context("spawn")  # no fork of the server's threads and event loop
        mine, theirs = socket.socketpair()
        process = context.Process(target=_worker_main, args=(theirs, data), daemon=True)
        process.start()
        theirs.close()
        worker = cls(process, mine)
        mine.settimeout(READY_SECONDS)
        try:
            ready = _read_frame(mine) == READY
        except OSError:
            ready = False
        if ready:
            mine.settimeout(None)
            return worker
        worker.kill()
        worker.reap()
        return None

    async def attach(self) -> None:
        """Open the event loop's streams on the socket (the socket becomes non-blocking)."""
        # A large limit: asyncio stops reading once twice the limit is buffered, and a large answer would then come
        # in one event-loop turn at a time.
        self.reader, self.writer = await asyncio.open_connection(sock=self.sock, limit=16 << 20)  # any stream socket

    async def ask(self, job: Job, timeout: float) -> Answer | None:
        """Send a job and read its answer; None (and the process killed) when `timeout` seconds pass first.

        Raises WorkerGone if the process died meanwhile. If the caller is cancelled mid-answer, the worker is
        killed too: what it would send next belongs to no one, and must not be read as the next job's answer."""
        assert self.reader is not None and self.writer is not None
        frame = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.writer.write(_LENGTH.pack(len(frame)) + frame)
            return await asyncio.wait_for(self._answer(), timeout)
        except TimeoutError:
            self.kill()
            return None
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            self.kill()
            raise WorkerGone() from None
        except BaseException:
            self.kill()
            raise

    async def _answer(self) -> Answer:
        assert self.reader is not None
        status, truncated, media_size, body_size = _HEAD.unpack(await self.reader.readexactly(_HEAD.size))
        media = (await self.reader.readexactly(media_size)).decode("ascii")
        return Answer(status, media, await self.reader.readexactly(body_size), bool(truncated))

    def alive(self) -> bool:
        """Whether the process still runs (and has not been killed)."""
        return not self.killed and self.process.is_alive()

    def kill(self) -> None:
        """Kill the process and close the socket; the process is reaped by `reap` (it may block briefly)."""
        self.killed = True
        self.process.kill()
        if self.writer is not None:
            self.writer.close()
        else:
            self.sock.close()

    def reap(self) -> None:
        """Wait for the killed process to exit (run off the event loop)."""
        self.process.join(5)
