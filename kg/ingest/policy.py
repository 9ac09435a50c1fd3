"""The bad-input policy: what a bad record is, how its text is cleaned, and what happens to it.

Readers only parse; every judgement about a record (cleaning, limits, ids) and every
warning or failure goes through this module, also a paper the extractor raised on.
Default: the record is skipped with one line `file:line: reason` and counted. Strict: the
first problem raises `BadInput` with that same line. Cleaning removes only characters no
text should hold (NUL and other C0/C1 controls but tab and newlines, lone surrogates,
U+FFFE/U+FFFF) and keeps right-to-left text, combining marks, zero-width joiners and emoji
exactly, so mention offsets stay offsets into the stored text.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.ids import paper_id
from kg.types import Extraction, Paper

log = logging.getLogger("kg.ingest")

# Longest title or abstract read, in characters: about twenty times the longest abstract in
# the seeds, and far below spaCy's `max_length` for the joined document.
MAX_CHARS = 100_000
NO_TEXT = "no title or abstract"

_GARBAGE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class Bad:
    """What a reader yields for a record it cannot read: its line and why.

    `skipped` is False for a repair (the record is still read, e.g. decoded as cp1252).
    """

    line: int
    reason: str
    skipped: bool = True


@dataclass(frozen=True)
class Problem:
    """A bad record or file, located: printed as `file:line: reason`."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}: {self.reason}"


class BadInput(ValueError):
    """Input that cannot be used: raised at the first problem under `--strict`, or when nothing was read."""


@dataclass
class ReadReport:
    """Counts of what reading saw, and the policy for bad records.

    `strict` turns the first problem into `BadInput`; `warn` receives each warning line
    (default: the `kg.ingest` logger).
    """

    papers: int = 0
    duplicates: int = 0
    skipped: int = 0
    files: int = 0
    unextracted: int = 0  # papers kept with nothing found: the extractor raised on them
    warnings: list[str] = field(default_factory=list)
    strict: bool = False
    warn: Callable[[str], None] | None = None


def note(report: ReadReport, problem: Problem | str, skipped: bool = True) -> None:
    """Apply the policy to one problem: fail if strict, else warn (and count a skip)."""
    if report.strict:
        raise BadInput(str(problem))
    line = f"{problem}" + ("; skipped" if skipped else "")
    report.warnings.append(line)
    if skipped:
        report.skipped += 1
    if report.warn is not None:
        report.warn(line)
    else:
        log.warning("%s", line)


def printable(text: str) -> str:
    """`text` with control characters and lone surrogates escaped, so a message stays one line."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def clean_text(text: str) -> str:
    """`text` without the characters no text should hold; everything else kept exactly."""
    return _GARBAGE.sub("", text)


def _scalar(value: Any) -> str | None:
    """A record value as cleaned text, or None when it is missing, empty or not a string or number."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    text = clean_text(str(value)).strip()
    return text or None


def _month(value: Any) -> int | None:
    text = (_scalar(value) or "").lower()
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    return _MONTHS.index(text[:3]) + 1 if text[:3] in _MONTHS else None


def _date(record: Mapping[str, Any]) -> str | None:
    for key in ("date", "update_date", "published"):
        date = _scalar(record.get(key))
        if date:
            return date
    year = _scalar(record.get("year"))
    if not year:
        return None
    month = _month(record.get("month"))
    return year + (f"-{month:02d}" if month else "")


def to_paper(record: Mapping[str, Any], source: str) -> Paper | Bad:
    """The cleaned paper of a raw record, or why the record is bad (its `line` is left 0)."""
    raw_id = record.get("id")
    if raw_id is not None and (
        isinstance(raw_id, bool) or not isinstance(raw_id, str | int | float)
    ):
        return Bad(0, f"id is not a string or number ({type(raw_id).__name__})")
    cleaned: dict[str, Any] = {
        key: clean_text(value) if isinstance(value, str) else value for key, value in record.items()
    }
    cleaned["id"] = _scalar(raw_id)
    title = str(cleaned.get("title") or "").strip()
    abstract = str(cleaned.get("abstract") or "").strip()
    if not title and not abstract:
        return Bad(0, NO_TEXT)
    for name, text in (("title", title), ("abstract", abstract)):
        if len(text) > MAX_CHARS:
            return Bad(0, f"{name} has {len(text):,} characters (limit {MAX_CHARS:,})")
    return Paper(
        id=paper_id(cleaned),
        title=title,
        abstract=abstract,
        source=clean_text(source),
        date=_date(cleaned),
    )


def note_failures(stream: Iterable[Extraction], report: ReadReport) -> Iterator[Extraction]:
    """`stream`, applying the policy to each paper the extractor raised on (`failure`).

    Such a paper is kept, with nothing found, so every paper read is in the graph and a
    rebuild gives the same papers; under `strict` the first one stops the run instead.
    """
    for ex in stream:
        if ex.failure:
            note(
                report,
                f"paper {ex.paper.id}: extraction failed ({ex.failure}); kept with nothing found",
                skipped=False,
            )
            report.unextracted += 1
        yield ex
