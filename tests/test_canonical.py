from __future__ import annotations

import pytest

from kg.canonical import build_alias_table, canonical_name, entity_of, singular, singular_word


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("GNNs", "GNN"),
        ("networks", "network"),
        ("strategies", "strategy"),
        ("loss", "loss"),
        ("analysis", "analysis"),
        ("LLMs", "LLM"),
        ("ViTs", "ViT"),
        ("bias", "bias"),
    ],
)
def test_singular_word(word: str, expected: str) -> None:
    assert singular_word(word) == expected


def test_singular_respects_names_and_heads() -> None:
    assert singular("DATASET", "Cityscapes") == "Cityscapes"
    assert singular("METHOD", "Mixture of Experts") == "Mixture of Experts"
    assert singular("METHOD", "graph neural networks") == "graph neural network"


def test_canonical_name_drops_articles_and_sentence_capital() -> None:
    assert canonical_name("METHOD", "the Large language models") == "large language model"
    assert canonical_name("METHOD", "Graph Neural Networks") == "Graph Neural Network"
    assert canonical_name("DATASET", "The Pile") == "The Pile"


def test_alias_table_resolves_agreed_short_forms_only() -> None:
    table = build_alias_table(
        [
            ("METHOD", "GNN", "Graph Neural Network"),
            ("METHOD", "GNNs", "graph neural networks"),
            ("METHOD", "PD", "pre-training distillation"),
            ("METHOD", "PD", "proximal descent"),
        ]
    )
    assert (
        entity_of("METHOD", "GNN", table)[0]
        == entity_of("METHOD", "graph neural network", table)[0]
        == "method:graphneuralnetwork"
    )
    assert table.resolve("METHOD", "PD") == "PD"
    assert table.resolve("TASK", "GNN") == "GNN"
