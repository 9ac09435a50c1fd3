from __future__ import annotations

from typing import Any

import pytest
import spacy
from spacy.tokens import Doc, Span

from kg.extract.pairs import pair_labels
from kg.extract.resolve import data_kind_wins, no_name


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


def test_the_model_s_label_of_a_pair_s_short_form_yields_to_the_pair_s(nlp: Any) -> None:
    from kg.extract.pipeline import doc_text
    from kg.types import Paper

    text = "Scene graph generation (SGG) is hard. Current SGG methods fail."
    doc = nlp.make_doc(doc_text(Paper("p", "A Study", text)))
    for _, component in nlp.pipeline:
        doc = component(doc)
        if "kg_abbrevs" in doc.spans and "kg_model" not in doc.spans:
            # The model's kind for the later bare use: METHOD, as the trained tagger says.
            sgg = [t.i for t in doc if t.text == "SGG"][-1]
            doc.spans["kg_model"] = [Span(doc, sgg, sgg + 1, label="METHOD")]
    labels = {(m.text, m.label_) for m in doc.spans["kg_mentions"]}
    assert ("SGG", "TASK") in labels
    assert ("SGG", "METHOD") not in labels


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


def test_a_name_chosen_as_data_somewhere_is_data_everywhere_unless_listed_as_a_method() -> None:
    words = ["KITAB", "is", "a", "dataset", ";", "KITAB", "and", "GPT-4", "and", "Kitab", "GPT-4"]
    doc = Doc(spacy.blank("en").vocab, words=words)
    chosen = [
        Span(doc, 0, 1, label="DATASET", kb_id="KITAB"),
        Span(doc, 5, 6, label="METHOD", kb_id="KITAB"),
        Span(doc, 7, 8, label="METHOD", kb_id="GPT-4"),
        Span(doc, 9, 10, label="METHOD", kb_id="Kitab"),  # another spelling, one name
        Span(doc, 10, 11, label="BENCHMARK", kb_id="GPT-4"),
    ]
    kinds = [(s.text, s.label_) for s in data_kind_wins(doc, chosen, {"gpt4"})]
    assert kinds == [
        ("KITAB", "DATASET"),
        ("KITAB", "DATASET"),
        ("GPT-4", "METHOD"),  # the gazetteer lists it as a METHOD: each mention keeps its kind
        ("Kitab", "DATASET"),
        ("GPT-4", "BENCHMARK"),
    ]
