"""`kg_model_spans`: the trained NER's entities, as the `kg_model` span group for `kg_resolve`."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("kg_model_spans")
def model_spans(doc: Doc) -> Doc:
    """Copy `doc.ents` to `doc.spans["kg_model"]` (the rules read span groups only)."""
    doc.spans["kg_model"] = list(doc.ents)
    return doc
