"""The RDF writers against pyoxigraph's own N-Triples of the same triples, best of several runs.

Usage: python bench/rdf_speed.py GRAPH_DIR [--runs 3]
GRAPH_DIR holds a papers.jsonl (e.g. build/bench/run-10000/e2e). The `rdf` stage of
bench/stages.py times each writer once in a fresh process; this runs the writers and the
floor (pyoxigraph `serialize` of the triples made beforehand) in turn, in one process,
and keeps the best wall and CPU seconds of each, which a busy machine disturbs less.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kg.export.rdf import triples, write_ntriples, write_turtle
from kg.graph import load_graph


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("graph", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from pyoxigraph import RdfFormat, serialize

    graph = load_graph(args.graph)
    terms = list(triples(graph))

    def floor(path: Path) -> None:
        with path.open("wb") as handle:
            serialize(terms, handle, RdfFormat.N_TRIPLES)

    steps: dict[str, Callable[[Path], None]] = {
        "turtle": lambda path: write_turtle(graph, path),
        "ntriples": lambda path: write_ntriples(graph, path),
        "floor": floor,
    }
    best = {name: {"seconds": float("inf"), "cpu_seconds": float("inf")} for name in steps}
    with tempfile.TemporaryDirectory() as out:
        for _ in range(args.runs):
            for name, step in steps.items():
                os.sync()  # no other writer's dirty pages left to throttle this one
                cpu, wall = time.process_time(), time.perf_counter()
                step(Path(out) / name)
                times = {
                    "seconds": time.perf_counter() - wall,
                    "cpu_seconds": time.process_time() - cpu,
                }
                best[name] = {key: min(best[name][key], value) for key, value in times.items()}
    result: dict[str, object] = {"triples": len(terms), "runs": args.runs, **best}
    for name in ("turtle", "ntriples"):
        result[f"{name}_times_floor"] = round(best[name]["seconds"] / best["floor"]["seconds"], 2)
        result[f"{name}_cpu_times_floor"] = round(
            best[name]["cpu_seconds"] / best["floor"]["cpu_seconds"], 2
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
