"""The view pages in headless Chromium, offline: no console error, no request, the whole graph drawn, payloads inert.

Chromium is driven over the DevTools protocol (websocket-client). Networking is off: every request
goes to a dead proxy, and any request at all (other than the page's own file) fails the test.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import time
from pathlib import Path

import pytest

from il2kg.ontology import load_ontology
from il2kg.views import write_views
from il2kg.views.projections import citation_map, full_graph, mechanism_map

CHROMIUM = Path("/usr/bin/chromium")
websocket = pytest.importorskip("websocket", reason="websocket-client is not installed (pip install websocket-client)")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium missing: apt-get install chromium")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
         "--remote-debugging-port=0", "--window-size=1280,800", "--disable-extensions", "--mute-audio"]


class Browser:
    """A Chromium process and one page session over the DevTools protocol (flat sessions)."""

    def __init__(self, profile: Path) -> None:
        self.process = subprocess.Popen([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        url = self._endpoint()
        self.ws = websocket.create_connection(url, timeout=10, suppress_origin=True)
        self.counter, self.events = 0, []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)

    def _endpoint(self) -> str:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            found = re.search(r"DevTools listening on (ws://\S+)", line)
            if found:
                return found.group(1)
        raise RuntimeError("Chromium did not print its DevTools endpoint")

    def call(self, method: str, session: bool = False, **params: object) -> dict:
        self.counter += 1
        message = {"id": self.counter, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.counter:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def evaluate(self, expression: str) -> object:
        result = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, seconds: float = 10) -> object:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise TimeoutError(expression)

    def open(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", session=True, url=url)
        self.wait_for("document.readyState === 'complete' && !!(window.il2kgView && window.il2kgView.ready)")

    def problems(self, page_url: str) -> list[str]:
        """Console errors, exceptions, failed requests and any request other than the page itself."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails']}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
            elif method == "Network.loadingFailed":
                found.append(f"failed request: {params.get('errorText')}")
            elif method == "Network.requestWillBeSent" and params["request"]["url"] != page_url:
                found.append(f"request: {params['request']['url']}")
        return found

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", session=True, format="png")["data"]))

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    from test_views import hostile_graph

    out = tmp_path_factory.mktemp("views")
    graph, ontology = hostile_graph(), load_ontology()
    write_views(graph, ontology, out)
    views = {"mechanism-map": mechanism_map(graph, ontology), "citation-map": citation_map(graph, ontology),
             "full-graph": full_graph(graph, ontology)}
    return out, views


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    session = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield session
    session.close()


HOSTILE_NODE = "window.il2kgView.data.get().find(n => n.label.indexOf('<script>') >= 0)"


@pytest.mark.parametrize("name", ["mechanism-map", "citation-map", "full-graph"])
def test_page_draws_the_whole_graph_offline_without_errors(browser, pages, name, tmp_path):
    out, views = pages
    url = (out / f"{name}.html").as_uri()
    browser.open(url)
    counts = browser.evaluate("[document.body.dataset.nodeCount, document.body.dataset.edgeCount]")
    assert [int(c) for c in counts] == [views[name].number_of_nodes(), views[name].number_of_edges()]
    assert browser.evaluate("window.il2kgPwned === undefined && !document.title.includes('pwned')")
    browser.screenshot(tmp_path / f"{name}.png")
    assert (tmp_path / f"{name}.png").stat().st_size > 10_000
    assert browser.problems(url) == []


def test_injected_markup_is_shown_as_text_and_runs_nothing(browser, pages, tmp_path):
    out, _ = pages
    url = (out / "mechanism-map.html").as_uri()
    browser.open(url)
    x, y = browser.evaluate(f"""(() => {{
        const net = window.il2kgView.network, node = {HOSTILE_NODE};
        net.moveTo({{position: net.getPosition(node.id), scale: 1.5, animation: false}});
        const dom = net.canvasToDOM(net.getPosition(node.id));
        const box = document.getElementById('il2kg-network').getBoundingClientRect();
        return [dom.x + box.left, dom.y + box.top];
    }})()""")
    browser.call("Input.dispatchMouseEvent", session=True, type="mouseMoved", x=x, y=y)
    tip = browser.wait_for("""(() => { const t = document.querySelector('div.vis-tooltip');
        return t && t.style.visibility === 'visible' && t.textContent; })()""", seconds=5)
    assert "<script>window.il2kgPwned=3</script>" in tip
    assert "<img src=x onerror=" in tip and "<script>alert(1)</script>" in tip
    tags = browser.evaluate("Array.from(document.querySelectorAll('div.vis-tooltip *')).map(e => e.tagName)")
    assert not {"SCRIPT", "IMG"} & set(tags)
    assert browser.evaluate("document.querySelectorAll('script').length") == 3
    assert browser.evaluate("window.il2kgPwned === undefined")
    browser.screenshot(tmp_path / "tooltip.png")
    assert browser.problems(url) == []


def test_disease_filter_shows_one_diseases_subgraph(browser, pages):
    out, views = pages
    view = views["mechanism-map"]
    url = (out / "mechanism-map.html").as_uri()
    browser.open(url)
    als = "http://purl.obolibrary.org/obo/MONDO_0004976"
    browser.evaluate(f"""(() => {{ const s = document.getElementById('il2kg-disease');
        s.value = '{als}'; window.il2kgView.ready = false; s.dispatchEvent(new Event('change')); }})()""")
    browser.wait_for("window.il2kgView.ready")
    shown = {n for n, d in view.nodes(data="diseases") if als in d}
    edges = [(u, v) for u, v in view.edges if u in shown and v in shown]
    counts = browser.evaluate("[document.body.dataset.nodeCount, document.body.dataset.edgeCount]")
    assert [int(c) for c in counts] == [len(shown), len(edges)]
    assert browser.problems(url) == []


FIT_REPORT = """(() => {
    const net = window.il2kgView.network, ids = net.body.nodeIndices;
    const box = document.getElementById('il2kg-network').getBoundingClientRect();
    let left = Infinity, right = -Infinity, top = Infinity, bottom = -Infinity;
    ids.forEach(id => { const p = net.canvasToDOM(net.getPosition(id));
        left = Math.min(left, p.x); right = Math.max(right, p.x);
        top = Math.min(top, p.y); bottom = Math.max(bottom, p.y); });
    return {ids: ids.slice().sort(), width: box.width, height: box.height, left, right, top, bottom};
})()"""


def _choose(browser, disease: str) -> None:
    browser.evaluate(f"""(() => {{ const s = document.getElementById('il2kg-disease');
        s.value = {json.dumps(disease)}; window.il2kgView.ready = false; s.dispatchEvent(new Event('change')); }})()""")
    browser.wait_for("window.il2kgView.ready")


@pytest.mark.parametrize(("disease", "mechanism"), [
    ("http://purl.obolibrary.org/obo/MONDO_0004976", "https://w3id.org/il2kg/neuroinflammation"),  # ALS: CCL2's
    ("http://purl.obolibrary.org/obo/MONDO_0008383", "https://w3id.org/il2kg/tregExpansion"),  # RA: TRANSREG's
], ids=["als", "ra"])
def test_choosing_a_disease_shows_its_trials_and_mechanisms_and_zooms_to_them(browser, pages, tmp_path, disease,
                                                                             mechanism):
    out, views = pages
    view = views["mechanism-map"]
    url = (out / "mechanism-map.html").as_uri()
    browser.open(url)
    browser.screenshot(tmp_path / "all.png")
    als = disease
    _choose(browser, als)
    report = browser.evaluate(FIT_REPORT)
    browser.screenshot(tmp_path / "als.png")
    assert report["ids"] == sorted(n for n, d in view.nodes(data="diseases") if als in d)
    assert mechanism in report["ids"]  # the mechanisms of the biomarkers its trials moved come along
    assert not any(view.nodes[n]["type"] == "Disease" and n != als for n in report["ids"])
    # Re-zoomed: the chosen nodes fill the canvas (fit), none is outside it.
    assert report["left"] >= 0 and report["top"] >= 0
    assert report["right"] <= report["width"] and report["bottom"] <= report["height"]
    spread = max((report["right"] - report["left"]) / report["width"],
                 (report["bottom"] - report["top"]) / report["height"])
    assert spread > 0.6, report
    assert (tmp_path / "als.png").read_bytes() != (tmp_path / "all.png").read_bytes()
    assert (tmp_path / "als.png").stat().st_size > 10_000
    assert browser.problems(url) == []


@pytest.mark.slow
def test_views_of_hundreds_of_trials_open_without_errors(browser, tmp_path, ontology):
    from test_views import many_trials_graph

    from il2kg.views.html import write_html

    graph = many_trials_graph(300)
    for name, project in (("mechanism-map", mechanism_map), ("full-graph", full_graph)):
        view = project(graph, ontology)
        path = write_html(view, tmp_path / f"{name}.html", name)
        url = path.as_uri()
        browser.open(url)
        counts = browser.evaluate("[document.body.dataset.nodeCount, document.body.dataset.edgeCount]")
        assert [int(c) for c in counts] == [view.number_of_nodes(), view.number_of_edges()]
        browser.screenshot(tmp_path / f"{name}.png")
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
        assert browser.problems(url) == []
        groups = browser.evaluate("window.il2kgView.data.get().filter(n => n.group === 'TrialGroup').length")
        assert (groups > 0) == (name == "mechanism-map")  # only the mechanism map groups its trials
