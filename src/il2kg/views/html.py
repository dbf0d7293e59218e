"""One self-contained HTML page per view: vis-network (as pyvis ships it) inlined, data as escaped JSON.

pyvis is the source of the vis-network files and of the options we do not set (PYVIS_OPTIONS, what its
`Network` with physics off gives, checked against it by a test); the page itself comes from our template,
because pyvis's links Bootstrap from a CDN and puts tooltips into the page as raw HTML. pyvis is not imported
at build time (its import, with jinja2's, cost ~0.16 s of every build): the nodes and edges are plain lists.
The page makes no network request: every script and style is inline and a Content-Security-Policy
allows only our two scripts (by hash) and data: images.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
from pathlib import Path
from string import Template

import networkx as nx

from il2kg.rdf_io import atomic_write
from il2kg.views import assets
from il2kg.views.positions import positions
from il2kg.views.style import PLAIN_EDGE, edge_legend, edge_style, node_style

MAX_SENTENCES = 10  # evidence sentences per tooltip; the rest are counted
LARGE = 2000  # above this many nodes, hide edges while dragging


def script_json(value: object) -> str:
    """JSON that is safe inside <script>: '<', '>', '&', U+2028 and U+2029 are \\u-escaped; same bytes each run."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _sentences(values: object) -> list[str]:
    found = [str(v) for v in (values or ())]  # type: ignore[union-attr]
    if len(found) > MAX_SENTENCES:
        return found[:MAX_SENTENCES] + [f"(and {len(found) - MAX_SENTENCES} more evidence sentences)"]
    return found


def _vis_nodes(graph: nx.DiGraph, disease_index: dict[str, int]) -> list[dict[str, object]]:
    where = positions(graph)
    nodes = []
    for node, attrs in graph.nodes(data=True):
        weight = int(attrs.get("weight", 0) or 0)
        item: dict[str, object] = {
            "id": node, "label": str(attrs.get("label", node)), "group": str(attrs.get("type", "Resource")),
            "x": where[node][0], "y": where[node][1], "weight": weight,
            "size": round(min(40.0, 10.0 + 6.0 * math.log2(1 + weight)), 1),
            "d": [disease_index[d] for d in attrs.get("diseases", ()) if d in disease_index],
        }
        facts = [[str(k), str(v)] for k, v in attrs.get("facts", ()) if v not in (None, "")]
        if facts:
            item["facts"] = facts
        if attrs.get("evidence"):
            item["evidence"] = _sentences(attrs["evidence"])
        nodes.append(item)
    return nodes


def _vis_edges(graph: nx.DiGraph) -> list[dict[str, object]]:
    edges = []
    for source, target, attrs in graph.edges(data=True):
        facts = [[key, str(attrs[key])] for key in ("relation", "direction", "significant", "results", "intent",
                                                    "section", "trials") if attrs.get(key) not in (None, "")]
        facts += [["result", str(line)] for line in _sentences(attrs.get("detail", ()))]
        item: dict[str, object] = {"from": source, "to": target, "facts": facts}
        if attrs.get("evidence"):
            item["evidence"] = _sentences(attrs["evidence"])
        style = edge_style(attrs)
        if style != PLAIN_EDGE:
            item.update(style)
        edges.append(item)
    return edges


# What `pyvis.network.Network(directed=True)` with `toggle_physics(False)` puts in its options, but for the keys
# _options sets (tests/test_views.py compares it with pyvis's).
PYVIS_OPTIONS = {"configure": {"enabled": False},
                 "physics": {"enabled": False, "stabilization": {"enabled": True, "fit": True, "iterations": 1000,
                                                                 "onlyDynamicEdges": False, "updateInterval": 50}}}


def _options(node_count: int, kinds: list[str]) -> dict[str, object]:
    options: dict[str, object] = json.loads(json.dumps(PYVIS_OPTIONS))  # a deep copy: the constant stays as it is
    options["edges"] = {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "smooth": False,
                        "color": {"color": PLAIN_EDGE["color"], "inherit": False}, "width": PLAIN_EDGE["width"]}
    options["groups"] = {kind: {"color": node_style(kind)[0], "shape": node_style(kind)[1]} for kind in kinds}
    options["interaction"] = {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": node_count > LARGE,
                              "dragNodes": True}
    options["layout"] = {"improvedLayout": False}
    options["nodes"] = {"font": {"size": 16}}
    return options


def page_data(graph: nx.DiGraph) -> dict[str, object]:
    """The JSON the page embeds: vis nodes and edges, legends, diseases, options."""
    diseases = sorted((n for n, kind in graph.nodes(data="type") if kind == "Disease"),
                      key=lambda n: (str(graph.nodes[n].get("label", n)).lower(), n))
    nodes = _vis_nodes(graph, {d: i for i, d in enumerate(diseases)})
    counts: dict[str, int] = {}
    for node in nodes:
        counts[node["group"]] = counts.get(node["group"], 0) + 1
    groups = [{"id": kind, "count": n, "color": node_style(kind)[0], "symbol": node_style(kind)[2]}
              for kind, n in sorted(counts.items())]
    return {"nodes": nodes, "edges": _vis_edges(graph), "groups": groups,
            "diseases": [{"id": d, "label": str(graph.nodes[d].get("label", d))} for d in diseases],
            "edgeLegend": edge_legend(graph), "options": _options(len(nodes), sorted(counts))}


def _hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def render_html(graph: nx.DiGraph, title: str) -> str:
    """The page for a view graph, as text (same graph and title, same text)."""
    vis_js, vis_css = assets.vis_network()
    page_js = assets.own("view.js")
    return Template(assets.own("view.html")).substitute(
        title=html.escape(title), vis_css=vis_css, page_css=assets.own("view.css"), vis_js=vis_js,
        page_js=page_js, data=script_json(page_data(graph)), script_hashes=f"{_hash(vis_js)} {_hash(page_js)}",
    )


def write_html(graph: nx.DiGraph, path: Path, title: str) -> Path:
    """Write the view page of a networkx graph (a projection) to `path`; return the path."""
    atomic_write(Path(path), render_html(graph, title).encode("utf-8"))
    return Path(path)
