"""Tasks named by their shape: title-case phrases in titles, and phrases before `task`.

ML titles name their problem in title case after a function word: "… for Factual
Inconsistency Classification", "Object-Centric Learning with …", "… in Online Learning
and Games". A run of capitalised words ending in a head word such as `Classification`,
`Segmentation` or `Learning` is taken as a TASK, less the evaluative words that lead it
("Robust", "Unified", "Improved"), which are not part of a reusable task name
(ANNOTATION.md, TASK). Runs the gazetteer gives another label (`Contrastive Learning`
is a METHOD) are left to the gazetteer.

In running text a lower-case phrase ending in a head word and followed by `task(s)` or
`problem(s)` ("the set property prediction task") is a TASK too, less its evaluative words.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.extract.tokens import TokenTable, word_start

TASK_HEADS = frozenset(
    [
        "learning",
        "unlearning",
        "recommendation",
        "recommendations",
        "classification",
        "segmentation",
        "detection",
        "recognition",
        "generation",
        "prediction",
        "forecasting",
        "estimation",
        "extraction",
        "retrieval",
        "alignment",
        "following",
        "answering",
        "translation",
        "summarization",
        "summarisation",
        "reasoning",
        "understanding",
        "inference",
        "decoding",
        "synthesis",
        "parsing",
        "tracking",
        "captioning",
        "completion",
        "localization",
        "personalization",
        "modeling",
        "modelling",
        "matching",
        "planning",
        "editing",
        "comprehension",
        "grounding",
        "navigation",
        "manipulation",
        "clustering",
        "compression",
        "pruning",
        "adaptation",
        "adaption",
    ]
)
# Evaluative or framing words that lead a title phrase but are not part of the task's name.
VAGUE = frozenset(
    [
        "robust",
        "improved",
        "improving",
        "efficient",
        "better",
        "unified",
        "automatic",
        "automated",
        "scalable",
        "effective",
        "fast",
        "faster",
        "accurate",
        "novel",
        "general",
        "generalized",
        "generalizable",
        "simple",
        "practical",
        "towards",
        "toward",
        "interpretable",
        "explainable",
        "reliable",
        "enhanced",
        "enhancing",
        "advancing",
        "rethinking",
        "revisiting",
        "understanding",
        "learning",
        "large-scale",
        "free",
        "a",
        "an",
        "the",
        "adaptive",
        "progressive",
        "modular",
        "diverse",
        "mechanistic",
        "demystifying",
        "seamless",
        "more",
        "reproducible",
        "iterative",
        "computationally",
        "efficiently",
        "randomized",
        "boosting",
        "boosts",
    ]
)
# Leading words in these endings say how, not what: `CLIP-based`, `Replay-Free`, `Margin-based`.
_HOW: tuple[str, ...] = (
    "-based",
    "-free",
    "-aware",
    "-specific",
    "-focused",
    "-agnostic",
    "-efficient",
    "-augmented",
    "-enriched",
    "-empowered",
    "-guided",
    "-driven",
    "-inspired",
    "-enhanced",
)


def _word_end(t: TokenTable, start: int, limit: int) -> int:
    """The end of the word starting at token `start` (at most `limit`)."""
    end = start
    while end < limit - 1 and not t.spaced[end]:
        end += 1
    return end + 1


def _strip_leading(t: TokenTable, start: int, head: int) -> int:
    """The start of the phrase `start`…head without its leading vague or how-words: every word
    up to the last `-based`-like one, a title's opening gerund (`Probing …`), vague words."""
    words = []
    while start < head:
        words.append((start, _word_end(t, start, head)))
        start = words[-1][1]
    texts = [t.span_text(b, e).lower() for b, e in words]
    first = max((k + 1 for k, text in enumerate(texts) if text.endswith(_HOW)), default=0)
    if first == 0 and words and words[0][0] == 0 and texts[0].endswith("ing") and len(words) > 1:
        first = 1
    while first < len(words) and texts[first] in VAGUE:
        first += 1
    return words[first][0] if first < len(words) else head


def _listed_otherwise(taken: dict[tuple[int, int], str], i: int) -> bool:
    """Whether the gazetteer gives token `i` another label than TASK (`Contrastive Learning`)."""
    return any(label != "TASK" and b <= i < e for (b, e), label in taken.items())


def title_tasks(
    doc: Doc, t: TokenTable, title_end: int, taken: dict[tuple[int, int], str]
) -> list[Span]:
    """TASK spans for the title-case task phrases of the title (tokens before `title_end`).

    `taken` maps the bounds of the gazetteer's spans to their labels.
    """
    found: list[Span] = []
    for i in range(title_end):
        if (
            t.lowers[i] not in TASK_HEADS
            or not t.texts[i][0].isupper()
            # `Learning-based`: part of a longer word, not its head
            or (i + 1 < title_end and not t.spaced[i] and (t.texts[i + 1] == "-" or t.alpha[i + 1]))
        ):
            continue
        head = word_start(t, i + 1)
        start, words = head, 1
        while start > 0 and words < 5 and t.spaced[start - 1] and not t.punct[start - 1]:
            before = word_start(t, start)
            if not (t.texts[before][0].isupper() or t.texts[before][0].isdigit()):
                break
            start, words = before, words + 1
        start = _strip_leading(t, start, head)
        if start >= head:
            continue  # the head word alone is too generic to be a name
        if start == 0 and i + 1 < title_end and t.lowers[i + 1] == "for":
            continue  # "X Learning for Y": X is the paper's method, Y its task
        if _listed_otherwise(taken, i):
            continue
        found.append(Span(doc, start, i + 1, label="TASK", kb_id="title_task"))
    return found


TASK_WORDS = frozenset(["task", "tasks", "problem", "problems"])
# Words that end a running-text task phrase on the left: qualifiers of this use of the task
# ("downstream", "challenging") and verbs that take it as object ("tackle", "perform").
_QUALIFIERS = frozenset(
    [
        "certain",
        "standard",
        "given",
        "downstream",
        "challenging",
        "complex",
        "classic",
        "classical",
        "new",
        "multiple",
        "different",
        "various",
        "simple",
        "simpler",
        "several",
        "specific",
        "diverse",
        "traditional",
        "conventional",
        "existing",
        "typical",
        "common",
        "popular",
        "related",
        "other",
        "many",
        "real-world",
        "general",
        "difficult",
        "hard",
        "harder",
        "easy",
        "important",
        "key",
        "main",
        "particular",
        "practical",
        "single",
        "textual",
        "enhance",
        "tackle",
        "perform",
        "improve",
        "solve",
        "address",
        "handle",
        "support",
        "enable",
        "achieve",
        "boost",
        "facilitate",
        "study",
        "studies",
        "consider",
        "evaluate",
    ]
)


def phrase_tasks(doc: Doc, t: TokenTable, taken: dict[tuple[int, int], str]) -> list[Span]:
    """TASK spans for lower-case phrases that end in a head word right before `task(s)`."""
    found: list[Span] = []
    for i in range(1, len(t) - 1):
        if t.lowers[i] not in TASK_HEADS or t.lowers[i + 1] not in TASK_WORDS:
            continue
        start, words = word_start(t, i + 1), 1
        while start > 0 and words < 4 and t.spaced[start - 1] and not t.punct[start - 1]:
            before = word_start(t, start)
            word = t.span_text(before, start).lower()
            if t.stop[before] or word in VAGUE or word in _QUALIFIERS:
                break
            if not word.replace("-", "").isalpha():
                break
            if not t.texts[before].islower():
                break
            start, words = before, words + 1
        if words < 2 or _listed_otherwise(taken, i):
            continue
        found.append(Span(doc, start, i + 1, label="TASK", kb_id="task_word"))
    return found
