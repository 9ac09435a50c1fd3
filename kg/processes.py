"""Child processes: how they start here, how many cores there are, and writing text in pieces.

Both the extraction pool and the RDF writers fork where the platform does, so that a child
starts with what the parent already holds (a loaded pipeline, a built graph) and shares
its memory pages until it writes to them.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO


def pool_context() -> Any:
    """`fork` where it exists, else `spawn`.

    Forked workers start at once and need no `if __name__ == "__main__"` guard in the
    caller's script (spawn and forkserver re-import it). A worker only runs the pipeline
    it loads itself, never a lock or thread the parent may hold (a progress bar's monitor).
    """
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def forks() -> bool:
    """Whether worker processes started here are forked (and inherit what the parent loaded)."""
    return bool(pool_context().get_start_method() == "fork")


def cores() -> int:
    """The CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def write_in_pieces(path: Path, pieces: Sequence[Callable[[Path], None]]) -> None:
    """Run `pieces[0](path)` here and each other piece at once in a forked child, then join the files.

    Piece i writes to the file it is given; the children's files (beside `path`) are
    appended to `path` in order and removed, so `path` holds the pieces' output in order.
    A child that fails fails the whole write. Without fork the pieces run here in turn.
    """
    parts = [path.with_name(f"{path.name}.part{i}") for i in range(1, len(pieces))]
    children: list[int] = []
    try:
        if forks():
            for piece, part in zip(pieces[1:], parts, strict=True):
                children.append(_forked(piece, part))
        else:
            for piece, part in zip(pieces[1:], parts, strict=True):
                piece(part)
        pieces[0](path)
        failed = [pid for pid in children if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])]
        children.clear()
        if failed:
            raise RuntimeError(f"writing {path}: {len(failed)} of {len(pieces)} pieces failed")
        with path.open("r+b") as out:  # not "ab": copy_file_range refuses O_APPEND files
            out.seek(0, os.SEEK_END)
            for part in parts:
                _append(out, part)
    finally:
        for pid in children:  # a piece here failed: wait for the others before removing files
            os.waitpid(pid, 0)
        for part in parts:
            part.unlink(missing_ok=True)


def _append(out: BinaryIO, part: Path) -> None:
    """Append the file `part` to `out`, inside the kernel where it can (Linux's copy_file_range)."""
    with part.open("rb") as source:
        if hasattr(os, "copy_file_range"):
            out.flush()
            while os.copy_file_range(source.fileno(), out.fileno(), 1 << 30):
                pass
            out.seek(0, os.SEEK_END)
        else:
            shutil.copyfileobj(source, out, 1 << 22)


def _forked(piece: Callable[[Path], None], part: Path) -> int:
    """Start `piece(part)` in a forked child; its process id."""
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        piece(part)
    except BaseException:  # the child must never return into the parent's code
        traceback.print_exc(file=sys.stderr)
        code = 1
    finally:
        sys.stderr.flush()
        os._exit(code)
