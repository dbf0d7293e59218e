"""Run the endpoint: `listen(host, port)` binds the socket (or says in one line why it cannot), `serve` runs it.

The socket is bound before the graph is loaded and before "SPARQL endpoint on ..." is printed, and handed to
uvicorn as is: a port in use or a bad host is a one-line error (exit 2), never uvicorn's exit 3 or a traceback.
"""

from __future__ import annotations

import errno
import socket

from rdflib import Graph

from il2kg.errors import Il2kgError
from il2kg.serve.app import Limits, make_app


class AddressError(Il2kgError):
    """The server cannot listen on the host and port asked for."""


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port; AddressError (one line, says what to pass) when that is impossible."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError, OverflowError, ValueError):
        raise AddressError(f"host {host!r} is not an address or a name this machine can resolve; "
                           "pass --host 127.0.0.1 (or an address of this machine)") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: restart over TIME_WAIT
        sock.bind(address)
        sock.listen(2048)
    except OSError as err:
        sock.close()
        raise AddressError(_why(err, host, port)) from None
    sock.set_inheritable(True)
    return sock


def _why(err: OSError, host: str, port: int) -> str:
    if err.errno == errno.EADDRINUSE:
        return f"port {port} is in use; pass --port with a free port"
    if err.errno in (errno.EACCES, errno.EPERM):
        return f"port {port} needs privileges this user lacks; pass --port above 1023"
    if err.errno == errno.EADDRNOTAVAIL:
        return f"host {host!r} is not an address of this machine; pass --host 127.0.0.1"
    return f"cannot listen on {host}:{port} ({err.strerror}); pass another --host or --port"


def serve(graph: Graph, host: str = "127.0.0.1", port: int = 8000, limits: Limits | None = None,
          sock: socket.socket | None = None) -> None:
    """Run the endpoint under uvicorn until interrupted (loopback only by default)."""
    import uvicorn

    sock = sock or listen(host, port)
    config = uvicorn.Config(make_app(graph, limits or Limits()), host=host, port=port, log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])
