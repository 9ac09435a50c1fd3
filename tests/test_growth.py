from __future__ import annotations

from typing import Any

import pytest
from spacy.tokens import Doc, Span

from kg.extract.growth import whole_word
from kg.extract.pipeline import doc_text
from kg.types import Paper


def gazetteer_spans(nlp: Any, abstract: str) -> set[tuple[str, str]]:
    doc = nlp(doc_text(Paper("p", "A Study", abstract)))
    return {(span.text, span.label_) for span in doc.spans["kg_gazetteer"]}


def test_top_k_is_part_of_the_accuracy_metric(nlp: Any) -> None:
    spans = gazetteer_spans(nlp, "It reaches 85% top-1 accuracy and 95% top-5 accuracy.")
    assert {("top-1 accuracy", "METRIC"), ("top-5 accuracy", "METRIC")} <= spans


@pytest.mark.parametrize(
    ("abstract", "name"),
    [
        ("We fine-tune Llama-3 8B on it.", "Llama-3 8B"),
        ("We fine-tune Llama-3-8B-Instruct on it.", "Llama-3-8B-Instruct"),
        ("GPT-4 70B tokens were used.", "GPT-4"),  # the size counts tokens
        ("We train BERT 110M times.", "BERT"),  # no digit in the name: no version to size
        ("We fine-tune Vicuna 13B on it.", "Vicuna 13B"),  # billions: a model's size anyway
        ("We fine-tune Gemma 7B tokens.", "Gemma"),
        ("We align Mistral-7B-beta here.", "Mistral-7B-beta"),
    ],
)
def test_model_sizes_are_part_of_the_name(nlp: Any, abstract: str, name: str) -> None:
    assert (name, "METHOD") in gazetteer_spans(nlp, abstract)


@pytest.mark.parametrize(
    ("abstract", "name"),
    [
        ("OOD robustness on Tiny-ImageNet-R improves.", "Tiny-ImageNet-R"),
        ("Results on CelebA-logic improve.", "CelebA-logic"),
        ("We evaluate on MMLU-Pro today.", "MMLU-Pro"),
    ],
)
def test_dataset_variants_are_part_of_the_name(nlp: Any, abstract: str, name: str) -> None:
    assert name in {text for text, _ in gazetteer_spans(nlp, abstract)}


def test_how_a_dataset_was_used_is_not_part_of_its_name(nlp: Any) -> None:
    spans = {text for text, _ in gazetteer_spans(nlp, "We fine-tune CIFAR-10-trained models.")}
    assert "CIFAR-10-trained" not in spans


@pytest.mark.parametrize(
    ("title", "task"),
    [
        ("Towards Replay-Free Continual Learning", "Continual Learning"),
        ("Parameter-Efficient Transfer Learning for NLP", "Transfer Learning"),
        ("Better Task-Specific Instruction Following", "Instruction Following"),
        # A compound that names the task's kind still grows it.
        (
            "Fast Multi-Aspect Controllable Text Generation",
            "Multi-Aspect Controllable Text Generation",
        ),
        ("E-Commerce Opinion Summarization at Scale", "E-Commerce Opinion Summarization"),
    ],
)
def test_a_title_task_grows_over_capitalised_compounds_but_not_those_that_qualify_a_method(
    nlp: Any, title: str, task: str
) -> None:
    doc = nlp(doc_text(Paper("p", title, "An abstract.")))
    tasks = {s.text for s in doc.spans["kg_gazetteer"] if s.label_ == "TASK"}
    assert task in tasks


@pytest.mark.parametrize(
    ("abstract", "task"),
    [
        # `multi-` and `cross-` compounds name the task's setting, listed or not
        (
            "It needs multi-annotator supervised learning here.",
            "multi-annotator supervised learning",
        ),
        ("It helps cross-species image classification too.", "cross-species image classification"),
        # other compounds mostly say how, and stay out
        ("We study large-scale reinforcement learning here.", "reinforcement learning"),
        ("It helps label-free image classification too.", "image classification"),
    ],
)
def test_a_lower_case_task_grows_over_multi_and_cross_compounds(
    nlp: Any, abstract: str, task: str
) -> None:
    tasks = {text for text, label in gazetteer_spans(nlp, abstract) if label == "TASK"}
    assert task in tasks


@pytest.mark.parametrize(
    ("abstract", "name"),
    [
        # capitalised words before a title-case method in running text belong to its name
        (
            "We build a Relation-aware Heterogeneous Graph Neural Network here.",
            "Relation-aware Heterogeneous Graph Neural Network",
        ),
        (
            "It uses a Metadata-aware Multi-task Transformer model.",
            "Metadata-aware Multi-task Transformer",
        ),
        ("Training with Zorbic Dropout helps.", "Zorbic Dropout"),
        # a sentence's first word, a word that says which one, an abbreviation: no growth
        ("Standard Transformer models fail.", "Transformer"),
        # ... unless the run goes back to it: it is the first word of the name
        (
            "It is cheap. Message Passing Graph Neural Networks learn.",
            "Message Passing Graph Neural Networks",
        ),
        (
            "It is cheap. Standard Heterogeneous Graph Neural Networks fail.",
            "Heterogeneous Graph Neural Networks",
        ),
        ("We compare with Existing Knowledge Distillation methods.", "Knowledge Distillation"),
        ("We run LLM Knowledge Distillation here.", "Knowledge Distillation"),
        # a lower-case method stays as it is
        ("It applies Gated knowledge distillation.", "knowledge distillation"),
    ],
)
def test_a_title_case_method_grows_over_capitalised_words_before_it(
    nlp: Any, abstract: str, name: str
) -> None:
    assert (name, "METHOD") in gazetteer_spans(nlp, abstract)


@pytest.mark.parametrize(
    ("title", "name"),
    [
        # the whole capitalised run back to a lower-case word, a colon or the title's start
        (
            "Glyph Sorting via Prototypical Contrastive Learning",
            "Prototypical Contrastive Learning",
        ),
        ("QX: Heterogeneous Contrastive Learning for Glyphs", "Heterogeneous Contrastive Learning"),
        # evaluative words, verbs and a run that goes on past three words: no growth
        ("Towards Robust Graph Neural Network Training", "Graph Neural Network"),
        ("Boosting Contrastive Learning for Glyphs", "Contrastive Learning"),
        ("Glyph Sorting Improves Contrastive Learning", "Contrastive Learning"),
        ("Old Rune Glyph Quill Contrastive Learning", "Contrastive Learning"),
    ],
)
def test_a_title_method_grows_over_a_bounded_run_of_capitalised_words(
    nlp: Any, title: str, name: str
) -> None:
    doc = nlp(doc_text(Paper("p", title, "We study it.")))
    assert (name, "METHOD") in {(s.text, s.label_) for s in doc.spans["kg_gazetteer"]}


@pytest.mark.parametrize(
    ("abstract", "name", "part"),
    [
        ("We study vision-language modeling here.", "vision-language modeling", "TASK"),
        ("It helps text-to-code and code-to-code search.", "code-to-code search", "TASK"),
    ],
)
def test_a_listed_name_grows_to_the_hyphenated_word_it_ends(
    nlp: Any, abstract: str, name: str, part: str
) -> None:
    spans = gazetteer_spans(nlp, abstract)
    assert (name, part) in spans
    assert name.split("-")[-1] not in {text for text, _ in spans}


@pytest.mark.parametrize(
    ("words", "spaces", "bounds", "before", "grown"),
    [
        (["unsup", "-", "SimCSE", "wins"], [0, 0, 1, 0], (2, 3), True, "unsup-SimCSE"),
        (["Llama", "-", "3", "-", "Physician"], [0, 0, 0, 0, 0], (0, 3), True, "Llama-3-Physician"),
        (["MCTS", "-", "based", "search"], [0, 0, 1, 0], (0, 1), True, "MCTS"),
        (["Policy", "Gradient", "-", "Driven"], [1, 0, 0, 0], (0, 2), True, "Policy Gradient"),
        (["non", "-", "Transformer", "models"], [0, 0, 1, 0], (2, 3), True, "Transformer"),
        (["Latent", "-", "Space", "control"], [0, 0, 1, 0], (2, 3), False, "Space"),
        (["pre", "-", "LLM"], [1, 0, 0], (2, 3), True, "LLM"),  # a blank: no compound
    ],
)
def test_whole_word_takes_the_pieces_of_a_hyphenated_name(
    nlp: Any,
    words: list[str],
    spaces: list[int],
    bounds: tuple[int, int],
    before: bool,
    grown: str,
) -> None:
    doc = Doc(nlp.vocab, words=words, spaces=[bool(s) for s in spaces])
    span = whole_word(doc, Span(doc, *bounds, label="METHOD"), before=before)
    assert (span.text, span.label_) == (grown, "METHOD")


@pytest.mark.parametrize(
    "abstract", ["An FID of 2.17 on CIFAR-10-and less cost.", "On ImageNet-or not."]
)
def test_a_hyphen_before_a_function_word_is_a_dash(nlp: Any, abstract: str) -> None:
    spans = {text for text, _ in gazetteer_spans(nlp, abstract)}
    assert spans & {"CIFAR-10", "ImageNet"} and not any("-and" in s or "-or" in s for s in spans)
