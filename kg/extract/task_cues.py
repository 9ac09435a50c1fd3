"""Tasks named by their shape: title-case phrases in titles, and phrases before `task`.

ML titles name their problem in title case after a function word: "… for Factual
Inconsistency Classification", "Object-Centric Learning with …", "… in Online Learning
and Games". A run of capitalised words ending in a head word such as `Classification`,
`Segmentation` or `Learning` is taken as a TASK, less the evaluative words that lead it
("Robust", "Unified", "Improved"), which are not part of a reusable task name
(ANNOTATION.md, TASK). Runs holding a name the gazetteer gives another label
(`Contrastive Learning` is a METHOD; `LLM Empowered Recommendation`) are left alone, and
so are runs of more than five capitalised words, a title's clause rather than a name
("Monte Carlo Tree Search Boosts Reasoning").

In running text a lower-case phrase ending in a head word and followed by `task(s)` or
`problem(s)` ("the set property prediction task") is a TASK too, less its evaluative words,
and so is each example a paper lists after them ("tasks such as molecular property
prediction and drug design").
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.extract.task_words import HOW, QUALIFIERS, TASK_HEADS, TASK_WORDS, VAGUE
from kg.extract.tokens import TokenTable, word_start


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
    first = max((k + 1 for k, text in enumerate(texts) if text.endswith(HOW)), default=0)
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
        capped = False
        while start > 0 and t.spaced[start - 1] and not t.punct[start - 1]:
            before = word_start(t, start)
            if not (t.texts[before][0].isupper() or t.texts[before][0].isdigit()):
                break
            if words == 5:  # a longer run is a title's clause, not a name: no cut is right
                capped = True
                break
            start, words = before, words + 1
        if capped:
            continue
        start = _strip_leading(t, start, head)
        if start >= head:
            continue  # the head word alone is too generic to be a name
        if start == 0 and i + 1 < title_end and t.lowers[i + 1] == "for":
            continue  # "X Learning for Y": X is the paper's method, Y its task
        if any(_listed_otherwise(taken, k) for k in range(start, i + 1)):
            continue
        found.append(Span(doc, start, i + 1, label="TASK", kb_id="title_task"))
    return found


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
            if t.stop[before] or word in VAGUE or word in QUALIFIERS:
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


# Words that open a list of examples after "tasks" ("tasks such as X and Y", "problems
# including X, Y, and Z", "tasks (e.g., X)").
_EXAMPLES = (("such", "as"), ("including",), ("like",), ("e.g.",), ("e.g",))
_ITEM_ENDS = frozenset([",", "and", "or", ".", ";", ")", ":"])


def listed_tasks(doc: Doc, t: TokenTable, taken: dict[tuple[int, int], str]) -> list[Span]:
    """TASK spans for the items of a list of examples after `tasks`/`problems`.

    An item is a phrase of two to four lower-case (or all capitalised) words, none a stop
    word or a framing word; the list ends at the first item that is not one.
    """
    found: list[Span] = []
    for at, end in task_list_items(t):
        start = _strip_leading(t, at, end - 1)
        inner = any(at < b and e == end and label == "TASK" for (b, e), label in taken.items())
        if end - start >= 2 and not inner and not _listed_otherwise(taken, end - 1):
            found.append(Span(doc, start, end, label="TASK", kb_id="task_list"))
    return found


def task_list_items(t: TokenTable) -> list[tuple[int, int]]:
    """Token bounds of each item of every list of examples after `tasks`/`problems`."""
    items: list[tuple[int, int]] = []
    for i in range(len(t) - 2):
        if t.lowers[i] not in TASK_WORDS:
            continue
        at = i + 1 + (t.texts[i + 1] in ",(")
        opener = next((o for o in _EXAMPLES if tuple(t.lowers[at : at + len(o)]) == o), None)
        if opener is None:
            continue
        at += len(opener) + (at + len(opener) < len(t) and t.texts[at + len(opener)] == ",")
        last = False  # the item after "and"/"or" ends the list
        while (end := _item_end(t, at)) is not None:
            items.append((at, end))
            stop = end + 1  # past the separator
            if last or t.lowers[stop - 1] not in (",", "and", "or"):
                break
            last = t.lowers[stop - 1] != "," or (stop < len(t) and t.lowers[stop] in ("and", "or"))
            at = stop + (t.lowers[stop - 1] == "," and last)
    return items


def _item_end(t: TokenTable, start: int) -> int | None:
    """The end of the list item starting at `start` (its separator follows), or None."""
    end, words = start, 0
    while end < len(t) and words < 5 and t.texts[end] not in _ITEM_ENDS:
        first, end = end, end + 1
        while end < len(t) and not t.spaced[end - 1] and "-" in (t.texts[end], t.texts[end - 1]):
            end += 1
        word = t.span_text(first, end)
        if not word.replace("-", "").isalpha() or t.stop[first] or word.lower() in VAGUE:
            return None
        words += 1
    if not 2 <= words <= 4 or end == len(t):
        return None
    cased = [t.texts[k][0].isupper() for k in range(start, end) if t.alpha[k]]
    if any(cased) and not all(cased):
        return None
    return end
