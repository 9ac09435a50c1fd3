"""Undoing the in-place edits of an update that did not finish: an undo log (write-ahead).

Before an update overwrites anything in place (kg.export.splice), the bytes it will
overwrite and each file's size go to `.journal.json` in the graph folder, synced to disk.
The update's last step puts the new index.json in place, naming the journal's token;
only then does the journal go. A journal found later belongs to an update that failed or
was killed: if the index names its token, the update had finished and only the
journal's removal was lost; otherwise every file is put back as it was.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from kg.export.rdf_syntax import pwrite_all
from kg.export.splice import Edit

JOURNAL = ".journal.json"


def _read(fd: int, start: int, length: int) -> bytes:
    parts = []
    while length > 0:
        part = os.pread(fd, length, start)
        if not part:
            break
        parts.append(part)
        start, length = start + len(part), length - len(part)
    return b"".join(parts)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _save(folder: Path, token: str, edits: list[Edit]) -> None:
    """Write the journal of `edits`: what each file held where they write, and its size."""
    files = []
    for edit in edits:
        fd = os.open(edit.path, os.O_RDONLY)
        try:
            size = os.fstat(fd).st_size
            regions = [(a, _read(fd, a, b - a)) for a, b in [*edit.blanks, (edit.at, size)]]
        finally:
            os.close(fd)
        saved = [[a, base64.b64encode(raw).decode("ascii")] for a, raw in regions if raw]
        files.append({"file": edit.path.name, "size": size, "saved": saved})
    tmp = folder / (JOURNAL + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump({"token": token, "files": files}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, folder / JOURNAL)
    _sync_folder(folder)


def apply_edits(folder: Path, token: str, edits: list[Edit]) -> None:
    """Journal `edits`, then make them, each file synced to disk."""
    _save(folder, token, edits)
    for edit in edits:
        fd = os.open(edit.path, os.O_RDWR)
        try:
            for a, b in edit.blanks:
                pwrite_all(fd, edit.blank(_read(fd, a, b - a)), a)
            pwrite_all(fd, edit.text, edit.at)
            os.ftruncate(fd, edit.at + len(edit.text))
            os.fsync(fd)
        finally:
            os.close(fd)


def undo(folder: Path) -> None:
    """Put every file the journal in `folder` names back as it was, then drop the journal."""
    data = json.loads((folder / JOURNAL).read_text(encoding="utf-8"))
    for entry in data["files"]:
        path = folder / entry["file"]
        if not path.exists():
            continue
        fd = os.open(path, os.O_RDWR)
        try:
            for at, raw in entry["saved"]:
                pwrite_all(fd, base64.b64decode(raw), at)
            os.ftruncate(fd, entry["size"])
            os.fsync(fd)
        finally:
            os.close(fd)
    finish(folder)


def finish(folder: Path) -> None:
    """Drop the journal in `folder`: its update is complete."""
    with contextlib.suppress(FileNotFoundError):
        (folder / JOURNAL).unlink()
        _sync_folder(folder)


def recover(folder: Path, index_token: Callable[[], str | None]) -> None:
    """Settle a journal left in `folder` by an update that did not finish (see the module).

    `index_token()` reads the token of the index in place; it is called only if there is
    a journal.
    """
    with contextlib.suppress(FileNotFoundError):
        (folder / (JOURNAL + ".tmp")).unlink()  # never in place: nothing was edited after it
    if not (folder / JOURNAL).exists():
        return
    data = json.loads((folder / JOURNAL).read_text(encoding="utf-8"))
    if data["token"] == index_token():
        finish(folder)
    else:
        undo(folder)


@contextlib.contextmanager
def journalled(folder: Path) -> Iterator[None]:
    """Undo the journalled edits in `folder` if the block fails; drop the journal if it succeeds.

    Enter this before the index's own `atomic_path`, so the index is in place first.
    """
    try:
        yield
    except BaseException:
        if (folder / JOURNAL).exists():
            undo(folder)
        raise
    finish(folder)
