"""`kg build`: ingest → extract → graph → exports, into one output folder."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import networkx as nx

from kg.export.core import atomic_path, chosen_exporters, export_graph, exports_to_update
from kg.export.jsonl import write_records
from kg.extract.parallel import extract_stream
from kg.graph import GraphSummary, build_graph, summarise
from kg.ingest import BadInput, ReadReport, Seen, note_failures, read_papers
from kg.types import Extraction, Paper

PAPERS_FILE = "papers.jsonl"


@dataclass
class BuildReport:
    """What a build read, found and wrote, and how long it took."""

    read: ReadReport
    graph: GraphSummary
    outputs: list[str] = field(default_factory=list)
    seconds: float = 0.0
    extracted: int | None = None  # with `update`: papers extracted (the rest were reused)
    changed: int | None = None  # with a patched update: stored papers whose links changed
    steps: dict[str, float] = field(default_factory=dict)  # seconds of each step
    built_graph: nx.MultiDiGraph | None = None  # with `keep_graph`, when the graph was made


def _progress(items: Iterable[Any], desc: str, unit: str, enabled: bool) -> Iterable[Any]:
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit=unit, disable=None, leave=False)


def _extract(
    inputs: Iterable[str | Path],
    handle: TextIO,
    model: str | None,
    workers: int,
    report: ReadReport,
    progress: bool,
    fmt: str | None,
    cluster: str | None = None,
    seen: Seen | None = None,
    sizes: list[int] | None = None,
) -> Iterator[Extraction]:
    papers: Iterable[Paper] = _progress(
        read_papers(inputs, fmt, report, seen=seen), "extract", "paper", progress
    )
    stream = note_failures(extract_stream(papers, model, workers, cluster=cluster), report)
    yield from write_records(stream, handle, sizes)
    if report.papers == 0:
        raise BadInput("no usable paper was read")


def extract_to_file(
    inputs: Iterable[str | Path],
    out: Path,
    model: str | None = None,
    workers: int = 1,
    report: ReadReport | None = None,
    progress: bool = False,
    fmt: str | None = None,
    cluster: str | None = None,
) -> Iterator[Extraction]:
    """Extract the papers of `inputs`, writing JSON lines to `out` atomically; yields each extraction.

    `cluster` (a Dask scheduler address or `local:N`) runs the extraction there.
    Raises `BadInput` (and leaves `out` as it was) when no paper could be read.
    """
    report = report if report is not None else ReadReport()
    with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8") as handle:
        yield from _extract(inputs, handle, model, workers, report, progress, fmt, cluster)


def build(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    model: str | None = None,
    workers: int = 1,
    exporters: list[str] | None = None,
    progress: bool = False,
    fmt: str | None = None,
    read: ReadReport | None = None,
    cluster: str | None = None,
    update: bool = False,
    keep_graph: bool = False,
) -> BuildReport:
    """Build the graph of `inputs` into `out_dir`: papers.jsonl, the exports and index.json.

    Every output is written to a temporary beside it and all are put in place together
    at the end, so a failed or killed build leaves the previous outputs as they were.
    Raises `BadInput` when no paper could be read (or at the first bad record if
    `read.strict`). `cluster` runs the extraction on Dask; with `update`, `inputs` are
    added to the graph already in `out_dir`, extracting only papers it does not hold
    (kg.incremental): the outputs are patched where they can be, every export already
    in `out_dir` too, whether `exporters` names it or not.
    """
    from kg.export.journal import recover
    from kg.incremental import (
        INDEX_FILE,
        GraphIndex,
        add_papers,
        index_token,
        patch_build,
        record_exports,
        save_index,
    )

    started = time.perf_counter()
    out = Path(out_dir)
    if out.is_dir():  # settle an update that did not finish, before reading or replacing
        recover(out, lambda: index_token(out / INDEX_FILE))
    if not update:
        out.mkdir(parents=True, exist_ok=True)
    read = read if read is not None else ReadReport()
    extracted = None
    index = GraphIndex()

    def extract(papers: list[Paper]) -> Iterator[Extraction]:
        stream = _progress(papers, "extract", "paper", progress)
        return note_failures(extract_stream(stream, model, workers, cluster=cluster), read)

    with contextlib.ExitStack() as stage:
        if update:
            exporters = exports_to_update(out, exporters)
            patched = patch_build(out, PAPERS_FILE, inputs, fmt, read, extract, exporters, stage)
            if patched is not None:
                stage.close()  # every output in place
                return BuildReport(
                    read,
                    patched.summary,
                    [str(p) for p in patched.written],
                    time.perf_counter() - started,
                    patched.extracted,
                    patched.changed_papers,
                )
        tmp = stage.enter_context(atomic_path(out / PAPERS_FILE))
        with tmp.open("w", encoding="utf-8") as handle:
            if update:
                extractions, extracted = add_papers(
                    out / PAPERS_FILE, inputs, fmt, read, extract, index.seen
                )
                for _ in write_records(extractions, handle, index.sizes):
                    pass
            else:
                extractions = list(
                    _extract(
                        inputs,
                        handle,
                        model,
                        workers,
                        read,
                        progress,
                        fmt,
                        cluster,
                        index.seen,
                        index.sizes,
                    )
                )
        steps = {"extract": time.perf_counter() - started}
        graph = build_graph(extractions, index=index)
        index.define(extractions)
        # The graph holds what the exports need; what it does not (mentions, the records'
        # own objects) goes before the exports, which may fork writers of the graph.
        del extractions
        steps["graph"] = time.perf_counter() - started - sum(steps.values())
        written = export_graph(graph, out, exporters, stage)
        record_exports(index, chosen_exporters(exporters))
        save_index(index, stage.enter_context(atomic_path(out / INDEX_FILE)))
    steps["exports"] = time.perf_counter() - started - sum(steps.values())
    return BuildReport(
        read,
        summarise(graph),
        [str(p) for p in [out / PAPERS_FILE, *written, out / INDEX_FILE]],
        time.perf_counter() - started,
        extracted,
        steps=steps,
        built_graph=graph if keep_graph else None,
    )
