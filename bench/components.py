"""CPU milliseconds per abstract of each pipeline component (the profile behind the speed-ups).

Usage: python bench/components.py [--repeat 2] [INPUT ...] (default: ../shared/seeds/*.txt).
Runs the tokenizer, then each component over all docs in turn (batches of 64), three times,
and prints the best CPU time per doc of each, the total and its ratio to the tokenizer.
To profile another checkout: PYTHONPATH=that/checkout python bench/components.py.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.extract.pipeline import doc_text, load_pipeline, to_extraction
from kg.ingest import read_papers


def apply(proc: Any, docs: list[Any]) -> list[Any]:
    """One component over every doc: in batches of 64 where it can, else one doc at a time."""
    if hasattr(proc, "pipe"):
        return list(proc.pipe(docs, batch_size=64))
    return [proc(d) for d in docs]


def extractions(papers: list[Any], docs: list[Any]) -> list[Any]:
    return [to_extraction(p, d) for p, d in zip(papers, docs, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("inputs", nargs="*")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    inputs = args.inputs or sorted(str(p) for p in Path("../shared/seeds").glob("*.txt"))
    try:  # absent before the parallel path: lets the script profile older checkouts too
        from kg.extract.parallel import one_blas_thread

        one_blas_thread()
    except ImportError:
        pass
    papers = list(read_papers(inputs)) * args.repeat
    nlp = load_pipeline()
    texts = [doc_text(p) for p in papers]
    list(nlp.pipe(texts[:50]))  # warm-up
    best: dict[str, float] = {}

    def clock(name: str, step: Callable[[], Any]) -> Any:
        start = time.process_time()
        value = step()
        best[name] = min(best.get(name, float("inf")), time.process_time() - start)
        return value

    for _ in range(3):
        docs = clock("tokenizer", lambda: [nlp.make_doc(t) for t in texts])
        for name, proc in nlp.pipeline:
            docs = clock(name, functools.partial(apply, proc, docs))
        clock("to_extraction", functools.partial(extractions, papers, docs))
    for name, seconds in best.items():
        print(f"{name:16s} {1000 * seconds / len(papers):.3f} ms")
    total = sum(best.values())
    print(
        f"total {1000 * total / len(papers):.3f} ms per abstract, "
        f"{total / best['tokenizer']:.1f} times the tokenizer"
    )


if __name__ == "__main__":
    main()
