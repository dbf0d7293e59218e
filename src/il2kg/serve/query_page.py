"""The offline query page at /: plain HTML and one inline script, the report queries embedded as JSON (no CDN).

The script is allowed by its sha256 in the page's Content-Security-Policy, so no other script can run there.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re

from il2kg import resources

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>il2kg SPARQL</title><style>
body{font:14px sans-serif;margin:1em}textarea{width:100%;height:16em;font:13px monospace}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}</style></head>
<body><h1>il2kg SPARQL endpoint</h1><p>Competency question: <select id="pick"></select>
Views: <a href="/views/">/views/</a>. Endpoint: <code>/sparql</code> (read-only).</p>
<textarea id="q"></textarea><p><button id="run">Run</button> <span id="status"></span></p>
<table id="out"></table><pre id="raw"></pre>
<script type="application/json" id="queries">__QUERIES__</script><script>
const qs = JSON.parse(document.getElementById('queries').textContent), pick = document.getElementById('pick');
const box = document.getElementById('q'), out = document.getElementById('out'), raw = document.getElementById('raw');
const status = document.getElementById('status');
for (const name of Object.keys(qs)) {
  const o = document.createElement('option'); o.textContent = name; pick.append(o);
}
pick.onchange = () => { box.value = qs[pick.value]; }; pick.onchange();
function cell(tag, text) { const c = document.createElement(tag); c.textContent = text; return c; }
document.getElementById('run').onclick = async () => {
  status.textContent = 'running...'; out.replaceChildren(); raw.textContent = '';
  const r = await fetch('/sparql', {method: 'POST', body: box.value, headers: {'Content-Type':
    'application/sparql-query', 'Accept': 'application/sparql-results+json, text/turtle;q=0.9'}});
  const text = await r.text(), cut = r.headers.get('X-Result-Truncated');
  status.textContent = r.status + ' ' + r.statusText + (cut ? ' (truncated: ' + cut + ')' : '');
  if (!r.ok || !(r.headers.get('Content-Type') || '').includes('json')) { raw.textContent = text; return; }
  const data = JSON.parse(text), head = document.createElement('tr');
  if ('boolean' in data) { raw.textContent = String(data.boolean); return; }
  for (const v of data.head.vars) head.append(cell('th', v)); out.append(head);
  for (const b of data.results.bindings) { const tr = document.createElement('tr');
    for (const v of data.head.vars) tr.append(cell('td', b[v] ? b[v].value : '')); out.append(tr); }
  status.textContent += ' ' + data.results.bindings.length + ' rows';
};
</script></body></html>"""


_SCRIPT = re.search(r"<script>(.*?)</script>", PAGE, re.S).group(1)
QUERY_PAGE_CSP = ("default-src 'none'; script-src 'sha256-"
                  + base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode("ascii")
                  + "'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
                  "frame-ancestors 'none'")


def query_page() -> str:
    """The query page with the report queries embedded as JSON ('<' escaped so no text can close the script)."""
    texts = {p.stem: p.read_text(encoding="utf-8") for p in resources.query_files() if p.parent.name == "report"}
    return PAGE.replace("__QUERIES__", json.dumps(texts, sort_keys=True).replace("<", "\\u003c"))
