from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.leaderboards import (
    FILES,
    ListedPaper,
    evaluate_listed,
    format_listed,
    listed_recall,
    read_listed,
    written_keys,
)


@pytest.mark.parametrize(
    ("text", "name", "written"),
    [
        ("results on ICDAR 2013 and SVT", "icdar2013", True),  # spacing folds away
        ("results on the SVTR split", "svt", False),  # part of a longer word
        ("the top-1 accuracy rises", "top1accuracy", True),
        ("image classifiers", "imageclassifier", True),  # the plural `s` folds away
        ("video deblurring works", "deblurring", True),
        ("", "svt", False),
    ],
)
def test_a_listed_name_is_written_as_a_run_of_whole_words(
    text: str, name: str, written: bool
) -> None:
    assert (name in written_keys(text, {name})) is written


def paper(**names: list[str]) -> ListedPaper:
    pairs = tuple((field, n) for field, ns in names.items() for n in ns)
    return ListedPaper(
        "2201.00001", "FooNet for Image Classification", "We test on CIFAR-10.", pairs
    )


def test_recall_counts_written_names_found_with_their_kind() -> None:
    listed = paper(
        tasks=["Image Classification"],
        datasets=["CIFAR-10", "ImageNet"],  # ImageNet is not written: not counted
        metrics=["Accuracy"],  # not written either
    )
    predicted = [
        {
            "id": "2201.00001",
            "mentions": [
                {"label": "METHOD", "text": "Image Classification"},  # written, wrong kind
                {"label": "BENCHMARK", "text": "CIFAR-10"},  # a dataset found as BENCHMARK
            ],
        }
    ]
    rows = listed_recall([listed], predicted)
    assert (rows["TASK"].tp, rows["TASK"].fn) == (0, 1)
    assert (rows["DATA*"].tp, rows["DATA*"].fn) == (1, 0)
    assert "METRIC" not in rows
    assert (rows["micro"].tp, rows["micro"].fn) == (1, 1)
    assert (rows["untyped"].tp, rows["untyped"].fn) == (2, 0)
    # A paper with no prediction misses every written name.
    assert listed_recall([listed], [])["micro"].fn == 2


def test_the_corpus_is_read_and_scored_with_the_shipped_pipeline(tmp_path: Path) -> None:
    rows = [
        {
            "arxiv_id": "2201.00001",
            "title": "FooNet: Fast Semantic Segmentation",
            "abstract": "FooNet reaches 80.1% mIoU on Cityscapes and ADE20K.",
            "tasks": ["Semantic Segmentation"],
            "datasets": ["Cityscapes", "ADE20K", "Cityscapes", "PASCAL VOC"],
            "metrics": ["mIoU"],
        },
        {"arxiv_id": "2201.00002", "title": "", "abstract": "", "tasks": ["Parsing"]},
    ]
    path = tmp_path / FILES["pwc2022"]
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    papers = list(read_listed(path))
    assert [len(p.names) for p in papers] == [5, 1]  # the repeated Cityscapes once
    report = evaluate_listed("pwc2022", tmp_path)
    assert report["papers"] == 2 and report["listed"] == 6
    assert report["recall"]["DATA*"]["written"] == 2  # PASCAL VOC is not in the text
    assert report["recall"]["micro"]["written"] == 4
    assert report["recall"]["DATA*"]["found"] == 2
    assert "DATA*" in format_listed(report)
