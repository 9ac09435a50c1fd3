"""The exporter contract and atomic writes."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

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
    """Yield a temporary path beside `target`; on success it replaces `target` in one rename.

    On failure the temporary is removed and `target` is left as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        yield tmp
        if target.is_dir() and not target.is_symlink():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists():
            tmp.unlink()


def export_graph(
    graph: nx.MultiDiGraph, out_dir: Path, names: list[str] | None = None
) -> list[Path]:
    """Run the named exporters (all registered ones by default) into `out_dir`."""
    load_builtins("exporters")
    written = []
    for name in names or sorted(exporters.get_all()):
        exporter: Exporter = exporters.get(name)
        target = out_dir / exporter.filename
        with atomic_path(target) as tmp:
            exporter.write(graph, tmp)
        written.append(target)
    return written
