from __future__ import annotations

from typing import Any

import pytest

from kg.extract.pipeline import doc_text, extract_paper
from kg.types import Paper


def title_method(nlp: Any, title: str) -> list[str]:
    doc = nlp(doc_text(Paper("p", title, "We study it.")))
    return [s.text for s in doc.spans["kg_cues"] if s.kb_id_ == "title_method"]


@pytest.mark.parametrize(
    ("title", "method"),
    [
        (
            "Pruning-aware Sparse Regularization for Network Pruning",
            "Pruning-aware Sparse Regularization",
        ),
        (
            "Prototype-Sample Relation Distillation: Towards Replay-Free Learning",
            "Prototype-Sample Relation Distillation",
        ),
        (
            "Keyword-Guided Neural Conversational Model",
            "Keyword-Guided Neural Conversational Model",
        ),
        # The method starts after an opening word such as "Improving" or "Unlocking".
        (
            "Improving Knowledge Distillation via Regularizing Feature Norm",
            "Knowledge Distillation",
        ),
        ("Unlocking Slot Attention by Changing Optimal Transport Costs", "Slot Attention"),
    ],
)
def test_a_title_opening_with_a_technique_names_a_method(nlp: Any, title: str, method: str) -> None:
    assert title_method(nlp, title) == [method]


@pytest.mark.parametrize(
    "title",
    [
        "Contrastive Learning for Sequential Recommendation",  # no technique head word
        "Transformers for Vision",  # one word: too generic to be a name
        "Towards Better Graph Neural Network Training",  # the run ends elsewhere
        "On the Robustness of Vision Transformers",
    ],
)
def test_other_titles_name_no_method(nlp: Any, title: str) -> None:
    assert title_method(nlp, title) == []


def test_an_unlisted_title_method_is_the_papers_proposal(nlp: Any) -> None:
    ex = extract_paper(
        Paper("p", "Adaptive Confidence Smoothing for Zero-Shot Learning", "We study it."), nlp
    )
    assert ("proposes", "METHOD", "Adaptive Confidence Smoothing") in {
        (link.relation, link.label, link.entity) for link in ex.links
    }


def test_a_title_opening_word_before_a_colon_is_no_lead_name(nlp: Any) -> None:
    title = "Beyond Reverse KL: Generalizing Direct Preference Optimization"
    doc = nlp(doc_text(Paper("p", title, "We study it.")))
    assert [s.text for s in doc.spans["kg_cues"] if s.kb_id_ == "title"] == []
    doc = nlp(doc_text(Paper("p", "KITAB: Evaluating LLMs", "We study it.")))
    assert [s.text for s in doc.spans["kg_cues"] if s.kb_id_ == "title"] == ["KITAB"]


@pytest.mark.parametrize("title", ['"": A Study of Things', "--: A Study", "...: Things"])
def test_a_title_with_only_punctuation_before_its_colon_is_read(nlp: Any, title: str) -> None:
    doc = nlp(doc_text(Paper("p", title, "We study it.")))  # no IndexError
    lead = title.partition(":")[0]
    assert [s.text for s in doc.spans["kg_cues"] if s.kb_id_ == "title"] == [lead]
