"""Merge annotation batches written as surface strings into the offset file, with adjudication.

Batches (one JSON line per paper: `id`, `mentions` as {text, label}, `links`,
`abbreviations`) were written by several annotators. Adjudication makes one label per
surface form: the decisions in `DECISIONS` (from ANNOTATION.md: losses are METHODs, named
measures METRICs, learning settings TASKs), else the label most papers gave it; surfaces
listed in `CONTEXTUAL` keep their per-paper label because they truly differ by paper.
Links follow the adjudicated labels.

Batches written with their own text (`title`, `abstract`: the synthetic abstracts the
project wrote) go to a second file that keeps the text, since it is ours to ship.

Usage: python -m kg.train.adjudicate BATCH.jsonl ... [--synthetic SYNTH.jsonl ...] [--corpus ../shared/seeds]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from kg.export.core import atomic_path
from kg.ingest import read_papers
from kg.train.annotations import annotation_path, locate, split_of, text_sha1
from kg.types import ALLOWED, Paper

DECISIONS = {
    "cross-entropy": "METHOD",
    "cross-entropy loss": "METHOD",
    "Kullback-Leibler divergence": "METHOD",
    "negative log-likelihood": "METHOD",
    "mutual information": "METRIC",
    "in-context learning": "METHOD",
    "ICL": "METHOD",
    "continual pre-training": "METHOD",
    "TEE": "METHOD",
    "preference learning": "TASK",
    "metric learning": "TASK",
    "SQuAD 2.0": "DATASET",
}
CONTEXTUAL = frozenset(
    {"CL"}
)  # continual learning (TASK) in one paper, contrastive learning (METHOD) in another


def adjudicate(batches: list[dict[str, Any]]) -> tuple[dict[str, str], Counter[str]]:
    """The label of every surface form, and how many surfaces changed label."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for record in batches:
        for mention in record["mentions"]:
            votes[mention["text"]][mention["label"]] += 1
    labels = {}
    changed: Counter[str] = Counter()
    for text, counts in votes.items():
        label = DECISIONS.get(text) or counts.most_common(1)[0][0]
        labels[text] = label
        if len(counts) > 1 and text not in CONTEXTUAL:
            changed[text] = sum(n for lab, n in counts.items() if lab != label)
    return labels, changed


def convert(
    batches: list[dict[str, Any]], corpus: list[str], labels: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Offset records for `batches`; texts come from `corpus` or, when a batch has one, from the batch."""
    labels = labels if labels is not None else adjudicate(batches)[0]
    papers = {p.id: p for p in read_papers(corpus)} if corpus else {}
    out = []
    for record in batches:
        paper = papers.get(record["id"]) or Paper(record["id"], record["title"], record["abstract"])
        surface_labels = {
            m["text"]: m["label"] if m["text"] in CONTEXTUAL else labels[m["text"]]
            for m in record["mentions"]
        }
        links = []
        for link in record["links"]:
            label = surface_labels.get(link["entity"], link["label"])
            if link["relation"] in ALLOWED[label] and {**link, "label": label} not in links:
                links.append({**link, "label": label})
        converted: dict[str, Any] = {
            "id": paper.id,
            "sha1": text_sha1(paper.title, paper.abstract),
            "split": split_of(paper.id),
            "mentions": locate(paper, surface_labels.items()),
            "links": links,
            "abbreviations": record.get("abbreviations", []),
        }
        if "abstract" in record:  # our own text: kept, and always training data
            converted = {
                "id": paper.id,
                "title": paper.title,
                "abstract": paper.abstract,
                **converted,
                "split": "train",
            }
        out.append(converted)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("batches", nargs="+", type=Path)
    parser.add_argument("--synthetic", nargs="*", type=Path, default=[])
    parser.add_argument("--corpus", default="../shared/seeds")
    parser.add_argument("--out", type=Path, default=annotation_path())
    parser.add_argument(
        "--synthetic-out", type=Path, default=annotation_path().with_name("synthetic.jsonl")
    )
    args = parser.parse_args()
    batches = [json.loads(line) for path in args.batches for line in path.open() if line.strip()]
    synthetic = [
        json.loads(line) for path in args.synthetic for line in path.open() if line.strip()
    ]
    labels, changed = adjudicate(batches + synthetic)
    outputs = (
        (convert(batches, [args.corpus], labels), args.out),
        (convert(synthetic, [], labels), args.synthetic_out),
    )
    for records, target in outputs:
        if not records:
            continue
        with atomic_path(target) as tmp, tmp.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        mentions = sum(len(r["mentions"]) for r in records)
        print(
            f"{target}: {len(records)} papers, {mentions} mentions, {sum(len(r['links']) for r in records)} links"
        )
    print(f"relabelled {sum(changed.values())} mentions of {len(changed)} surfaces")


if __name__ == "__main__":
    main()
