"""Choosing a reader per file, walking folders, and turning records into distinct papers.

Readers get the decoded lines of a file and yield `(record, line)` for each record and
`Bad(line, reason)` for each one they cannot parse; what happens then (skip with a
warning, or stop under `--strict`) is decided in `kg.ingest.policy` only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.ids import normalise_title, text_hash
from kg.ingest.decode import Unreadable, text_lines
from kg.ingest.policy import Bad, BadInput, Problem, ReadReport, note, to_paper
from kg.registry import load_builtins, readers
from kg.types import Paper

__all__ = ["Bad", "BadInput", "ReadReport", "Reader", "read_papers", "reader_for"]

# What a reader yields: the fields of a record and the line it starts on, or a bad record.
Item = tuple[dict[str, Any], int] | Bad
ReaderFn = Callable[[Iterator[str]], Iterator[Item]]


@dataclass(frozen=True)
class Reader:
    """A registered reader: its name, the file endings it takes, and the function."""

    name: str
    suffixes: tuple[str, ...]
    read: ReaderFn


def register_reader(name: str, suffixes: tuple[str, ...]) -> Callable[[ReaderFn], ReaderFn]:
    """Register `read(lines) -> Iterator[(record, line) | Bad]` under `name` for files ending in `suffixes`."""

    def wrap(fn: ReaderFn) -> ReaderFn:
        readers.register(name, func=Reader(name, suffixes, fn))
        return fn

    return wrap


def reader_for(path: Path, fmt: str | None = None) -> Reader:
    """The reader named `fmt`, or the one whose suffix matches `path` (longest suffix wins)."""
    load_builtins("readers")
    all_readers: list[Reader] = [readers.get(name) for name in sorted(readers.get_all())]
    if fmt:
        return readers.get(fmt)  # type: ignore[no-any-return]
    name = path.name.lower()
    matches = [(len(s), r) for r in all_readers for s in r.suffixes if name.endswith(s)]
    if not matches:
        raise ValueError(f"{path}: no reader for this file type (use --format)")
    return max(matches, key=lambda m: m[0])[1]


def _walk(folder: Path, seen: set[str]) -> Iterator[Path]:
    """Files under `folder` in name order; hidden entries skipped, symlinked folders followed once."""
    seen.add(os.path.realpath(folder))
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if os.path.realpath(entry) not in seen:
                yield from _walk(entry, seen)
        else:
            yield entry


def _expand(paths: Iterable[str | Path]) -> Iterator[Path]:
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path, seen)
        else:
            yield path


def _records(path: Path, fmt: str | None, report: ReadReport) -> Iterator[tuple[Any, int]]:
    """The records of one file as (record, line); every bad record or file goes to the policy."""

    def repair(line: int, reason: str) -> None:
        note(report, Problem(str(path), line, reason), skipped=False)

    try:
        reader = reader_for(path, fmt)
        if not path.is_file():
            raise Unreadable(_missing(path))
        if path.stat().st_size == 0:
            raise Unreadable("empty file")
        report.files += 1
        items = 0
        for item in reader.read(text_lines(path, repair)):
            items += 1
            if isinstance(item, Bad):
                note(report, Problem(str(path), item.line, item.reason), item.skipped)
            else:
                yield item
        if not items:
            raise Unreadable("no papers found in this file")
    except BadInput:
        raise
    except (ValueError, OSError) as err:  # Unreadable, a reader's ValueError, or the OS
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        note(report, Problem(str(path), 1, reason.removeprefix(f"{path}: ")))


@dataclass
class Seen:
    """What the duplicate rules remember of the papers read: id → (content key, source), and abstract keys."""

    first: dict[str, tuple[str, str]] = field(default_factory=dict)
    texts: set[str] = field(default_factory=set)


def paper_keys(paper: Paper) -> tuple[str, str]:
    """What the duplicate rules compare: a key of title and abstract, and one of the abstract ("" if none)."""
    abstract = normalise_title(paper.abstract)
    text_key = text_hash(abstract) if abstract else ""
    return text_hash(normalise_title(paper.title) + "\n" + abstract), text_key


def _missing(path: Path) -> str:
    if path.is_symlink():
        return "broken or looping symbolic link"
    return "no such file" if not path.exists() else "not a regular file"


def read_papers(
    paths: Iterable[str | Path],
    fmt: str | None = None,
    report: ReadReport | None = None,
    known: Iterable[Paper] = (),
    seen: Seen | None = None,
) -> Iterator[Paper]:
    """Yield each distinct paper once from files or folders, in input order.

    A paper seen again (same id, or same normalised abstract) is dropped; one with a seen
    id but other text is a bad record. Title-less papers are held back to the end, so
    that a titled copy met later wins. `known` papers (already read and cleaned, such as
    a built graph's) come first, as if read from a file ahead of `paths`. `seen` holds
    what the rules remember of papers read before (it is filled as papers are read).
    """
    report = report if report is not None else ReadReport()
    seen = seen if seen is not None else Seen()
    first, seen_texts = seen.first, seen.texts

    def fresh(paper: Paper, where: tuple[str, int]) -> bool:
        content, text_key = paper_keys(paper)
        if paper.id in first and first[paper.id][0] != content:
            reason = f"id {paper.id!r} was read before with other text ({first[paper.id][1]})"
            note(report, Problem(*where, reason))
            return False
        if paper.id in first or (text_key and text_key in seen_texts):
            report.duplicates += 1
            return False
        first[paper.id] = (content, paper.source)
        if text_key:
            seen_texts.add(text_key)
        return True

    if fmt:
        load_builtins("readers")
        if fmt not in readers.get_all():
            raise BadInput(
                f"unknown format {fmt!r} (choose from {', '.join(sorted(readers.get_all()))})"
            )
    held: list[tuple[Paper, tuple[str, int]]] = []

    def admit(paper: Paper, where: tuple[str, int]) -> bool:
        """Whether to yield `paper` now (a title-less one waits in `held`)."""
        if not paper.title:
            held.append((paper, where))
            return False
        if fresh(paper, where):
            report.papers += 1
            return True
        return False

    for line, given in enumerate(known, 1):
        if admit(given, ("(known papers)", line)):
            yield given
    for path in _expand(paths):
        for record, line in _records(path, fmt, report):
            where = (str(path), line)
            paper = to_paper(record, f"{path.name}:{line}")
            if isinstance(paper, Bad):
                note(report, Problem(*where, paper.reason))
            elif admit(paper, where):
                yield paper
    for paper, where in held:
        if fresh(paper, where):
            report.papers += 1
            yield paper
