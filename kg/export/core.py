"""The exporter contract and atomic writes."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from kg.export.splice import Layout
from kg.export.swap import clear_leftovers, put_in_place, remove, temporary
from kg.registry import exporters, load_builtins

ExportFn = Callable[[nx.MultiDiGraph, Path], None]


@dataclass(frozen=True)
class GraphPatch:
    """A change to a built graph (kg.incremental): what goes, and what comes in its place.

    `graph` holds every changed node as it now is (entities named) and every link of the
    changed papers; `nodes` are the (id, kind) of the nodes whose old statements go (all
    changed nodes, some of them gone for good), `links` the ids of the links that go.
    """

    graph: nx.MultiDiGraph
    nodes: list[tuple[str, str]]
    links: list[str]

    def papers(self) -> list[str]:
        """The ids of the changed papers: every one of their old links goes."""
        return [node for node, kind in self.nodes if kind == "Paper"]


PatchFn = Callable[[GraphPatch, Path, Path], None]


@dataclass(frozen=True)
class Sorted:
    """How a file written in sorted units is patched in place (kg.export.splice): its
    layout, the key ranges a `GraphPatch` takes out, and the blocks of a graph in key order."""

    layout: Layout
    drops: Callable[[GraphPatch], list[tuple[bytes, bytes]]]
    blocks: Callable[[nx.MultiDiGraph], Iterable[str]]


@dataclass(frozen=True)
class Exporter:
    """A registered exporter: its name, the file (or folder) it writes in the graph folder, and the function.

    An update patches the output in place if the exporter is `sorted`; otherwise
    `patch(change, old, new)`, if the exporter has one, writes to `new` the output `old`
    with a `GraphPatch` applied: the output a full export of the changed graph gives.
    """

    name: str
    filename: str
    write: ExportFn
    patch: PatchFn | None = None
    sorted: Sorted | None = None


def register_exporter(
    name: str, filename: str, patch: PatchFn | None = None, sorted: Sorted | None = None
) -> Callable[[ExportFn], ExportFn]:
    """Register `write(graph, path)` as exporter `name`, writing `filename` in a graph folder."""

    def wrap(fn: ExportFn) -> ExportFn:
        exporters.register(name, func=Exporter(name, filename, fn, patch, sorted))
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


def chosen_exporters(names: list[str] | None = None) -> list[Exporter]:
    """The registered exporters called `names`, or all of them in name order."""
    load_builtins("exporters")
    return [exporters.get(name) for name in names or sorted(exporters.get_all())]


def exports_to_update(out_dir: Path, names: list[str] | None) -> list[str] | None:
    """The exporters an update of `out_dir` runs: `names` and every other registered one
    whose output is already there, so that no export is left behind papers.jsonl."""
    if names is None:
        return None  # all of them
    load_builtins("exporters")
    present = {name for name, e in exporters.get_all().items() if (out_dir / e.filename).exists()}
    return sorted(set(names) | present)


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
    written = []
    with contextlib.ExitStack() as own:
        for exporter in chosen_exporters(names):
            target = out_dir / exporter.filename
            exporter.write(graph, (stage or own).enter_context(atomic_path(target)))
            written.append(target)
    return written
