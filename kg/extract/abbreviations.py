"""`kg_abbreviations`: long form ↔ short form pairs and later bare uses of the short form.

Implements the abbreviation detection algorithm of Schwartz & Hearst (2003), "A simple
algorithm for identifying abbreviation definitions in biomedical text": a short form in
parentheses after its long form, matched character by character from the end, with the
first character of the short form at the start of a word, or the other way round (`LoGAH
(Low-rank GrAph Hypernetworks)`). Where the long form's word initials spell the short
form over more words than that match (`kg.extract.initials`), the longer one is kept.
A title `SF: Long Form for …` defines too, where the subtitle's opening words spell SF.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.initials import initials_long_form
from kg.extract.tokens import TokenTable, title_break, token_table

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
    """(long form span, short form text) of every `long form (SF)` and `SF (long form)` definition."""
    pairs: list[tuple[Span, str]] = []
    texts = t.texts
    for i, word in enumerate(texts):
        if word != _OPEN or i == 0:
            continue
        close = next((j for j in range(i + 1, min(i + 24, len(texts))) if texts[j] == _CLOSE), None)
        if close is None or close == i + 1:
            continue
        pair = _long_before(doc, t, i, close) if close < i + 5 else None
        if (pair := pair or _long_inside(doc, t, i, close)) is not None:
            pairs.append(pair)
    return pairs


def _long_before(doc: Doc, t: TokenTable, i: int, close: int) -> tuple[Span, str] | None:
    """`long form (SF)`: the short form in the brackets at tokens i..close."""
    texts = t.texts
    short = t.span_text(i + 1, close)
    if not valid_short_form(short):
        return None
    stem = _stem(short)
    window = min(len(stem) + 5, len(stem) * 2)
    start = i
    # Tokens, not words: a hyphenated word is three; the initials' match counts words.
    while start > 0 and i - start < 3 * window and texts[start - 1] not in ".;:()[]":
        if t.blank[start - 1]:
            break
        start -= 1
    if start == i:
        return None
    candidates = [
        best_long_form(stem, t.span_text(max(start, i - window), i)),
        initials_long_form(stem, t.span_text(start, i)),
    ]
    long_text = max((c for c in candidates if c), key=len, default=None)
    if long_text is None:
        return None
    lead_end = t.ends[i - 1]
    long_span = doc.char_span(lead_end - len(long_text), lead_end)
    if long_span is None or long_span.start < start:
        return None
    return _unquoted(doc, t, long_span.start, long_span.end), short


def _long_inside(doc: Doc, t: TokenTable, i: int, close: int) -> tuple[Span, str] | None:
    """`SF (long form)` (Schwartz & Hearst's second pattern): the short form is the word
    before the brackets, and the long form spells it from its first word to its last."""
    first = i - 1
    while first > 0 and not t.spaced[first - 1] and t.texts[first - 1] not in "([":
        first -= 1
    short = t.span_text(first, i)
    inside = t.span_text(i + 1, close)
    # The word before the brackets must look like an acronym: "corpora provided by Reuters
    # (Reuters-22173 and RCV1)" lists, it does not define.
    acronym = sum(c.isupper() or c.isdigit() for c in short) >= 2
    if not (acronym and valid_short_form(short)) or " " not in inside or len(inside) <= len(short):
        return None
    stem = _stem(short)
    if inside not in (best_long_form(stem, inside), initials_long_form(stem, inside)):
        return None
    return _unquoted(doc, t, i + 1, close), short


# Words a title's long form runs over between capitalised words, while the short form
# still has letters to spell: "ToVo: Toxicity Taxonomy via Voting".
_TITLE_JOINERS = frozenset(["and", "for", "of", "via", "with", "to", "in", "on", "from"])


def _title_words(t: TokenTable, start: int, end: int) -> list[tuple[int, int]]:
    """Token bounds of the words from `start` to `end`: tokens joined without a space
    (`Module-to-Module`) are one word, up to a punctuation mark other than a hyphen."""
    words, i = [], start
    while i < end and not t.punct[i]:
        j = i + 1
        while j < end and not t.spaced[j - 1] and (t.texts[j] == "-" or not t.punct[j]):
            j += 1
        words.append((i, j))
        if j < end and t.punct[j] and t.texts[j] != "-":
            break
        i = j
    return words


def _title_definition(doc: Doc, t: TokenTable) -> tuple[Span, Span, str] | None:
    """(short span, long span, short form) of a title `SF: Long Form …`: one word before
    the colon, spelled by the subtitle's opening capitalised words (over one function
    word between them at most). The long form ends where a run of capitalised words ends: the
    first such end whose capitals spell SF's (`_capitals_pattern`), else the first whose
    characters do (Schwartz & Hearst): `MARS: Matching Attribute-aware
    Representations for Text-based Sequential Recommendation` runs to its end, `ConR:
    Contrastive Regularizer for …` stops before "for"; `Zephyr: Direct Distillation …`
    defines nothing."""
    title_end = title_break(t)
    colon = next((i for i in range(min(title_end, 6)) if t.texts[i] == ":"), None)
    if not colon or any(t.spaced[i] for i in range(colon - 1)):
        return None
    short = t.span_text(0, colon)
    if not valid_short_form(short):
        return None
    ends: list[int] = []
    words = _title_words(t, colon + 1, title_end)[:12]
    if not words or t.lowers[words[0][0]] in ("a", "an", "the"):
        return None  # "Aioli: A Unified Optimization Framework …" describes, it does not spell
    for k, (first, last) in enumerate(words):
        word = t.texts[first]
        if word[0].isupper() or word[0].isdigit():
            if ends and ends[-1] == first:
                ends[-1] = last  # the capitalised run goes on
            else:
                ends.append(last)
        elif not (k and word in _TITLE_JOINERS and len(ends) < 2):
            break  # over one function word at most: "… Method for Contrastive Learning of …"
    stem = _stem(short)
    texts = [t.span_text(colon + 1, end) for end in ends]
    capitals = _capitals_pattern(stem)
    for spells in (capitals.match, lambda text: best_long_form(stem, text) == text):
        for end, text in zip(ends, texts, strict=True):
            if " " in text and spells(text):
                return doc[0:colon], doc[colon + 1 : end], short
    return None


def _capitals_pattern(short: str) -> re.Pattern[str]:
    """A pattern matching text that spells `short`'s letters in order: its first letter at
    the text's start, each capital at the start of a word or hyphen piece, each lower-case
    letter anywhere (`ConR`: Contrastive Regularizer; `m2mKD`: Module-to-Module Knowledge
    Distillation). Digits are left out."""
    letters = [c for c in short if c.isalpha()]
    inner = "".join(
        (r".*?(?<![^\s\-])" if c.isupper() else ".*?") + re.escape(c) for c in letters[1:]
    )
    return re.compile(re.escape(letters[0]) + inner if letters else "(?!)", re.IGNORECASE)


def _stem(short: str) -> str:
    """The short form without a plural `s` (`LLMs`)."""
    return short[:-1] if short.endswith("s") and short[:-1].isupper() else short


def _unquoted(doc: Doc, t: TokenTable, first: int, last: int) -> Span:
    """The span less quotes around it ("these 'Large Language Models' (LLMs)" names no quote)."""
    while first < last - 1 and t.texts[first] in _QUOTES:
        first += 1
    while last - 1 > first and t.texts[last - 1] in _QUOTES:
        last -= 1
    return doc[first:last]


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
            key = _stem(short)
            if key in defined:
                continue
            defined[key] = long_span.text
            spans.append(Span(doc, long_span.start, long_span.end, label="LONG", kb_id=key))
        if (titled := _title_definition(doc, t)) is not None:
            # Beside the abstract's own definition, if it has one: "CDR: Customizable
            # Density Ratios …" and "we introduce customized density ratio (CDR)" are two
            # long forms of one pair. The lead is a SHORT span, also over several tokens.
            lead, long_span, short = titled
            key = _stem(short)
            defined.setdefault(key, long_span.text)
            spans.append(Span(doc, long_span.start, long_span.end, label="LONG", kb_id=key))
            spans.append(Span(doc, lead.start, lead.end, label="SHORT", kb_id=key))
            taken.update(range(lead.start, lead.end))
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
