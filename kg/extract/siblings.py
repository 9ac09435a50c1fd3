"""Names that stand in a list with a known one: the items of a list are of one kind."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.canonical import canonical_name
from kg.extract.names import name_shaped
from kg.extract.tokens import TokenTable, opening_comma

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


def data_lists(
    doc: Doc, table: TokenTable, chosen: list[Span], listed: set[tuple[int, int]]
) -> list[Span]:
    """`chosen` with each unknown name read as a METHOD (the tagger's, a coined word; not one
    the gazetteer lists, `listed`) that stands in a list with a dataset or benchmark given
    that item's label: "on MARS and iLIDS-VID" where only MARS was marked as data. METHOD is
    the default kind of an unknown name; the list says more."""
    by_start = {s.start: s for s in chosen}
    by_end = {s.end: s for s in chosen}
    changed = True
    while changed:
        changed = False
        for i, m in enumerate(chosen):
            if (
                m.label_ != "METHOD"
                or m.id_ not in ("kg_model", "kg_coined")
                or (m.start, m.end) in listed
            ):
                continue
            sibling = _listed_next_to(table, m.start, m.end, by_start, by_end)
            if sibling is None or sibling.label_ not in ("DATASET", "BENCHMARK"):
                continue
            label = sibling.label_
            span = Span(
                doc, m.start, m.end, label=label, kb_id=canonical_name(label, m.text), span_id=m.id_
            )
            chosen[i] = by_start[m.start] = by_end[m.end] = span
            changed = True
    return chosen


def _listed_next_to(
    t: TokenTable, start: int, end: int, by_start: dict[int, Span], by_end: dict[int, Span]
) -> Span | None:
    """The mention (not an address) joined to `start:end` by at most two of `_JOINS`, if any.

    A comma alone before `start:end` joins it to a list only if a join follows it too (a
    list's last item comes after `and` or `or`) and the comma does not close the phrase a
    preposition opened the sentence with: in "On CIFAR-10, FooNet and BarNet improve …" and
    "…, Amazon and Taobao, FooNet wins" FooNet is no item of the list before it.
    """
    before = start
    while before > 0 and start - before < 2 and t.lowers[before - 1] in _JOINS:
        before -= 1
    after = end
    while after < len(t) and after - end < 2 and t.lowers[after] in _JOINS:
        after += 1
    if (
        before == start - 1
        and t.texts[before] == ","
        and (after == end or opening_comma(t, before))
    ):
        before = start
    for neighbour in (
        by_end.get(before) if before < start else None,
        by_start.get(after) if after > end else None,
    ):
        if neighbour is not None and neighbour.label_ != "REPO":
            return neighbour
    return None
