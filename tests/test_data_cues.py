from __future__ import annotations

from typing import Any

import pytest

from kg.extract.pipeline import doc_text
from kg.types import Paper


def cue_names(nlp: Any, abstract: str, title: str = "A Study") -> set[tuple[str, str]]:
    doc = nlp(doc_text(Paper("p", title, abstract)))
    return {(span.text, span.label_) for span in doc.spans["kg_cues"] if span.kb_id_ == "data"}


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        ("We report 86.98% accuracy on the Jigsaw dataset.", {("Jigsaw", "DATASET")}),
        (
            "We test it on UCI Adult and Heritage Health datasets.",
            {("UCI Adult", "DATASET"), ("Heritage Health", "DATASET")},
        ),
        (
            "It transfers to the Caltech CUB, Dogs and Cars datasets.",
            {("CUB", "DATASET"), ("Dogs", "DATASET"), ("Cars", "DATASET")},
        ),
        (
            "We run experiments on two real-world datasets, Amazon and Taobao.",
            {("Amazon", "DATASET"), ("Taobao", "DATASET")},
        ),
        (
            "It is strong on the Massive Text Embedding Benchmark.",
            {("Massive Text Embedding Benchmark", "BENCHMARK")},
        ),
        (
            "It gains 1.3 points on AI2 Reasoning Challenge.",
            {("AI2 Reasoning Challenge", "BENCHMARK")},
        ),
    ],
)
def test_names_the_words_around_mark_as_data(
    nlp: Any, abstract: str, expected: set[tuple[str, str]]
) -> None:
    assert expected <= cue_names(nlp, abstract)


@pytest.mark.parametrize(
    "abstract",
    [
        "Our dataset is large. English datasets are common, and Medical datasets are rare.",
        "Existing datasets are small. The Benchmark results improve.",
    ],
)
def test_ordinary_capitalised_words_name_no_data(nlp: Any, abstract: str) -> None:
    names = {text for text, _ in cue_names(nlp, abstract)}
    assert not names & {"Our", "English", "Medical", "Existing", "The Benchmark"}


def test_a_coined_name_before_a_capitalised_head_keeps_its_own_name(nlp: Any) -> None:
    names = cue_names(nlp, "Results in the MUSE Benchmark improve.")
    assert ("MUSE Benchmark", "BENCHMARK") not in names


def test_headed_names_are_not_looked_for_in_titles(nlp: Any) -> None:
    title = "Towards a Unified Benchmark for Reasoning"
    assert not cue_names(nlp, "We study reasoning.", title=title)
