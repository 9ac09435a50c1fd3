"""`kg_fields`: a sentence always starts where the abstract starts (after the title)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("kg_fields")
def mark_fields(doc: Doc) -> Doc:
    """Set a sentence start on the first token after the title/abstract separator."""
    for token in doc[:-1]:
        if "\n\n" in token.text:
            doc[token.i + 1].is_sent_start = True
            break
    return doc
