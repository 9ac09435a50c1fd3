"""`kg_model_spans`: the trained model's entities, as the `kg_model` span group for `kg_resolve`.

`kg_tagger` is spaCy's tagger that also keeps how sure it was of each token's tag, so
that `kg_resolve` can let only confident model spans fill the gaps the rules leave.
"""

from __future__ import annotations

from typing import Any

import numpy
from spacy.attrs import TAG
from spacy.language import Language
from spacy.pipeline.tagger import Tagger
from spacy.tokens import Doc, Span

from kg.extract.growth import whole_word
from kg.extract.names import name_shaped

# `doc.user_data` key of the per-token probabilities of the chosen tags (`kg_tagger`).
TAG_PROBABILITY = "kg_tag_probability"


class ConfidentTagger(Tagger):
    """spaCy's tagger, keeping the probability of each chosen tag in `doc.user_data`."""

    def predict(self, docs: Any) -> Any:
        """The tag scores (logits) per doc; `set_annotations` chooses the tags."""
        if not any(len(doc) for doc in docs):
            return [self.model.ops.alloc2f(0, len(self.labels)) for _ in docs]
        return self.model.predict(docs)

    def set_annotations(self, docs: Any, scores: Any) -> None:
        guesses = []
        for doc, doc_scores in zip(docs, scores, strict=True):
            logits = self.model.ops.to_numpy(doc_scores)
            guesses.append(logits.argmax(axis=1))
            # softmax of the largest logit, computed without the full normalisation
            shifted = numpy.exp(logits - logits.max(axis=1, keepdims=True))
            doc.user_data[TAG_PROBABILITY] = 1.0 / shifted.sum(axis=1)
        super().set_annotations(docs, guesses)


@Language.factory(
    "kg_tagger",
    assigns=["token.tag"],
    default_config={
        "overwrite": False,
        "scorer": {"@scorers": "spacy.tagger_scorer.v1"},
        "neg_prefix": "!",
        "label_smoothing": 0.0,
    },
)
def make_confident_tagger(
    nlp: Language,
    name: str,
    model: Any,
    overwrite: bool,
    scorer: Any,
    neg_prefix: str,
    label_smoothing: float,
) -> ConfidentTagger:
    """The `kg_tagger` component: a `tagger` whose model is trained as spaCy's."""
    return ConfidentTagger(
        nlp.vocab,
        model,
        name=name,
        overwrite=overwrite,
        scorer=scorer,
        neg_prefix=neg_prefix,
        label_smoothing=label_smoothing,
    )


def spans_from_tags(doc: Doc) -> list[Span]:
    """Decode BIO tags (`B-METHOD`, `I-METHOD`, `O`) into spans; a stray `I-` starts a span."""
    spans: list[Span] = []
    start, label, last = -1, "", -1
    strings = doc.vocab.strings
    tags = doc.to_array([TAG])
    # Most tokens are `O` (or untagged): only the others, and the token after each, matter.
    outside = strings["O"]
    for i, tag_id in zip(*_tagged(tags, outside), strict=True):
        if start >= 0 and i != last + 1:  # an `O` token ended the span
            spans.append(Span(doc, start, last + 1, label=label))
            start, label = -1, ""
        tag = strings[tag_id]
        inside = tag.startswith("I-") and tag[2:] == label
        if start >= 0 and not inside:
            spans.append(Span(doc, start, i, label=label))
            start, label = -1, ""
        if tag.startswith(("B-", "I-")) and not inside:
            start, label = i, tag[2:]
        last = i
    if start >= 0:
        spans.append(Span(doc, start, last + 1, label=label))
    return spans


# Marks no name begins or ends with: the tagger sometimes runs a span onto the
# punctuation after it (`BMMR-Eval;`) or the quote before it.
_EDGE_MARKS = frozenset(";,.:!?'\"`\u2018\u2019\u201c\u201d")


def whole_words(doc: Doc, spans: list[Span]) -> list[Span]:
    """`spans` with an edge at a hyphen moved out to the end of its word (`-8B` of
    `ArmoRM-Llama3-8B`, `Llama-3-` of `Llama-3-Physician`), punctuation and quotes at
    either edge left out (`BMMR-Eval;`), in order, without repeats.

    The tagger tags the pieces of a hyphenated word one by one, and no name starts or
    ends with a hyphen. An edge at a letter moves as `growth.whole_word` says: over a
    capitalised piece after it (`ArmoRM` of `ArmoRM-Llama3-8B`), not a lower-case one
    (`MCTS` of `MCTS-based`).
    """
    size = len(doc)
    seen: set[tuple[int, int, str]] = set()
    found: list[Span] = []

    def joined(a: int, b: int) -> bool:  # tokens a and b = a + 1 are pieces of one word
        return not doc[a].whitespace_ and all(
            doc[k].text == "-" or doc[k].text.isalnum() for k in (a, b)
        )

    for span in spans:
        start, end = span.start, span.end
        while start < end and doc[start].text in _EDGE_MARKS:
            start += 1
        while end > start and doc[end - 1].text in _EDGE_MARKS:
            end -= 1
        if start == end:
            continue
        if doc[start].text == "-":
            while start > 0 and joined(start - 1, start):
                start -= 1
        if doc[end - 1].text == "-":
            while end < size and joined(end - 1, end):
                end += 1
        if (start, end) != (span.start, span.end):
            span = Span(doc, start, end, label=span.label_)
        # A lone plain word the tagger takes from a compound (`Space` of `Latent-Space`,
        # `precision` of `full-precision`) is rarely a name's head: a coined word (`SimCSE`
        # of `unsup-SimCSE`) or a phrase (`guided image generation`) takes the pieces before it.
        span = whole_word(doc, span, before=len(span) > 1 or name_shaped(span.text))
        start, end = span.start, span.end
        key = (start, end, span.label_)
        if key not in seen:
            seen.add(key)
            found.append(span)
    return found


def _tagged(tags: Any, outside: int) -> tuple[list[int], list[int]]:
    """Positions and tag ids of the tokens whose tag is neither `O` nor empty."""
    where = ((tags != outside) & (tags != 0)).nonzero()[0]
    return where.tolist(), tags[where].tolist()


def span_confidences(doc: Doc, spans: list[Span]) -> list[float]:
    """How sure `kg_tagger` was of each span: the mean probability of its tokens' tags (0: unknown)."""
    probabilities = doc.user_data.get(TAG_PROBABILITY)
    if probabilities is None or not spans:
        return [0.0] * len(spans)
    # One running sum, then a difference per span: numpy's mean costs more per small slice.
    running = numpy.concatenate(([0.0], numpy.cumsum(probabilities, dtype=numpy.float64))).tolist()
    return [(running[s.end] - running[s.start]) / (s.end - s.start) for s in spans]


@Language.component("kg_model_spans")
def model_spans(doc: Doc) -> Doc:
    """Put the model's entities in `doc.spans["kg_model"]`: decoded tags, or `doc.ents` from an NER.

    The group's `attrs["confidence"]` holds each span's confidence (`span_confidences`).
    """
    spans = whole_words(doc, spans_from_tags(doc) if doc.has_annotation("TAG") else list(doc.ents))
    doc.spans["kg_model"] = spans
    doc.spans["kg_model"].attrs["confidence"] = span_confidences(doc, spans)
    return doc
