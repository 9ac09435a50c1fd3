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


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        (
            "Results on two logical reasoning benchmarks, i.e., QuuxQA and LogiFoo, improve.",
            {("QuuxQA", "BENCHMARK"), ("LogiFoo", "BENCHMARK")},
        ),
        (
            "It is strong on a variety of datasets, including MSR-FOO, DiDeBar, and LSMQQ.",
            {("MSR-FOO", "DATASET"), ("DiDeBar", "DATASET"), ("LSMQQ", "DATASET")},
        ),
        (
            "It is scored by several metrics (e.g., Z-Diff and pLDX).",
            {("Z-Diff", "METRIC"), ("pLDX", "METRIC")},
        ),
        (
            "We report results on two challenging video-based benchmarks, FOOR and BazVID.",
            {("FOOR", "BENCHMARK"), ("BazVID", "BENCHMARK")},
        ),
        ("Experiments on the widely used gait database, CASIA-Q, agree.", {("CASIA-Q", "DATASET")}),
        (
            "On two real-world datasets, Amazon and Taobao, FooNet wins.",
            {("Amazon", "DATASET"), ("Taobao", "DATASET")},
        ),
    ],
)
def test_lists_after_a_data_word_and_its_examples_word(
    nlp: Any, abstract: str, expected: set[tuple[str, str]]
) -> None:
    assert expected <= cue_names(nlp, abstract)


@pytest.mark.parametrize(
    ("abstract", "subject"),
    [
        # the comma closes the phrase a preposition opened the sentence with
        ("On the Cityscapes test set, FooSeg achieves 72.0% mIoU.", "FooSeg"),
        ("On two public datasets, GraphFoo surpasses every baseline.", "GraphFoo"),
        # gains are amounts, not names
        ("It gains on key benchmarks (e.g., +6.8% on FooNet-PI).", "+6.8"),
    ],
)
def test_no_data_name_after_an_opening_phrase_or_in_an_amount(
    nlp: Any, abstract: str, subject: str
) -> None:
    assert subject not in {text for text, _ in cue_names(nlp, abstract)}


def test_a_system_that_builds_a_database_is_no_database(nlp: Any) -> None:
    from kg.extract.pipeline import extract_papers

    abstract = "We present a system called FooPip which builds a database of queries."
    (found,) = extract_papers([Paper("p", "A Study", abstract)], nlp)
    assert ("FooPip", "METHOD") in {(m.text, m.label) for m in found.mentions}
