"""`kg viz`: the graph as one self-contained HTML page drawn by the vendored Cytoscape.js.

The page holds everything it needs: the library (copied from npm into kg/explore/vendor by
`make setup`, see the NOTICE there), the graph as JSON in a non-executed script tag, and
the page's own script. Every name and sentence reaches the page through `textContent` or
Cytoscape's canvas, never as HTML, and the JSON escapes `<`, `>` and `&`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from kg.explore.layout import layout
from kg.explore.lookup import NotFound, display_name, find_entities, is_paper

VENDOR_FILE = "cytoscape.min.js"
COLOURS = {
    "Paper": "#4e79a7",
    "Method": "#f28e2b",
    "Dataset": "#59a14f",
    "Benchmark": "#e15759",
    "Task": "#76b7b2",
    "Metric": "#b8a200",
    "Repository": "#b07aa1",
}


class VizError(RuntimeError):
    """The page cannot be made; the message is one line for the user."""


@dataclass(frozen=True)
class View:
    """What a page draws: node and edge records ready for JSON, and what was left out."""

    nodes: tuple[dict[str, Any], ...]
    edges: tuple[dict[str, Any], ...]
    focus: str | None
    dropped: int


def vendored_library() -> str:
    """The text of the vendored Cytoscape.js, or a VizError saying how to get it."""
    path = resources.files("kg.explore").joinpath("vendor", VENDOR_FILE)
    if not path.is_file():
        raise VizError(
            f"the vendored graph library is missing (kg/explore/vendor/{VENDOR_FILE}): "
            "run `make setup` (needs npm) to fetch it"
        )
    return path.read_text(encoding="utf-8")


def focus_node(graph: nx.MultiDiGraph, name: str) -> str:
    """The node `--focus` names: a paper id, an entity id, name or alias, or a unique title part."""
    if graph.has_node(name):
        return name
    found = find_entities(graph, name)
    if found:
        return found[0]
    from kg.explore.lookup import find_paper

    try:
        return find_paper(graph, name)
    except NotFound as err:
        raise NotFound(f"nothing called {name!r} to focus on ({err})") from err


def subgraph(
    graph: nx.MultiDiGraph, focus: str | None, hops: int, max_nodes: int
) -> tuple[nx.MultiDiGraph, int]:
    """The part to draw: `hops` around `focus` (or everything), cut to `max_nodes` by degree."""
    if focus is not None:
        keep = set(
            nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), focus, hops)
        )
    else:
        keep = set(graph)
    dropped = 0
    if len(keep) > max_nodes:
        ranked = sorted(keep, key=lambda n: (n != focus, -graph.degree(n), n))
        dropped = len(keep) - max_nodes
        keep = set(ranked[:max_nodes])
    return graph.subgraph(keep), dropped


def graph_view(
    graph: nx.MultiDiGraph, focus: str | None = None, hops: int = 2, max_nodes: int = 3000
) -> View:
    """Nodes with positions, colours and sizes, and edges with their first evidence sentence."""
    center = focus_node(graph, focus) if focus else None
    part, dropped = subgraph(graph, center, hops, max_nodes)
    pos = layout(part)
    spread = 45.0 * math.sqrt(max(part.number_of_nodes(), 1))
    nodes = []
    for node, data in sorted(part.nodes(data=True)):
        degree = part.degree(node)
        x, y = pos[node]
        record = {
            "id": node,
            "name": display_name(part, node),
            "kind": data.get("kind", ""),
            "degree": degree,
            "size": round(10 + 6 * math.sqrt(degree), 1),
            "color": COLOURS.get(data.get("kind", ""), "#888888"),
            "x": round(x * spread, 1),
            "y": round(y * spread, 1),
        }
        if is_paper(part, node) and data.get("date"):
            record["date"] = data["date"]
        nodes.append(record)
    edges = []
    for source, target, relation, data in sorted(part.edges(keys=True, data=True)):
        evidence = data.get("evidence") or [{}]
        edges.append(
            {
                "id": f"{source}|{relation}|{target}",
                "source": source,
                "target": target,
                "relation": relation,
                "sentence": str(evidence[0].get("sentence", ""))[:400],
            }
        )
    return View(tuple(nodes), tuple(edges), center, dropped)


def script_json(value: object) -> str:
    """JSON that is safe inside a <script> element: no `<`, `>` or `&` left to end it early."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(name: str) -> str:
    return resources.files("kg.explore").joinpath("assets", name).read_text(encoding="utf-8")


def render_page(view: View, title: str, links: bool = False) -> str:
    """The whole HTML page; with `links`, node details link to the web app's pages."""
    from html import escape

    data = {
        "nodes": list(view.nodes),
        "edges": list(view.edges),
        "focus": view.focus,
        "dropped": view.dropped,
        "colours": COLOURS,
        "links": links,
    }
    parts = {
        "title": escape(title),
        "style": _asset("viz.css"),
        "data": script_json(data),
        "library": vendored_library().replace("</script", "<\\/script"),
        "app": _asset("viz.js"),
    }
    # One pass, so that nothing substituted is read again as a placeholder.
    return re.sub(r"\{\{(\w+)\}\}", lambda m: parts[m.group(1)], _asset("viz.html"))


def script_hashes(page: str) -> list[str]:
    """CSP source expressions (`'sha256-…'`) for the inline scripts of `page` that run."""
    bodies = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(b.encode("utf-8")).digest()).decode() + "'"
        for b in bodies
    ]


@dataclass(frozen=True)
class Written:
    nodes: int
    edges: int


def write_viz(
    graph_dir: str | Path,
    out: Path,
    focus: str | None = None,
    hops: int = 2,
    max_nodes: int = 3000,
) -> Written:
    """Load a built graph and write its page to `out` (atomically)."""
    from kg.export.core import atomic_path
    from kg.graph import load_graph

    vendored_library()  # fail before the work if the library is missing
    graph = load_graph(graph_dir)
    view = graph_view(graph, focus, hops, max_nodes)
    title = (
        f"kg: {display_name(graph, view.focus)}" if view.focus else f"kg: {Path(graph_dir).name}"
    )
    with atomic_path(out) as tmp:
        tmp.write_text(render_page(view, title), encoding="utf-8")
    return Written(len(view.nodes), len(view.edges))
