"""Public annotated test sets in ../shared/data as gold records for `kg eval --corpus`.

Label mappings (documented in the README):
- SciERC (Luan et al. 2018): Method→METHOD, Task→TASK, Metric→METRIC, Material→DATASET;
  OtherScientificTerm and Generic dropped.
- SciER (Zhang et al. 2024), PLM files with offsets: Method→METHOD, Task→TASK, Dataset→DATASET.
- TDMSci (Hou et al. 2021): TASK, DATASET, METRIC as they are.
Texts are the corpora's tokens joined by single spaces (SciERC, SciER) or placed at their
character offsets (TDMSci); each record is one abstract (SciERC), one paper (SciER) or one
sentence (TDMSci), with an empty title. Gold has no links, so only the mention and entity
views are meaningful. Predictions of labels a corpus does not annotate are dropped before
scoring, and BENCHMARK predictions count as DATASET.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
Record = dict[str, Any]

MAPPINGS = {
    "scierc": {"Method": "METHOD", "Task": "TASK", "Metric": "METRIC", "Material": "DATASET"},
    "scier": {"Method": "METHOD", "Task": "TASK", "Dataset": "DATASET"},
    "tdmsci": {"TASK": "TASK", "DATASET": "DATASET", "METRIC": "METRIC"},
}
# Published entity/NER F1 on the same test sets, for context (not measured here).
PUBLISHED = {
    "scierc": "SciIE 64.2, PL-Marker (SciBERT) 69.9 entity F1 on all six SciERC types (Luan et al. 2018; Ye et al. 2022)",
    "scier": "86.85 NER micro-F1, best supervised model in Zhang et al. 2024",
    "tdmsci": "see Hou et al. 2021 (Flair TDM tagger); not re-verified here",
}


def _joined(tokens: list[str]) -> tuple[str, list[int]]:
    starts, position = [], 0
    for token in tokens:
        starts.append(position)
        position += len(token) + 1
    return " ".join(tokens), starts


def _mention(
    text: str, starts: list[int], tokens: list[str], first: int, last: int, label: str
) -> Record:
    start, end = starts[first], starts[last] + len(tokens[last])
    return {
        "field": "abstract",
        "start": start,
        "end": end,
        "text": text[start:end],
        "label": label,
    }


def _token_record(
    doc_id: str, tokens: list[str], ner: list[list[list[Any]]], mapping: dict[str, str]
) -> Record:
    """A record from document-level tokens and per-sentence `[start, end, label]` (inclusive) spans."""
    text, starts = _joined(tokens)
    mentions = [
        _mention(text, starts, tokens, s, e, mapping[lab])
        for sentence in ner
        for s, e, lab in sentence
        if lab in mapping
    ]
    return {"id": doc_id, "title": "", "abstract": text, "mentions": mentions, "links": []}


def read_scierc(root: Path, file: str = "test.json") -> Iterator[Record]:
    with (root / "scierc" / file).open(encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            tokens = [t for sentence in doc["sentences"] for t in sentence]
            yield _token_record(doc["doc_key"], tokens, doc["ner"], MAPPINGS["scierc"])


def read_scier(root: Path) -> Iterator[Record]:
    with (root / "scier" / "PLM" / "test.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            yield _token_record(
                str(doc["doc_id"]), doc["doc_tokens"], doc["ner"], MAPPINGS["scier"]
            )


def read_tdmsci(root: Path) -> Iterator[Record]:
    path = root / "tdmsci" / "test_500_v2.conll"
    sentence: list[tuple[str, int, str]] = []
    count = 0

    def flush() -> Record:
        text = ""
        for token, offset, _ in sentence:
            text = text.ljust(offset) + token
        mentions: list[Record] = []
        open_span: tuple[int, int, str] | None = None
        for token, offset, tag in [*sentence, ("", len(text) + 1, "O")]:
            if open_span and not tag.startswith("I-"):
                start, end, label = open_span
                mentions.append(
                    {
                        "field": "abstract",
                        "start": start,
                        "end": end,
                        "text": text[start:end],
                        "label": label,
                    }
                )
                open_span = None
            if tag.startswith("B-"):
                open_span = (offset, offset + len(token), tag[2:])
            elif tag.startswith("I-") and open_span:
                open_span = (open_span[0], offset + len(token), open_span[2])
        return {
            "id": f"tdmsci-{count}",
            "title": "",
            "abstract": text,
            "mentions": mentions,
            "links": [],
        }

    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                sentence.append((parts[0], int(parts[1]), parts[2]))
            elif sentence:
                count += 1
                yield flush()
                sentence = []
    if sentence:
        count += 1
        yield flush()


READERS: dict[str, Callable[[Path], Iterator[Record]]] = {
    "scierc": read_scierc,
    "scier": read_scier,
    "tdmsci": read_tdmsci,
}


def restrict(record: Record, corpus: str) -> Record:
    """A prediction limited to the labels `corpus` annotates (BENCHMARK counted as DATASET)."""
    labels = set(MAPPINGS[corpus].values())
    mentions = []
    for m in record.get("mentions", []):
        label = "DATASET" if m["label"] == "BENCHMARK" else m["label"]
        if label in labels:
            mentions.append({**m, "label": label})
    return {**record, "mentions": mentions, "links": []}
