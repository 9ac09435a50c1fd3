"""The 3-fold cross-validation of kg.train.crossval: fold pipelines built, each gazetteer setting scored.

Usage: make crossval, or PYTHONHASHSEED=0 python bench/crossval.py [--shared ../shared]
[--work build/crossval] [--epochs 15] [--reuse: rescore the fold pipelines in --work]
Writes bench/results/crossval.json and prints micro F1 per view and entity F1 per label.
About 10 minutes on two cores (three taggers trained, two at a time).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "crossval.json"
LABELS = ("METHOD", "DATA*", "TASK", "METRIC", "REPO")


def summary_line(setting: str, report: dict[str, Any]) -> str:
    """One line: entity F1 per label, then micro F1 of the entity, mention and link views."""
    entity = report["entity"]
    labels = " ".join(f"{label} {entity[label]['f1']:.3f}" for label in LABELS if label in entity)
    views = " ".join(
        f"{view} {report[view]['micro']['f1']:.3f}" for view in ("entity", "mention", "link")
    )
    return f"{setting:8} | {views} | {labels}"


def main() -> None:
    from kg.train.crossval import GAZETTEERS, crossval

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "crossval")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--vectors", type=Path, help="word vectors for the taggers (kg vectors)")
    parser.add_argument(
        "--reuse", action="store_true", help="score the fold pipelines already in --work"
    )
    args = parser.parse_args()
    start = time.perf_counter()
    result = crossval(
        args.shared,
        args.work,
        epochs=args.epochs,
        seed=args.seed,
        rebuild=not args.reuse,
        vectors=args.vectors,
    )
    result["seconds"] = round(time.perf_counter() - start, 1)
    result["date"] = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    for setting in GAZETTEERS:
        print(summary_line(setting, result[setting]))
    print(f"hidden gazetteer rows: {result['hidden_rows']}; {result['seconds']} s")


if __name__ == "__main__":
    main()
