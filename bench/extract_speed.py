"""Extraction speed of the default pipeline against a tokenizer-only pass over the same abstracts.

Usage: python bench/extract_speed.py [INPUT ...]   (default: ../shared/seeds/*.txt, repeated 3 times)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from kg.extract.pipeline import doc_text, extract_papers, load_pipeline
from kg.ingest import read_papers


def main(args: list[str]) -> None:
    inputs = args or sorted(str(p) for p in Path("../shared/seeds").glob("*.txt"))
    papers = list(read_papers(inputs)) * 3
    nlp = load_pipeline()
    list(extract_papers(papers[:20], nlp))  # warm-up: matcher caches, lazy imports
    start = time.perf_counter()
    count = sum(1 for _ in extract_papers(papers, nlp))
    full = time.perf_counter() - start
    start = time.perf_counter()
    for _ in nlp.tokenizer.pipe(doc_text(p) for p in papers):
        pass
    floor = time.perf_counter() - start
    print(
        f"{count} abstracts: extraction {count / full:.0f}/s, tokenizer only {count / floor:.0f}/s, ratio {full / floor:.1f}x"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
