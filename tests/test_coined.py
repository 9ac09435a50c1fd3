from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
import spacy

from kg.extract.coined import SOURCE, coined_words, is_coined
from kg.extract.tokens import token_table


@pytest.mark.parametrize(
    "word", ["ConvexDA", "SCoRe", "RewardFusion", "DiffuLLaMA", "LLaMA-7B", "iHyperTime", "pFedMe"]
)
def test_words_with_an_inner_capital_are_coined(word: str) -> None:
    assert is_coined(word)


@pytest.mark.parametrize(
    "word",
    [
        "Transformer",  # capitalised only
        "BERT",  # all capitals: no lower-case letter before a capital
        "LMs",  # an acronym's plural
        "GitHub",  # a site
        "OpenAI",  # a company
        "fMRI",  # a term begun in lower case, capitals after
        "liFelong",  # a capital that spells an acronym in its long form
        "23.29mAP",  # a number glued to a measure
        "arXiv:2002.09102",  # a citation
        "mAP",  # too short to tell
    ],
)
def test_ordinary_words_terms_and_sites_are_not(word: str) -> None:
    assert not is_coined(word)


def found(text: str, taken: Iterable[int] = ()) -> list[str]:
    doc = spacy.blank("en")(text)
    spans = coined_words(doc, token_table(doc), set(taken))
    assert all(s.label_ == "METHOD" and s.id_ == SOURCE for s in spans)
    return [s.text for s in spans]


def test_coined_words_take_glued_name_pieces_but_not_modifiers() -> None:
    text = "We pair StruXGPT-7B with FooBarNet-based tuning and QuxNet."
    assert found(text) == ["StruXGPT-7B", "FooBarNet", "QuxNet"]
    # The tokenizer splits a count's unit off (`DocStruct4`, `M`); the name keeps it.
    assert found("We build DocStruct4M and DocReason25K's split.") == [
        "DocStruct4M",
        "DocReason25K",
    ]


def test_coined_words_leave_taken_tokens_and_inner_pieces_alone() -> None:
    text = "We pair FooBarNet with QuxNet ."
    assert found(text, taken={2}) == ["QuxNet"]
    # The second half of a hyphenated word is part of a longer word, not a name of its own.
    assert found("a pre-TrainedNet step") == []


def test_the_pipeline_takes_a_coined_word_with_the_label_of_its_list(nlp: Any) -> None:
    text = (
        "A title\n\nWe evaluate on CIFAR-10 and ZorbaBench. FlimFlamNet outperforms baselines, "
        "and FlimFlamNet is fast."
    )
    doc = nlp(text)
    mentions = {(s.text, s.label_) for s in doc.spans["kg_mentions"]}
    assert ("ZorbaBench", "DATASET") in mentions or ("ZorbaBench", "BENCHMARK") in mentions
    assert ("FlimFlamNet", "METHOD") in mentions
    assert sum(s.text == "FlimFlamNet" for s in doc.spans["kg_mentions"]) == 2
