"""Training data and a one-epoch smoke test of `kg train` (CI never trains the shipped model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.train.annotations import join_gold, locate, read_annotations, split_of
from kg.types import Paper

from .conftest import seeds_or_skip


def test_locate_prefers_longest_and_skips_urls() -> None:
    paper = Paper(
        "p", "", "We use MMLU-Pro and MMLU; code at https://github.com/x/MMLU. In 23.29mAP terms."
    )
    mentions = locate(
        paper,
        [
            ("MMLU", "BENCHMARK"),
            ("MMLU-Pro", "BENCHMARK"),
            ("https://github.com/x/MMLU", "REPO"),
            ("mAP", "METRIC"),
        ],
    )
    assert [m["text"] for m in mentions] == ["MMLU-Pro", "MMLU", "https://github.com/x/MMLU", "mAP"]


def test_split_is_fixed_and_about_one_in_five() -> None:
    ids = [f"t:{i:05d}" for i in range(2000)]
    dev = sum(split_of(i) == "dev" for i in ids)
    assert 300 < dev < 500
    assert [split_of(i) for i in ids] == [split_of(i) for i in ids]


def test_annotations_hold_no_text_and_follow_the_labels() -> None:
    annotations = read_annotations()
    assert len(annotations) > 400
    for a in annotations:
        assert "abstract" not in a and "title" not in a
        assert a["split"] in ("train", "dev")
        assert all(
            m["label"] in ("METHOD", "DATASET", "BENCHMARK", "TASK", "METRIC", "REPO")
            for m in a["mentions"]
        )


def test_annotations_join_the_seed_texts() -> None:
    files = seeds_or_skip()
    gold = list(join_gold(files))
    assert len(gold) == len(read_annotations())
    for record in gold:
        for m in record["mentions"]:
            assert record[m["field"]][m["start"] : m["end"]] == m["text"]


def test_training_smoke(tmp_path: Path) -> None:
    files = seeds_or_skip()
    from kg.extract.pipeline import extract_paper, load_pipeline
    from kg.train.model import ModelSize, assemble, train_ner, trained_layers

    records = list(join_gold(files, split="train"))[:12]
    ner = train_ner(
        records,
        tmp_path / "ner",
        epochs=1,
        size=ModelSize(width=32, depth=1, embed_size=500, hidden_width=16),
    )
    model = assemble(ner, tmp_path / "model")
    nlp = load_pipeline(model)
    assert "tagger" in nlp.pipe_names and "kg_model_spans" in nlp.pipe_names
    ex = extract_paper(Paper("p", "", "Code at https://github.com/x/y. We use BERT on GLUE."), nlp)
    assert {m.text for m in ex.mentions} >= {"https://github.com/x/y"}
    # `kg train --keep-tagger`: the trained layers alone, assembled again, keep their weights.
    again = assemble(trained_layers(model, tmp_path / "layers"), tmp_path / "again")
    for layer in ("tok2vec", "tagger"):
        assert (again / layer / "model").read_bytes() == (model / layer / "model").read_bytes()
    assert load_pipeline(again).pipe_names == nlp.pipe_names


def test_training_with_word_vectors(tmp_path: Path) -> None:
    files = seeds_or_skip()
    import numpy

    from kg.extract.pipeline import load_pipeline
    from kg.train.model import ModelSize, assemble, train_ner
    from kg.train.vectors import vectors_pipeline

    words = ["we", "propose", "model", "dataset", "learning", "the"]
    table = numpy.random.default_rng(0).normal(size=(len(words), 8)).astype(numpy.float32)
    vectors = vectors_pipeline(words, table, tmp_path / "vectors")
    records = list(join_gold(files, split="train"))[:6]
    ner = train_ner(
        records,
        tmp_path / "ner",
        epochs=1,
        size=ModelSize(depth=1, embed_size=500),
        vectors=vectors,
    )
    nlp = load_pipeline(assemble(ner, tmp_path / "model"))
    # The vectors travel inside the pipeline, and the tok2vec reads them.
    assert nlp.vocab.vectors.shape == (6, 8) and nlp.vocab.has_vector("Propose")
    assert "static_vectors" in nlp.get_pipe("tok2vec").model.get_ref("embed").name
    assert nlp("We propose a model.").spans["kg_model"] is not None


@pytest.mark.parametrize("split", ["train", "dev"])
def test_splits_are_disjoint_and_complete(split: str) -> None:
    annotations = read_annotations()
    assert {a["id"] for a in annotations if a["split"] == split}
