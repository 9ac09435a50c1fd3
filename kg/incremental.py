"""`kg build --update DIR NEW_INPUT...`: add papers to a built graph without extracting old ones again.

The stored `DIR/papers.jsonl` goes first, ahead of the new files, through the same
duplicate rules as a full build; so the papers kept, and their order, are
those a full build of the old inputs followed by the new ones keeps (title-less papers
still go last, and a titled copy still wins over a title-less one). A kept paper whose
id, title and abstract equal a stored one takes the stored extraction; only the others
are extracted. The graph and its exports are then made again from all extractions
(kg.build): a new paper can define an abbreviation that changes which entity an old
mention names, so they depend on the whole corpus; that is linear in the corpus and
cheap next to extraction. The result equals a full rebuild (tested) as long as the
pipeline has not changed since DIR was built.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from kg.export.jsonl import read_records
from kg.ingest import ReadReport, read_papers
from kg.types import Extraction, Paper

Extract = Callable[[list[Paper]], Iterable[Extraction]]


def add_papers(
    stored: Path, inputs: Iterable[str | Path], fmt: str | None, read: ReadReport, extract: Extract
) -> tuple[list[Extraction], int]:
    """All extractions after adding `inputs` to the ones in `stored`, in build order, and how
    many papers `extract` had to extract (the caller writes them in place of `stored`)."""
    if not stored.exists():
        raise FileNotFoundError(
            f"{stored.parent}: no {stored.name} here to update (run `kg build` first)"
        )
    old = {ex.paper.id: ex for ex in read_records(stored)}
    # The stored papers were read and cleaned by the build that wrote them: they go through
    # the duplicate rules again, not through the reader (reading them twice cost as much as
    # building the graph).
    papers = list(read_papers(inputs, fmt, read, known=(ex.paper for ex in old.values())))

    def reusable(paper: Paper) -> Extraction | None:
        ex = old.get(paper.id)
        same = ex is not None and (ex.paper.title, ex.paper.abstract) == (
            paper.title,
            paper.abstract,
        )
        return ex if same else None

    new = [p for p in papers if reusable(p) is None]
    fresh = {ex.paper.id: ex for ex in extract(new)} if new else {}  # no model load for none
    return [reusable(p) or fresh[p.id] for p in papers], len(new)
