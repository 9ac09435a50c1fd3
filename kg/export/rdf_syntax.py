"""RDF as text: quoted strings, the N-Triples and Turtle layouts of a subject's statements, writing.

Both writers put a subject's statements in N-Triples order, the sorted order of whole
lines. Every predicate is an `<…>` IRI with `>` only at its end, so that is the order of
(predicate, object) pairs. A layout says what opens a subject, what goes between two of
its statements and what closes it; terms with a prefixed name are written with it.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.graph import gc_paused

Pair = tuple[str, str]  # (predicate, object), both as N-Triples terms

# N-Triples escapes in literals, as pyoxigraph writes them (a test compares the two).
_ESCAPES = {
    **{c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F, 0xFFFE, 0xFFFF]},
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}
_CONTROL = bytes([*range(0x20), 0x7F])
_NEEDS_ESCAPE = re.compile('[\x00-\x1f\x7f"\\\\\ufffe\uffff]')


def _escape(match: re.Match[str]) -> str:
    # Replacing the matches is many times faster than str.translate on a long text.
    return _ESCAPES[ord(match[0])]


_SHORT_TEXT = 128


def quoted(value: object) -> str:
    """`value` as text in double quotes, escaped as N-Triples and Turtle strings need."""
    text = str(value)
    if len(text) < _SHORT_TEXT:
        # Names and ids: isprintable() is the quicker test there. It is also false for
        # other characters that need no escape (U+2028, U+00A0): the regular expression
        # below then escapes only what needs it.
        plain = text.isprintable()
    else:
        # Control characters are looked for in the UTF-8 bytes, where each is a byte of its
        # own: deleting them with bytes.translate is quicker than a search or isprintable().
        data = text.encode("utf-8", "surrogatepass")
        plain = len(data.translate(None, _CONTROL)) == len(data)
        plain = plain and "\ufffe" not in text and "\uffff" not in text
    if not plain:
        text = _NEEDS_ESCAPE.sub(_escape, text)
    elif '"' in text or "\\" in text:  # abstracts often quote: two replacements suffice
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


@dataclass(frozen=True, slots=True)
class Syntax:
    """A layout: `opening` a subject's statements, `between` two of them, `closing` them.

    `opening` and `between` take the subject's term; `short` holds prefixed names of terms.
    """

    opening: Callable[[str], str]
    between: Callable[[str], str]
    closing: str
    short: Mapping[str, str]

    def term(self, iri: str) -> str:
        """`<iri>` as this syntax writes it."""
        return self.short.get(iri, iri)

    def block(self, subject: str, pairs: Iterable[Pair]) -> str:
        """The statements `pairs`, in the order given, about `subject`."""
        if self.short:
            short = self.short.get
            statements = [f"{short(p, p)} {short(o, o)}" for p, o in pairs]
        else:
            statements = [f"{p} {o}" for p, o in pairs]
        return self.opening(subject) + self.between(subject).join(statements) + self.closing


@gc_paused
def write_text(path: Path, chunks: Iterator[str]) -> None:
    """Write `chunks` to `path` as UTF-8, with the cyclic garbage collector paused.

    Writing makes no reference cycles, and the first collection after a graph is built
    (with collection paused, see kg.graph) would otherwise walk every object of it.
    """
    with path.open("w", encoding="utf-8", newline="", buffering=1 << 20) as handle:
        handle.writelines(chunks)


@dataclass(frozen=True, slots=True)
class Part:
    """One stretch of a file: what makes its chunks, and about how many bytes of UTF-8 they are."""

    make: Callable[[], Iterator[str]]
    size: float = 0.0


def writers(most: int) -> int:
    """How many processes may make one file at once: a core each, at most `most`, and one
    fewer for every copy of this process's memory that the machine has no room for.

    A forked child shares the parent's memory, but CPython writes to every object it
    touches (reference counts), so the pages of what the child writes get copied: 1.7 GB
    of the 2.3 GB of a 100k-paper graph for an N-Triples file made in two parts.
    """
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        count = os.cpu_count() or 1
    room = _available_kb()
    if room is not None:
        count = min(count, 1 + room // max(1, _resident_kb()))
    return max(1, min(count, most))


def _available_kb() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None  # not Linux: no limit known


def _resident_kb() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, ValueError):
        return 0


@gc_paused
def write_parts(path: Path, parts: Sequence[Part]) -> None:
    """Write the chunks of `parts`, one part after another, to `path`: every part but the
    first made by a forked process at the same time.

    Each part is written into `path` itself at a place past the end its `size` foretells
    (with room to spare); when all are done the kernel moves them up to close the gaps
    (`os.copy_file_range` within the file) and the file is cut to length. Moving pages
    within the page cache is cheap beside writing each part to a file of its own and
    appending that: at 100k papers 0.25 s against 3 s for 1.2 GB here. Should a part
    outgrow its room, the whole file is written again by this process alone.

    Making the text is nearly all of an RDF export's time and holds the GIL: processes,
    not threads. A forked child shares the parent's graph until it writes to a page.
    Where processes cannot be forked the parts are written in turn by this process.
    """
    if len(parts) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        write_text(path, _all_chunks(parts))
        return
    context = multiprocessing.get_context("fork")
    starts = _starts(parts)
    lengths = [context.RawValue("q", 0) for _ in parts]
    path.write_bytes(b"")
    children = [
        context.Process(
            target=_write_at, args=(path, part.make(), start, stop, length), daemon=True
        )
        for part, start, stop, length in zip(
            parts[1:], starts[1:], [*starts[2:], None], lengths[1:], strict=True
        )
    ]
    try:
        for child in children:
            child.start()
        _write_at(path, parts[0].make(), 0, starts[1], lengths[0])
        for child in children:
            child.join()
        if any(child.exitcode for child in children):
            raise OSError(f"the processes writing parts of {path.name} failed")
    finally:
        for child in children:
            if child.is_alive():
                child.kill()
                child.join()
    if any(length.value < 0 for length in lengths):  # a part outgrew its room
        write_text(path, _all_chunks(parts))
        return
    _close_gaps(path, starts, [length.value for length in lengths])


def _all_chunks(parts: Sequence[Part]) -> Iterator[str]:
    return (chunk for part in parts for chunk in part.make())


_ROOM = 1.1  # times a part's foretold size that it has room for, and
_ROOM_MORE = 1 << 22  # bytes more
_PAGE = 1 << 12


def _starts(parts: Sequence[Part]) -> list[int]:
    """Where in the file each part is first written: page-aligned, each with room for the last."""
    starts = [0]
    for part in parts[:-1]:
        end = starts[-1] + int(part.size * _ROOM) + _ROOM_MORE
        starts.append(-(-end // _PAGE) * _PAGE)
    return starts


def _write_at(path: Path, chunks: Iterator[str], start: int, stop: int | None, length: Any) -> None:
    """Write `chunks` as UTF-8 into `path` from byte `start`, never at `stop` or past it,
    and set `length.value` to the bytes written, or to -1 if they would not fit."""
    fd = os.open(path, os.O_WRONLY)
    try:
        at = start
        for batch in _batched(chunks):
            if stop is not None and at + len(batch) > stop:
                length.value = -1
                return
            pwrite_all(fd, batch, at)
            at += len(batch)
    finally:
        os.close(fd)
    length.value = at - start


def _batched(chunks: Iterator[str], size: int = 1 << 20) -> Iterator[bytes]:
    """`chunks` as UTF-8, gathered into pieces of about `size` bytes, or more."""
    batch: list[bytes] = []
    total = 0
    for chunk in chunks:
        data = chunk.encode()
        batch.append(data)
        total += len(data)
        if total >= size:
            yield b"".join(batch)
            batch, total = [], 0
    if batch:
        yield b"".join(batch)


def pwrite_all(fd: int, data: bytes, at: int) -> None:
    """Write all of `data` into the file open as `fd` from byte `at`."""
    view = memoryview(data)
    while view:
        done = os.pwrite(fd, view, at)
        view, at = view[done:], at + done


def _close_gaps(path: Path, starts: list[int], lengths: list[int]) -> None:
    """Move each part written at `starts` (with `lengths`) up against the one before it, and
    cut the file after the last."""
    fd = os.open(path, os.O_RDWR)
    try:
        end = lengths[0]
        for start, length in zip(starts[1:], lengths[1:], strict=True):
            gap = start - end
            if gap:  # none when the parts before filled their room: in place already
                # Source and target of one copy may not overlap: a gap's worth at a time.
                for at in range(0, length, gap):
                    copy_range(fd, fd, start + at, start + min(at + gap, length), end + at)
            end += length
        os.ftruncate(fd, end)
    finally:
        os.close(fd)


def copy_range(source: int, target: int, start: int, stop: int, at: int) -> None:
    """Copy bytes `start:stop` of the file open as `source` into the one open as `target`
    (the same one if the ranges do not overlap), from byte `at`.

    The kernel copies (`os.copy_file_range`) where it can, not this process.
    """
    while start < stop:
        try:
            done = os.copy_file_range(source, target, stop - start, start, at)
        except (AttributeError, OSError):  # not Linux, or a file system without it
            done = os.pwrite(target, os.pread(source, min(stop - start, 1 << 24), start), at)
        if done <= 0:
            raise OSError(f"could not copy bytes {start}:{stop} of a file")
        start, at = start + done, at + done
