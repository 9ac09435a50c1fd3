"""A paper the extractor raises on is kept with nothing found and reported; the others go on.

The failing component below raises on any text holding `BOOM`; it stands for a bug in a
real component (an index past the end of the doc, say) met at paper 40,000 of a build.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from kg.build import build
from kg.cli import format_summary
from kg.extract.parallel import extract_parallel
from kg.extract.pipeline import build_pipeline, describe_failure, extract_papers
from kg.ingest import BadInput, ReadReport
from kg.types import Paper

PAPERS = [
    Paper("a", "Graphs", "We train BERT on ImageNet and report accuracy."),
    Paper("b", "BOOM", "We use RoBERTa on GLUE."),
    Paper("c", "Trees", "We propose FooNet and evaluate it on CIFAR-10."),
]


@Language.component("test_boom")
def boom(doc: Doc) -> Doc:
    if "BOOM" in doc.text:
        raise IndexError("list index out of range")
    return doc


@pytest.fixture(scope="module")
def failing_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nlp = build_pipeline()
    nlp.add_pipe("test_boom", before="kg_resolve")
    path = tmp_path_factory.mktemp("failing") / "model"
    nlp.to_disk(path)
    return path


@pytest.mark.parametrize("batch_size", [1, 2, 64])
def test_the_failing_paper_is_kept_empty_and_the_others_extracted(
    nlp: Any, failing_model: Path, batch_size: int
) -> None:
    from kg.extract.pipeline import load_pipeline

    found = list(extract_papers(PAPERS, load_pipeline(failing_model), batch_size=batch_size))
    assert [ex.paper.id for ex in found] == ["a", "b", "c"]
    a, b, c = found
    assert not b.mentions and not b.links and b.failure.startswith("IndexError: list index")
    assert "test_extract_failures.py" in b.failure  # where it was raised
    # The others come out as they do without the failing paper beside them.
    alone = list(extract_papers([PAPERS[0], PAPERS[2]], nlp))
    assert [a, c] == alone and not a.failure and a.mentions


def test_two_workers_carry_the_failure_back(failing_model: Path) -> None:
    found = list(extract_parallel(PAPERS, failing_model, workers=2, batch_size=1, in_flight=1))
    assert [bool(ex.failure) for ex in found] == [False, True, False]


def _corpus(tmp_path: Path) -> Path:
    path = tmp_path / "papers.jsonl"
    rows = [{"id": p.id, "title": p.title, "abstract": p.abstract} for p in PAPERS]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_build_warns_counts_and_keeps_the_paper(tmp_path: Path, failing_model: Path) -> None:
    warnings: list[str] = []
    report = build(
        [_corpus(tmp_path)],
        tmp_path / "out",
        model=str(failing_model),
        exporters=["graphml"],
        read=ReadReport(warn=warnings.append),
    )
    assert report.read.unextracted == 1 and report.graph.papers == 3
    assert "(0 duplicates dropped, 0 skipped, 1 kept unextracted, 1 files)" in format_summary(
        report
    )
    assert len(warnings) == 1 and warnings[0].startswith("paper b: extraction failed (IndexError")
    assert warnings[0].endswith("; kept with nothing found")
    records = [json.loads(line) for line in (tmp_path / "out" / "papers.jsonl").open()]
    assert [r["id"] for r in records] == ["a", "b", "c"] and not records[1]["mentions"]


def test_strict_stops_the_build_and_writes_nothing(tmp_path: Path, failing_model: Path) -> None:
    with pytest.raises(BadInput, match="paper b: extraction failed"):
        build(
            [_corpus(tmp_path)],
            tmp_path / "out",
            model=str(failing_model),
            exporters=["graphml"],
            read=ReadReport(strict=True),
        )
    assert not (tmp_path / "out" / "papers.jsonl").exists()
    assert not (tmp_path / "out" / "graph.graphml").exists()


def test_a_failure_names_the_exception_and_where() -> None:
    try:
        [][1]
    except IndexError as err:
        line = describe_failure(err)
    assert line.startswith("IndexError: list index out of range at test_extract_failures.py:")
    try:
        raise ValueError("first line\n\n  second line")
    except ValueError as err:
        assert describe_failure(err).startswith("ValueError: first line second line at ")
