from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from kg.evaluate import format_report, score


def record(
    mentions: Sequence[tuple[str, int, int, str, str]], links: Sequence[tuple[str, str, str]] = ()
) -> dict[str, Any]:
    return {
        "id": "p",
        "title": "",
        "abstract": "x" * 100,
        "mentions": [
            {"field": f, "start": s, "end": e, "text": t, "label": lab}
            for f, s, e, t, lab in mentions
        ],
        "links": [{"relation": r, "label": lab, "entity": e} for r, lab, e in links],
    }


def test_perfect_prediction_scores_one() -> None:
    gold = record([("abstract", 0, 3, "GNN", "METHOD")], [("uses", "METHOD", "GNN")])
    report = score([gold], [gold])
    for view in ("mention", "entity", "link"):
        assert report.scores[view]["micro"].f1 == 1.0


def test_views_count_what_they_should() -> None:
    gold = record(
        [("abstract", 0, 4, "GNNs", "METHOD"), ("abstract", 10, 14, "GLUE", "BENCHMARK")],
        [("uses", "METHOD", "the GNNs"), ("evaluates_on", "BENCHMARK", "GLUE")],
    )
    pred = record(
        [("abstract", 0, 3, "GNN", "METHOD"), ("abstract", 10, 14, "GLUE", "DATASET")],
        [("uses", "METHOD", "GNN"), ("evaluates_on", "DATASET", "GLUE")],
    )
    report = score([gold], [pred])
    assert report.scores["mention"]["micro"].tp == 0  # offsets differ; label differs
    assert report.scores["mention"]["untyped"].tp == 1  # GLUE matches without labels
    assert report.scores["mention"]["micro DATA*"].tp == 1  # and with DATASET+BENCHMARK merged
    assert report.scores["entity"]["METHOD"].f1 == 1.0  # "GNNs" and "GNN" normalise alike
    assert report.scores["link"]["METHOD"].f1 == 1.0  # article and plural dropped
    assert report.scores["link"]["DATA*"].f1 == 1.0
    assert report.scores["link"]["BENCHMARK"].fn == 1
    assert "link view" in format_report(report)


def test_missing_prediction_is_all_false_negatives() -> None:
    gold = record([("abstract", 0, 3, "GNN", "METHOD")])
    assert score([gold], []).scores["mention"]["micro"].recall == 0.0


@pytest.mark.parametrize("corpus", ["scierc", "scier", "tdmsci"])
def test_public_corpora_read_with_aligned_offsets(corpus: str) -> None:
    from kg.corpora import READERS, SHARED_DATA

    if not (SHARED_DATA / corpus).is_dir():
        pytest.skip(f"{SHARED_DATA / corpus} not found")
    records = list(READERS[corpus](SHARED_DATA))
    assert records
    for r in records:
        for m in r["mentions"]:
            assert r["abstract"][m["start"] : m["end"]] == m["text"]
