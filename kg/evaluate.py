"""Scoring an extraction against gold: precision, recall and F1 in three views.

- mention: exact `(field, start, end, label)`;
- entity: per paper, the set of `(label, normalised text)` of its mentions;
- link: per paper, the set of `(relation, label, normalised entity)`.
Normalisation is `kg.text.normalise_entity`. Each view is scored per label, micro over all
labels, with DATASET and BENCHMARK merged (`DATA*`), and untyped (labels ignored).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.text import normalise_entity
from kg.types import LABELS

VIEWS = ("mention", "entity", "link")
MERGED = "DATA*"


@dataclass
class Score:
    """Counts of true positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Scores per view and row (a label, `DATA*`, `micro`, `micro DATA*`, `untyped`)."""

    scores: dict[str, dict[str, Score]] = field(default_factory=dict)
    papers: int = 0


Item = tuple[str, ...]  # the last-but-n element is the label, see _items


def _items(record: Mapping[str, Any], view: str) -> set[tuple[str, Item]]:
    """(label, item) pairs of one record in one view."""
    if view == "mention":
        return {
            (m["label"], (m["field"], str(m["start"]), str(m["end"])))
            for m in record.get("mentions", [])
        }
    if view == "entity":
        return {
            (m["label"], (normalise_entity(m["label"], m["text"]),))
            for m in record.get("mentions", [])
        }
    return {
        (link["label"], (link["relation"], normalise_entity(link["label"], link["entity"])))
        for link in record.get("links", [])
    }


def _relabel(items: set[tuple[str, Item]], how: str) -> set[tuple[str, Item]]:
    if how == "merged":
        return {
            (MERGED if label in ("DATASET", "BENCHMARK") else label, item) for label, item in items
        }
    if how == "untyped":
        return {("", item) for _, item in items}
    return items


def _rows(label: str, how: str) -> list[str]:
    """The report rows an item of `label` counts in, under one labelling."""
    if how == "typed":
        return [label, "micro"]
    if how == "merged":
        return ([MERGED] if label == MERGED else []) + ["micro DATA*"]
    return ["untyped"]


def score(gold: Iterable[Mapping[str, Any]], pred: Iterable[Mapping[str, Any]]) -> Report:
    """Score predictions against gold, joined on `id`; a gold paper missing from `pred` counts as empty."""
    predicted = {str(r["id"]): r for r in pred}
    report = Report(scores={view: {} for view in VIEWS})
    for record in gold:
        report.papers += 1
        guess = predicted.get(str(record["id"]), {})
        for view in VIEWS:
            g_all, p_all = _items(record, view), _items(guess, view)
            rows = report.scores[view]
            for how in ("typed", "merged", "untyped"):
                g, p = _relabel(g_all, how), _relabel(p_all, how)
                for kind, items in (("tp", g & p), ("fp", p - g), ("fn", g - p)):
                    for label, _ in items:
                        for target in _rows(label, how):
                            s = rows.setdefault(target, Score())
                            setattr(s, kind, getattr(s, kind) + 1)
    return report


ROW_ORDER = (*LABELS[:2], MERGED, *LABELS[2:], "micro", "micro DATA*", "untyped")


def format_report(report: Report) -> str:
    """Aligned text tables, one per view."""
    lines = [f"papers: {report.papers}"]
    for view in VIEWS:
        lines += [
            "",
            f"{view} view",
            f"{'':<12} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}",
        ]
        for row in ROW_ORDER:
            s = report.scores[view].get(row)
            if s is None:
                continue
            lines.append(
                f"{row:<12} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp + s.fn:6d} {s.tp + s.fp:6d}"
            )
    return "\n".join(lines)


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "papers": report.papers,
        **{
            view: {
                row: {
                    "p": round(s.precision, 4),
                    "r": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "tp": s.tp,
                    "fp": s.fp,
                    "fn": s.fn,
                }
                for row, s in rows.items()
            }
            for view, rows in report.scores.items()
        },
    }


def predict(
    gold: Iterable[Mapping[str, Any]], model: str | None = None, nlp: Any = None
) -> list[dict[str, Any]]:
    """Run the extractor (`nlp`, else the pipeline at `model`) on the texts of `gold`; its records."""
    from kg.export.jsonl import to_record
    from kg.extract.pipeline import extract_papers, load_pipeline
    from kg.types import Paper

    papers = [Paper(str(g["id"]), g.get("title") or "", g.get("abstract") or "") for g in gold]
    return [to_record(ex) for ex in extract_papers(papers, nlp or load_pipeline(model))]


def evaluate_corpus(name: str, model: str | None = None) -> Report:
    """Score the extractor on the test set of a public corpus (see kg.corpora)."""
    from kg.corpora import READERS, SHARED_DATA, restrict

    gold = list(READERS[name](SHARED_DATA))
    return score(gold, [restrict(p, name) for p in predict(gold, model)])
