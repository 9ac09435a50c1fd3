from __future__ import annotations

import pytest

from kg.extract.initials import initials_long_form, spellings


@pytest.mark.parametrize(
    ("short", "candidate", "long"),
    [
        # Schwartz & Hearst stop at "Supervised" (its inner s is the second S).
        (
            "SSFT",
            "we use Structure-aware Supervised Fine-Tuning",
            "Structure-aware Supervised Fine-Tuning",
        ),
        ("LLS", "under Latent Label Shift", "Latent Label Shift"),
        (
            "BEER",
            "namely BEllman Equation-based automatic rank Regularizer",
            "BEllman Equation-based automatic rank Regularizer",
        ),
        ("EES", "an Efficient EigenScore", "Efficient EigenScore"),
        (
            "S4",
            "the Structured State Space sequence model",
            "Structured State Space sequence model",
        ),
        ("S^3A", "Self Structural Semantic Alignment", "Self Structural Semantic Alignment"),
        ("NeMo", "Neural Modules", "Neural Modules"),
        ("ITI", "propose inference-time intervention", "inference-time intervention"),
        # A lower-case long form skips function words only.
        ("GNNs", "we use gradient descent with graph neural networks", "graph neural networks"),
        # A capital that opens a sentence does not make a long form cased.
        ("LMs", "Large transformer-based language models", "language models"),
        # Every capitalised word spells a letter.
        ("GNN", "uses Gradient descent with Graph Neural Networks", "Graph Neural Networks"),
        ("T5", "the Text-to-Text Transfer Transformer", "Text-to-Text Transfer Transformer"),
        ("DARTS", "Differentiable Architecture Search", None),
        ("ABG", "Alpha, Beta Gamma", None),  # no long form over a comma
        ("MARS", "Matching Attribute-aware Representations for Text-based Recommendation", None),
        ("W2V", "Word to Vector", None),
    ],
)
def test_initials_long_forms(short: str, candidate: str, long: str | None) -> None:
    assert initials_long_form(short, candidate) == long


def test_word_limit_follows_schwartz_hearst() -> None:
    many = "Alpha Beta Gamma Delta Epsilon Zeta Eta Theta"
    assert initials_long_form("AB", "x y z w v " + "Alpha Beta") == "Alpha Beta"
    assert initials_long_form("ABGDEZET", many) == many
    assert initials_long_form("ABGDEZET", many, max_words=4) is None


def test_counts_spell_repeated_letters_but_two_stays_a_digit() -> None:
    assert spellings("S3T") == [list("SSST"), list("S3T")]
    assert spellings("T2I") == [list("T2I")]
