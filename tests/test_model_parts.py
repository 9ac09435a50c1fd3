"""The pieces around the trained model: tag decoding, resolver policies, the link classifier."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.tokens import Doc, Span

from kg.extract.admission import ModelAdmission
from kg.extract.links import LinkClassifier
from kg.extract.model_spans import spans_from_tags, whole_words
from kg.extract.resolve import choose
from kg.registry import load_builtins

load_builtins("components")


@pytest.fixture()
def blank() -> Any:
    return spacy.blank("en")


def test_bio_tags_decode_to_spans(blank: Any) -> None:
    doc = blank.make_doc("We use Graph Neural Networks on Cora today")
    for token, tag in zip(
        doc, ["O", "O", "B-METHOD", "I-METHOD", "I-METHOD", "O", "I-DATASET", "O"], strict=True
    ):
        token.tag_ = tag
    assert [(s.text, s.label_) for s in spans_from_tags(doc)] == [
        ("Graph Neural Networks", "METHOD"),
        ("Cora", "DATASET"),
    ]


def test_model_spans_with_an_edge_at_a_hyphen_take_the_whole_word(blank: Any) -> None:
    words = ["Our", "ArmoRM", "-", "Llama3", "-", "8B", ",", "an", "MCTS", "-", "based", "Llama"]
    words += ["-", "3", "-", "Physician", "(", "Top", "-", "K", ")"]
    spaces = [True, False, False, False, False, False, True, True, False, False, True, False]
    spaces += [False, False, False, False, False, False, False, False, False]
    doc = Doc(blank.vocab, words=words, spaces=spaces)
    tagged = [
        Span(doc, 1, 2, label="METHOD"),  # ArmoRM: a capitalised piece follows, grows
        Span(doc, 4, 6, label="METHOD"),  # -8B
        Span(doc, 2, 6, label="METHOD"),  # -Llama3-8B: the same word again
        Span(doc, 8, 9, label="METHOD"),  # MCTS of MCTS-based: stays
        Span(doc, 11, 15, label="METHOD"),  # Llama-3-: not past the word into "("
        Span(doc, 18, 20, label="METRIC"),  # -K: not past the word into ")"
    ]
    assert [(s.text, s.label_) for s in whole_words(doc, tagged)] == [
        ("ArmoRM-Llama3-8B", "METHOD"),
        ("MCTS", "METHOD"),
        ("Llama-3-Physician", "METHOD"),
        ("Top-K", "METRIC"),
    ]


def test_model_spans_leave_out_punctuation_and_quotes_at_their_edges(blank: Any) -> None:
    doc = blank.make_doc("headroom on BMMR-Eval; and ' Guidance ' here ; .")
    tagged = [Span(doc, 2, 6, label="BENCHMARK"), Span(doc, 7, 10, label="METHOD")]
    tagged.append(Span(doc, 11, 13, label="METHOD"))  # nothing but marks: dropped
    assert [(s.text, s.label_) for s in whole_words(doc, tagged)] == [
        ("BMMR-Eval", "BENCHMARK"),
        ("Guidance", "METHOD"),
    ]


def test_bio_label_change_splits_spans(blank: Any) -> None:
    doc = blank.make_doc("BERT GLUE")
    doc[0].tag_, doc[1].tag_ = "B-METHOD", "I-BENCHMARK"
    assert [(s.text, s.label_) for s in spans_from_tags(doc)] == [
        ("BERT", "METHOD"),
        ("GLUE", "BENCHMARK"),
    ]


def test_bio_spans_end_at_untagged_tokens_new_b_tags_and_the_doc_end(blank: Any) -> None:
    doc = blank.make_doc("A B C D E F G")
    for token, tag in zip(
        doc, ["B-METHOD", "", "B-TASK", "B-TASK", "I-TASK", "O", "I-METRIC"], strict=True
    ):
        if tag:
            token.tag_ = tag
    assert [(s.text, s.label_) for s in spans_from_tags(doc)] == [
        ("A", "METHOD"),
        ("C", "TASK"),
        ("D E", "TASK"),
        ("G", "METRIC"),
    ]


@pytest.mark.parametrize(
    ("policy", "expected"), [("longest", "Graph Neural Network"), ("model_first", "Graph Neural")]
)
def test_resolver_policies(blank: Any, policy: str, expected: str) -> None:
    doc = blank.make_doc("A Graph Neural Network here")
    doc.spans["kg_gazetteer"] = [Span(doc, 1, 4, label="METHOD")]
    doc.spans["kg_model"] = [Span(doc, 1, 3, label="METHOD")]
    assert [s.text for s in choose(doc, policy)] == [expected]


def test_link_classifier_learns_saves_and_loads(blank: Any, tmp_path: Path) -> None:
    classifier = LinkClassifier(blank, "kg_links", threshold=0.5)
    examples = [
        (["label=METHOD", "rule=proposes"], {"proposes"}),
        (["label=METHOD", "rule=uses"], {"uses"}),
    ] * 20
    classifier.fit(examples, ["METHOD"] * len(examples), epochs=5)
    assert classifier.score(["label=METHOD", "rule=proposes"])["proposes"] > 0.8
    assert classifier.score(["label=METHOD", "rule=uses"])["proposes"] < 0.2
    classifier.to_disk(tmp_path)
    loaded = LinkClassifier(blank, "kg_links", threshold=0.5).from_disk(tmp_path)
    assert loaded.score(["label=METHOD", "rule=uses"]) == pytest.approx(
        classifier.score(["label=METHOD", "rule=uses"]), abs=1e-5
    )


def _relations(doc: Any) -> set[tuple[str, str]]:
    return {(span.text, span.label_) for span in doc.spans["kg_relations"]}


@pytest.mark.parametrize(
    ("taught", "expected"),
    [
        # Never confident: the cue rules' relations stand.
        ([], {("ResNet", "uses")}),
        # Confident: the classifier's relation replaces the rules'.
        (["compares_with"], {("ResNet", "compares_with")}),
    ],
)
def test_the_rules_stand_where_the_classifier_is_not_confident(
    nlp: Any, blank: Any, taught: list[str], expected: set[tuple[str, str]]
) -> None:
    from kg.extract.pipeline import doc_text
    from kg.types import Paper

    doc = nlp(doc_text(Paper("p", "A Study", "We use ResNet for the backbone.")))
    assert _relations(doc) == {("ResNet", "uses")}
    classifier = LinkClassifier(blank, "kg_links", threshold=0.5)
    examples = [(["label=METHOD"], set(taught))] * 20
    classifier.fit(examples, ["METHOD"] * len(examples), epochs=5)
    assert _relations(classifier(doc)) == expected


@pytest.mark.parametrize(
    ("taught", "extractor", "lowest"),
    [
        ([], "uses", 0.5),  # the rule decided: its name and its confidence
        (["compares_with"], "learned", 0.8),  # the classifier decided: its probability
    ],
)
def test_link_evidence_names_what_decided_and_how_sure(
    nlp: Any, blank: Any, taught: list[str], extractor: str, lowest: float
) -> None:
    from kg.extract.pipeline import doc_text, to_extraction
    from kg.types import Paper

    paper = Paper("p", "A Study", "We use ResNet for the backbone.")
    classifier = LinkClassifier(blank, "kg_links", threshold=0.5)
    examples = [(["label=METHOD"], set(taught))] * 20
    classifier.fit(examples, ["METHOD"] * len(examples), epochs=5)
    (link,) = to_extraction(paper, classifier(nlp(doc_text(paper)))).links
    (evidence,) = link.evidence
    assert evidence.extractor.endswith(f":{extractor}")
    assert lowest <= evidence.confidence < 1.0
    assert evidence.sentence == "We use ResNet for the backbone."


GAP = {"METHOD": 0.99, "DATASET": 0.99, "BENCHMARK": 0.99, "TASK": 0.9, "METRIC": 0.9}
EXTENSION = {"TASK": 0.5}


def with_model_span(
    blank: Any,
    text: str,
    bounds: tuple[int, int],
    label: str,
    confidence: float,
    rule: tuple[int, int, str] | None = None,
) -> Any:
    """A doc with one model span of `confidence` and, if given, one gazetteer span `rule`."""
    doc = blank.make_doc(text)
    if rule is not None:
        doc.spans["kg_gazetteer"] = [Span(doc, rule[0], rule[1], label=rule[2])]
    doc.spans["kg_model"] = [Span(doc, *bounds, label=label)]
    doc.spans["kg_model"].attrs["confidence"] = [confidence]
    return doc


def gap_mentions(doc: Any) -> list[tuple[str, str]]:
    """The mentions chosen with the shipped admission settings and the thresholds `GAP` and `EXTENSION`."""
    admission = ModelAdmission(frozenset({"METHOD"}), True, GAP, EXTENSION)
    return [(m.text, m.label_) for m in choose(doc, admission=admission)]


@pytest.mark.parametrize(
    ("text", "bounds", "label", "confidence", "kept"),
    [
        ("We test on Fooset today", (3, 4), "DATASET", 0.995, True),
        ("We test on Fooset today", (3, 4), "DATASET", 0.95, False),
        ("we study image captioning here", (2, 4), "TASK", 0.95, True),
        ("we study image captioning here", (2, 4), "TASK", 0.6, False),
        ("we report success rate here", (2, 4), "METRIC", 0.95, True),
        # a quality, not a measure: lower case and no measure word
        ("we report robustness here", (2, 3), "METRIC", 0.999, False),
        ("we use graph attention here", (2, 4), "METHOD", 0.995, True),
        ("we use graph attention here", (2, 4), "METHOD", 0.95, False),
        # part of a hyphenated word ("zero-shot recommendation"), or one lower-case word
        ("zero-shot recommendation works", (2, 4), "TASK", 0.999, False),
        ("we study prediction here", (2, 3), "TASK", 0.999, False),
        # proper-looking METHOD spans need no confidence
        ("We use CoreGuard here", (2, 3), "METHOD", 0.0, True),
    ],
)
def test_model_spans_fill_gaps_only_when_the_tagger_is_sure(
    blank: Any, text: str, bounds: tuple[int, int], label: str, confidence: float, kept: bool
) -> None:
    doc = with_model_span(blank, text, bounds, label, confidence)
    expected = [(doc[bounds[0] : bounds[1]].text, label)] if kept else []
    assert gap_mentions(doc) == expected


def test_a_sure_model_span_does_not_fill_where_a_rule_proposes_something(blank: Any) -> None:
    text = "we train on the Foo Corpus today"
    doc = with_model_span(blank, text, (4, 6), "DATASET", 0.999, rule=(4, 5, "METHOD"))
    # Without the rule the longer model span would win.
    assert gap_mentions(doc) == [("Foo", "METHOD")]


@pytest.mark.parametrize(
    ("listed", "label"), [("METHOD", "METHOD"), ("DATASET", "DATASET"), (None, "DATASET")]
)
def test_a_data_word_relabels_a_model_method_unless_it_is_listed_as_one(
    blank: Any, listed: str | None, label: str
) -> None:
    # "experiments on GPT4": the data cue marks GPT4 as data; the lists know it is a model.
    rule = (3, 4, listed) if listed else None
    doc = with_model_span(blank, "Our experiments on GPT4 show gains", (3, 4), "METHOD", 0.99, rule)
    doc.spans["kg_cues"] = [Span(doc, 3, 4, label="DATASET", kb_id="data")]
    assert gap_mentions(doc) == [("GPT4", label)]


@pytest.mark.parametrize(
    ("name", "listed", "label"),
    [
        ("QuxEval", None, "BENCHMARK"),
        ("Qux-Bench", None, "BENCHMARK"),
        ("QuxArena", None, "BENCHMARK"),
        ("Self-Evaluation", None, "METHOD"),  # the word goes on: no benchmark's name
        ("Q-Eval", "METHOD", "METHOD"),  # listed as a METHOD (`G-Eval`)
    ],
)
def test_a_one_word_method_named_as_a_benchmark_is_one(
    blank: Any, name: str, listed: str | None, label: str
) -> None:
    doc = blank.make_doc(f"we run {name} today")
    bounds = (2, len(doc) - 1)
    rule = (*bounds, listed) if listed else None
    doc = with_model_span(blank, doc.text, bounds, "METHOD", 0.99, rule)
    assert gap_mentions(doc) == [(name, label)]


def test_kg_tagger_keeps_the_probability_of_the_tags_spacy_s_tagger_chooses() -> None:
    from kg.extract.model_spans import TAG_PROBABILITY
    from kg.extract.pipeline import load_pipeline, shipped_model

    model = shipped_model()
    if model is None:
        pytest.skip("no trained pipeline in the package")
    text = "We propose CoreGuard and evaluate it on ImageNet and COCO for image classification."
    confident = load_pipeline(model)(text)
    plain = load_pipeline(model, config={"components": {"tagger": {"factory": "tagger"}}})(text)
    assert [t.tag_ for t in confident] == [t.tag_ for t in plain]
    probabilities = confident.user_data[TAG_PROBABILITY]
    assert len(probabilities) == len(confident)
    assert all(0.09 < p <= 1.0 for p in probabilities.tolist())  # 11 tags: at least 1/11
    assert TAG_PROBABILITY not in plain.user_data
    group = confident.spans["kg_model"]
    assert len(group.attrs["confidence"]) == len(group)
    assert all(0.0 < c <= 1.0 for c in group.attrs["confidence"])


@pytest.mark.parametrize(("probability", "kept"), [(0.99, False), (0.9, True)])
def test_a_rule_s_task_yields_where_the_tagger_is_sure_it_is_no_name(
    blank: Any, probability: float, kept: bool
) -> None:
    import numpy

    from kg.extract.model_spans import TAG_PROBABILITY

    doc = blank.make_doc("we use image classification features")
    for token in doc:
        token.tag_ = "O"
    doc.user_data[TAG_PROBABILITY] = numpy.full(len(doc), probability, dtype="float32")
    doc.spans["kg_gazetteer"] = [Span(doc, 2, 4, label="TASK")]
    mentions = choose(doc, task_veto=0.95)
    assert [m.text for m in mentions] == (["image classification"] if kept else [])
    # A METHOD the rules propose is not vetoed.
    doc.spans["kg_gazetteer"] = [Span(doc, 2, 4, label="METHOD")]
    assert [m.text for m in choose(doc, task_veto=0.95)] == ["image classification"]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("results on tasks such as sentiment analysis from reviews", 5, 7),
        ("on the problem of learning with noisy labels here", 4, 8),
        ("a large set of sentence completion tasks is built", 4, 6),
        ("it is a bilevel optimization problem where", 3, 5),
        # later items of a list of examples, not only the first
        ("on tasks such as text summarization, machine translation and code search.", 7, 9),
        ("on tasks such as text summarization, machine translation and code search.", 10, 12),
        ("problems (e.g., image captioning or visual grounding) are", 7, 9),
    ],
)
def test_the_words_around_a_task_overrule_the_tagger_s_veto(
    blank: Any, text: str, start: int, end: int
) -> None:
    import numpy

    from kg.extract.model_spans import TAG_PROBABILITY

    doc = blank.make_doc(text)
    for token in doc:
        token.tag_ = "O"
    doc.user_data[TAG_PROBABILITY] = numpy.full(len(doc), 0.99, dtype="float32")
    doc.spans["kg_gazetteer"] = [Span(doc, start, end, label="TASK")]
    assert [m.text for m in choose(doc, task_veto=0.95)] == [doc[start:end].text]


def test_a_list_not_of_tasks_does_not_overrule_the_veto(blank: Any) -> None:
    import numpy

    from kg.extract.model_spans import TAG_PROBABILITY

    doc = blank.make_doc(
        "on models such as text summarization, machine translation and code search."
    )
    for token in doc:
        token.tag_ = "O"
    doc.user_data[TAG_PROBABILITY] = numpy.full(len(doc), 0.99, dtype="float32")
    doc.spans["kg_gazetteer"] = [Span(doc, 7, 9, label="TASK")]
    assert choose(doc, task_veto=0.95) == []


def test_a_sure_model_span_grows_a_rule_s_span_of_its_kind(blank: Any) -> None:
    text = "we study medical image segmentation here"
    doc = with_model_span(blank, text, (2, 5), "TASK", 0.95, rule=(3, 5, "TASK"))
    assert gap_mentions(doc) == [("medical image segmentation", "TASK")]
    # Running the rule's task further left, a span needs less confidence than to fill a gap.
    doc = with_model_span(blank, text, (2, 5), "TASK", 0.6, rule=(3, 5, "TASK"))
    assert gap_mentions(doc) == [("medical image segmentation", "TASK")]
    doc = with_model_span(blank, text, (2, 5), "TASK", 0.4, rule=(3, 5, "TASK"))
    assert gap_mentions(doc) == [("image segmentation", "TASK")]
    # Only leftwards, and only over a span of its own label.
    doc = with_model_span(blank, text, (3, 6), "TASK", 0.6, rule=(3, 5, "TASK"))
    assert gap_mentions(doc) == [("image segmentation", "TASK")]
    doc = with_model_span(blank, text, (2, 5), "TASK", 0.6, rule=(3, 5, "METHOD"))
    assert gap_mentions(doc) == [("image segmentation", "METHOD")]


def test_a_lone_plain_word_of_a_compound_takes_no_piece_before_it(blank: Any) -> None:
    words = ["Latent", "-", "Space", "and", "text", "-", "guided", "image", "generation"]
    doc = Doc(
        blank.vocab, words=words, spaces=[False, False, True, True, False, False, True, True, False]
    )
    tagged = [Span(doc, 2, 3, label="METHOD"), Span(doc, 6, 9, label="TASK")]
    assert [(s.text, s.label_) for s in whole_words(doc, tagged)] == [
        ("Space", "METHOD"),
        ("text-guided image generation", "TASK"),
    ]
