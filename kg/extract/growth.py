"""How a matched name grows over the words around it that belong to it.

A model's size suffix (`Llama-3` + `-8B`), a task's setting words (`unsupervised` +
`representation learning`), a metric's `top-5`, and a title-case method's capitalised
modifiers in running text (`Relation-aware Heterogeneous` + `Graph Neural Network`).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from kg.extract.task_words import VAGUE
from kg.extract.tokens import title_start, token_table

# `Llama-3` + `-8B`, `-70B-Instruct`, `-base`: size and variant suffixes are part of a model name.
_SUFFIX = re.compile(
    r"^(?:\d+(?:\.\d+)?[BMKbmk]|[Ii]nstruct|[Cc]hat|[Bb]ase|[Bb]eta|[Aa]lpha|[Ll]arge|[Ss]mall|v\d+(?:\.\d+)?|\d+x\d+[BMbm]?)$"
)


_SIZE = re.compile(r"^\d+(?:\.\d+)?[BM]$")
# A size followed by these counts them, not the model: "GPT-4 70B tokens".
_COUNTED = frozenset(["tokens", "parameters", "params", "words", "examples", "samples", "images"])


# Words that no name ends in: after one, a hyphen with no spaces stood for a dash
# ("an FID of 2.17 on CIFAR-10-and reduces the cost").
_FUNCTION_WORD_LIST = """
a an and are as at but by for from in is it its nor of on or our so
than that the then this these thus to was we were when where whereas which while with yet
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_LIST.split())


def _glued_word(doc: Doc, end: int) -> Token | None:
    """The token after a hyphen at `end` glued to the tokens on both sides (`Llama-3` `-` `8B`),
    unless it is a function word (the hyphen was a dash)."""
    if (
        end + 1 < len(doc)
        and doc[end].text == "-"
        and not doc[end - 1].whitespace_
        and not doc[end].whitespace_
        and doc[end + 1].lower_ not in _FUNCTION_WORDS
    ):
        return doc[end + 1]
    return None


def extend_suffix(doc: Doc, span: Span) -> Span:
    """The METHOD span grown over glued `-8B`, `-Instruct`, `-beta` … suffixes, and over a
    size after a space when the name holds a digit (`Llama-3 8B`, `Nemotron-4 340B`) or the
    size is in billions (`Vicuna 13B`; `BERT 110M times` is no size)."""
    end = span.end
    while (word := _glued_word(doc, end)) is not None and _SUFFIX.match(word.text):
        end += 2
    if (
        end < len(doc)
        and doc[end - 1].whitespace_
        and _SIZE.match(doc[end].text)
        and (any(c.isdigit() for c in doc[span.start : end].text) or doc[end].text.endswith("B"))
        and (end + 1 == len(doc) or doc[end + 1].lower_ not in _COUNTED)
    ):
        end += 1
    return span if end == span.end else Span(doc, span.start, end, label=span.label_)


# Setting and modality words that make a more specific task of a known one
# (`unsupervised` + `representation learning`, `multi-choice` + `reading comprehension`).
TASK_MODIFIERS = frozenset(
    [
        "unsupervised",
        "supervised",
        "self-supervised",
        "semi-supervised",
        "weakly-supervised",
        "zero-shot",
        "few-shot",
        "one-shot",
        "multi-label",
        "multi-class",
        "multimodal",
        "multi-modal",
        "cross-lingual",
        "multilingual",
        "cross-domain",
        "open-domain",
        "open-vocabulary",
        "open-set",
        "multi-choice",
        "multiple-choice",
        "long-context",
        "long-form",
        "fine-grained",
        "session-based",
        "aspect-based",
        "target",
        "multi-hop",
        "multi-document",
        "multi-turn",
        "conversational",
        "interactive",
        "online",
        "offline",
        "real-time",
        "video-based",
        "text-based",
        "knowledge-based",
        "document-level",
        "sentence-level",
    ]
)
_TITLE_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "for",
        "of",
        "on",
        "in",
        "with",
        "to",
        "and",
        "or",
        "via",
        "by",
        "towards",
        "from",
        "at",
    ]
)


# First parts of lower-case compounds that make a setting of a task.
_SETTING_PREFIXES = frozenset(["multi", "cross"])

# Second parts of capitalised compounds that qualify a method, not the task.
_HOW = frozenset(["free", "efficient", "specific", "aware", "accuracy", "world", "enriched"])


def _hyphenated(doc: Doc, i: int) -> bool:
    """Whether tokens `i - 2`, `i - 1` and `i` are one hyphenated word (`multi` `-` `agent`)."""
    return (
        i >= 2
        and doc[i - 1].text == "-"
        and not doc[i - 2].whitespace_
        and not doc[i - 1].whitespace_
    )


def _modifier(doc: Doc, i: int, title_cased: bool) -> int:
    """How many tokens ending at `i` form one task modifier (0 if none)."""
    if _hyphenated(doc, i) and doc[i].is_alpha and doc[i - 2].is_alpha:
        listed = f"{doc[i - 2].lower_}-{doc[i].lower_}" in TASK_MODIFIERS
        # In title case only a capitalised compound (`Multi-Agent`), not `state-of-the-art`,
        # nor one that says how the method does (`Replay-Free`, `Parameter-Efficient`).
        cased = title_cased and doc[i - 2].text[0].isupper() and doc[i].lower_ not in _HOW
        # Any lower-case `multi-`/`cross-` compound names a setting (`multi-annotator`,
        # `cross-species`); most other unlisted ones say how (`label-free`, `large-scale`).
        chain = i >= 3 and doc[i - 3].text == "-" and not doc[i - 3].whitespace_
        setting = doc[i - 2].lower_ in _SETTING_PREFIXES and doc[i].is_lower and not chain
        return 3 if listed or cased or setting else 0
    token = doc[i]
    if token.lower_ in TASK_MODIFIERS:
        return 1
    if title_cased and token.is_alpha and token.text[0].isupper() and not token.is_sent_start:
        return 0 if token.lower_ in _TITLE_STOP or token.lower_ in VAGUE else 1
    return 0


def extend_task(doc: Doc, span: Span, limit: int = 3) -> Span:
    """The TASK span grown leftwards over setting words and, in title case, capitalised ones."""
    title_cased = all(t.text[0].isupper() for t in span if t.is_alpha)
    start, words = span.start, 0
    while start > 0 and words < limit:
        size = _modifier(doc, start - 1, title_cased)
        if size == 0:
            break
        start, words = start - size, words + 1
    return span if start == span.start else Span(doc, start, span.end, label=span.label_)


_TOP_K = re.compile(r"^[Tt]op-?\d+$")


def extend_metric(doc: Doc, span: Span) -> Span:
    """The METRIC span grown over a `top-1` or `top-5` before it: the metric is top-k accuracy."""
    start = span.start
    if start >= 1 and _TOP_K.match(doc[start - 1].text) and doc[start - 1].whitespace_:
        return Span(doc, start - 1, span.end, label=span.label_)
    three = doc[start - 3 : start] if start >= 3 else None
    if (
        three is not None
        and three[0].lower_ == "top"
        and three[1].text == "-"
        and three[2].is_digit
        and not three[0].whitespace_
        and not three[1].whitespace_
        and three[2].whitespace_
    ):
        return Span(doc, start - 3, span.end, label=span.label_)
    return span


# Glued words after a dataset's name that say how it was used, not which variant it is.
_HOW_USED = frozenset(
    [
        "pretrained",
        "trained",
        "based",
        "like",
        "style",
        "scale",
        "level",
        "sized",
        "size",
        "specific",
        "only",
        "free",
        "derived",
        "generated",
        "labeled",
        "labelled",
        "annotated",
        "wide",
        "sourced",
        "centric",
        "related",
    ]
)


def extend_data(doc: Doc, span: Span) -> Span:
    """The DATASET or BENCHMARK span grown over a glued variant (`ImageNet` + `-R`,
    `CelebA` + `-logic`, `AGIEval` + `-en`), not over how it was used (`ImageNet-pretrained`)."""
    word = _glued_word(doc, span.end)
    if word is None or not word.text.isalnum() or word.lower_ in _HOW_USED:
        return span
    return Span(doc, span.start, span.end + 2, label=span.label_)


# Words that qualify which of a kind of method is meant, not part of its name.
_ORDINARY = frozenset(
    [
        "current",
        "existing",
        "recent",
        "standard",
        "modern",
        "popular",
        "traditional",
        "conventional",
        "vanilla",
        "typical",
        "prior",
        "previous",
        "new",
        "our",
        "their",
        "its",
        "these",
        "those",
        "such",
        "many",
        "most",
        "some",
        "several",
        "other",
        "both",
        "each",
        "all",
        "first",
        "second",
        "classic",
        "classical",
        "original",
        "baseline",
        "different",
        "deep",
    ]
)


def _capitalised_word(doc: Doc, i: int, first_too: bool = False) -> int:
    """How many tokens ending at `i` form one capitalised word of a name (`Heterogeneous`,
    `Relation-aware`, `Multi-task`), 0 if none: no function word, and no sentence's first
    word unless `first_too` (in a title, or where a name's run reaches back to it)."""
    first = i - 2 if _hyphenated(doc, i) else i
    words = [doc[k] for k in range(first, i + 1) if doc[k].text != "-"]
    head = doc[first]
    if (
        not all(w.is_alpha for w in words)
        or not head.text[0].isupper()
        or head.text.isupper()  # `LLM`, `GNN`: names of their own, not modifiers
        or (head.is_sent_start and not first_too)  # `Standard Transformer`: no part of the name
        or head.lower_ in _TITLE_STOP
        or head.lower_ in _ORDINARY
        or head.lower_ in VAGUE
    ):
        return 0
    return i - first + 1


def extend_method(doc: Doc, span: Span, limit: int = 3) -> Span:
    """The title-case METHOD span grown leftwards over capitalised words in running text
    (`Relation-aware Heterogeneous` + `Graph Neural Network`); never in the title, where
    every word is capitalised."""
    if not all(t.text[0].isupper() for t in span if t.is_alpha) or all(
        t.text.isupper() for t in span if t.is_alpha
    ):
        return span
    if span.start == 0 or _capitalised_word(doc, span.start - 1) == 0:
        return span  # nearly every span: no need to find where the abstract starts
    body = title_start(token_table(doc))
    if span.start < body:
        return _title_method(doc, span, limit)
    start, words = span.start, 0
    while start > body and words < limit:
        size = _capitalised_word(doc, start - 1)
        if size == 0 and words > 0:
            # A run of capitalised words back to the sentence's start is one name
            # (`Message Passing` + `Graph Neural Networks`), its first word included.
            size = _capitalised_word(doc, start - 1, first_too=True)
            size = size if doc[start - size].is_sent_start else 0
        if size == 0 or start - size < body:
            break
        start, words = start - size, words + 1
    return span if start == span.start else Span(doc, start, span.end, label=span.label_)


# Words of a title's clause rather than of a name: pronouns, auxiliaries, `meets`, `compact`.
_TITLE_NON_NAMES = frozenset(["your", "are", "how", "do", "does", "is", "can", "compact", "meets"])


def _verb_s(word: str) -> bool:
    """Whether `word` may be a verb's third person (`meets`, `improves`; not `heterogeneous`)."""
    return word.endswith("s") and not word.endswith(("ous", "ss", "is", "us"))


def _title_method(doc: Doc, span: Span, limit: int) -> Span:
    """A title's METHOD span grown over the capitalised words before it, when they are the
    whole run back to the title's start, a colon or a lower-case word (`with White-Box` +
    `Transformers`); a longer run is a clause, not a name, and stays out."""
    start, words = span.start, 0
    while start > 0 and words < limit:
        size = _capitalised_word(doc, start - 1, first_too=True)
        word = doc[start - 1].lower_
        if size == 0 or word in _TITLE_NON_NAMES or word.endswith("ing") or _verb_s(word):
            break  # `Boosting`, `Improves`: a title's verb, not a name's word
        start, words = start - size, words + 1
    if start == span.start:
        return span
    bounded = start == 0 or doc[start - 1].text == ":" or doc[start - 1].is_lower
    return Span(doc, start, span.end, label=span.label_) if bounded else span


# Glued pieces after a name that say how it is made or used, however cased
# (`Policy Gradient-Driven`, `MCTS-Based`): the name is the part before them.
_HOW_MADE = (
    _HOW
    | _HOW_USED
    | frozenset(
        [
            "driven",
            "guided",
            "powered",
            "augmented",
            "enhanced",
            "inspired",
            "assisted",
            "conditioned",
            "agnostic",
            "oriented",
            "informed",
            "tuned",
            "aligned",
            "empowered",
            "enabled",
            "friendly",
            "regularized",
            "constrained",
            "induced",
            "supervised",
        ]
    )
)
# Glued pieces before a name that negate it rather than name a variant (`non-Transformer`).
_NEGATING = frozenset(["non", "anti", "un"])


def whole_word(doc: Doc, span: Span, before: bool = True) -> Span:
    """The span grown to the hyphenated word it is part of: over every piece glued before it
    (`unsup-` + `SimCSE`, `vision-` + `language modeling`, `Self-` + `Correcting-ICL`) and
    over capitalised pieces glued after it (`Llama-3` + `-Physician`, `ERU` + `-KG`); a
    lower-case piece after it (`MCTS-based`, `UNESCO-defined`) or one saying how it is made
    (`Gradient-Driven`) stays out. `before=False` leaves the pieces before it out, as
    does a METRIC: the pieces before a measure say what is measured or how precise numbers
    are (`parameter-accuracy`, `mixed-precision`).
    """
    start, end = span.start, span.end
    while (
        before
        and span.label_ != "METRIC"
        and _hyphenated(doc, start)
        and doc[start - 2].text.isalnum()
        and doc[start - 2].lower_ not in _NEGATING
    ):
        start -= 2
    while (
        (word := _glued_word(doc, end)) is not None
        and word.text.isalnum()
        and (word.text[0].isupper() or word.text[0].isdigit())
        and word.lower_ not in _HOW_MADE
    ):
        end += 2
    if (start, end) == (span.start, span.end):
        return span
    return Span(doc, start, end, label=span.label_)


def grow(doc: Doc, span: Span) -> Span:
    """A matched name grown over the words that belong to it."""
    span = whole_word(doc, span)
    if span.label_ == "TASK":
        return extend_task(doc, span)
    if span.label_ == "METRIC":
        return extend_metric(doc, span)
    if span.label_ in ("DATASET", "BENCHMARK"):
        return extend_data(doc, span)
    return extend_method(doc, extend_suffix(doc, span))
