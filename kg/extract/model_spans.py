"""`kg_model_spans`: the trained model's entities, as the `kg_model` span group for `kg_resolve`."""

from __future__ import annotations

from typing import Any

from spacy.attrs import TAG
from spacy.language import Language
from spacy.tokens import Doc, Span


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


def _tagged(tags: Any, outside: int) -> tuple[list[int], list[int]]:
    """Positions and tag ids of the tokens whose tag is neither `O` nor empty."""
    where = ((tags != outside) & (tags != 0)).nonzero()[0]
    return where.tolist(), tags[where].tolist()


@Language.component("kg_model_spans")
def model_spans(doc: Doc) -> Doc:
    """Put the model's entities in `doc.spans["kg_model"]`: decoded tags, or `doc.ents` from an NER."""
    doc.spans["kg_model"] = spans_from_tags(doc) if doc.has_annotation("TAG") else list(doc.ents)
    return doc
