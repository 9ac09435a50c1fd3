"""Bytes to text lines: refusing binary files and reading any encoding a corpus is likely to have.

A byte-order mark names the encoding (UTF-8, UTF-16, UTF-32); UTF-16 without one is
recognised by its zero bytes. Otherwise each line is UTF-8 when it decodes as UTF-8 and
cp1252 (a superset of Latin-1's printable range) when it does not, so files of mixed
encodings read line by line; the first such line is reported as a repair.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

# Leading bytes of file types that are never text (compressed, images, documents, databases).
MAGIC = {
    b"\x1f\x8b": "gzip",
    b"PK\x03\x04": "zip",
    b"BZh91AY&SY": "bzip2",
    b"\xfd7zXZ\x00": "xz",
    b"\x28\xb5\x2f\xfd": "zstd",
    b"7z\xbc\xaf\x27\x1c": "7z",
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
    b"%PDF-": "PDF",
    b"\x7fELF": "ELF",
    b"SQLite format 3\x00": "SQLite",
    b"PAR1": "Parquet",
    b"\x93NUMPY": "NumPy",
}
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
SAMPLE = 8192
# Share of bytes in the sample that are control bytes or undecodable before a file counts as
# binary: random bytes score about 0.5, Latin-1 prose under 0.05.
BINARY_SHARE = 0.3
_CONTROL = frozenset(range(32)) - {9, 10, 12, 13, 27}
# A carriage return alone ends a line too (old Mac files), as in Python's universal newlines.
_LONE_CR = re.compile(rb"(?<=\r)(?!\n)(?=.)", re.S)

Repair = Callable[[int, str], None]


class Unreadable(ValueError):
    """A file that is not text: carries the reason."""


def _utf16_without_bom(sample: bytes) -> str | None:
    """`utf-16-le`/`-be` when the sample's zero bytes sit at odd/even offsets like ASCII in UTF-16."""
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    for encoding, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros.count(0) >= 0.4 * len(zeros) and other.count(0) <= 0.05 * len(other):
            try:
                sample.decode(encoding)
            except UnicodeDecodeError as err:
                if err.start < len(sample) - 2:  # only a surrogate pair cut by the sample may fail
                    continue
            return encoding
    return None


def sniff(sample: bytes) -> tuple[str | None, int]:
    """(encoding, length of its byte-order mark) the sample names; no encoding means line-by-line UTF-8/cp1252.

    Raises `Unreadable` for binary data.
    """
    for bom, encoding in BOMS:
        if sample.startswith(bom):
            return encoding, len(bom)
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return utf16, 0
    for magic, name in MAGIC.items():
        if sample.startswith(magic):
            raise Unreadable(f"binary file ({name}), not text")
    if sample:
        bad = sum(1 for byte in sample if byte in _CONTROL)
        bad += sample.decode("utf-8", "replace").count("\ufffd")
        if bad / len(sample) > BINARY_SHARE:
            raise Unreadable("binary data, not text")
    return None, 0


def _line(raw: bytes, number: int, repair: Repair) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        text = raw.decode("latin-1")
    repair(number, "not valid UTF-8, read as cp1252")
    return text


def text_lines(path: Path, repair: Repair) -> Iterator[str]:
    """The lines of `path` as text, line endings kept; `repair(line, reason)` hears of the first fallback."""
    with path.open("rb") as handle:
        yield from decode_lines(handle, repair)


def decode_lines(handle: BinaryIO, repair: Repair) -> Iterator[str]:
    """The lines of a seekable binary stream as text (see `text_lines`)."""
    encoding, bom = sniff(handle.read(SAMPLE))
    handle.seek(bom)
    if encoding and encoding != "utf-8-sig":
        yield from io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="")
        return
    repaired = False

    def once(number: int, reason: str) -> None:
        nonlocal repaired
        if not repaired:
            repaired = True
            repair(number, reason + " (here and in any later such line)")

    pieces = (piece for raw in handle for piece in _LONE_CR.split(raw))
    for number, raw in enumerate(pieces, start=1):
        yield _line(raw, number, once)
