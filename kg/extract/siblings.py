"""Names that stand in a list with a known one: the items of a list are of one kind."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.canonical import canonical_name
from kg.extract.names import name_shaped
from kg.extract.tokens import TokenTable

# What may stand between two items of a list: "X, Y", "X and Y", "X, and Y", "X or Y".
_JOINS = frozenset([",", "and", "or"])


def list_siblings(
    doc: Doc, table: TokenTable, chosen: list[Span], model: list[Span], taken: set[int]
) -> list[Span]:
    """The proper-looking spans of `model` (the tagger's, and coined words) that stand in a
    list next to a chosen mention ("GraftNet, PullNet and EmbedKGQA"), with that mention's
    label: the items of a list are of one kind, and the tagger tells names apart better than
    it tells their kind. Each keeps its span id (`kg_model` where it has none).

    `taken` (the chosen mentions' tokens) grows by the spans added; a span added makes its
    own neighbour a sibling in turn, so a whole list follows its one known item.
    """
    by_start = {s.start: s for s in chosen}
    by_end = {s.end: s for s in chosen}
    waiting = [m for m in model if name_shaped(m.text)]
    added: list[Span] = []
    while waiting:
        left = []
        for m in waiting:
            if any(i in taken for i in range(m.start, m.end)):
                continue
            sibling = _listed_next_to(table, m.start, m.end, by_start, by_end)
            if sibling is None:
                left.append(m)
                continue
            label = sibling.label_
            name = canonical_name(label, m.text)
            span = Span(doc, m.start, m.end, label=label, kb_id=name, span_id=m.id_ or "kg_model")
            taken.update(range(m.start, m.end))
            by_start[m.start] = by_end[m.end] = span
            added.append(span)
        if len(left) == len(waiting):
            break
        waiting = left
    return added


def _listed_next_to(
    t: TokenTable, start: int, end: int, by_start: dict[int, Span], by_end: dict[int, Span]
) -> Span | None:
    """The mention (not an address) joined to `start:end` by at most two of `_JOINS`, if any."""
    before = start
    while before > 0 and start - before < 2 and t.lowers[before - 1] in _JOINS:
        before -= 1
    after = end
    while after < len(t) and after - end < 2 and t.lowers[after] in _JOINS:
        after += 1
    for neighbour in (
        by_end.get(before) if before < start else None,
        by_start.get(after) if after > end else None,
    ):
        if neighbour is not None and neighbour.label_ != "REPO":
            return neighbour
    return None
