"""`kg_model_spans`: the trained model's entities, as the `kg_model` span group for `kg_resolve`."""

from __future__ import annotations

from spacy.attrs import TAG
from spacy.language import Language
from spacy.tokens import Doc, Span


def spans_from_tags(doc: Doc) -> list[Span]:
    """Decode BIO tags (`B-METHOD`, `I-METHOD`, `O`) into spans; a stray `I-` starts a span."""
    spans: list[Span] = []
    start, label = -1, ""
    strings = doc.vocab.strings
    for i, tag_id in enumerate(doc.to_array([TAG]).tolist()):
        tag = strings[tag_id] if tag_id else ""
        inside = tag.startswith("I-") and tag[2:] == label
        if start >= 0 and not inside:
            spans.append(Span(doc, start, i, label=label))
            start, label = -1, ""
        if tag.startswith(("B-", "I-")) and not inside:
            start, label = i, tag[2:]
    if start >= 0:
        spans.append(Span(doc, start, len(doc), label=label))
    return spans


@Language.component("kg_model_spans")
def model_spans(doc: Doc) -> Doc:
    """Put the model's entities in `doc.spans["kg_model"]`: decoded tags, or `doc.ents` from an NER."""
    doc.spans["kg_model"] = spans_from_tags(doc) if doc.has_annotation("TAG") else list(doc.ents)
    return doc
