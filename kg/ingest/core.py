"""Choosing a reader per file, making stable ids and dropping duplicate papers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.ids import normalise_title, paper_id, text_hash
from kg.registry import load_builtins, readers
from kg.types import Paper

log = logging.getLogger(__name__)

# A raw record: the fields a reader found, and the line it started on.
Record = tuple[dict[str, Any], int]
ReaderFn = Callable[[Path], Iterator[Record]]


@dataclass(frozen=True)
class Reader:
    """A registered reader: its name, the file endings it takes, and the function."""

    name: str
    suffixes: tuple[str, ...]
    read: ReaderFn


def register_reader(name: str, suffixes: tuple[str, ...]) -> Callable[[ReaderFn], ReaderFn]:
    """Register `read(path) -> Iterator[(record, line)]` under `name` for files ending in `suffixes`."""

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


@dataclass
class ReadReport:
    """Counts of what reading saw: papers yielded, duplicates dropped, records skipped."""

    papers: int = 0
    duplicates: int = 0
    skipped: int = 0
    files: int = 0
    warnings: list[str] = field(default_factory=list)


def _expand(paths: Iterable[str | Path]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
            )
        else:
            yield path


def _to_paper(record: dict[str, Any], source: str) -> Paper:
    date = record.get("date") or record.get("update_date") or record.get("published")
    if not date and record.get("year"):
        date = str(record["year"]) + (f"-{int(record['month']):02d}" if record.get("month") else "")
    return Paper(
        id=paper_id(record),
        title=str(record.get("title") or "").strip(),
        abstract=str(record.get("abstract") or "").strip(),
        source=source,
        date=str(date) if date else None,
    )


def read_papers(
    paths: Iterable[str | Path], fmt: str | None = None, report: ReadReport | None = None
) -> Iterator[Paper]:
    """Yield each distinct paper once from files or folders, in input order.

    A paper seen again (same id, or same normalised abstract) is dropped. Title-less
    papers are held back to the end, so that a titled copy met later wins.
    """
    report = report if report is not None else ReadReport()
    seen_ids: set[str] = set()
    seen_texts: set[str] = set()
    held: list[Paper] = []

    def fresh(paper: Paper) -> bool:
        text_key = text_hash(normalise_title(paper.abstract)) if paper.abstract else ""
        if paper.id in seen_ids or (text_key and text_key in seen_texts):
            report.duplicates += 1
            return False
        seen_ids.add(paper.id)
        if text_key:
            seen_texts.add(text_key)
        return True

    for path in _expand(paths):
        reader = reader_for(path, fmt)
        report.files += 1
        for record, line in reader.read(path):
            paper = _to_paper(record, f"{path.name}:{line}")
            if not paper.title and not paper.abstract:
                report.skipped += 1
                continue
            if not paper.title:
                held.append(paper)
            elif fresh(paper):
                report.papers += 1
                yield paper
    for paper in held:
        if fresh(paper):
            report.papers += 1
            yield paper
