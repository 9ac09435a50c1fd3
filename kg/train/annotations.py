"""Gold annotations kept without their text: offsets, labels and links keyed by paper id and text hash.

The annotation file (kg/data/annotations/seeds.jsonl) holds, per paper: `id`, `sha1` of
`title + "\\n" + abstract`, `split` (train/dev, fixed), `mentions` (field, start, end, label,
text), `links` and `abbreviations`. `join_gold` reads the texts from the corpus (default
../shared/seeds) and returns full ANNOTATION.md records; a paper whose text changed is
reported, never silently misaligned.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from kg.ingest import read_papers
from kg.types import Paper

log = logging.getLogger(__name__)
DEV_SHARE = 5  # one paper in five is dev


def text_sha1(title: str, abstract: str) -> str:
    return hashlib.sha1(f"{title}\n{abstract}".encode()).hexdigest()


def split_of(paper_id: str) -> str:
    """The fixed split of a paper: `dev` for one id hash in five, else `train`."""
    return (
        "dev" if int(hashlib.sha1(paper_id.encode()).hexdigest(), 16) % DEV_SHARE == 0 else "train"
    )


def _boundary_ok(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    # A letter may follow a digit (`23.29mAP`), never another letter; nothing alphanumeric after.
    glued_before = before.isalnum() and not (before.isdigit() and text[start].isalpha())
    return not glued_before and not after.isalnum()


def locate(paper: Paper, surfaces: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """Every whole-word occurrence of each (text, label) in title and abstract as a mention.

    Longer names are placed first and nothing overlaps; URLs are placed before all
    else, so a name inside an address is not a mention (ANNOTATION.md rule 6).
    """
    ordered = sorted(set(surfaces), key=lambda s: (s[1] != "REPO", -len(s[0]), s[0]))
    mentions: list[dict[str, Any]] = []
    for field in ("title", "abstract"):
        text = paper.text(field)
        taken = [False] * len(text)
        for surface, label in ordered:
            start = text.find(surface)
            while start >= 0:
                end = start + len(surface)
                if _boundary_ok(text, start, end) and not any(taken[start:end]):
                    taken[start:end] = [True] * (end - start)
                    mentions.append(
                        {
                            "field": field,
                            "start": start,
                            "end": end,
                            "text": surface,
                            "label": label,
                        }
                    )
                start = text.find(surface, start + 1)
    return sorted(mentions, key=lambda m: (m["field"] != "title", m["start"]))


def annotation_path() -> Path:
    return Path(str(resources.files("kg").joinpath("data/annotations/seeds.jsonl")))


def read_annotations(path: str | Path | None = None) -> list[dict[str, Any]]:
    with Path(path or annotation_path()).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def join_gold(
    corpus: Iterable[str | Path], path: str | Path | None = None, split: str | None = None
) -> Iterator[dict[str, Any]]:
    """Full gold records (text + annotations) for the papers of `corpus` that are annotated."""
    annotations = {
        a["id"]: a for a in read_annotations(path) if split is None or a["split"] == split
    }
    found = 0
    for paper in read_papers(corpus):
        ann = annotations.get(paper.id)
        if ann is None:
            continue
        if ann["sha1"] != text_sha1(paper.title, paper.abstract):
            log.warning("%s: text differs from the annotated text; skipped", paper.id)
            continue
        found += 1
        yield {
            "id": paper.id,
            "title": paper.title,
            "abstract": paper.abstract,
            "mentions": ann["mentions"],
            "links": ann["links"],
            "abbreviations": ann.get("abbreviations", []),
            "split": ann["split"],
        }
    if found < len(annotations):
        log.warning("%d of %d annotated papers found in the corpus", found, len(annotations))


def default_corpus() -> list[Path]:
    """The seed files beside the checkout (../shared/seeds), where the annotations come from."""
    root = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
    return sorted(root.glob("*.txt"))


def read_synthetic(path: str | Path | None = None) -> list[dict[str, Any]]:
    """The project's own annotated synthetic abstracts (text included); always training data."""
    return read_annotations(path or annotation_path().with_name("synthetic.jsonl"))
