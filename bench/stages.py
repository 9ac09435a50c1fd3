"""One benchmark stage per process, so that peak RSS is the stage's own.

Usage: python bench/stages.py STAGE WORK_DIR [options]; prints one JSON object.
Stages read the corpus `WORK_DIR/corpus.jsonl` (a link to the cached corpus) and write
into WORK_DIR. Times are wall-clock seconds of the named step only (loading inputs a
step needs, e.g. the graph for an export, is left out and reported apart).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import json
import os
import random
import resource
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kg.build import extract_to_file
from kg.export.jsonl import read_records
from kg.export.neo4j_csv import write_neo4j_csv
from kg.export.rdf import triples, write_ntriples, write_turtle
from kg.graph import build_graph, load_graph
from kg.ingest import read_papers

RDF = ["turtle", "ntriples"]  # the exports of the end-to-end and update stages

BENCH = Path(__file__).resolve().parent
STAGES: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {}


def stage(fn: Callable[[argparse.Namespace], dict[str, Any]]) -> Callable[..., Any]:
    STAGES[fn.__name__] = fn
    return fn


CPU: dict[str, float] = {}  # CPU seconds of the steps timed so far, this process and its children


def cpu_now() -> float:
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(fn: Callable[[], Any], name: str = "seconds") -> tuple[float, Any]:
    """Wall seconds of `fn()` and its value; its CPU seconds (with finished children) go to CPU[name]."""
    cpu, start = cpu_now(), time.perf_counter()
    value = fn()
    wall = time.perf_counter() - start
    CPU[name] = CPU.get(name, 0.0) + cpu_now() - cpu
    return wall, value


def peak_rss_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its largest child (workers), in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"rss_mb": round(own, 1), "child_rss_mb": round(child, 1)}


def _tree(pid: int) -> list[int]:
    """`pid` and every process below it."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for tasks in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo += [int(child) for child in tasks.read_text().split()]
    return found


def _pss_mb(pid: int) -> float:
    """The proportional set size of `pid`: its pages, each shared one divided among its sharers."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return 0.0


@contextlib.contextmanager
def peak_memory(every: float = 0.25) -> Iterator[dict[str, float]]:
    """Sample the memory of this process and all its descendants every `every` s; the
    largest sum of their PSS goes to `["pss_mb"]`.

    Peak RSS alone cannot say what a forked child costs: its RSS counts the pages it
    shares with the parent (the RDF writers fork; so do local workers).
    """
    peak = {"pss_mb": 0.0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(every):
            total = sum(_pss_mb(pid) for pid in _tree(os.getpid()))
            peak["pss_mb"] = max(peak["pss_mb"], round(total, 1))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        done.set()
        thread.join()


@stage
def tokenizer(args: argparse.Namespace) -> dict[str, Any]:
    """Floor (a): spaCy's tokenizer alone (`nlp.make_doc`) over the texts extraction reads."""
    from kg.extract.pipeline import doc_text, load_pipeline

    nlp = load_pipeline()
    texts = [doc_text(p) for p in read_papers([args.work / "corpus.jsonl"])]
    seconds, _ = timed(lambda: sum(len(nlp.make_doc(t)) for t in texts))
    return {"papers": len(texts), "seconds": seconds, "cpu_seconds": CPU["seconds"]}


@contextlib.contextmanager
def running_cluster(address: str | None, running: bool) -> Iterator[str | None]:
    """`address` itself, or with `running` the address of a local cluster started for
    `address` (`local:N`) whose workers have loaded the pipeline: the state a long-lived
    cluster is in when a job arrives, with its start-up left out of the timing.
    """
    if not (running and address):
        yield address
        return
    from kg.extract.distributed import connect, disconnect, worker_pipeline

    client = connect(address)
    try:
        client.run(worker_pipeline, None)
        yield str(client.scheduler.address)
    finally:
        disconnect(client)


@stage
def extract(args: argparse.Namespace) -> dict[str, Any]:
    """Ingest + extraction to papers.jsonl, with `--workers` processes or on `--cluster`
    (`--running`: a cluster started, and its workers' pipelines loaded, before the timing).
    """
    out = args.work / f"extract-{args.label}" / "papers.jsonl"
    first: list[float] = []

    def run(cluster: str | None) -> int:
        count = 0
        for _ in extract_to_file(
            [args.work / "corpus.jsonl"], out, workers=args.workers, cluster=cluster
        ):
            count += 1
            if not first:
                first.append(time.perf_counter())
        return count

    with running_cluster(args.cluster, args.running) as cluster:
        seconds, count = timed(lambda: run(cluster))
        end = time.perf_counter()  # before a started cluster is closed
    return {
        "papers": count,
        "seconds": seconds,
        # CPU of this process and its worker processes (a Dask cluster's workers are not
        # children: their CPU is not counted).
        "cpu_seconds": CPU["seconds"],
        # From the first extraction out to the last: pipeline loading and start-up left out.
        "steady_per_s": (count - 1) / (end - first[0]) if count > 1 else None,
        "output": str(out),
    }


@stage
def graph(args: argparse.Namespace) -> dict[str, Any]:
    """Graph building from stored extractions (reading papers.jsonl reported apart)."""
    load_s, extractions = timed(lambda: list(read_records(args.papers)))
    seconds, g = timed(lambda: build_graph(extractions))
    return {
        "papers": len(extractions),
        "seconds": seconds,
        "cpu_seconds": CPU["seconds"],
        "read_seconds": load_s,
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
    }


def uncache(path: Path) -> None:
    """Drop the (clean) pages of `path` from the page cache."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


@stage
def rdf(args: argparse.Namespace) -> dict[str, Any]:
    """Turtle and N-Triples export, and floor (b): pyoxigraph's raw N-Triples of the same triples."""
    from pyoxigraph import RdfFormat, serialize

    g = load_graph(args.papers.parent)
    papers = sum(1 for _, kind in g.nodes(data="kind") if kind == "Paper")
    out = args.work / "rdf"
    out.mkdir(exist_ok=True)
    made_s, terms = timed(lambda: list(triples(g)), "terms")

    def raw() -> None:
        with (out / "raw.nt").open("wb") as handle:
            serialize(terms, handle, RdfFormat.N_TRIPLES)

    jobs: dict[str, Callable[[], Any]] = {
        "turtle": lambda: write_turtle(g, out / "graph.ttl"),
        "ntriples": lambda: write_ntriples(g, out / "graph.nt"),
        "floor": raw,
    }
    # Three rounds, each writer once per round, and the fastest run of each: a single run
    # of a second or less moves by a third with the machine and the collector's debt.
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in jobs}
    for _ in range(3):
        for name, job in jobs.items():
            # Each writer starts with no other writer's data waiting for the disk: a file of
            # 1-2 GB left dirty in the page cache throttled the next writer (up to +50%).
            os.sync()
            # Nor holding the page cache: with the floor's terms in memory, the 3-4 GB of
            # earlier outputs left the next writer reclaiming pages itself (at 100k, system
            # time of the N-Triples writer 2 s with free memory, 9 s without).
            for written in out.iterdir():
                uncache(written)
            cpu, start = cpu_now(), time.perf_counter()
            job()
            runs[name].append((time.perf_counter() - start, cpu_now() - cpu))
    best = {name: min(times) for name, times in runs.items()}
    CPU.update({name: min(c for _, c in times) for name, times in runs.items()})
    return {
        "cpu": CPU,
        "papers": papers,
        "triples": len(terms),
        "turtle_seconds": best["turtle"][0],
        "ntriples_seconds": best["ntriples"][0],
        "floor_seconds": best["floor"][0],
        "term_making_seconds": made_s,
        "runs": {name: [round(w, 3) for w, _ in times] for name, times in runs.items()},
    }


@stage
def neo4j_csv(args: argparse.Namespace) -> dict[str, Any]:
    """neo4j-admin CSV export of the graph."""
    g = load_graph(args.papers.parent)
    seconds, counts = timed(lambda: write_neo4j_csv(g, args.work / "neo4j-csv"))
    papers = sum(1 for _, kind in g.nodes(data="kind") if kind == "Paper")
    return {"papers": papers, "seconds": seconds, "cpu_seconds": CPU["seconds"], **counts}


@stage
def e2e(args: argparse.Namespace) -> dict[str, Any]:
    """End to end: ingest, extract (`--workers`), graph, Turtle + N-Triples, Neo4j CSV."""
    from kg.build import build

    out = args.work / "e2e"
    start = time.perf_counter()
    with peak_memory() as memory:
        report = build(
            [args.work / "corpus.jsonl"], out, workers=args.workers, exporters=RDF, keep_graph=True
        )
        steps = {"rdf" if k == "exports" else k: v for k, v in report.steps.items()}
        built_rss = peak_rss_mb()["rss_mb"]  # before the CSV step
        built_pss = memory["pss_mb"]
        graph = report.built_graph
        assert graph is not None
        steps["neo4j_csv"], _ = timed(lambda: write_neo4j_csv(graph, out / "neo4j-csv"))
    return {
        "papers": report.read.papers,
        "seconds": time.perf_counter() - start,
        "steps": steps,
        "cpu_seconds": cpu_now(),
        "build_rss_mb": built_rss,
        "build_pss_mb": built_pss,
        "pss_mb": memory["pss_mb"],
    }


@stage
def update(args: argparse.Namespace) -> dict[str, Any]:
    """`kg build --update` of the e2e graph with the extra papers (Turtle + N-Triples, `--workers`)."""
    from kg.build import build

    seconds, report = timed(
        lambda: build(
            [args.extra], args.work / "e2e", workers=args.workers, exporters=RDF, update=True
        )
    )
    return {
        "papers": report.read.papers,
        "extracted": report.extracted,
        "changed": report.changed,
        "seconds": seconds,
    }


@stage
def cypher(args: argparse.Namespace) -> dict[str, Any]:
    """Loading into the embedded Cypher engine (FalkorDB via kg.query.cypher), server start included."""
    try:
        from falkordb import FalkorDB

        from kg.export.falkordb import local_server
        from kg.query.cypher import GRAPH, load_embedded
    except ImportError as err:
        return {"available": False, "reason": f"the embedded Cypher engine is missing ({err})"}
    g = load_graph(args.papers.parent)
    papers = sum(1 for _, kind in g.nodes(data="kind") if kind == "Paper")
    folder = args.work / "cypher"
    folder.mkdir(exist_ok=True)

    def load() -> dict[str, int]:
        with local_server(folder) as server:
            db = FalkorDB(unix_socket_path=server.unixsocket)
            counts = load_embedded(g, db.select_graph(GRAPH))
            db.connection.close()
        return counts

    seconds, counts = timed(load)
    return {"available": True, "papers": papers, "seconds": seconds, **counts}


@stage
def related(args: argparse.Namespace) -> dict[str, Any]:
    """`kg related` latency: `related_papers` on the built graph, p95 over 100 random papers."""
    try:
        module = importlib.import_module("kg.explore.related")
        find = module.related_papers
    except (ImportError, AttributeError) as err:
        return {"available": False, "reason": f"kg.explore.related is not usable here ({err})"}
    g = load_graph(args.papers.parent)
    ids = sorted(n for n, kind in g.nodes(data="kind") if kind == "Paper")
    sample = random.Random(0).sample(ids, min(100, len(ids)))
    index_s, _ = timed(lambda: find(g, sample[0]))  # builds the index
    times = [timed(functools.partial(find, g, pid))[0] for pid in sample]
    return {
        "available": True,
        "papers": len(ids),
        "first_call_seconds": index_s,
        "p95_ms": 1000 * statistics.quantiles(times, n=20)[-1],
        "median_ms": 1000 * statistics.median(times),
        "seconds": sum(times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("stage", choices=sorted(STAGES))
    parser.add_argument("work", type=Path)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--cluster")
    parser.add_argument("--running", action="store_true", help="time on a started cluster")
    parser.add_argument("--label", default="w1")
    parser.add_argument("--papers", type=Path, help="papers.jsonl of a built graph")
    parser.add_argument("--extra", type=Path, help="new papers for the update stage")
    args = parser.parse_args()
    result = STAGES[args.stage](args)
    print(json.dumps({**result, **peak_rss_mb()}))


if __name__ == "__main__":
    main()
