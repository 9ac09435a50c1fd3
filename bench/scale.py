"""The scale benchmark: every stage at 1k, 10k and 100k abstracts, against floors measured in the same run.

Usage: python bench/scale.py [--sizes 1000 10000 100000] [--cache build/bench]
       [--dask-up-to 10000] [--extract-runs-up-to 10000]
Corpora are made once by bench/corpus.py into the cache folder (never committed). Each
stage runs in its own process (bench/stages.py), so its peak RSS is its own; results are
merged by size into bench/results/scale.json, and a table is printed. The machine is
shared and noisy: read the ratios to the floors, measured in the same run on the same
data, as much as the absolute rates; the load average before each stage is recorded.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results" / "scale.json"
sys.path.insert(0, str(BENCH))

from corpus import remix, source_files, write_corpus  # noqa: E402


def run_stage(name: str, work: Path, *options: str) -> dict[str, Any]:
    """Run one stage in a fresh interpreter and return its JSON result (with the load before it)."""
    load = os.getloadavg()[0]
    cmd = [sys.executable, str(BENCH / "stages.py"), name, str(work), *options]
    print(f"  {name} {' '.join(options)} (load {load:.1f}) …", end="", flush=True)
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        print(" failed")
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"failed": tail, "load_before": load}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["load_before"] = round(load, 2)
    print(f" {result.get('seconds', 0):.1f} s")
    return result


def machine() -> dict[str, Any]:
    model = ""
    with Path("/proc/cpuinfo").open() as handle:
        model = next((line.split(":", 1)[1].strip() for line in handle if "model name" in line), "")
    with Path("/proc/meminfo").open() as handle:
        mem_kb = int(next(line.split()[1] for line in handle if line.startswith("MemTotal")))
    return {
        "cpu": model,
        "cpus": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


UPDATE_MORE = 100


def write_extra(size: int, cache: Path, count: int, skip: int = 0) -> Path:
    """`count` papers beyond the corpus of `size` and `skip` more (ids continue), for the
    update stages."""
    from kg.ingest import read_papers

    path = cache / (
        f"extra-{size}-{count}.jsonl" if not skip else f"extra-{size}+{skip}-{count}.jsonl"
    )
    if not path.exists():
        papers = list(remix(list(read_papers(source_files())), size + skip + count))[size + skip :]
        lines = [
            json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}) + "\n"
            for p in papers
        ]
        path.write_text("".join(lines), encoding="utf-8")
    return path


def per_s(papers: int, seconds: float | None) -> float | None:
    return round(papers / seconds, 1) if seconds else None


def run_size(size: int, cache: Path, dask: bool, extract_runs: bool) -> dict[str, Any]:
    """Every stage on the corpus of `size` papers.

    The end-to-end build (two workers) runs first and its papers.jsonl feeds the graph
    and export stages; the separate one- and two-worker extraction runs (and the Dask
    ones) are left out when `extract_runs` / `dask` say so, to keep the largest size short.
    """
    work = cache / f"run-{size}"
    work.mkdir(parents=True, exist_ok=True)
    link = work / "corpus.jsonl"
    link.unlink(missing_ok=True)
    link.symlink_to(write_corpus(size, cache).resolve())
    print(f"{size} abstracts:")
    r: dict[str, Any] = {"papers": size}
    r["tokenizer"] = run_stage("tokenizer", work)
    r["e2e"] = run_stage("e2e", work, "--workers", "2")
    papers = work / "e2e" / "papers.jsonl"
    stages: list[tuple[str, str, list[str]]] = []
    if extract_runs:
        stages += [("extract_1", "w1", ["--workers", "1"]), ("extract_2", "w2", ["--workers", "2"])]
    if dask:
        stages += [(f"dask{n}", f"dask{n}", ["--cluster", f"local:{n}"]) for n in (1, 2)]
        stages += [
            (f"dask{n}_running", f"dask{n}r", ["--cluster", f"local:{n}", "--running"])
            for n in (1, 2)
        ]
    for key, label, options in stages:
        r[key] = run_stage("extract", work, *options, "--label", label)
        r[key]["same_output"] = filecmp.cmp(papers, work / f"extract-{label}" / "papers.jsonl")
    if stages:
        # Each again in reverse order, then the faster of the two runs: the machine's
        # speed drifts over minutes, and runs in A B B A order see the same drift.
        for key, label, options in reversed(stages):
            again = run_stage("extract", work, *options, "--label", label)
            again["same_output"] = filecmp.cmp(papers, work / f"extract-{label}" / "papers.jsonl")
            r[key] = faster(r[key], again)
        r["tokenizer"] = faster(r["tokenizer"], run_stage("tokenizer", work))
    for name in ("graph", "rdf", "neo4j_csv", "cypher", "related"):
        r[name] = run_stage(name, work, "--papers", str(papers))
    share = max(10, size // 100)
    extra = write_extra(size, cache, share)
    r["update"] = run_stage("update", work, "--extra", str(extra), "--workers", "2")
    # Then 100 more papers onto each size: an update's time should follow the new papers,
    # not the size of the graph it patches.
    more = write_extra(size, cache, UPDATE_MORE, skip=share)
    r["update_100"] = run_stage("update", work, "--extra", str(more), "--workers", "2")
    r["summary"] = summary(r)
    return r


def faster(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """The run of the two with fewer seconds, with the seconds of both under `runs`."""
    runs = [*first.get("runs", [first.get("seconds")]), second.get("seconds")]
    times = [t for t in runs if t is not None]
    best = min((first, second), key=lambda run: run.get("seconds", float("inf")))
    return {**best, "runs": times}


def summary(r: dict[str, Any]) -> dict[str, Any]:
    """Rates in abstracts/s and the ratios the goals are stated in.

    `…_times_floor` compares wall time with the floor's; `…_cpu_times_floor` compares CPU
    seconds (of the stage's process and its worker processes), which other jobs on a
    shared machine disturb much less.
    """
    n = r["papers"]
    tok = r["tokenizer"]
    s: dict[str, Any] = {"tokenizer_floor_per_s": per_s(n, tok.get("seconds"))}
    for key in ("extract_1", "extract_2", "dask1", "dask2", "dask1_running", "dask2_running"):
        stage = r.get(key, {})
        if "seconds" not in stage:
            continue
        s[f"{key}_per_s"] = per_s(n, stage["seconds"])
        s[f"{key}_times_floor"] = round(stage["seconds"] / tok["seconds"], 1)
        if not key.startswith("dask"):
            s[f"{key}_cpu_times_floor"] = round(stage["cpu_seconds"] / tok["cpu_seconds"], 1)
    if "seconds" in r.get("dask1", {}) and "seconds" in r.get("dask2", {}):
        s["dask_2_over_1"] = round(r["dask1"]["seconds"] / r["dask2"]["seconds"], 2)
        # Cluster start-up and pipeline loading (seconds, whatever the size) left out.
        if r["dask1"].get("steady_per_s") and r["dask2"].get("steady_per_s"):
            s["dask_2_over_1_steady"] = round(
                r["dask2"]["steady_per_s"] / r["dask1"]["steady_per_s"], 2
            )
    if "seconds" in r.get("dask1_running", {}) and "seconds" in r.get("dask2_running", {}):
        # On clusters already up, their workers' pipelines loaded: a long-lived cluster.
        s["dask_2_over_1_running"] = round(
            r["dask1_running"]["seconds"] / r["dask2_running"]["seconds"], 2
        )
    s["graph_per_s"] = per_s(n, r["graph"].get("seconds"))
    rdf = r["rdf"]
    if "floor_seconds" in rdf:
        s["ntriples_per_s"] = per_s(n, rdf["ntriples_seconds"])
        s["turtle_per_s"] = per_s(n, rdf["turtle_seconds"])
        s["ntriples_times_floor"] = round(rdf["ntriples_seconds"] / rdf["floor_seconds"], 2)
        s["turtle_times_floor"] = round(rdf["turtle_seconds"] / rdf["floor_seconds"], 2)
        cpu = rdf["cpu"]
        s["ntriples_cpu_times_floor"] = round(cpu["ntriples"] / cpu["floor"], 2)
        s["turtle_cpu_times_floor"] = round(cpu["turtle"] / cpu["floor"], 2)
    s["neo4j_csv_per_s"] = per_s(n, r["neo4j_csv"].get("seconds"))
    s["cypher_load_per_s"] = (
        per_s(n, r["cypher"]["seconds"]) if r["cypher"].get("available") else "not available"
    )
    s["related_p95_ms"] = (
        round(r["related"]["p95_ms"], 1) if r["related"].get("available") else "not available"
    )
    e2e = r["e2e"]
    if "seconds" in e2e:
        s["e2e_minutes"] = round(e2e["seconds"] / 60, 2)
        s["e2e_extract_2_per_s"] = per_s(n, e2e["steps"]["extract"])
        s["e2e_extract_2_times_floor"] = round(e2e["steps"]["extract"] / tok["seconds"], 1)
        # Sampled sums of PSS over the build and its children (extraction workers, RDF
        # writers): a forked child's RSS counts the pages it shares with the parent.
        s["e2e_peak_memory_mb"] = e2e["pss_mb"]
        s["e2e_build_peak_memory_mb"] = e2e["build_pss_mb"]  # before the CSV step
        s["e2e_parent_peak_rss_mb"] = e2e["rss_mb"]
    if "seconds" in r["update"]:
        s["update_seconds"] = round(r["update"]["seconds"], 1)
        s["update_extracted"] = r["update"]["extracted"]
        s["update_changed"] = r["update"].get("changed")  # None: made again, not patched
    if "seconds" in r.get("update_100", {}):
        s["update_100_seconds"] = round(r["update_100"]["seconds"], 1)
        s["update_100_changed"] = r["update_100"].get("changed")
    return s


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument(
        "--dask-up-to", type=int, default=10000, help="largest size for the Dask stages"
    )
    parser.add_argument(
        "--extract-runs-up-to",
        type=int,
        default=10000,
        help="largest size for the separate 1- and 2-worker extraction runs",
    )
    args = parser.parse_args()
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["machine"] = machine()
    results.setdefault("sizes", {})
    for size in args.sizes:
        started = time.time()
        run = run_size(size, args.cache, size <= args.dask_up_to, size <= args.extract_runs_up_to)
        run["date"] = time.strftime("%Y-%m-%d %H:%M", time.gmtime(started))
        run["commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
        run["wall_minutes"] = round((time.time() - started) / 60, 1)
        results["sizes"][str(size)] = run
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=1) + "\n")
        print(json.dumps(run["summary"], indent=1))


if __name__ == "__main__":
    main()
