"""A doc's tokens as plain lists, read once: the rule components' fast path.

Every `for token in doc`, `doc[i]` or `span.sent` makes Python objects and walks tokens;
in the rule components that was most of the per-doc cost. `TokenTable` reads the token
attributes in one `doc.to_array` call and answers the same questions from lists:
`span_text` equals `doc[start:end].text` and `sentence(i)` equals the bounds of
`span.sent` for a span starting at token `i` (spaCy gives the sentence of a span's first
token, also when the span runs over a sentence boundary).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np
from spacy.attrs import IDX, IS_PUNCT, IS_STOP, ORTH, SENT_START, SPACY
from spacy.tokens import Doc


@dataclass(frozen=True, slots=True)
class TokenTable:
    """Token texts, offsets, lower-case forms, flags and sentence starts of one doc."""

    text: str
    texts: list[str]
    starts: list[int]
    ends: list[int]
    lowers: list[str]
    spaced: list[bool]  # followed by a space (`token.whitespace_`)
    alpha: list[bool]
    stop: list[bool]
    punct: list[bool]
    blank: list[bool]  # `token.is_space`
    sent_starts: list[int]

    def __len__(self) -> int:
        return len(self.starts)

    def span_text(self, start: int, end: int) -> str:
        """`doc[start:end].text` (empty for an empty range)."""
        return self.text[self.starts[start] : self.ends[end - 1]] if end > start else ""

    def sentence(self, i: int) -> tuple[int, int]:
        """Token bounds of the sentence of token `i`, which is `span.sent` of a span starting at `i`."""
        after = bisect_right(self.sent_starts, i)
        last = self.sent_starts[after] if after < len(self.sent_starts) else len(self.starts)
        return self.sent_starts[after - 1], last


_ATTRS = (ORTH, IDX, SPACY, IS_PUNCT, IS_STOP, SENT_START)
# One table per doc, shared by the components that run after sentence boundaries are set
# (no kg component changes tokens or sentence starts); dropped with the doc.
_TABLES: WeakKeyDictionary[Doc, TokenTable] = WeakKeyDictionary()


def token_table(doc: Doc) -> TokenTable:
    """`doc`'s tokens read once; call only once its sentence starts are final."""
    table = _TABLES.get(doc)
    if table is None or len(table) != len(doc):
        table = _TABLES[doc] = _read(doc)
    return table


def _read(doc: Doc) -> TokenTable:
    strings = doc.vocab.strings
    array: Any = doc.to_array(list(_ATTRS))  # uint64: -1 reads as 2**64 - 1
    starts = array[:, 1].tolist()
    texts = [strings[h] for h in array[:, 0].tolist()]
    # The flag columns are compared in numpy: a list of bools at once, not a Python loop.
    spaced = (array[:, 2] == 1).tolist()
    # spaCy's lexical attributes of English are these string tests (spacy.lang.lex_attrs);
    # asking Python directly is cheaper than reading three more columns of hashes and flags.
    return TokenTable(
        text="".join(w + " " if s else w for w, s in zip(texts, spaced, strict=True)),
        texts=texts,
        starts=starts,
        ends=[s + len(w) for s, w in zip(starts, texts, strict=True)],
        lowers=[w.lower() for w in texts],
        spaced=spaced,
        alpha=[w.isalpha() for w in texts],
        stop=(array[:, 4] == 1).tolist(),
        punct=(array[:, 3] == 1).tolist(),
        blank=[w.isspace() for w in texts],
        sent_starts=[0] + (np.flatnonzero(array[1:, 5] == 1) + 1).tolist(),
    )


def title_break(t: TokenTable) -> int:
    """The token that breaks the title from the abstract (0 when there is none)."""
    return next((k for k, word in enumerate(t.texts) if "\n\n" in word), 0)


def title_start(t: TokenTable) -> int:
    """The first token of the abstract (after the title and the break)."""
    return next((k + 1 for k, word in enumerate(t.texts) if "\n\n" in word), 0)


def word_start(t: TokenTable, end: int) -> int:
    """The first token of the word ending at token `end - 1` (tokens joined without spaces)."""
    start = end - 1
    while (
        start > 0 and not t.spaced[start - 1] and (t.texts[start - 1] == "-" or t.alpha[start - 1])
    ):
        start -= 1
    return start


def capitalised_anyway(t: TokenTable, i: int, body: int) -> bool:
    """Whether token `i` is a plain capitalised word (`Multiple`) where every word or the
    first is capitalised: in the title (before token `body`) or first in its sentence."""
    word = t.texts[i]
    return word.isalpha() and word.istitle() and (i < body or t.sentence(i)[0] == i)


# Prepositions that open a sentence with a phrase a comma closes: "On ImageNet, FooNet …".
_OPENER_LIST = "on in across over for under with at from by using among through compared beyond"
_OPENERS = frozenset(_OPENER_LIST.split())


def opening_comma(t: TokenTable, comma: int) -> bool:
    """Whether the comma at `comma` is the first of a sentence opened by a preposition."""
    start = t.sentence(comma)[0]
    return t.lowers[start] in _OPENERS and "," not in t.texts[start:comma]
