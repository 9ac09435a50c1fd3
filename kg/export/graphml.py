"""GraphML for Gephi and yEd: lists and evidence flattened to strings GraphML can hold.

Written by hand rather than by networkx so that the file is the same for the same graph
and can be patched in place (kg.export.splice): every attribute key is declared whatever the graph
holds, each node and edge is one line, nodes come first sorted by id, then edges sorted
by (source, target, relation). Newlines inside values are character references.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from kg.export.core import GraphPatch, Sorted, register_exporter
from kg.export.rdf_syntax import write_text
from kg.export.splice import Buffer, Layout, just, line_unit, prefixed, xml_lines

# (element, attribute, GraphML type); the key ids are d0, d1, … in this order.
KEYS = [
    ("node", "kind", "string"),
    ("node", "label", "string"),
    ("node", "name", "string"),
    ("node", "aliases", "string"),
    ("node", "title", "string"),
    ("node", "date", "string"),
    ("node", "source", "string"),
    ("edge", "relation", "string"),
    ("edge", "confidence", "double"),
    ("edge", "sentence", "string"),
    ("edge", "evidence", "string"),
]
_ID = {(element, name): f"d{i}" for i, (element, name, _) in enumerate(KEYS)}
HEADER = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    + "".join(
        f'  <key id="d{i}" for="{element}" attr.name="{name}" attr.type="{kind}" />\n'
        for i, (element, name, kind) in enumerate(KEYS)
    )
    + '  <graph edgedefault="directed">\n'
)
FOOTER = "  </graph>\n</graphml>\n"
_ESCAPE = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;"}
)


def _text(value: object) -> str:
    return str(value).translate(_ESCAPE)


def _data(element: str, values: dict[str, Any]) -> str:
    return "".join(
        f'<data key="{_ID[element, name]}">{_text(value)}</data>'
        for name, value in values.items()
        if value != "" and (element, name) in _ID
    )


def node_values(node: str, data: dict[str, Any]) -> dict[str, Any]:
    """A node's attributes as GraphML holds them: lists joined by `|`, no abstract, papers named by title."""
    values = {k: ("|".join(v) if isinstance(v, list) else v) for k, v in data.items()}
    values.setdefault("name", data.get("title", ""))
    return values


def edge_values(data: dict[str, Any]) -> dict[str, Any]:
    """A link's attributes: its relation, confidence, first sentence and all evidence as JSON."""
    evidence = data.get("evidence", [])
    return {
        "relation": data["relation"],
        "confidence": float(data["confidence"]),
        "sentence": evidence[0]["sentence"] if evidence else "",
        "evidence": json.dumps(evidence, ensure_ascii=False, sort_keys=True),
    }


def _node_line(node: str, data: dict[str, Any]) -> str:
    return f'    <node id="{_text(node)}">{_data("node", node_values(node, data))}</node>\n'


def _edge_line(source: str, target: str, key: str, data: dict[str, Any]) -> str:
    start = f'<edge source="{_text(source)}" target="{_text(target)}" id="{_text(key)}">'
    return f"    {start}{_data('edge', edge_values(data))}</edge>\n"


def _line_key(line: bytes | str) -> bytes:
    """Nodes (`1…`) before edges (`2…`), each by its start tag."""
    raw = line.encode() if isinstance(line, str) else line
    tag = raw[4 : raw.index(b">")]
    return (b"1" if tag.startswith(b"<node") else b"2") + tag


def _lines(graph: nx.MultiDiGraph) -> Iterator[str]:
    nodes = sorted((_node_line(n, d) for n, d in graph.nodes(data=True)), key=_line_key)
    edges = sorted(
        (_edge_line(u, v, k, d) for u, v, k, d in graph.edges(keys=True, data=True)),
        key=_line_key,
    )
    yield from nodes
    yield from edges


def _body(buf: Buffer) -> tuple[int, int]:
    start = buf.find(b"<graph ")
    start = buf.find(b"\n", start) + 1
    return start, buf.rfind(FOOTER.encode())


LAYOUT = Layout(
    body=_body,
    unit=line_unit,
    key=lambda buf, u: _line_key(bytes(buf[u : buf.find(b"\n", u)])),
    block_key=_line_key,
    dead=lambda buf, u: buf[u + 4 : u + 8] == b"<!--",
    blank=xml_lines,
)


def _drops(change: GraphPatch) -> list[tuple[bytes, bytes]]:
    """The changed nodes, and every edge of a changed paper."""
    drops = [just(b"1" + f'<node id="{_text(node)}"'.encode()) for node, _ in change.nodes]
    return drops + [prefixed(f'2<edge source="{_text(p)}" '.encode()) for p in change.papers()]


@register_exporter("graphml", "graph.graphml", sorted=Sorted(LAYOUT, _drops, _lines))
def write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    """The graph as GraphML, the same bytes for the same graph."""
    write_text(path, iter([HEADER, *_lines(graph), FOOTER]))
