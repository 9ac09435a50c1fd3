"""Paper-level recall against Papers-with-Code leaderboard names, for `kg eval --corpus pwc2022`.

The 205 arXiv papers of 2022 in `../shared/data/abstracts/pwc_sota_2022_2023.jsonl` (the
SOTA? shared task's release of Papers-with-Code leaderboards) list, per paper, the tasks,
datasets and metrics of its leaderboard entries under Papers-with-Code's canonical names,
not as spans, and most of them are written only in the full text. So only recall can be
measured, and only of the names the title or abstract writes: a name counts as written
when its normalised form (`kg.text.normalise_entity`) is that of a run of whole words of the
text ("ICDAR2013" is written in "ICDAR 2013", "SVT" not in "SVTR"). It is found when the
extraction of that paper has a mention of the matching kind (a dataset as DATASET or
BENCHMARK) with the same normalised text; `untyped` ignores the kind. A name written as
part of a longer one counts as missed ("Deblurring" in "video deblurring", which
ANNOTATION.md marks whole), so the figures are a floor; and since Papers-with-Code lists
only what the leaderboards hold, nothing here measures precision.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.evaluate import Score, predict
from kg.text import normalise_entity

# The corpora this module scores, by name: the file under ../shared/data.
FILES = {"pwc2022": Path("abstracts") / "pwc_sota_2022_2023.jsonl"}
# The gold fields, the row each counts in, and the labels that find it.
KINDS = {
    "tasks": ("TASK", frozenset({"TASK"})),
    "datasets": ("DATA*", frozenset({"DATASET", "BENCHMARK"})),
    "metrics": ("METRIC", frozenset({"METRIC"})),
}
_WORD = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)
_LONGEST = 12  # words in the longest run tried; no listed name is longer


@dataclass(frozen=True)
class ListedPaper:
    """A paper with the names its leaderboard entries list: (gold field, name) pairs."""

    id: str
    title: str
    abstract: str
    names: tuple[tuple[str, str], ...]


def read_listed(path: Path) -> Iterator[ListedPaper]:
    """The papers of a SOTA?-style JSONL file (`arxiv_id`, `title`, `abstract`, name lists)."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            names = tuple(
                (field, name) for field in KINDS for name in sorted(set(row.get(field) or ()))
            )
            yield ListedPaper(
                str(row["arxiv_id"]), row.get("title") or "", row.get("abstract") or "", names
            )


def written_keys(text: str, keys: set[str]) -> set[str]:
    """The normalised names among `keys` that `text` writes as a run of whole words."""
    if not keys:
        return set()
    bounds = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    longest = max(len(k) for k in keys)
    found: set[str] = set()
    for i, (start, _) in enumerate(bounds):
        for _, end in bounds[i : i + _LONGEST]:
            key = normalise_entity("", text[start:end])
            if key in keys:
                found.add(key)
            if len(key) > longest + 1:  # +1: the plural `s` normalisation drops
                break
    return found


def listed_recall(
    papers: Iterable[ListedPaper], predicted: Iterable[Mapping[str, Any]]
) -> dict[str, Score]:
    """Recall of the written listed names per row (TASK, DATA*, METRIC, `micro`, `untyped`);
    `fn` counts the written names missed, `fp` stays 0 (not measurable here)."""
    by_id = {str(p["id"]): p for p in predicted}
    rows: dict[str, Score] = {}
    for paper in papers:
        mentions = by_id.get(paper.id, {}).get("mentions", [])
        found = {(m["label"], normalise_entity(m["label"], m["text"])) for m in mentions}
        untyped = {key for _, key in found}
        wanted = {(field, normalise_entity("", name)) for field, name in paper.names}
        written = written_keys(f"{paper.title}\n{paper.abstract}", {k for _, k in wanted if k})
        for field, key in sorted(wanted):
            if key not in written:
                continue
            row, labels = KINDS[field]
            typed = any((label, key) in found for label in labels)
            for name, hit in ((row, typed), ("micro", typed), ("untyped", key in untyped)):
                score = rows.setdefault(name, Score())
                if hit:
                    score.tp += 1
                else:
                    score.fn += 1
    return rows


def evaluate_listed(name: str, shared_data: Path, model: str | None = None) -> dict[str, Any]:
    """Run the extractor on corpus `name` and report its recall of the written listed names."""
    papers = list(read_listed(shared_data / FILES[name]))
    records = [{"id": p.id, "title": p.title, "abstract": p.abstract} for p in papers]
    rows = listed_recall(papers, predict(records, model))
    listed = sum(len(p.names) for p in papers)
    return {
        "papers": len(papers),
        "listed": listed,
        "recall": {
            row: {"r": round(s.recall, 4), "found": s.tp, "written": s.tp + s.fn}
            for row, s in rows.items()
        },
    }


def format_listed(report: Mapping[str, Any]) -> str:
    """A text table of `evaluate_listed`'s report."""
    lines = [
        f"papers: {report['papers']}, listed names: {report['listed']}",
        "",
        "paper-level recall of the listed names the title or abstract writes",
        f"{'':<12} {'R':>6} {'found':>6} {'written':>8}",
    ]
    for row in ("TASK", "DATA*", "METRIC", "micro", "untyped"):
        if (s := report["recall"].get(row)) is not None:
            lines.append(f"{row:<12} {s['r']:6.3f} {s['found']:6d} {s['written']:8d}")
    return "\n".join(lines)
