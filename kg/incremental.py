"""`kg build --update DIR NEW_INPUT...`: add papers to a built graph without extracting old ones again.

The stored `DIR/papers.jsonl` is read as the first input, ahead of the new files, by the
same reader and duplicate rules as a full build; so the papers kept, and their order, are
those a full build of the old inputs followed by the new ones keeps (title-less papers
still go last, and a titled copy still wins over a title-less one). A kept paper whose
id, title and abstract equal a stored one takes the stored extraction; only the others
are extracted. The graph and its exports are then made again from all extractions: a
new paper can define an abbreviation that changes which entity an old mention names, so
they depend on the whole corpus; that is linear in the corpus and cheap next to
extraction. The result equals a full rebuild (tested) as long as the pipeline has not
changed since DIR was built.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from kg.build import PAPERS_FILE, BuildReport, _progress
from kg.export.core import atomic_path, export_graph
from kg.export.jsonl import read_records, write_records
from kg.extract.parallel import extract_stream
from kg.graph import build_graph, summarise
from kg.ingest import ReadReport, read_papers
from kg.types import Extraction, Paper


def merge_inputs(
    stored: Path, inputs: Iterable[str | Path], fmt: str | None, report: ReadReport
) -> list[Paper]:
    """The papers a full build would keep, the stored ones read first, in build order."""
    if fmt not in (None, "jsonl"):
        raise ValueError(
            f"--format {fmt} cannot read {stored.name}: leave --format out with --update"
        )
    return list(read_papers([stored, *inputs], fmt, report))


def update(
    out_dir: str | Path,
    inputs: Iterable[str | Path],
    model: str | None = None,
    workers: int = 1,
    exporters: list[str] | None = None,
    progress: bool = False,
    fmt: str | None = None,
    cluster: str | None = None,
) -> tuple[BuildReport, int]:
    """Add the papers of `inputs` to the graph in `out_dir`; returns the report and how many were extracted."""
    started = time.perf_counter()
    out = Path(out_dir)
    stored_path = out / PAPERS_FILE
    if not stored_path.exists():
        raise FileNotFoundError(f"{out}: no {PAPERS_FILE} here to update (run `kg build` first)")
    stored = {ex.paper.id: ex for ex in read_records(stored_path)}
    read = ReadReport()
    papers = merge_inputs(stored_path, inputs, fmt, read)
    read.files -= 1  # the stored file is not an input

    def reusable(paper: Paper) -> Extraction | None:
        old = stored.get(paper.id)
        same = old is not None and (old.paper.title, old.paper.abstract) == (
            paper.title,
            paper.abstract,
        )
        return old if same else None

    new = [p for p in papers if reusable(p) is None]
    fresh = {
        ex.paper.id: ex
        for ex in extract_stream(
            _progress(new, "extract", "paper", progress), model, workers, cluster=cluster
        )
    }
    extractions = [reusable(p) or fresh[p.id] for p in papers]
    with atomic_path(stored_path) as tmp, tmp.open("w", encoding="utf-8") as handle:
        for _ in write_records(extractions, handle):
            pass
    graph = build_graph(extractions)
    written = export_graph(graph, out, exporters)
    report = BuildReport(
        read,
        summarise(graph),
        [str(p) for p in [stored_path, *written]],
        time.perf_counter() - started,
    )
    return report, len(new)
