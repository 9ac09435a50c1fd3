from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.ids import entity_id, fold, link_id, normalise_title, normalise_url, paper_id


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"id": "p1", "title": "T", "arxiv_id": "2301.00001"}, "p1"),
        ({"arxiv_id": "2301.00001v3", "title": "T"}, "arxiv:2301.00001"),
        ({"eprint": "hep-th/9901001", "title": "T"}, "arxiv:hep-th/9901001"),
        ({"doi": "https://doi.org/10.1/ABC", "title": "T"}, "doi:10.1/abc"),
        ({"openreview_id": "AbC_1", "title": "T"}, "openreview:AbC_1"),
        ({"link": "https://openreview.net/forum?id=Xy9", "title": "T"}, "openreview:Xy9"),
    ],
)
def test_paper_id_prefers_own_then_source_ids(record: dict[str, str], expected: str) -> None:
    assert paper_id(record) == expected


def test_paper_id_hashes_normalised_title_then_abstract() -> None:
    assert paper_id({"title": "A  Title!"}) == paper_id({"title": "a title"})
    assert paper_id({"title": "A Title"}).startswith("t:")
    assert paper_id({"title": "", "abstract": "Some text."}).startswith("a:")
    assert paper_id({"title": "A Title"}) != paper_id({"title": "Another Title"})


@given(st.text() | st.text(st.characters(max_codepoint=127)))
def test_normalise_title_drops_combining_marks_only(text: str) -> None:
    # The definition, spelled out character by character.
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    expected = " ".join(
        "".join(c if c in "0123456789abcdefghijklmnopqrstuvwxyz" else " " for c in bare).split()
    )
    assert normalise_title(text) == expected


def test_normalise_title_folds_accents() -> None:
    assert normalise_title("Économie  des Réseaux—α") == "economie des reseaux"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Meta-World", "MetaWorld"),
        ("Graph Neural Network", "graph neural network"),
        ("GPT-4", "gpt 4"),
    ],
)
def test_fold_identifies_spelling_variants(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_fold_keeps_case_of_all_caps_common_words() -> None:
    assert fold("MATH") != fold("math")
    assert fold("MMLU") == fold("mmlu")


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/A/B",
        "http://www.github.com/A/B/",
        "https://github.com/A/B.git",
        "github.com/A/B",
    ],
)
def test_normalise_url(url: str) -> None:
    assert normalise_url(url) == "github.com/A/B"


def test_entity_id_keeps_labels_apart() -> None:
    assert entity_id("DATASET", "Cora") != entity_id("METHOD", "Cora")
    assert (
        entity_id("BENCHMARK", "Meta-World")
        == entity_id("BENCHMARK", "MetaWorld")
        == "benchmark:metaworld"
    )


_IDS = st.text(min_size=0, max_size=12)


@given(a=st.tuples(_IDS, _IDS, _IDS), b=st.tuples(_IDS, _IDS, _IDS))
def test_link_ids_tell_links_apart(a: tuple[str, str, str], b: tuple[str, str, str]) -> None:
    # Joined with a separator, ("a,", "b") and ("a", ",b") would collide; JSON keeps them apart.
    assert link_id(*a) == link_id(*a)
    assert len(link_id(*a)) == 20
    if a != b:
        assert link_id(*a) != link_id(*b)


def test_the_graph_carries_each_links_id() -> None:
    from kg.graph import build_graph
    from kg.types import Evidence, Extraction, Link, Mention, Paper

    paper = Paper("p1", "T", "We use BERT.")
    evidence = Evidence("abstract", "We use BERT.", 7, 11, "x", "0", 0.5)
    ex = Extraction(
        paper,
        (Mention("abstract", 7, 11, "BERT", "METHOD"),),
        (Link("uses", "METHOD", "BERT", (evidence,)),),
        (),
    )
    graph = build_graph([ex])
    ((paper_node, entity, relation, data),) = graph.edges(keys=True, data=True)
    assert data["id"] == link_id(paper_node, relation, entity)
