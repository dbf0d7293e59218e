// il2kg view page: builds the vis-network from the embedded JSON, with filters, search and text-only tooltips.
// Every string from the graph reaches the page through textContent or a text node, never as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("il2kg-data").textContent);
  var state = { disease: "", hidden: new Set(), visible: new Set() };

  function element(tag, text, className) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) { el.textContent = String(text); }
    if (className) { el.className = className; }
    return el;
  }

  function tooltip(heading, rows, sentences) {
    var box = element("div", null, "il2kg-tip");
    box.appendChild(element("strong", heading));
    rows.forEach(function (pair) {
      if (pair[1] === "" || pair[1] === undefined) { return; }
      var row = element("div");
      row.appendChild(element("span", pair[0] + ": ", "key"));
      row.appendChild(document.createTextNode(pair[1]));
      box.appendChild(row);
    });
    (sentences || []).forEach(function (sentence) {
      box.appendChild(element("blockquote", sentence));
    });
    return box;
  }

  var labels = {};
  data.nodes.forEach(function (n) {
    n.diseases = n.d.map(function (i) { return data.diseases[i].id; });
    labels[n.id] = n.label;
  });
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var rows = [["type", n.group], ["id", n.id]].concat(n.facts || [], [
      ["evidence nodes", String(n.weight)],
      ["diseases", n.d.map(function (i) { return data.diseases[i].label; }).join(", ")]]);
    return Object.assign({}, n, { title: tooltip(n.label, rows, n.evidence) });
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    var heading = labels[e.from] + " \u2192 " + labels[e.to];
    return Object.assign({}, e, { title: tooltip(heading, e.facts, e.evidence) });
  }));

  function nodeShown(n) {
    return !state.hidden.has(n.group) && (!state.disease || n.diseases.indexOf(state.disease) >= 0);
  }
  var nodeView = new vis.DataView(nodes, { filter: nodeShown });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) { return state.visible.has(e.from) && state.visible.has(e.to); }
  });
  function refreshVisible() {
    state.visible = new Set(nodes.get({ filter: nodeShown, fields: ["id"] }).map(function (n) { return n.id; }));
  }
  refreshVisible();

  var container = document.getElementById("il2kg-network");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, data.options);
  var status = document.getElementById("il2kg-status");

  function publish() {
    // Expose what is drawn, for people (status line) and for tests (data attributes, window.il2kgView).
    var drawnNodes = network.body.nodeIndices.length;
    var drawnEdges = network.body.edgeIndices.length;
    document.body.setAttribute("data-node-count", String(drawnNodes));
    document.body.setAttribute("data-edge-count", String(drawnEdges));
    window.il2kgView = { ready: true, nodes: drawnNodes, edges: drawnEdges, network: network, data: nodes };
    status.textContent = drawnNodes + " nodes, " + drawnEdges + " edges shown";
  }

  function fitShown() {
    // Zoom to what the filter shows; vis caps fit() at scale 1, too far out for a small subgraph.
    var shown = Array.from(state.visible);
    if (shown.length > 0) { network.fit({ nodes: shown, animation: false, maxZoomLevel: 2.5 }); }
  }

  function refilter() {
    refreshVisible();
    nodeView.refresh();
    edgeView.refresh();
    network.once("afterDrawing", function () {
      fitShown();  // again, now that the shown nodes have their drawn (label) sizes
      network.once("afterDrawing", publish);
      network.redraw();
    });
    fitShown();
    network.redraw();
  }

  var select = document.getElementById("il2kg-disease");
  data.diseases.forEach(function (d) {
    var option = element("option", d.label);
    option.value = d.id;
    select.appendChild(option);
  });
  select.addEventListener("change", function () { state.disease = select.value; refilter(); });

  var types = document.getElementById("il2kg-types");
  data.groups.forEach(function (g) {
    var item = element("li");
    var label = element("label");
    var box = element("input");
    box.type = "checkbox";
    box.checked = true;
    box.addEventListener("change", function () {
      if (box.checked) { state.hidden.delete(g.id); } else { state.hidden.add(g.id); }
      refilter();
    });
    var swatch = element("span", g.symbol, "swatch");
    swatch.style.color = g.color;
    label.appendChild(box);
    label.appendChild(swatch);
    label.appendChild(document.createTextNode(g.id + " (" + g.count + ")"));
    item.appendChild(label);
    types.appendChild(item);
  });

  var edgeLegend = document.getElementById("il2kg-edge-legend");
  data.edgeLegend.forEach(function (entry) {
    var item = element("li");
    var swatch = element("span", entry.dashes ? "- - -" : "\u2014\u2014", "swatch");
    swatch.style.color = entry.color;
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(entry.label));
    edgeLegend.appendChild(item);
  });

  var search = document.getElementById("il2kg-search");
  search.addEventListener("input", function () {
    var query = search.value.trim().toLowerCase();
    if (!query) { network.unselectAll(); publish(); return; }
    var found = nodeView.get({ filter: function (n) {
      return n.label.toLowerCase().indexOf(query) >= 0 || String(n.id).toLowerCase().indexOf(query) >= 0;
    }, fields: ["id"] }).map(function (n) { return n.id; });
    network.selectNodes(found);
    if (found.length > 0 && found.length <= 50) { network.fit({ nodes: found, animation: false }); }
    status.textContent = found.length + " matching node" + (found.length === 1 ? "" : "s");
  });

  network.once("afterDrawing", publish);
  network.fit();
}());
