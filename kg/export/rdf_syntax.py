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
from typing import BinaryIO

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


def quoted(value: object) -> str:
    """`value` as text in double quotes, escaped as N-Triples and Turtle strings need."""
    text = str(value)
    # Control characters are looked for in the UTF-8 bytes, where each is a byte of its
    # own: deleting them with bytes.translate is quicker than a search or isprintable().
    data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _CONTROL)) < len(data) or "\ufffe" in text or "\uffff" in text:
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


Part = Callable[[], Iterator[str]]  # makes the chunks of one stretch of a file


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
    first made by a forked process at the same time, into a file beside `path` that is
    then appended (by the kernel, `os.copy_file_range`) and removed.

    Making the text is nearly all of an RDF export's time and holds the GIL: processes,
    not threads. A forked child shares the parent's graph until it writes to a page.
    Where processes cannot be forked the parts are written in turn by this process.
    """
    if len(parts) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        write_text(path, (chunk for part in parts for chunk in part()))
        return
    context = multiprocessing.get_context("fork")
    # Named to end in `-<pid>` like the temporaries of kg.export.swap: if this process is
    # killed, the next write of the same target clears them.
    spills = [path.with_name(f"{path.name}.part{i}-{os.getpid()}") for i in range(1, len(parts))]
    children = [
        context.Process(target=write_text, args=(spill, part()), daemon=True)
        for spill, part in zip(spills, parts[1:], strict=True)
    ]
    try:
        for child in children:
            child.start()
        write_text(path, parts[0]())
        for child in children:
            child.join()
        failed = [spill.name for spill, c in zip(spills, children, strict=True) if c.exitcode]
        if failed:
            raise OSError(f"the processes writing {', '.join(failed)} failed")
        # Not opened to append: copy_file_range refuses a file opened with O_APPEND.
        with path.open("r+b") as out:
            out.seek(0, os.SEEK_END)
            for spill in spills:
                with spill.open("rb") as source:
                    append_file(source, out)
    finally:
        for child in children:
            if child.is_alive():
                child.kill()
                child.join()
        for spill in spills:
            spill.unlink(missing_ok=True)


def append_file(source: BinaryIO, out: BinaryIO, start: int = 0, stop: int | None = None) -> None:
    """Copy bytes `start:stop` (to the end by default) of `source` to the end of `out`.

    The kernel copies (`os.copy_file_range`) where it can, not this process.
    """
    out.flush()
    stop = os.fstat(source.fileno()).st_size if stop is None else stop
    while start < stop:
        try:
            done = os.copy_file_range(source.fileno(), out.fileno(), stop - start, start)
        except (AttributeError, OSError):  # not Linux, or a file system without it
            source.seek(start)
            done = out.write(source.read(min(stop - start, 1 << 24)))
        if done <= 0:
            raise OSError(f"could not copy {source.name} bytes {start}:{stop}")
        start += done
