"""`kg_abbreviations`: long form ↔ short form pairs and later bare uses of the short form.

Implements the abbreviation detection algorithm of Schwartz & Hearst (2003), "A simple
algorithm for identifying abbreviation definitions in biomedical text": a short form in
parentheses after its long form, matched character by character from the end, with the
first character of the short form at the start of a word.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

_OPEN, _CLOSE = "(", ")"


def valid_short_form(text: str) -> bool:
    """Schwartz & Hearst's short-form test, plus: at least one capital (ML acronyms are cased)."""
    return (
        2 <= len(text) <= 12
        and text[0].isalnum()
        and any(c.isalpha() for c in text)
        and any(c.isupper() for c in text)
        and len(text.split()) <= 2
        and not text.lower().startswith(("e.g", "i.e", "et al", "see ", "fig"))
    )


def best_long_form(short: str, candidate: str) -> str | None:
    """The shortest tail of `candidate` whose characters spell `short` (Schwartz & Hearst 2003, Fig. 2)."""
    s_idx, l_idx = len(short) - 1, len(candidate) - 1
    while s_idx >= 0:
        char = short[s_idx].lower()
        if not char.isalnum():
            s_idx -= 1
            continue
        while l_idx >= 0 and (
            candidate[l_idx].lower() != char
            or (s_idx == 0 and l_idx > 0 and candidate[l_idx - 1].isalnum())
        ):
            l_idx -= 1
        if l_idx < 0:
            return None
        l_idx -= 1
        s_idx -= 1
    start = candidate.rfind(" ", 0, l_idx + 1) + 1
    long_form = candidate[start:].strip()
    if len(long_form) <= len(short) or (" " not in long_form and "-" not in long_form):
        return None
    return long_form


def _definitions(doc: Doc) -> list[tuple[Span, Span]]:
    pairs: list[tuple[Span, Span]] = []
    for token in doc:
        if token.text != _OPEN or token.i == 0:
            continue
        end = next((t.i for t in doc[token.i + 1 : token.i + 5] if t.text == _CLOSE), None)
        if end is None or end == token.i + 1:
            continue
        short = doc[token.i + 1 : end]
        if not valid_short_form(short.text):
            continue
        stem = (
            short.text[:-1]
            if short.text.endswith("s") and short.text[:-1].isupper()
            else short.text
        )
        window = min(len(stem) + 5, len(stem) * 2)
        start = token.i
        while (
            start > 0
            and token.i - start < window
            and doc[start - 1].text not in ".;:()[]"
            and not doc[start - 1].is_space
        ):
            start -= 1
        if start == token.i:
            continue
        lead = doc[start : token.i]
        long_text = best_long_form(stem, lead.text)
        if long_text is None:
            continue
        char_start = lead.end_char - len(long_text)
        long_span = doc.char_span(char_start, lead.end_char)
        if long_span is None or long_span.start < start:
            continue
        pairs.append((long_span, short))
    return pairs


@Language.factory("kg_abbreviations")
class AbbreviationDetector:
    """Adds LONG and SHORT spans to `doc.spans["kg_abbrevs"]`; `kb_id_` holds the short form
    (without a plural `s`) so that each short span finds its long form.

    Every later whole-token use of a defined short form (also its plural) is a SHORT span.
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        defined: dict[str, str] = {}
        taken: set[int] = set()
        for long_span, short in _definitions(doc):
            key = (
                short.text[:-1]
                if short.text.endswith("s") and short.text[:-1].isupper()
                else short.text
            )
            if key in defined:
                continue
            defined[key] = long_span.text
            spans.append(Span(doc, long_span.start, long_span.end, label="LONG", kb_id=key))
        for token in doc:
            text = token.text
            bare: str | None = (
                text
                if text in defined
                else (text[:-1] if text.endswith("s") and text[:-1] in defined else None)
            )
            if bare is not None and token.i not in taken:
                taken.add(token.i)
                spans.append(Span(doc, token.i, token.i + 1, label="SHORT", kb_id=bare))
        doc.spans["kg_abbrevs"] = spans
        return doc
