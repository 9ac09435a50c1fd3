"""Load test of `kg serve` on loopback: concurrent clients mixing pages, related work and SPARQL.

Usage: python bench/serve_load.py [--graph DIR] [--clients 20] [--seconds 30]
(default graph: build/seeds, built from ../shared/seeds when missing). Starts `kg serve` as
a separate process on a free 127.0.0.1 port, runs the clients for the given time, stops the
server, prints a summary and writes bench/results/serve_load.json: requests, throughput,
p50/p95/p99 latency per kind of request, and every error.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg.cli"]
SPARQL = [
    "SELECT ?name WHERE { ?b a kg:Benchmark ; skos:prefLabel ?name } ORDER BY ?name",
    "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }",
    "ASK { ?p kg:evaluatesOn ?b }",
]


def ensure_graph(graph: Path) -> None:
    if (graph / "papers.jsonl").exists():
        return
    seeds = sorted(str(p) for p in (ROOT.parent / "shared" / "seeds").glob("*.txt"))
    if not seeds:
        sys.exit(f"no graph at {graph} and no ../shared/seeds to build one from")
    subprocess.run([*KG, "build", *seeds, "--out", str(graph)], check=True)


def start_server(graph: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [*KG, "serve", "--graph", str(graph), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"at (http://127\.0\.0\.1:\d+)/", line)
    if not found:
        process.kill()
        sys.exit(f"the server did not start: {line!r}")
    return process, found.group(1)


def requests_for(graph: Path) -> list[tuple[str, str, dict[str, str], int]]:
    """(kind, path, headers, weight) for the mix: pages 50%, related 25%, SPARQL 25%."""
    papers: list[str] = []
    entities: list[str] = []
    words: set[str] = set()
    with (graph / "papers.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            papers.append(record["id"])
            entities += [link["entity"] for link in record["links"]]
            words.update(w.lower() for w in record["title"].split() if len(w) > 5 and w.isalpha())
    rng = random.Random(0)
    examples = [p.read_text() for p in sorted((ROOT / "kg" / "query" / "examples").glob("*.rq"))]
    mix: list[tuple[str, str, dict[str, str], int]] = []
    for paper in rng.sample(papers, min(60, len(papers))):
        mix.append(("page", f"/paper?id={quote(paper, safe='')}", {}, 2))
        mix.append(("related", f"/api/related?id={quote(paper, safe='')}", {}, 4))
    for name in rng.sample(sorted(set(entities)), min(40, len(set(entities)))):
        mix.append(("page", f"/entity?name={quote(name, safe='')}", {}, 2))
    for word in rng.sample(sorted(words), min(40, len(words))):
        mix.append(("page", f"/search?q={quote(word)}", {}, 2))
    mix.append(("page", "/", {}, 10))
    mix.append(("page", "/graph", {}, 2))
    for i, text in enumerate(SPARQL + examples):
        accept = "text/csv" if i % 2 else "application/sparql-results+json"
        mix.append(("sparql", f"/sparql?query={quote(text)}", {"Accept": accept}, 12))
    return mix


def client(
    base: str,
    mix: list[tuple[str, str, dict[str, str], int]],
    deadline: float,
    seed: int,
    timings: dict[str, list[float]],
    errors: list[str],
    lock: threading.Lock,
) -> None:
    rng = random.Random(seed)
    weights = [w for *_, w in mix]
    while time.perf_counter() < deadline:
        kind, path, headers, _ = rng.choices(mix, weights)[0]
        started = time.perf_counter()
        try:
            request = urllib.request.Request(base + path, headers=headers)
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as err:
            status = err.code
        except OSError as err:
            with lock:
                errors.append(f"{path}: {err}")
            continue
        elapsed = time.perf_counter() - started
        with lock:
            timings[kind].append(elapsed)
            if status >= 400:
                errors.append(f"{path}: HTTP {status}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return (
        round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered else 0.0
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--graph", type=Path, default=ROOT / "build" / "seeds")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    ensure_graph(args.graph)
    mix = requests_for(args.graph)
    server, base = start_server(args.graph)
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    try:
        deadline = time.perf_counter() + args.seconds
        threads = [
            threading.Thread(target=client, args=(base, mix, deadline, i, timings, errors, lock))
            for i in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(10)
    everything = [t for values in timings.values() for t in values]
    results = {
        "graph": os.path.relpath(args.graph, ROOT),
        "clients": args.clients,
        "seconds": args.seconds,
        "requests": len(everything),
        "per_second": round(len(everything) / args.seconds, 1),
        "errors": len(errors),
        "error_samples": errors[:20],
        "latency_ms": {
            kind: {
                "count": len(values),
                "p50": percentile(values, 0.50),
                "p95": percentile(values, 0.95),
                "p99": percentile(values, 0.99),
            }
            for kind, values in sorted({**timings, "all": everything}.items())
        },
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
    }
    out = ROOT / "bench" / "results" / "serve_load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n")
    print(
        json.dumps(
            {k: results[k] for k in ("requests", "per_second", "errors", "latency_ms")}, indent=1
        )
    )


if __name__ == "__main__":
    main()
