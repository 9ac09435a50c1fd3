from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import spacy
from spacy.tokens import Doc, Span

from kg.extract.admission import Candidate
from kg.extract.pairs import pair_labels
from kg.extract.resolve import _without_model_word, no_name, one_kind
from kg.extract.tokens import token_table


def pair(words: list[str], long: tuple[int, int], short: tuple[int, int]) -> list[Span]:
    doc = Doc(spacy.blank("en").vocab, words=words)
    return [
        Span(doc, *long, label="LONG", kb_id="p0"),
        Span(doc, *short, label="SHORT", kb_id="p0"),
    ]


WORDS = ["the", "constraint", "satisfaction", "rate", "(", "CSR", ")"]


def test_a_default_method_yields_to_a_measure_head() -> None:
    spans = pair(WORDS, (1, 4), (5, 6))
    # The model called the long form a METHOD; its head word says it is a measure.
    assert pair_labels(spans, {(1, 4): "METHOD"}, {}, set()) == {"p0": "METRIC"}


def test_a_listed_label_is_kept() -> None:
    spans = pair(WORDS, (1, 4), (5, 6))
    assert pair_labels(spans, {(1, 4): "METHOD"}, {(1, 4): "METHOD"}, {(1, 4)}) == {"p0": "METHOD"}


def test_a_task_head_does_not_override_a_method() -> None:
    words = ["the", "open-set", "recognition", "(", "OSR", ")"]  # one token each
    spans = pair(words, (1, 3), (4, 5))
    assert pair_labels(spans, {(1, 3): "METHOD"}, {}, set()) == {"p0": "METHOD"}


def labels_with_model_spans(
    nlp: Any, text: str, model_spans: Callable[[Doc], list[Span]], title: str = "A Study"
) -> set[tuple[str, str]]:
    """The (text, label) of the mentions of the rule pipeline `nlp`, with `model_spans(doc)`
    standing in for the trained model's spans once the abbreviations are found."""
    from kg.extract.pipeline import doc_text
    from kg.types import Paper

    doc = nlp.make_doc(doc_text(Paper("p", title, text)))
    for _, component in nlp.pipeline:
        doc = component(doc)
        if "kg_abbrevs" in doc.spans and "kg_model" not in doc.spans:
            doc.spans["kg_model"] = model_spans(doc)
    return {(m.text, m.label_) for m in doc.spans["kg_mentions"]}


def test_the_model_s_label_of_a_pair_s_short_form_yields_to_the_pair_s(nlp: Any) -> None:
    def bare_use_as_method(doc: Doc) -> list[Span]:
        # The model's kind for the later bare use: METHOD, as the trained tagger says.
        sgg = [t.i for t in doc if t.text == "SGG"][-1]
        return [Span(doc, sgg, sgg + 1, label="METHOD")]

    text = "Scene graph generation (SGG) is hard. Current SGG methods fail."
    labels = labels_with_model_spans(nlp, text, bare_use_as_method)
    assert ("SGG", "TASK") in labels
    assert ("SGG", "METHOD") not in labels


def test_a_listed_method_s_kind_beats_the_model_s_for_its_pair(nlp: Any) -> None:
    def long_form_as_task(doc: Doc) -> list[Span]:
        # The model reads the long form as a TASK (its head word, "Analysis").
        long = next(s for s in doc.spans["kg_abbrevs"] if s.label_ == "LONG")
        return [Span(doc, long.start, long.end, label="TASK")]

    text = "We analyse them with Principal Component Analysis (PCA). PCA shows a trend."
    labels = labels_with_model_spans(nlp, text, long_form_as_task)
    assert labels == {("Principal Component Analysis", "METHOD"), ("PCA", "METHOD")}


def test_a_coined_pair_is_a_method_also_where_a_listed_task_grew_into_its_long_form(
    nlp: Any,
) -> None:
    from kg.extract.pipeline import doc_text
    from kg.types import Paper

    text = (
        "We also propose Generation-augmented Representation Learning (GRL), "
        "a novel fine-tuning method."
    )
    doc = nlp(doc_text(Paper("p", "A Study", text)))
    grown = [s for s in doc.spans["kg_gazetteer"] if s.kb_id_ == "grown"]
    assert [s.text for s in grown] == ["Generation-augmented Representation Learning"]
    labels = {(m.text, m.label_) for m in doc.spans["kg_mentions"]}
    assert ("GRL", "METHOD") in labels
    assert ("Generation-augmented Representation Learning", "METHOD") in labels


@pytest.mark.parametrize(
    "text",
    [
        "2006",
        "1",
        "8B",
        "0.5",
        "70M-12B",
        "5/10",
        "v1",
        "V2.1",
        "CC-BY-4.0",
        "F1<0.72",
        "epsilon=8",
    ],
)
def test_numbers_sizes_and_comparisons_are_no_names(text: str) -> None:
    assert no_name(text)


@pytest.mark.parametrize(
    "text", ["GPT-3.5", "CIFAR-10", "Llama-3 8B", "T5", "3D-UNet", "VGG16", "V-JEPA", "COCO 2017"]
)
def test_names_with_digits_stay_names(text: str) -> None:
    assert not no_name(text)


def test_a_name_takes_one_kind_per_paper_where_the_gazetteer_does_not_list_it_otherwise() -> None:
    words = ["KITAB", "KITAB", "Kitab", "GPT-4", "GPT-4", "GZSL", "GZSL", "Entropy", "Entropy"]
    words += ["ICL", "ICL", "Tool"]
    doc = Doc(spacy.blank("en").vocab, words=words)
    labels = ["DATASET", "METHOD", "METHOD", "METHOD", "BENCHMARK", "TASK", "BENCHMARK"]
    labels += ["TASK", "METHOD", "TASK", "METHOD", "METHOD"]
    chosen = [Span(doc, i, i + 1, label=label, kb_id=words[i]) for i, label in enumerate(labels)]
    # The gazetteer lists GPT-4 as a METHOD and ICL as a TASK.
    listed = [Span(doc, 3, 4, label="METHOD"), Span(doc, 9, 10, label="TASK")]
    assert [s.label_ for s in one_kind(doc, chosen, listed)] == [
        "DATASET",  # a data word named it: data everywhere
        "DATASET",
        "DATASET",  # another spelling of the same name
        "METHOD",  # listed as a METHOD: that mention keeps its kind
        "BENCHMARK",
        "TASK",  # a task, measured on "GZSL benchmarks"
        "TASK",
        "METHOD",  # a coined method, read as a task by its head word elsewhere
        "METHOD",
        "TASK",  # listed as a TASK
        "METHOD",
        "METHOD",  # one kind only: unchanged
    ]


@pytest.mark.parametrize(
    ("text", "metrics"),
    [
        (
            "Click-through rate (CTR) prediction is key. We report recall and precision.",
            {"recall", "precision"},
        ),
        ("The model is used to recall items from a list; precision is 0.9.", {"precision"}),
        ("We report precision and recall.", {"precision", "recall"}),
        ("We report the click-through rate (CTR) of each ad.", {"click-through rate", "CTR"}),
        # The precision of numbers is no measure.
        ("We train in mixed-precision and keep FP16 precision.", set()),
        ("Half precision halves memory; the precision of the detector is 0.9.", {"precision"}),
    ],
)
def test_a_measure_s_name_used_otherwise_is_no_metric(
    nlp: Any, text: str, metrics: set[str]
) -> None:
    from kg.extract.pipeline import doc_text
    from kg.types import Paper

    doc = nlp(doc_text(Paper("p", "A Study", text)))
    assert {m.text for m in doc.spans["kg_mentions"] if m.label_ == "METRIC"} == metrics


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A method noun after the bracket says the pair is a part of the paper's method.
        (
            "Our model passes its history through the Historical Signal Extraction (HSE) layer.",
            "METHOD",
        ),
        ("Historical Signal Extraction (HSE) is a hard problem.", "TASK"),
    ],
)
def test_a_pair_before_a_method_noun_is_a_method_without_a_proposing_word(
    nlp: Any, text: str, expected: str
) -> None:
    labels = labels_with_model_spans(nlp, text, lambda doc: [])
    assert ("HSE", expected) in labels
    assert ("Historical Signal Extraction", expected) in labels


def test_a_title_task_phrase_before_a_data_noun_and_a_lone_evaluative_word_are_no_tasks(
    nlp: Any,
) -> None:
    def tasks(title: str, model: Callable[[Doc], list[Span]] = lambda doc: []) -> set[str]:
        labels = labels_with_model_spans(nlp, "We study it.", model, title)
        return {text for text, label in labels if label == "TASK"}

    assert tasks("ZORB: A Company Relation Classification Dataset") == set()
    assert tasks("ZORB: Company Relation Classification for Banks") == {
        "Company Relation Classification"
    }

    def robust_as_task(doc: Doc) -> list[Span]:
        robust = next(t.i for t in doc if t.text == "Robust")
        return [Span(doc, robust, robust + 1, label="TASK")]

    assert "Robust" not in tasks("Data for Robust Parsing", robust_as_task)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("using Qwen2.5 models here", "Qwen2.5"),
        ("the GPT-Neo-125M model here", "GPT-Neo-125M"),
        ("from Vision-Language Models here", "Vision-Language Models"),
        ("the Bradley-Terry model here", "Bradley-Terry model"),
        ("large reward models here", "reward models"),
    ],
)
def test_a_coined_name_sheds_a_generic_model_word(nlp: Any, text: str, kept: str) -> None:
    doc = nlp.make_doc(text)
    t = token_table(doc)
    start = next(i for i, tok in enumerate(doc) if tok.idx == text.index(text.split()[1]))
    end = next(i for i, tok in enumerate(doc) if tok.lower_.startswith("model")) + 1
    span = doc[start:end]
    c = Candidate(start, end, span.start_char, span.end_char, "METHOD", span.text, "kg_model")
    trimmed = _without_model_word(t, c)
    assert text[trimmed.start_char : trimmed.end_char] == trimmed.name == kept


def test_a_model_span_over_two_listed_names_gives_way_to_them(nlp: Any) -> None:
    def merged(doc: Doc) -> list[Span]:
        # The tagger runs a listed model on into the listed technique after it.
        start = [t.i for t in doc if t.text == "BERT"][-1]
        return [Span(doc, start, start + 2, label="METHOD")]

    labels = labels_with_model_spans(nlp, "It beats the BERT Transformer baseline.", merged)
    assert labels == {("BERT", "METHOD"), ("Transformer", "METHOD")}
    # One listed name and a word that is none stay the model's one span.
    labels = labels_with_model_spans(nlp, "It beats the BERT Zorbic baseline.", merged)
    assert labels == {("BERT Zorbic", "METHOD")}
