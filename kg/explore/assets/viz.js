// The graph page: draw with Cytoscape.js, search, filter by type, show details on click.
// Every name and sentence goes into the page as text (textContent), never as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var edgeInfo = {};
  data.edges.forEach(function (e) { edgeInfo[e.id] = e; });
  var nodeInfo = {};
  data.nodes.forEach(function (n) { nodeInfo[n.id] = n; });

  var elements = data.nodes.map(function (n) {
    return {
      group: "nodes",
      data: { id: n.id, name: n.name, kind: n.kind, size: n.size, color: n.color },
      position: { x: n.x, y: n.y }
    };
  }).concat(data.edges.map(function (e) {
    return { group: "edges", data: { id: e.id, source: e.source, target: e.target } };
  }));

  var cy = cytoscape({
    container: document.getElementById("cy"),
    elements: elements,
    layout: { name: "preset", fit: true, padding: 30 },
    minZoom: 0.02,
    maxZoom: 5,
    style: [
      { selector: "node", style: {
        "background-color": "data(color)", width: "data(size)", height: "data(size)",
        label: "data(name)", "font-size": 9, "min-zoomed-font-size": 8, color: "#333",
        "text-valign": "bottom", "text-margin-y": 2, "text-wrap": "ellipsis", "text-max-width": "150px"
      } },
      { selector: "edge", style: { width: 1, "line-color": "#c9c9c9", "curve-style": "haystack", opacity: 0.8 } },
      { selector: ".faded", style: { opacity: 0.1 } },
      { selector: ".match", style: { "border-width": 3, "border-color": "#111" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#d62728" } }
    ]
  });
  window.kgViz = cy;

  function clear(el) { while (el.firstChild) { el.removeChild(el.firstChild); } }
  function add(parent, tag, text, cls) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) { el.textContent = String(text); }
    if (cls) { el.className = cls; }
    parent.appendChild(el);
    return el;
  }

  var details = document.getElementById("kg-details");
  function show(node) {
    var info = nodeInfo[node.id()];
    clear(details);
    add(details, "h2", info.name);
    add(details, "p", info.kind + " · " + info.degree + " links" + (info.date ? " · " + info.date : ""));
    add(details, "p", info.id, "hint");
    if (data.links) {
      var a = add(details, "a", "Open its page");
      a.href = (info.kind === "Paper" ? "/paper?id=" : "/entity?id=") + encodeURIComponent(info.id);
    }
    var list = add(details, "ul");
    node.connectedEdges().slice(0, 200).forEach(function (edge) {
      var e = edgeInfo[edge.id()];
      var other = e.source === info.id ? e.target : e.source;
      var item = add(list, "li");
      add(item, "span", e.relation.replace("_", " "), "relation");
      add(item, "span", " " + (e.source === info.id ? "→ " : "← ") + nodeInfo[other].name);
      if (e.sentence) { add(item, "p", e.sentence, "evidence"); }
    });
  }
  cy.on("tap", "node", function (event) { show(event.target); });

  var hidden = {};
  var filters = document.getElementById("kg-filters");
  Object.keys(data.colours).forEach(function (kind) {
    if (!data.nodes.some(function (n) { return n.kind === kind; })) { return; }
    var label = add(filters, "label");
    var box = add(label, "input");
    box.type = "checkbox";
    box.checked = true;
    box.value = kind;
    var swatch = add(label, "span", null, "swatch");
    swatch.style.background = data.colours[kind];
    label.appendChild(document.createTextNode(kind));
    box.addEventListener("change", function () {
      hidden[kind] = !box.checked;
      cy.nodes().filter(function (n) { return n.data("kind") === kind; })
        .style("display", box.checked ? "element" : "none");
    });
  });

  var search = document.getElementById("kg-search");
  var count = document.getElementById("kg-count");
  var matches = cy.collection();
  function find() {
    var q = search.value.trim().toLowerCase();
    cy.batch(function () {
      cy.elements().removeClass("faded match");
      matches = cy.collection();
      if (!q) { count.textContent = ""; return; }
      matches = cy.nodes().filter(function (n) {
        return !hidden[n.data("kind")] &&
          (n.data("name").toLowerCase().indexOf(q) >= 0 || n.id().toLowerCase().indexOf(q) >= 0);
      });
      cy.elements().addClass("faded");
      matches.removeClass("faded").addClass("match");
      count.textContent = matches.length + (matches.length === 1 ? " match" : " matches");
    });
  }
  search.addEventListener("input", find);
  search.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || matches.length === 0) { return; }
    cy.fit(matches, 80);
    if (cy.zoom() > 1.5) { cy.zoom({ level: 1.5, position: matches[0].position() }); }
    cy.nodes().unselect();
    matches[0].select();
    show(matches[0]);
  });

  var note = document.getElementById("kg-note");
  note.textContent = data.nodes.length + " nodes, " + data.edges.length + " links" +
    (data.dropped ? " (" + data.dropped + " nodes of lowest degree left out)" : "");
  if (data.focus && nodeInfo[data.focus]) {
    var centre = cy.getElementById(data.focus);
    centre.select();
    show(centre);
  }
  cy.one("render", function () { document.body.setAttribute("data-drawn", String(cy.nodes().length)); });
})();
