"""Patching a sorted export in place of rewriting it: old blocks dropped, new ones put where they sort.

An export written as a header, a body of units sorted by a key read from each unit's
start, and a footer (N-Triples lines by subject, Turtle blocks by subject, GraphML
lines by element) can be changed by a few subjects without being made again: each
change is found by binary search over the old file (memory-mapped), and the bytes
between changes are copied as they are. The cost is a search per change plus one copy
of the file, at disk speed, instead of making every statement's text again.
"""

from __future__ import annotations

import heapq
import mmap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.export.rdf_syntax import append_file

Buffer = mmap.mmap | bytes


@dataclass(frozen=True)
class Layout:
    """How units sit in a sorted export.

    `body(buf)` gives where the sorted units start and end; `unit(buf, x, end)` the first
    unit start at or after `x` (`end` if none); `key(buf, u)` the sort key of the unit at
    `u`; `block_key(text)` the key of a new block of text (which starts with its unit).
    """

    body: Callable[[Buffer], tuple[int, int]]
    unit: Callable[[Buffer, int, int], int]
    key: Callable[[Buffer, int], bytes]
    block_key: Callable[[str], bytes]


def just(key: bytes) -> tuple[bytes, bytes]:
    """The key range holding `key` only."""
    return key, key + b"\x00"


def prefixed(prefix: bytes) -> tuple[bytes, bytes]:
    """The key range of every key starting with `prefix`."""
    return prefix, prefix[:-1] + bytes([prefix[-1] + 1])


def find(buf: Buffer, layout: Layout, start: int, end: int, key: bytes) -> int:
    """The start of the first unit at or after `start` whose key is `key` or after it (`end` if none).

    A galloping search (Bentley & Yao 1976): the unit at `start`, then probes at `start` +
    1 KiB, 2 KiB, 4 KiB, … until one reaches a unit of `key` or after, then a binary search
    below it. Changes come in key order and each search starts where the last ended, so a
    change near the last costs a few probes, not a search of the whole file.
    """
    first = layout.unit(buf, start, end)
    if first >= end or layout.key(buf, first) >= key:
        return first
    lo, step = first + 1, 1024
    while lo + step < end:
        u = layout.unit(buf, lo + step, end)
        if u >= end or layout.key(buf, u) >= key:
            return _bisect(buf, layout, lo, u, key)
        lo, step = u + 1, step * 2  # no unit of `key` or after up to `u`
    return _bisect(buf, layout, lo, end, key)


def _bisect(buf: Buffer, layout: Layout, start: int, end: int, key: bytes) -> int:
    """`find` by binary search, where `end` is the file's end or a unit of `key` or after."""
    lo, hi = start, end
    while lo < hi:
        mid = (lo + hi) // 2
        u = layout.unit(buf, mid, end)
        if u < end and layout.key(buf, u) < key:
            lo = u + 1  # no unit starts between `mid` and `u`
        else:
            hi = mid
    return layout.unit(buf, lo, end)


def _changes(
    drops: Iterable[tuple[bytes, bytes]], blocks: Iterable[str], layout: Layout
) -> Iterator[tuple[bytes, int, bytes, str]]:
    """Drops (kind 0) and insertions (kind 1) in key order, a drop before an insertion at the same key."""
    ranges = ((low, 0, high, "") for low, high in sorted(drops))
    inserts = ((layout.block_key(text), 1, b"", text) for text in blocks)
    return heapq.merge(ranges, inserts, key=lambda change: change[:2])


def splice(
    old: Path,
    new: Path,
    layout: Layout,
    drops: Iterable[tuple[bytes, bytes]],
    blocks: Iterable[str],
) -> None:
    """Write to `new` the file `old` without the units whose keys fall in `drops`, plus `blocks`.

    `blocks` must come in key order, as the exporter writes them. Unchanged stretches are
    copied by the kernel (`os.copy_file_range`) where it can, not through this process.
    """
    with old.open("rb") as source, new.open("wb") as out:
        size = old.stat().st_size
        buf: Buffer = mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        try:
            start, end = layout.body(buf)
            cur = 0
            for low, kind, high, text in _changes(drops, blocks, layout):
                # Units before `cur` are settled: the search starts at the first after it.
                at = find(buf, layout, max(cur, start), end, low)
                append_file(source, out, cur, at)
                if kind == 0:
                    cur = find(buf, layout, at, end, high)
                else:
                    out.write(text.encode("utf-8"))
                    cur = at
            append_file(source, out, cur, size)
        finally:
            if isinstance(buf, mmap.mmap):
                buf.close()


def line_unit(buf: Buffer, x: int, end: int) -> int:
    """The first line start at or after `x`."""
    if x == 0 or buf[x - 1] == 10:
        return min(x, end)
    found = buf.find(b"\n", x, end)
    return end if found < 0 else found + 1


def up_to(buf: Buffer, u: int, stop: bytes) -> bytes:
    """The bytes from `u` to the first `stop` after it."""
    return bytes(buf[u : buf.find(stop, u)])
