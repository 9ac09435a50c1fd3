"""Speed of `related_papers` on a synthetic graph the size of a large literature.

Usage: python bench/related_speed.py [--papers 100000] [--entities 60000] [--queries 300]
Each paper links 3–9 entities drawn from a Zipf-like distribution (a few very common ones,
a long tail of rare ones) with random relations. Prints and writes
bench/results/related_speed.json: graph build, index build, and per-query p50/p95/max.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import time
from pathlib import Path

import networkx as nx

from kg.explore.related import related_index, related_papers

LABELS = ("METHOD", "DATASET", "BENCHMARK", "TASK", "METRIC")
RELATION = {
    "METHOD": ("uses", "proposes", "compares_with"),
    "DATASET": ("uses", "evaluates_on"),
    "BENCHMARK": ("evaluates_on", "uses"),
    "TASK": ("addresses",),
    "METRIC": ("reports",),
}


def synthetic(papers: int, entities: int, seed: int = 0) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    labels = [LABELS[i % len(LABELS)] for i in range(entities)]
    for i, label in enumerate(labels):
        graph.add_node(f"e{i}", kind=label.title(), label=label, name=f"entity {i}")
    cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(entities)))
    for p in range(papers):
        node = f"p{p:06d}"
        graph.add_node(node, kind="Paper", title=f"Paper {p}", date="")
        for index in set(rng.choices(range(entities), cum_weights=cumulative, k=rng.randint(3, 9))):
            relation = rng.choice(RELATION[labels[index]])
            graph.add_edge(node, f"e{index}", key=relation, relation=relation, evidence=[])
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--entities", type=int, default=60_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    started = time.perf_counter()
    graph = synthetic(args.papers, args.entities)
    built = time.perf_counter() - started
    started = time.perf_counter()
    index = related_index(graph)
    indexed = time.perf_counter() - started
    sample = random.Random(1).sample(index.papers, args.queries)
    timings = []
    for paper in sample:
        started = time.perf_counter()
        related_papers(graph, paper, k=10)
        timings.append(1000 * (time.perf_counter() - started))
    timings.sort()
    results = {
        "papers": args.papers,
        "entities": args.entities,
        "links": graph.number_of_edges(),
        "generic_entities": len(index.generic),
        "graph_build_s": round(built, 1),
        "index_build_s": round(indexed, 2),
        "query_ms": {
            "p50": round(timings[len(timings) // 2], 2),
            "p95": round(timings[int(0.95 * len(timings))], 2),
            "max": round(timings[-1], 2),
        },
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
    }
    out = Path(__file__).parent / "results" / "related_speed.json"
    out.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
