"""Fuzz target for the ingest parsers (atheris): any bytes through every reader.

Allowed outcomes are the documented ones: records, `Bad` items, `Unreadable` for a file
that is not text, and under `--strict` only `BadInput`. Anything else is a crash. Run by
`make fuzz` (bounded time); atheris comes with the `fuzz` extra.
"""

from __future__ import annotations

import contextlib
import io
import sys

import atheris

with atheris.instrument_imports(include=["kg"]):
    from kg.ingest.core import read_papers
    from kg.ingest.decode import Unreadable, decode_lines
    from kg.ingest.policy import Bad, BadInput, ReadReport, clean_text, to_paper
    from kg.registry import load_builtins, readers

    load_builtins("readers")  # inside the block: the reader modules are instrumented too
READERS = [readers.get(name) for name in sorted(readers.get_all())]


def _ignore(line: int, reason: str) -> None:
    pass


def check_reader(read: object, data: bytes) -> None:
    """One reader on the bytes: only records or `Bad`, and every record makes a clean paper or a `Bad`."""
    try:
        items = list(read(decode_lines(io.BytesIO(data), _ignore)))  # type: ignore[operator]
    except Unreadable:
        return
    for item in items:
        if isinstance(item, Bad):
            assert item.line >= 1 and "\n" not in item.reason, item
            continue
        record, line = item
        assert isinstance(record, dict) and line >= 1, item
        paper = to_paper(record, f"fuzz:{line}")
        if not isinstance(paper, Bad):
            for text in (paper.id, paper.title, paper.abstract):
                assert clean_text(text) == text
                text.encode("utf-8")


def test_one_input(data: bytes) -> None:
    for reader in READERS:
        check_reader(reader.read, data)
    path = _scratch(data)
    list(read_papers([path], report=ReadReport(warn=lambda line: None)))
    with contextlib.suppress(BadInput):
        list(read_papers([path], report=ReadReport(strict=True, warn=lambda line: None)))


_DIR: list[str] = []


def _scratch(data: bytes) -> str:
    """The bytes as a file the whole of `read_papers` can open (the folder made once)."""
    import os
    import tempfile

    if not _DIR:
        _DIR.append(tempfile.mkdtemp(prefix="kg-fuzz-"))
    suffix = READERS[len(data) % len(READERS)].suffixes[0]  # every reader behind read_papers too
    path = os.path.join(_DIR[0], "input" + suffix)
    with open(path, "wb") as handle:
        handle.write(data)
    return path


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
