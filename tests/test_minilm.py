"""The numpy all-MiniLM-L6-v2 (kg.minilm) and the word vectors distilled from it (kg.train.vectors)."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest

from kg.train.vectors import case_variants, reduce, vectors_pipeline, word_list


@pytest.fixture(scope="module")
def encoder() -> object:
    from kg.minilm import Encoder, encoder_dir

    try:
        return Encoder(encoder_dir())
    except ImportError as err:  # the weights package is a developer install
        pytest.skip(f"all-MiniLM-L6-v2 not installed: {err}")


def test_sentences_close_in_meaning_are_close(encoder: object) -> None:
    rows = encoder.encode(  # type: ignore[attr-defined]
        ["A man is eating food.", "A man is eating a piece of bread.", "The girl carries a baby."],
        unit=True,
    )
    similar, unrelated = rows[0] @ rows[1], rows[0] @ rows[2]
    assert numpy.linalg.norm(rows, axis=1) == pytest.approx([1.0, 1.0, 1.0], abs=1e-5)
    assert similar > 0.6 and unrelated < 0.2


def test_padding_changes_nothing(encoder: object) -> None:
    texts = ["dropout", "a log-barrier regularizer for online learning", "ImageNet"]
    together = encoder.encode(texts)  # type: ignore[attr-defined]
    alone = numpy.vstack([encoder.embed([t]) for t in texts])  # type: ignore[attr-defined]
    assert numpy.abs(together - alone).max() < 1e-4


def test_words_of_a_kind_are_neighbours(encoder: object) -> None:
    words = ["regularizer", "regularization", "banana", "accuracy", "precision"]
    rows = encoder.encode(words, unit=True)  # type: ignore[attr-defined]
    sims = rows @ rows.T
    assert sims[0, 1] > sims[0, 2] and sims[3, 4] > sims[3, 2]


def test_long_texts_are_cut_at_the_models_length(encoder: object) -> None:
    long = " ".join(["graph"] * 600)
    assert encoder.embed([long]).shape == (1, 384)  # type: ignore[attr-defined]


def test_word_list_keeps_whole_encoder_words_then_frequent_text_words() -> None:
    words = word_list(
        ["Sinkhorn sinkhorn regularizer, the GLUE; GLUE x"],
        ["the", "##ing", "[CLS]", "glue"],
        limit=4,
    )
    assert words[:2] == ["glue", "the"]  # encoder whole words; pieces and specials dropped
    assert words[2:] == ["sinkhorn", "regularizer"]  # by frequency, one-letter words left out


def test_reduce_is_centred_and_signs_are_fixed() -> None:
    table = numpy.random.default_rng(0).normal(size=(50, 8)).astype(numpy.float32)
    reduced = reduce(table, 3)
    assert reduced.shape == (50, 3) and numpy.abs(reduced.mean(0)).max() < 1e-4
    # the axes come from the covariance, their signs from the rule: a negated table is negated
    assert numpy.allclose(reduce(-table, 3), -reduced, atol=1e-5)
    variances = reduced.var(0)
    assert list(variances) == sorted(variances, reverse=True)


def test_every_spelling_of_a_word_finds_its_row(tmp_path: Path) -> None:
    import spacy

    table = numpy.arange(6, dtype=numpy.float32).reshape(3, 2)
    vectors_pipeline(["bert", "dropout", "the"], table, tmp_path / "v")
    vocab = spacy.load(tmp_path / "v").vocab
    assert case_variants("bert") == ["bert", "Bert", "BERT"]
    for spelling in ("dropout", "Dropout", "DROPOUT"):
        assert list(vocab.get_vector(spelling)) == [2.0, 3.0]
    assert not vocab.has_vector("BeRT")


def test_related_by_text_uses_the_numpy_encoder(example_graph: Path, tmp_path: Path) -> None:
    pytest.importorskip("tokenizers")
    import shutil

    from kg.explore.embed import CACHE_FILE
    from kg.explore.related import related_in
    from kg.graph import load_graph
    from kg.minilm import encoder_dir

    try:
        encoder_dir()
    except ImportError as err:
        pytest.skip(str(err))
    graph_dir = tmp_path / "graph"
    shutil.copytree(example_graph, graph_dir)
    paper = next(n for n, d in load_graph(graph_dir).nodes(data=True) if d.get("kind") == "Paper")
    _, found = related_in(graph_dir, paper, k=3, text_weight=0.5)
    cached = numpy.load(graph_dir / CACHE_FILE)
    assert cached["vectors"].shape[1] == 384
    assert numpy.linalg.norm(cached["vectors"], axis=1) == pytest.approx(1.0, abs=1e-5)
    assert any(item.text_similarity is not None and item.text_similarity > 0 for item in found)
