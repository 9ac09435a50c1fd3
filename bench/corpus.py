"""Scale corpora for the benchmark: N abstracts remixed from the seeds and the ICLR 2024 list.

Run time only, never training: the sources are read from ../shared at run time and the
corpora are written to a cache folder (build/bench/, ignored by git), never committed.

How paper i of a corpus is made (deterministic: the same sources give the same bytes):
- its base is source paper i mod S (sources in input order: ../shared/seeds/*.txt sorted,
  then ../shared/data/abstracts/iclr2024_openreview_paperlist.tsv);
- its title is the base's title, its id `bench-<i>` (seven digits);
- its abstract keeps the base's first sentence and replaces each further sentence by a
  sentence drawn from the whole pool of source sentences with `random.Random(i)`, so
  lengths follow the sources while the text, and so the extraction, differs per paper;
- paper i < S keeps its base abstract unchanged (the corpus holds the sources themselves);
- an abstract that repeats an earlier one is drawn again (ingest would drop it as a duplicate).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

from kg.ids import normalise_title, text_hash
from kg.ingest import read_papers
from kg.types import Paper

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")


def source_files(shared: Path = SHARED) -> list[Path]:
    """The seeds and the ICLR 2024 list, in a fixed order."""
    files = sorted((shared / "seeds").glob("*.txt"))
    iclr = shared / "data" / "abstracts" / "iclr2024_openreview_paperlist.tsv"
    return files + ([iclr] if iclr.exists() else [])


def sentences(text: str) -> list[str]:
    """A plain split after `.`, `!` or `?` before a capital or digit: enough for remixing."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def remix(sources: list[Paper], size: int) -> Iterator[Paper]:
    """`size` papers made from `sources` as the module docstring says."""
    pool = [s for paper in sources for s in sentences(paper.abstract)]
    seen: set[str] = set()
    for i in range(size):
        base = sources[i % len(sources)]
        parts = sentences(base.abstract)
        rng = random.Random(i)

        def draw() -> str:
            return " ".join(parts[:1] + [rng.choice(pool) for _ in range(max(1, len(parts) - 1))])  # noqa: B023

        abstract = base.abstract if i < len(sources) else draw()
        while text_hash(normalise_title(abstract)) in seen:
            abstract = draw()
        seen.add(text_hash(normalise_title(abstract)))
        yield Paper(f"bench-{i:07d}", base.title, abstract)


def write_corpus(size: int, out_dir: Path, shared: Path = SHARED) -> Path:
    """Write (once) the corpus of `size` papers as JSON lines; returns its path."""
    path = out_dir / f"corpus-{size}.jsonl"
    if path.exists():
        return path
    files = source_files(shared)
    if not files:
        raise SystemExit(f"bench: no sources under {shared} (../shared beside the checkout)")
    sources = list(read_papers(files))
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for paper in remix(sources, size):
            record = {"id": paper.id, "title": paper.title, "abstract": paper.abstract}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path
