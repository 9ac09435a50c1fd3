from __future__ import annotations

import pytest

from kg.text import mask_markup, normalise_entity


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (r"an \textit{implicit PRM} works", "implicit PRM"),
        (r"code at \url{https://github.com/a/b}.", "https://github.com/a/b"),
        ("at https://github.com/a/b{here}.", "https://github.com/a/b"),
        ("at~https://github.com/a/b", "https://github.com/a/b"),
        (r"ratio $1/38$ here", "1/38"),
    ],
)
def test_mask_keeps_length_and_content(text: str, kept: str) -> None:
    masked = mask_markup(text)
    assert len(masked) == len(text)
    start = text.index(kept)
    assert masked[start : start + len(kept)] == kept
    assert "{" not in masked and "}" not in masked and "\\" not in masked


def test_mask_keeps_tilde_inside_urls() -> None:
    assert "/~vgg" in mask_markup("see https://www.robots.ox.ac.uk/~vgg/research/")


@pytest.mark.parametrize(
    ("label", "text", "expected"),
    [
        ("METHOD", "the GNNs", "gnn"),
        ("METHOD", "BERT's", "bert"),
        ("METRIC", "NDCG@10", "ndcg@10"),
        ("DATASET", "Glass", "glass"),
        ("REPO", "https://www.github.com/A/B.git/", "github.com/a/b"),
    ],
)
def test_normalise_entity(label: str, text: str, expected: str) -> None:
    assert normalise_entity(label, text) == expected


def test_accent_inside_a_word_keeps_the_word_whole() -> None:
    masked = mask_markup(r"the Nystr\"omLoRA method")
    assert masked.split()[1].startswith("Nystr") and masked.split()[1].endswith("LoRA")
