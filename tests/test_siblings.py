from __future__ import annotations

from typing import Any

import pytest
import spacy
from spacy.tokens import Span

from kg.extract.admission import ModelAdmission
from kg.extract.resolve import choose
from kg.extract.siblings import data_lists, list_siblings
from kg.extract.tokens import token_table


@pytest.fixture(scope="module")
def blank() -> Any:
    return spacy.blank("en")


def siblings(
    blank: Any, text: str, known: tuple[int, int, str], model: list[tuple[int, int, str]]
) -> list[tuple[str, str]]:
    """The spans `list_siblings` adds next to one chosen mention `known`, as (text, label)."""
    doc = blank.make_doc(text)
    chosen = [Span(doc, known[0], known[1], label=known[2])]
    spans = [Span(doc, start, end, label=label) for start, end, label in model]
    taken = set(range(known[0], known[1]))
    added = list_siblings(doc, token_table(doc), chosen, spans, taken)
    assert all(i in taken for s in added for i in range(s.start, s.end))
    return [(s.text, s.label_) for s in added]


def test_a_whole_list_follows_its_one_known_item(blank: Any) -> None:
    text = "better than GraftNet , PullNet and EmbedKGQA today"
    model = [(4, 5, "DATASET"), (6, 7, "BENCHMARK")]
    found = siblings(blank, text, (2, 3, "METHOD"), model)
    assert sorted(found) == [("EmbedKGQA", "METHOD"), ("PullNet", "METHOD")]
    # The known item may come last, and ", and" joins as well.
    text = "on Yelp2018 , and LastFM here"
    assert siblings(blank, text, (4, 5, "DATASET"), [(1, 2, "METHOD")]) == [("Yelp2018", "DATASET")]


@pytest.mark.parametrize(
    ("text", "known", "model"),
    [
        # not joined by a comma, `and` or `or`
        ("GraftNet beats PullNet today", (0, 1, "METHOD"), [(2, 3, "DATASET")]),
        # not a name: lower case
        ("GraftNet and attention today", (0, 1, "METHOD"), [(2, 3, "DATASET")]),
        # an address is no list item
        ("at https://github.com/a/b and PullNet", (1, 2, "REPO"), [(3, 4, "METHOD")]),
        # already part of a chosen mention
        ("GraftNet and PullNet today", (0, 3, "METHOD"), [(2, 3, "DATASET")]),
    ],
)
def test_no_sibling_without_a_list_of_names(
    blank: Any, text: str, known: tuple[int, int, str], model: list[tuple[int, int, str]]
) -> None:
    assert siblings(blank, text, known, model) == []


def resolved(
    blank: Any, text: str, listed: tuple[int, int, str], model: tuple[int, int, str], sure: float
) -> list[Any]:
    """The mentions `choose` makes of one listed span and one model span of confidence `sure`,
    admission as shipped but with every gap threshold at 0.99."""
    doc = blank.make_doc(text)
    doc.spans["kg_gazetteer"] = [Span(doc, listed[0], listed[1], label=listed[2])]
    doc.spans["kg_model"] = [Span(doc, model[0], model[1], label=model[2])]
    doc.spans["kg_model"].attrs["confidence"] = [sure]
    gaps = dict.fromkeys(("METHOD", "DATASET", "BENCHMARK", "TASK", "METRIC"), 0.99)
    return choose(doc, admission=ModelAdmission(frozenset({"METHOD"}), True, gaps))


def test_resolution_takes_a_sibling_the_model_is_unsure_of(blank: Any) -> None:
    text = "we compare with GraftNet and PullNet today"
    chosen = resolved(blank, text, (3, 4, "METHOD"), (5, 6, "DATASET"), 0.6)
    assert [(m.text, m.label_, m.id_) for m in chosen] == [
        ("GraftNet", "METHOD", "kg_gazetteer"),
        ("PullNet", "METHOD", "kg_model"),
    ]


def test_a_sibling_named_as_a_benchmark_is_one(blank: Any) -> None:
    text = "we test on FooSet and QuxBench today"
    chosen = resolved(blank, text, (3, 4, "DATASET"), (5, 6, "TASK"), 0.5)
    assert [(m.text, m.label_) for m in chosen] == [
        ("FooSet", "DATASET"),
        ("QuxBench", "BENCHMARK"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # a comma that closes the phrase a preposition opened the sentence with
        "On GraftNet , PullNet and EmbedKGQA win",
        # a comma alone before the name, and no join after it: the list ended before it
        "on Yelp2018 and Gowalla , PullNet wins",
    ],
)
def test_a_comma_that_ends_a_phrase_joins_no_list(blank: Any, text: str) -> None:
    doc = blank.make_doc(text)
    pull = [t.text for t in doc].index("PullNet")
    known = (pull - 2, pull - 1, "DATASET")
    assert siblings(blank, text, known, [(pull, pull + 1, "METHOD")]) == []


def data_listed(
    blank: Any, text: str, spans: list[tuple[int, int, str, str]], listed: set[tuple[int, int]]
) -> list[tuple[str, str, str]]:
    """`data_lists` over chosen spans given as (start, end, label, span id)."""
    doc = blank.make_doc(text)
    chosen = [Span(doc, s, e, label=label, span_id=source) for s, e, label, source in spans]
    return [(m.text, m.label_, m.id_) for m in data_lists(doc, token_table(doc), chosen, listed)]


def test_unknown_names_listed_with_data_are_data(blank: Any) -> None:
    text = "on two benchmarks , FOOR and BazNet-VID and CoreSet here"
    spans = [
        (4, 5, "BENCHMARK", "kg_cues"),
        (6, 9, "METHOD", "kg_model"),
        (10, 11, "METHOD", "kg_coined"),
    ]
    assert data_listed(blank, text, spans, set()) == [
        ("FOOR", "BENCHMARK", "kg_cues"),
        ("BazNet-VID", "BENCHMARK", "kg_model"),
        ("CoreSet", "BENCHMARK", "kg_coined"),
    ]


@pytest.mark.parametrize(
    ("spans", "listed"),
    [
        # a name the gazetteer lists as a METHOD keeps its kind
        ([(2, 3, "DATASET", "kg_gazetteer"), (4, 5, "METHOD", "kg_model")], {(4, 5)}),
        # a METHOD a rule gave (a naming cue) keeps its kind
        ([(2, 3, "DATASET", "kg_gazetteer"), (4, 5, "METHOD", "kg_cues")], set()),
        # a task in the list says nothing of the names beside it
        ([(2, 3, "TASK", "kg_gazetteer"), (4, 5, "METHOD", "kg_model")], set()),
    ],
)
def test_listed_or_ruled_methods_keep_their_kind(
    blank: Any, spans: list[tuple[int, int, str, str]], listed: set[tuple[int, int]]
) -> None:
    found = data_listed(blank, "we use CIFAR-10 and FooNet here", spans, listed)
    assert found[1][1] == "METHOD"
