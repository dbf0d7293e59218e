"""Push the graph into a private Virtuoso (GSP, then the SPARQL Update fallback) and get rdflib's answers back.

Installs Debian's virtuoso-opensource when it can (root and network); otherwise skips with the reason.
The server listens on 127.0.0.1 only, on free ports, with its database in tmp_path, and is stopped by
its PID in a finally block.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from test_exports import sample_release
from test_triplestore import QUERIES

from il2kg.errors import Il2kgError
from il2kg.exports.push import PushError, Target, _insert, fill_update, graph_iri, push
from il2kg.vocab import PREFIXES

SYSTEM_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
START_TIMEOUT = 45


def _install() -> str | None:
    """Return why Virtuoso is unavailable, or None once virtuoso-t is on PATH."""
    if shutil.which("virtuoso-t") and SYSTEM_INI.is_file():
        return None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return "virtuoso-opensource is not installed and this user cannot apt-get install it"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        subprocess.run(["apt-get", "install", "-y", "-qq", "virtuoso-opensource"], env=env, capture_output=True,
                       timeout=300, check=True)
    except (subprocess.SubprocessError, OSError) as err:
        return f"apt-get install virtuoso-opensource failed (no network or package lock?): {err}"
    return None if shutil.which("virtuoso-t") else "virtuoso-t not found after installing virtuoso-opensource"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def private_ini(folder: Path, sql_port: int, http_port: int) -> Path:
    """Copy the system virtuoso.ini with ports bound to 127.0.0.1 and every file under `folder`."""
    section, lines = "", []
    paths = {"DatabaseFile": "virtuoso{temp}.db", "ErrorLogFile": "virtuoso.log", "LockFile": "virtuoso.lck",
             "TransactionFile": "virtuoso{temp}.trx", "xa_persistent_file": "virtuoso.pxa"}
    for line in SYSTEM_INI.read_text().splitlines():
        if line.startswith("["):
            section = line.strip()
        key = line.split("=", 1)[0].strip()
        temp = "-temp" if section == "[TempDatabase]" else ""
        if section in ("[Database]", "[TempDatabase]") and key in paths:
            line = f"{key} = {folder / paths[key].format(temp=temp)}"
        elif section == "[Parameters]" and key == "ServerPort":
            line = f"ServerPort = 127.0.0.1:{sql_port}"
        elif section == "[HTTPServer]" and key == "ServerPort":
            line = f"ServerPort = 127.0.0.1:{http_port}"
        elif section == "[Parameters]" and key == "DirsAllowed":
            line = f"DirsAllowed = ., {folder}, /usr/share/virtuoso-opensource-7/vad"
        lines.append(line)
    ini = folder / "virtuoso.ini"
    ini.write_text("\n".join(lines) + "\n")
    return ini


def _wait_for(url: str, proc: subprocess.Popen, deadline: float) -> bool:
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url + "?query=" + urllib.parse.quote("ASK {}"), timeout=2):
                return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    return False


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    reason = _install()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port = _free_port()
    ini = private_ini(folder, _free_port(), http_port)
    log = (folder / "stdout.log").open("wb")
    proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=folder, stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{http_port}"
        if not _wait_for(base + "/sparql", proc, time.monotonic() + START_TIMEOUT):
            pytest.skip(f"Virtuoso did not answer on {base}/sparql within {START_TIMEOUT} s (see {folder})")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _prefixes() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def remote_rows(base: str, graph: str, query: str) -> list[tuple]:
    params = urllib.parse.urlencode({"query": _prefixes() + query, "default-graph-uri": graph})
    request = urllib.request.Request(f"{base}/sparql?{params}", headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    names = body["head"]["vars"]
    return [tuple(_value(b.get(n)) for n in names) for b in body["results"]["bindings"]]


def _value(binding: dict | None) -> object:
    if binding is None:
        return None
    if re.search(r"#(integer|decimal|double|float|int|long)$", binding.get("datatype", "")):
        return Decimal(binding["value"])
    return binding["value"]


def local_rows(graph, query: str) -> list[tuple]:
    def value(term):
        return Decimal(str(term.toPython())) if isinstance(term, Literal) and term.datatype and \
            re.search(r"#(integer|decimal|double|float)$", term.datatype) else str(term)

    return [tuple(value(t) for t in row) for row in graph.query(query, initNs=PREFIXES)]


@pytest.fixture(scope="module")
def merged():
    return sample_release().merged


@pytest.mark.parametrize("mode", ["graph-store-protocol", "sparql-update"])
def test_push_then_competency_queries_agree_with_rdflib(virtuoso, merged, mode):
    graph = f"https://w3id.org/il2kg/test/{mode}"
    if mode == "graph-store-protocol":
        target = Target(f"{virtuoso}/sparql", graph, gsp=f"{virtuoso}/sparql-graph-crud-auth", user="dba",
                        password="dba")
    else:  # no graph store at that path (404): push falls back to SPARQL Update
        target = Target(f"{virtuoso}/sparql", graph, gsp=f"{virtuoso}/no-graph-store", update=f"{virtuoso}/sparql-auth",
                        user="dba", password="dba")
    steps = []
    result = push(merged, target, progress=lambda done, total: steps.append((done, total)), batch_size=500)
    assert result.method == mode
    assert result.stored == result.sent == len(merged)
    assert steps[-1][0] == steps[-1][1]
    for name, query in sorted(QUERIES.items()):
        want = local_rows(merged, query)
        assert want, name
        assert remote_rows(virtuoso, graph, query) == want, name


def test_push_again_replaces_the_graph(virtuoso, merged):
    graph = "https://w3id.org/il2kg/test/replace"
    target = Target(f"{virtuoso}/sparql", graph, gsp=f"{virtuoso}/sparql-graph-crud-auth", user="dba", password="dba")
    push(merged, target)
    assert push(merged, target).stored == len(merged)


def test_wrong_password_is_a_push_error(virtuoso, merged):
    target = Target(f"{virtuoso}/sparql", "https://w3id.org/il2kg/test/x", gsp=f"{virtuoso}/sparql-graph-crud-auth",
                    user="dba", password="wrong")
    with pytest.raises(PushError):
        push(merged, target)


def test_updates_come_from_queries_push_with_the_graph_as_a_term_and_nothing_pasted():
    graph = "https://example.org/g"
    assert fill_update("drop-graph", graph) == f"DROP SILENT GRAPH <{graph}>"
    assert _insert(graph, "<a> <b> <c> .").startswith(f"INSERT DATA {{ GRAPH <{graph}> {{\n<a> <b> <c> .")
    assert _insert(graph, "_:x <b> <c> .").endswith("} } WHERE {}")
    assert "$graph" in fill_update("insert-data", graph, "<a> <b> \"$graph\" .")  # inserted text is not re-read
    for bad in ("https://example.org/g> } ; DROP ALL ; #", "https://example.org/a b", "not-absolute"):
        with pytest.raises(Il2kgError, match="not an absolute IRI"):
            graph_iri(bad, URIRef(graph))
