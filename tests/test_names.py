"""Name lists: which listed names the annotators pass over, and the gazetteer built without them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kg.extract import names
from kg.extract.names import build_gazetteer, unmarked_names


def record(text: str, marked: list[str]) -> dict[str, Any]:
    """A record whose abstract is `text`, with a METHOD mention at the first occurrence of each of `marked`."""
    mentions = []
    for phrase in marked:
        start = text.index(phrase)
        mentions.append(
            {"field": "abstract", "start": start, "end": start + len(phrase), "label": "METHOD"}
        )
    return {"id": text[:10], "title": "", "abstract": text, "mentions": mentions}


RECORDS = [
    record(
        "Inference time drops. We use multimodal sentiment analysis.",
        ["multimodal sentiment analysis"],
    ),
    record("At inference time MATH is used; we do math.", ["MATH"]),
    record("Lower inference time and sentiment analysis.", ["sentiment analysis"]),
    record(
        "Sentiment analysis at inference time; math again, and more math.", ["Sentiment analysis"]
    ),
]


def test_names_passed_over_are_found_and_names_inside_mentions_are_not() -> None:
    names = {"Inference Time": "METRIC", "Sentiment Analysis": "TASK", "MATH": "BENCHMARK"}
    # `inference time` 4 times, never marked; `sentiment analysis` 3 times, once inside a
    # longer mention; `MATH` once and marked (the 3 lower-case `math` are another word).
    assert unmarked_names(RECORDS, names) == {"Inference Time"}
    # A TASK name matches in lower case: the marked `MATH` is one of four `math`.
    assert unmarked_names(RECORDS, {"math": "TASK"}) == set()
    assert unmarked_names(RECORDS, {"math": "TASK"}, max_marked=0.3) == {"math"}
    assert unmarked_names(RECORDS, names, min_seen=5) == set()
    assert unmarked_names(RECORDS, names, max_marked=1.01) == {
        "Inference Time",
        "Sentiment Analysis",
    }


def test_gazetteer_leaves_out_passed_over_names_unless_curated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = [("METRIC", "Inference Time", "pwc-sota"), ("METRIC", "Latency Score", "pwc-sota")]
    monkeypatch.setattr(names, "_shared_names", lambda root: iter(listed))
    curated, out = tmp_path / "curated.tsv", tmp_path / "gazetteer.tsv"

    def built(curated_rows: str, omissions: list[dict[str, Any]]) -> set[str]:
        curated.write_text("label\tname\n" + curated_rows, encoding="utf-8")
        build_gazetteer(tmp_path, curated, out, omissions=omissions)
        return {line.split("\t")[1] for line in out.read_text(encoding="utf-8").splitlines()[1:]}

    assert built("", RECORDS) == {"Latency Score"}
    assert built("", []) == {"Latency Score", "Inference Time"}
    assert built("METRIC\tInference Time\n", RECORDS) == {"Latency Score", "Inference Time"}
