"""`kg_abbreviations`: long form ↔ short form pairs and later bare uses of the short form.

Implements the abbreviation detection algorithm of Schwartz & Hearst (2003), "A simple
algorithm for identifying abbreviation definitions in biomedical text": a short form in
parentheses after its long form, matched character by character from the end, with the
first character of the short form at the start of a word.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.tokens import TokenTable, token_table

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


def _definitions(doc: Doc, t: TokenTable) -> list[tuple[Span, str]]:
    """(long form span, short form text) of every `long form (SF)` definition."""
    pairs: list[tuple[Span, str]] = []
    texts = t.texts
    for i, word in enumerate(texts):
        if word != _OPEN or i == 0:
            continue
        end = next((j for j in range(i + 1, min(i + 5, len(texts))) if texts[j] == _CLOSE), None)
        if end is None or end == i + 1:
            continue
        short = t.span_text(i + 1, end)
        if not valid_short_form(short):
            continue
        stem = short[:-1] if short.endswith("s") and short[:-1].isupper() else short
        window = min(len(stem) + 5, len(stem) * 2)
        start = i
        while (
            start > 0
            and i - start < window
            and texts[start - 1] not in ".;:()[]"
            and not t.blank[start - 1]
        ):
            start -= 1
        if start == i:
            continue
        long_text = best_long_form(stem, t.span_text(start, i))
        if long_text is None:
            continue
        lead_end = t.ends[i - 1]
        long_span = doc.char_span(lead_end - len(long_text), lead_end)
        if long_span is None or long_span.start < start:
            continue
        # Quotes around a long form ("these 'Large Language Models' (LLMs)") are not the name.
        first, last = long_span.start, long_span.end
        while first < last - 1 and t.texts[first] in _QUOTES:
            first += 1
        while last - 1 > first and t.texts[last - 1] in _QUOTES:
            last -= 1
        pairs.append((doc[first:last], short))
    return pairs


_QUOTES = frozenset(["'", '"', "`", "``", "''", "\u2018", "\u2019", "\u201c", "\u201d"])


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
        t = token_table(doc)
        for long_span, short in _definitions(doc, t):
            key = short[:-1] if short.endswith("s") and short[:-1].isupper() else short
            if key in defined:
                continue
            defined[key] = long_span.text
            spans.append(Span(doc, long_span.start, long_span.end, label="LONG", kb_id=key))
        for i, text in enumerate(t.texts if defined else ()):
            bare: str | None = (
                text
                if text in defined
                else (text[:-1] if text.endswith("s") and text[:-1] in defined else None)
            )
            if bare is not None and i not in taken:
                taken.add(i)
                spans.append(Span(doc, i, i + 1, label="SHORT", kb_id=bare))
        doc.spans["kg_abbrevs"] = spans
        return doc
