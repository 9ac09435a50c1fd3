"""The exporter contract and atomic writes."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from kg.export.swap import clear_leftovers, put_in_place, remove, temporary
from kg.registry import exporters, load_builtins

ExportFn = Callable[[nx.MultiDiGraph, Path], None]


@dataclass(frozen=True)
class Exporter:
    """A registered exporter: its name, the file (or folder) it writes in the graph folder, and the function."""

    name: str
    filename: str
    write: ExportFn


def register_exporter(name: str, filename: str) -> Callable[[ExportFn], ExportFn]:
    """Register `write(graph, path)` as exporter `name`, writing `filename` in a graph folder."""

    def wrap(fn: ExportFn) -> ExportFn:
        exporters.register(name, func=Exporter(name, filename, fn))
        return fn

    return wrap


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target` in one step.

    On failure (or if the process is killed) `target` is left as it was; temporaries of
    killed runs are removed the next time the same target is written.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(target)
    tmp = temporary(target)
    remove(tmp)
    try:
        yield tmp
        put_in_place(tmp, target)
    finally:
        remove(tmp)


def export_graph(
    graph: nx.MultiDiGraph,
    out_dir: Path,
    names: list[str] | None = None,
    stage: contextlib.ExitStack | None = None,
) -> list[Path]:
    """Run the named exporters (all registered ones by default) into `out_dir`.

    Every output is written to a temporary first; all are put in place together at the
    end, or when `stage` closes if one is given (so a caller can add its own outputs).
    """
    load_builtins("exporters")
    written = []
    with contextlib.ExitStack() as own:
        for name in names or sorted(exporters.get_all()):
            exporter: Exporter = exporters.get(name)
            target = out_dir / exporter.filename
            exporter.write(graph, (stage or own).enter_context(atomic_path(target)))
            written.append(target)
    return written
