"""Print the README's table from bench/results/scale.json (python bench/table.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results" / "scale.json"
sys.path.insert(0, str(BENCH))

from scale import summary  # noqa: E402

# (row title, summary key, unit suffix)
ROWS: list[tuple[str, str | tuple[str, ...], str]] = [
    ("tokenizer-only floor (a)", "tokenizer_floor_per_s", "/s"),
    ("extraction, 1 worker", "extract_1_per_s", "/s"),
    ("  × floor (wall; CPU)", ("extract_1_times_floor", "extract_1_cpu_times_floor"), "×"),
    ("extraction, 2 workers", "extract_2_per_s", "/s"),
    ("  × floor (wall; CPU)", ("extract_2_times_floor", "extract_2_cpu_times_floor"), "×"),
    ("extraction, 2 workers, in the e2e build", "e2e_extract_2_per_s", "/s"),
    ("  × floor (wall)", "e2e_extract_2_times_floor", "×"),
    ("Dask local:1 / local:2", ("dask1_per_s", "dask2_per_s"), "/s"),
    ("  Dask 2 workers over 1", "dask_2_over_1", "×"),
    ("  the same, first result to last (start-up left out)", "dask_2_over_1_steady", "×"),
    (
        "Dask on started clusters (pipelines loaded), 1 / 2",
        ("dask1_running_per_s", "dask2_running_per_s"),
        "/s",
    ),
    ("  2 workers over 1", "dask_2_over_1_running", "×"),
    ("graph building", "graph_per_s", "/s"),
    ("N-Triples export", "ntriples_per_s", "/s"),
    (
        "  × raw pyoxigraph N-Triples (b) (wall; CPU)",
        ("ntriples_times_floor", "ntriples_cpu_times_floor"),
        "×",
    ),
    ("Turtle export", "turtle_per_s", "/s"),
    (
        "  × raw pyoxigraph N-Triples (b) (wall; CPU)",
        ("turtle_times_floor", "turtle_cpu_times_floor"),
        "×",
    ),
    ("Neo4j CSV export", "neo4j_csv_per_s", "/s"),
    ("embedded Cypher load (FalkorDB)", "cypher_load_per_s", "/s"),
    ("`kg related` p95, 100 random papers", "related_p95_ms", " ms"),
    ("end to end (ingest … Neo4j CSV), 2 workers", "e2e_minutes", " min"),
    ("  peak memory, all its processes (PSS, sampled)", "e2e_peak_memory_mb", " MB"),
    ("  the same, the build alone (before the CSV step)", "e2e_build_peak_memory_mb", " MB"),
    ("  peak RSS of the build process", "e2e_parent_peak_rss_mb", " MB"),
    ("`--update` with 1% new papers", "update_seconds", " s"),
    ("  stored papers resolved again (– : made again)", "update_changed", ""),
    ("`--update` with 100 more papers after it", "update_100_seconds", " s"),
    ("  stored papers resolved again (– : made again)", "update_100_changed", ""),
]


def cell(summary: dict[str, Any], key: str | tuple[str, ...], unit: str) -> str:
    keys = key if isinstance(key, tuple) else (key,)
    values = [summary.get(k) for k in keys]
    if all(v is None for v in values):
        return "–"
    if any(isinstance(v, str) for v in values):
        return next(str(v) for v in values if isinstance(v, str))
    return "; ".join(f"{v:,}{unit}" if v is not None else "–" for v in values)


def main() -> None:
    results = json.loads(RESULTS.read_text())
    sizes = sorted(results["sizes"], key=int)
    print("| abstracts | " + " | ".join(f"{int(s):,}" for s in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for title, key, unit in ROWS:
        # Derived again from the stage results, so every size uses today's definitions.
        cells = [cell(summary(results["sizes"][s]), key, unit) for s in sizes]
        print(f"| {title} | " + " | ".join(cells) + " |")
    loads = [
        [
            v["load_before"]
            for v in results["sizes"][s].values()
            if isinstance(v, dict) and "load_before" in v
        ]
        for s in sizes
    ]
    print(
        "| load average before the stages | "
        + " | ".join(f"{min(x):.1f}–{max(x):.1f}" for x in loads)
        + " |"
    )
    print("| run started (UTC) | " + " | ".join(results["sizes"][s]["date"] for s in sizes) + " |")
    commits = [results["sizes"][s].get("commit", "–") for s in sizes]
    print("| code (commit) | " + " | ".join(commits) + " |")


if __name__ == "__main__":
    main()
