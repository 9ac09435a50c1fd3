from __future__ import annotations

from typing import Any

from kg.extract.pipeline import doc_text
from kg.types import Paper


def gazetteer_spans(nlp: Any, title: str, abstract: str) -> set[tuple[str, str]]:
    doc = nlp(doc_text(Paper("p", title, abstract)))
    return {(span.text, span.label_) for span in doc.spans["kg_gazetteer"]}


def test_respellings_of_names_are_found_in_running_text(nlp: Any) -> None:
    # `Toxigen` is a spelling of the listed `ToxiGen`.
    assert ("Toxigen", "DATASET") in gazetteer_spans(
        nlp, "A Study", "We evaluate on Toxigen and more."
    )


def test_capitalised_words_in_titles_are_no_respellings(nlp: Any) -> None:
    # `Multiple` folds like the listed `MultiPL-E`, but a title capitalises every word.
    spans = gazetteer_spans(nlp, "Orchestrating Multiple Concepts", "Multiple concepts are hard.")
    assert not {text for text, _ in spans} & {"Multiple"}


def test_a_listed_word_inside_a_longer_capitalised_name_is_not_matched(nlp: Any) -> None:
    # `Exchange` is a listed dataset; `Stack Exchange` is another name.
    spans = gazetteer_spans(nlp, "A Study", "The data covers discussions on Stack Exchange.")
    assert ("Exchange", "DATASET") not in spans
