"""Extraction speed of the shipped pipeline, one and two workers, against a tokenizer-only pass.

Usage: python bench/extract_speed.py [--model DIR] [INPUT ...]
(default input: ../shared/seeds/*.txt, repeated 4 times). Prints one line per setting and
writes bench/results/extract_speed.json. The machine is shared and noisy: read the ratio
to the tokenizer floor, measured in the same run, as much as the absolute rate.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

from kg.extract.pipeline import doc_text, extract_papers, load_pipeline
from kg.ingest import read_papers


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("inputs", nargs="*")
    parser.add_argument("--model")
    parser.add_argument("--repeat", type=int, default=4)
    args = parser.parse_args()
    inputs = args.inputs or sorted(str(p) for p in Path("../shared/seeds").glob("*.txt"))
    papers = list(read_papers(inputs)) * args.repeat
    nlp = load_pipeline(args.model)
    list(extract_papers(papers[:30], nlp))  # warm-up: caches and lazy imports
    results: dict[str, object] = {
        "abstracts": len(papers),
        "pipeline": nlp.pipe_names,
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
    }
    start = time.perf_counter()
    for _ in nlp.tokenizer.pipe(doc_text(p) for p in papers):
        pass
    results["tokenizer_only_per_s"] = floor = rate(len(papers), time.perf_counter() - start)
    for workers in (1, 2):
        start = time.perf_counter()
        count = sum(1 for _ in extract_papers(papers, nlp, n_process=workers))
        results[f"extract_{workers}_workers_per_s"] = value = rate(
            count, time.perf_counter() - start
        )
        print(
            f"{workers} worker(s): {value}/s; tokenizer-only floor {floor}/s; ratio {floor / value:.1f}x"
        )
    out = Path(__file__).parent / "results" / "extract_speed.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
