"""Run one stage again and put its result into bench/results/scale.json (for a quieter moment).

Usage: python bench/rerun.py SIZE KEY STAGE [stage options …], e.g.
  python bench/rerun.py 10000 dask2 extract --cluster local:2 --label dask2
The stage runs in build/bench/run-SIZE exactly as `bench/scale.py` runs it; the entry KEY of
that size is replaced (with the load before it and a `rerun` date) and the summary redone.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from scale import RESULTS, ROOT, run_stage, summary  # noqa: E402


def main() -> None:
    size, key, stage, *options = sys.argv[1:]
    work = ROOT / "build" / "bench" / f"run-{size}"
    result = run_stage(stage, work, *options)
    result["rerun"] = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    results = json.loads(RESULTS.read_text())
    run = results["sizes"][size]
    run[key] = result
    run["summary"] = summary(run)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
