"""Patching a sorted export where it lies: stale units blanked, new ones appended as a sorted run.

A full export is a header, a body of units sorted by a key read from each unit's start,
and a footer (N-Triples lines by subject, Turtle blocks by subject, GraphML lines by
element). An update does not copy the file. The units of the changed subjects are
overwritten by a comment of the same length (`Layout.blank`), and the new blocks are
written where the body ends, in key order, as one more sorted run; the footer moves
behind it. Later updates look for a subject in every run, by a galloping search that
steps over blanked units; a subject whose new text is its old text is left alone. The
file then holds the statements of a full export in another order, and a full rebuild
gives the sorted file again (kg.incremental rebuilds once the runs grow too long). The
cost is a few searches per change and the new bytes, whatever the size of the file.
"""

from __future__ import annotations

import bisect
import dataclasses
import mmap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

Buffer = mmap.mmap | bytes
Run = tuple[int, int]


@dataclass(frozen=True)
class Layout:
    """How units sit in a sorted export.

    `body(buf)` gives where the sorted units start and end; `unit(buf, x, end)` the first
    unit start at or after `x` (`end` if none); `key(buf, u)` the sort key of the unit at
    `u`; `block_key(text)` the key of a new block of text (which starts with its unit);
    `dead(buf, u)` whether the unit at `u` has been blanked; `blank(raw)` a comment of the
    same length as the units `raw`, line for line.
    """

    body: Callable[[Buffer], tuple[int, int]]
    unit: Callable[[Buffer, int, int], int]
    key: Callable[[Buffer, int], bytes]
    block_key: Callable[[str], bytes]
    dead: Callable[[Buffer, int], bool]
    blank: Callable[[bytes], bytes]


def just(key: bytes) -> tuple[bytes, bytes]:
    """The key range holding `key` only."""
    return key, key + b"\x00"


def prefixed(prefix: bytes) -> tuple[bytes, bytes]:
    """The key range of every key starting with `prefix`."""
    return prefix, prefix[:-1] + bytes([prefix[-1] + 1])


def live(layout: Layout) -> Layout:
    """`layout` whose `unit` steps over blanked units."""
    unit, dead = layout.unit, layout.dead

    def next_live(buf: Buffer, x: int, end: int) -> int:
        u = unit(buf, x, end)
        while u < end and dead(buf, u):
            u = unit(buf, u + 1, end)
        return u

    return dataclasses.replace(layout, unit=next_live)


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


@dataclass(frozen=True)
class Edit:
    """Changes to one file, in place: each of `blanks` (start, end) made `blank` of itself,
    then from byte `at` the bytes `text`, where the file ends; `runs` its sorted runs after."""

    path: Path
    blanks: list[Run]
    at: int
    text: bytes
    runs: list[Run] = dataclasses.field(default_factory=list)
    blank: Callable[[bytes], bytes] = bytes


def plan(
    path: Path,
    layout: Layout,
    runs: list[Run],
    drops: Iterable[tuple[bytes, bytes]],
    blocks: Iterable[str],
) -> Edit:
    """The edit that takes the units whose keys fall in `drops` out of the export at `path`
    (sorted runs `runs`, or its body if none) and adds `blocks` (in key order, as the
    exporter writes them)."""
    step = live(layout)
    new = [(layout.block_key(text), text.encode("utf-8")) for text in blocks]
    keys = [key for key, _ in new]
    with path.open("rb") as source:
        size = path.stat().st_size
        buf: Buffer = mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        try:
            start, end = layout.body(buf)
            runs = runs or [(start, end)]
            cursors = [a for a, _ in runs]
            blanks: list[Run] = []
            kept = [True] * len(new)
            for low, high in _merged(drops):
                found = []
                for r, (_, stop) in enumerate(runs):
                    a = find(buf, step, cursors[r], stop, low)
                    b = find(buf, step, a, stop, high)
                    cursors[r] = b
                    found += _live_units(buf, layout, a, b)
                i, j = bisect.bisect_left(keys, low), bisect.bisect_left(keys, high)
                if found and b"".join(buf[u:v] for u, v in found) == b"".join(
                    text for _, text in new[i:j]
                ):
                    kept[i:j] = [False] * (j - i)  # the same text: nothing to do
                else:
                    blanks += found
            text = b"".join(t for (_, t), keep in zip(new, kept, strict=True) if keep)
            tail = bytes(buf[end:])
        finally:
            if isinstance(buf, mmap.mmap):
                buf.close()
    added = [(end, end + len(text))] if text else []
    return Edit(path, blanks, end, text + tail, runs + added, layout.blank)


def _merged(drops: Iterable[tuple[bytes, bytes]]) -> Iterator[tuple[bytes, bytes]]:
    """The key ranges `drops`, sorted, overlapping ones joined."""
    low = high = b""
    for a, b in sorted(drops):
        if high and a <= high:
            high = max(high, b)
            continue
        if high:
            yield low, high
        low, high = a, b
    if high:
        yield low, high


def _live_units(buf: Buffer, layout: Layout, a: int, b: int) -> list[Run]:
    """The (start, end) of each unit from `a` up to `b` that is not blanked."""
    found = []
    u = a
    while u < b:
        v = layout.unit(buf, u + 1, b)
        if not layout.dead(buf, u):
            found.append((u, v))
        u = v
    return found


def hash_lines(raw: bytes) -> bytes:
    """`raw` with each non-empty line made a `#` comment of the same length."""
    return _each_line(raw, lambda line: b"#" + b" " * (len(line) - 1))


def xml_lines(raw: bytes) -> bytes:
    """`raw` with each non-empty line made an indented `<!-- -->` comment of the same length."""

    def comment(line: bytes) -> bytes:
        if len(line) < 11:
            raise ValueError(f"a line too short to blank as an XML comment: {line!r}")
        return b"    <!--" + b" " * (len(line) - 11) + b"-->"

    return _each_line(raw, comment)


def _each_line(raw: bytes, make: Callable[[bytes], bytes]) -> bytes:
    return b"\n".join(make(line) if line else line for line in raw.split(b"\n"))


def line_unit(buf: Buffer, x: int, end: int) -> int:
    """The first line start at or after `x`."""
    if x == 0 or buf[x - 1] == 10:
        return min(x, end)
    found = buf.find(b"\n", x, end)
    return end if found < 0 else found + 1


def up_to(buf: Buffer, u: int, stop: bytes) -> bytes:
    """The bytes from `u` to the first `stop` after it."""
    return bytes(buf[u : buf.find(stop, u)])
