"""Known-name patterns: compiled like the tokenizer would, matched like spaCy's PhraseMatcher,
stored with the pipeline and rebuilt when the names change."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.extract.gazetteer import spelling_keys
from kg.extract.names import load_gazetteer
from kg.extract.phrases import build_tries, compile_patterns, find, pattern_doc, variants

WORDS = ["a", "b", "c", "d", "-"]


@pytest.mark.parametrize(
    ("label", "name", "forms"),
    [
        ("METHOD", "GNN", ["GNN", "GNNs"]),
        ("METRIC", "accuracy", ["accuracy", "accuracies"]),
        ("METRIC", "error rate", ["error rate", "error rates"]),
        ("METRIC", "BLEU", ["BLEU"]),
        ("METRIC", "F1", ["F1"]),
        ("DATASET", "ImageNet", ["ImageNet"]),
        ("METRIC", "top-1 error", ["top-1 error", "top-1 errors"]),  # no letters round the hyphen
        ("METHOD", "fine-tuning", ["fine-tuning", "fine-tunings", "fine tuning", "fine tunings"]),
        ("METHOD", "Mask R-CNN", ["Mask R-CNN", "Mask R-CNNs"]),  # matched as written
    ],
)
def test_names_match_in_the_plurals_papers_write(label: str, name: str, forms: list[str]) -> None:
    assert variants(label, name) == forms


def test_patterns_are_tokenized_as_the_tokenizer_would(nlp: Any) -> None:
    names = [name for _, name in load_gazetteer(None)] + ["cannot win", "Cannot Win", "do n't"]
    fast = 0
    for name in names:
        for text in (name, name.lower()):
            expected = [t.text for t in nlp.make_doc(text)]
            assert [t.text for t in pattern_doc(nlp, text)] == expected, text
            fast += text.replace(" ", "").isalpha()
    assert fast > len(names)  # the fast path is taken for most names


@settings(max_examples=200, deadline=None)
@given(
    patterns=st.dictionaries(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(tuple),
        st.sampled_from(["METHOD", "TASK", "DATASET"]),
        max_size=8,
    ),
    words=st.lists(st.sampled_from(WORDS), max_size=30),
)
def test_find_matches_what_the_phrase_matcher_matches(
    patterns: dict[tuple[str, ...], str], words: list[str]
) -> None:
    vocab = spacy.blank("en").vocab
    matcher = PhraseMatcher(vocab, attr="ORTH")
    for tokens, label in patterns.items():
        matcher.add(label, [Doc(vocab, words=list(tokens))])
    doc = Doc(vocab, words=words) if words else Doc(vocab, words=[])
    expected = [(vocab.strings[key], start, end) for key, start, end in matcher(doc)]
    trie = build_tries(("ORTH", label, tokens) for tokens, label in patterns.items())["ORTH"]
    assert find(trie, words) == expected


def test_a_name_under_two_labels_reads_first_as_a_method() -> None:
    tries = build_tries(
        [("LOWER", "TASK", ("data", "augmentation")), ("LOWER", "METHOD", ("data", "augmentation"))]
    )
    assert find(tries["LOWER"], ["we", "use", "data", "augmentation"]) == [
        ("METHOD", 2, 4),
        ("TASK", 2, 4),
    ]


def test_the_shipped_patterns_are_those_of_the_shipped_names() -> None:
    from kg.extract.pipeline import load_pipeline

    nlp = load_pipeline()
    gazetteer = nlp.get_pipe("kg_gazetteer")
    assert gazetteer._tries is not None  # loaded with the pipeline, not compiled at first use
    assert gazetteer.patterns == compile_patterns(nlp, load_gazetteer(None))
    assert gazetteer._spellings == spelling_keys(load_gazetteer(None))  # stored too


def test_the_loaded_tokenizer_is_the_one_the_config_makes() -> None:
    from kg.extract.pipeline import build_pipeline, load_pipeline

    text = "Code: https://github.com/a/b. We use (GNN)-based U.S. models, e.g. BERT's."
    made = [t.text for t in build_pipeline().make_doc(text)]
    assert [t.text for t in load_pipeline().make_doc(text)] == made
    assert "GNN" in made and "https://github.com/a/b" in made


def test_stored_patterns_of_other_names_are_not_used(nlp: Any, tmp_path: Path) -> None:
    tsv = tmp_path / "names.tsv"
    tsv.write_text("label\tname\tsource\nDATASET\tQuasarBench\ttest\n", encoding="utf-8")
    shipped = tmp_path / "shipped"
    nlp.get_pipe("kg_gazetteer").to_disk(shipped)
    other = spacy.blank("en")
    other.tokenizer = nlp.tokenizer
    component: Any = other.add_pipe("kg_gazetteer", config={"path": str(tsv)})
    component.from_disk(shipped)
    assert component.patterns == [("ORTH", "DATASET", ("QuasarBench",))]
    assert component.spellings == {"quasarbench": "DATASET"}  # not the stored ones
    doc = component(other.make_doc("Results on QuasarBench and ImageNet."))
    assert [(s.text, s.label_) for s in doc.spans["kg_gazetteer"]] == [("QuasarBench", "DATASET")]


def test_stored_patterns_round_trip(nlp: Any, tmp_path: Path) -> None:
    gazetteer = nlp.get_pipe("kg_gazetteer")
    gazetteer.to_disk(tmp_path)
    other = spacy.blank("en")
    other.tokenizer = nlp.tokenizer
    copy = cast(Any, other.add_pipe("kg_gazetteer")).from_disk(tmp_path)
    assert copy._tries is not None and copy.patterns == gazetteer.patterns
