"""GraphML for Gephi and yEd: lists and evidence flattened to strings GraphML can hold."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.export.core import register_exporter


def flat_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attribute values are str, int or float only (GraphML's types)."""
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        attrs = {
            k: ("|".join(v) if isinstance(v, list) else v)
            for k, v in data.items()
            if k != "abstract"
        }
        attrs.setdefault("name", data.get("title", ""))
        flat.add_node(node, **attrs)
    for u, v, key, data in graph.edges(keys=True, data=True):
        evidence = data.get("evidence", [])
        flat.add_edge(
            u,
            v,
            key=key,
            relation=data["relation"],
            confidence=float(data["confidence"]),
            sentence=evidence[0]["sentence"] if evidence else "",
            evidence=json.dumps(evidence, ensure_ascii=False, sort_keys=True),
        )
    return flat


@register_exporter("graphml", "graph.graphml")
def write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    nx.write_graphml(flat_copy(graph), path, encoding="utf-8")
