"""The /id/ page of one resource, as a reader wants it: label and type, key facts with their evidence, then links.

Runs in a query worker. The four queries under queries/endpoint/resource-*.rq read the facts, the evidence, the
incoming links and the labels; this module only arranges them. Every text is escaped; IRIs show as CURIEs.
"""

from __future__ import annotations

import html
from collections import defaultdict

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from il2kg.curie import PAGE, curie
from il2kg.query import execute, term_rows
from il2kg.serve.answer import HTML, Answer, Job, graph_answer, negotiate, refusal
from il2kg.vocab import ID

STYLE = """body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:60em;padding:0 1em;color:#222}
h1{margin:.2em 0}.type{color:#555;margin:0 0 1em}code{font-size:12px;color:#666}
table{border-collapse:collapse;width:100%}td,th{border-top:1px solid #ddd;padding:4px 8px;vertical-align:top;
text-align:left}th{background:#f4f4f4}blockquote{margin:0 0 .4em;padding-left:.6em;border-left:3px solid #cde;
font-size:13px}h3{font-size:15px;margin:.6em 0 .2em}mark{background:#fde68a}.src{font-size:12px;color:#666}
nav{font-size:13px}"""
HIDDEN = (RDF.type, RDFS.label)  # shown in the heading, not again among the facts


class Terms:
    """Labels and CURIEs of the terms on one page."""

    def __init__(self, rows: list[dict]) -> None:
        self.labels: dict[URIRef, str] = {}
        for row in rows:  # sorted by term, rank, label: the first row of a term is its best label
            self.labels.setdefault(row["term"], " ".join(str(row["label"]).split()))

    def label(self, term: URIRef) -> str:
        """What a reader knows the term as; its CURIE when it has no label."""
        return self.labels.get(term) or curie(term, PAGE)

    def link(self, term: object) -> str:
        """HTML for a value: a local link for /id/ IRIs, a label with its CURIE for others, a literal as text."""
        if not isinstance(term, URIRef):
            return html.escape(str(term))
        text = html.escape(self.label(term))
        name = f' <code>{html.escape(curie(term, PAGE))}</code>' if term in self.labels else ""
        if str(term).startswith(str(ID)):
            href = html.escape("/id/" + str(term)[len(str(ID)):], quote=True)
            return f'<a href="{href}">{text}</a>{name}'
        return text + name


def answer_resource(graph: Graph, job: Job) -> Answer:
    """Answer /id/...: the HTML page or the resource's triples (Turtle, JSON-LD, N-Triples); 404 if unknown."""
    resource = URIRef(job.text)
    if negotiate(job.accept, job.fmt, "graph") != "html":
        result = execute("endpoint/describe-resource", graph, {"resource": resource})
        triples = sorted(result.graph or Graph())
        return graph_answer(triples, job) if triples else _unknown(resource)
    rows = {name: term_rows(execute(f"endpoint/resource-{name}", graph, {"resource": resource}))
            for name in ("facts", "links", "evidence", "labels")}
    if not rows["facts"] and not rows["links"] and not rows["evidence"]:
        return _unknown(resource)
    body = render(resource, rows, job.max_rows)
    return Answer(200, HTML, body.encode("utf-8", "replace"))


def _unknown(resource: URIRef) -> Answer:
    return refusal(404, f"{resource}: no such resource in the graph")


def render(resource: URIRef, rows: dict[str, list[dict]], max_rows: int) -> str:
    """The page: heading (label, types, CURIE), facts with evidence, incoming links, the evidence records."""
    terms = Terms(rows["labels"])
    facts = rows["facts"][:max_rows]
    types = sorted({terms.label(r["value"]) for r in facts if r["property"] == RDF.type})
    title = html.escape(terms.label(resource))
    head = (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title} · il2kg</title>"
            f"<style>{STYLE}</style></head><body><nav><a href='/'>query page</a> · "
            f"<a href='?format=turtle'>Turtle</a> · <a href='?format=json-ld'>JSON-LD</a></nav>"
            f"<h1>{title}</h1><p class='type'>{html.escape(', '.join(types) or 'resource')} · "
            f"<code>{html.escape(curie(resource, PAGE))}</code></p>")
    return head + _facts(facts, rows["evidence"], terms) + _links(rows["links"][:max_rows], terms) \
        + _evidence_list(rows["evidence"], terms) + "</body></html>"


def _facts(facts: list[dict], evidence: list[dict], terms: Terms) -> str:
    """Facts first (literal values and vocabulary terms), then the related data resources, each with its evidence."""
    support = defaultdict(list)  # (property, value) -> evidence rows; value None = evidence for the property only
    for ev in evidence:
        value = ev.get("value")
        support[(ev["property"], None if value is None else str(value))].append(ev)
    shown = sorted((f for f in facts if f["property"] not in HIDDEN),
                   key=lambda f: (terms.label(f["property"]).lower(), str(f["value"])))
    related = [f for f in shown if str(f["value"]).startswith(str(ID))]
    own = [f for f in shown if f not in related]
    if not shown:
        return "<h2>Facts</h2><p>No facts are stated about this resource.</p>"
    return _table("Facts", own, support, terms) + _table("Related resources", related, support, terms)


def _table(title: str, facts: list[dict], support: dict, terms: Terms) -> str:
    if not facts:
        return ""
    out = [f"<h2>{title}</h2><table><tr><th>property</th><th>value</th><th>evidence</th></tr>"]
    for fact in facts:
        cited = support.get((fact["property"], str(fact["value"])), []) + support.get((fact["property"], None), [])
        out.append(f"<tr><td title='{html.escape(curie(fact['property'], PAGE), quote=True)}'>"
                   f"{html.escape(terms.label(fact['property']))}</td><td>{terms.link(fact['value'])}</td>"
                   f"<td>{_quotes(cited, terms)}</td></tr>")
    return "".join(out) + "</table>"


def _quotes(cited: list[dict], terms: Terms) -> str:
    seen, out = set(), []
    for ev in sorted(cited, key=lambda e: (str(e.get("quote")), str(e.get("document")))):
        key = (str(ev.get("quote")), str(ev.get("spanText")), ev.get("document"))
        if ev.get("quote") is None or key in seen:
            continue
        seen.add(key)
        source = f" <span class='src'>{terms.link(ev['document'])}</span>" if ev.get("document") else ""
        out.append(f"<blockquote>{_marked(str(ev['quote']), ev.get('spanText'))}{source}</blockquote>")
    return "".join(out)


def _marked(quote: str, span: object) -> str:
    """The quote, escaped, with the span read from it marked (first occurrence)."""
    text = str(span) if isinstance(span, Literal) else ""
    at = quote.find(text) if text else -1
    if at < 0:
        return html.escape(quote)
    end = at + len(text)
    return f"{html.escape(quote[:at])}<mark>{html.escape(quote[at:end])}</mark>{html.escape(quote[end:])}"


def _links(links: list[dict], terms: Terms) -> str:
    """What points at the resource, grouped by property; a long group (evidence of a document) is folded away."""
    groups: dict[str, list[URIRef]] = defaultdict(list)
    for row in links:
        groups[terms.label(row["property"])].append(row["referrer"])
    out = []
    for name in sorted(groups, key=str.lower):
        referrers = sorted(groups[name], key=lambda r: (terms.label(r).lower(), str(r)))
        items = "".join(f"<li>{terms.link(r)}</li>" for r in referrers)
        label = f"{html.escape(name)} ({len(referrers)})"
        out.append(f"<details><summary>{label}</summary><ul>{items}</ul></details>" if len(referrers) > 10
                   else f"<h3>{label}</h3><ul>{items}</ul>")
    return "<h2>Linked from</h2>" + "".join(out) if out else ""


def _evidence_list(evidence: list[dict], terms: Terms) -> str:
    nodes = sorted({ev["evidence"] for ev in evidence})
    if not nodes:
        return ""
    items = "".join(f"<li>{terms.link(node)}</li>" for node in nodes)
    return f"<details><summary>{len(nodes)} evidence records</summary><ul>{items}</ul></details>"
