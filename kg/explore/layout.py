"""Node positions for drawing: force-directed for the core, leaves placed around their one neighbour.

The core (nodes with two or more neighbours) is laid out with the spring model of
Fruchterman & Reingold (1991), dense and vectorised with numpy, plus a pull to the centre
so that separate components stay on screen. Leaves, most entities of a literature graph,
are then set on a small circle around the node they hang from; this keeps the quadratic
part to the core, which is what makes a few thousand nodes take seconds rather than minutes.
"""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx


def spring(
    nodes: list[str], edges: list[tuple[str, str]], iterations: int = 80, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold positions in about [-1, 1]² for `nodes` joined by `edges`."""
    import numpy as np

    count = len(nodes)
    if count == 0:
        return {}
    if count == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {n: i for i, n in enumerate(nodes)}
    a = np.array([index[u] for u, _ in edges], dtype=np.int64)
    b = np.array([index[v] for _, v in edges], dtype=np.int64)
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-1, 1, size=(count, 2))
    k = 2.0 / math.sqrt(count)  # ideal edge length for a square of side 2
    step = 0.2
    x, y = pos[:, 0].copy(), pos[:, 1].copy()
    for _ in range(iterations):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        scale = dx * dx
        scale += dy * dy
        np.maximum(scale, 1e-6, out=scale)
        np.divide(k * k, scale, out=scale)
        px, py = (dx * scale).sum(axis=1), (dy * scale).sum(axis=1)
        ex, ey = x[a] - x[b], y[a] - y[b]
        length = np.sqrt(ex * ex + ey * ey) / k
        np.add.at(px, a, -ex * length)
        np.add.at(py, a, -ey * length)
        np.add.at(px, b, ex * length)
        np.add.at(py, b, ey * length)
        px -= x * (0.05 * count * k)  # gravity: keeps separate components in view
        py -= y * (0.05 * count * k)
        size = np.maximum(np.sqrt(px * px + py * py), 1e-9)
        move = np.minimum(size, step) / size
        x += px * move
        y += py * move
        step *= 0.96
    pos = np.column_stack([x, y])
    pos -= pos.mean(axis=0)
    pos /= max(float(np.abs(pos).max()), 1e-9)
    return {n: (float(pos[i, 0]), float(pos[i, 1])) for i, n in enumerate(nodes)}


def layout(graph: nx.MultiDiGraph, seed: int = 0) -> dict[str, tuple[float, float]]:
    """Positions for every node of `graph` (edges taken as undirected)."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for u, v in graph.edges():
        if u != v:
            neighbours[u].add(v)
            neighbours[v].add(u)
    leaves = {n for n in graph if len(neighbours[n]) == 1}
    # A pair of nodes that only know each other keeps one of them in the core.
    leaves -= {
        n for n in leaves if next(iter(neighbours[n])) in leaves and n < next(iter(neighbours[n]))
    }
    core = [n for n in graph if n not in leaves]
    core_edges = [(u, v) for u in core for v in neighbours[u] if v not in leaves and u < v]
    pos = spring(core, core_edges, seed=seed)
    radius = 0.6 / math.sqrt(max(len(core), 1))
    hanging: dict[str, list[str]] = defaultdict(list)
    for leaf in sorted(leaves):
        hanging[next(iter(neighbours[leaf]))].append(leaf)
    for anchor, group in hanging.items():
        x, y = pos[anchor]
        for i, leaf in enumerate(group):
            angle = 2 * math.pi * i / len(group)
            ring = radius * (1 + 0.5 * (i % 2))
            pos[leaf] = (x + ring * math.cos(angle), y + ring * math.sin(angle))
    return pos
