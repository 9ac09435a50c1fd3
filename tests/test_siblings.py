from __future__ import annotations

from typing import Any

import pytest
import spacy
from spacy.tokens import Span

from kg.extract.admission import ModelAdmission
from kg.extract.resolve import choose
from kg.extract.siblings import list_siblings
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
