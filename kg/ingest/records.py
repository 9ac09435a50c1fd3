"""Structured records: JSON Lines (including the arXiv metadata snapshot), JSON, CSV and TSV.

Column names are matched loosely (`title`/`Title`, `abstract`/`summary`/`paperAbstract`),
so the files in ../shared/data/abstracts and common exports read without options. A bad
record is yielded as `Bad` and reading goes on after it: at the next line for JSON Lines,
CSV and TSV (so an unclosed quote costs one row, not the rest of the file), and at the
next line opening an object for JSON (so a truncated array keeps the records before it).
"""

from __future__ import annotations

import csv
import functools
import json
import re
import sys
from collections import deque
from collections.abc import Iterator
from typing import Any, Literal

from kg.ingest.core import Item, register_reader
from kg.ingest.policy import NO_TEXT, Bad

_ALIASES = {
    "title": ("title", "paper_title", "name"),
    "abstract": ("abstract", "summary", "paperabstract", "abstract_text", "description"),
}
_DECODER = json.JSONDecoder(strict=False)  # control characters in strings are cleaned later
# Where reading resumes after a bad element of an array, and after a bad top-level value.
_NEXT_ELEMENT = re.compile(r",\s*\{")
_NEXT_VALUE = re.compile(r"\n\s*[{\[]")


def normalise_record(raw: dict[str, Any]) -> dict[str, Any] | None:
    """The record with `title` and `abstract` under their canonical keys, or None if it has neither."""
    lowered = {str(k).strip().lower(): v for k, v in raw.items() if k is not None}
    record = dict(lowered)
    for key, names in _ALIASES.items():
        for name in names:
            value = lowered.get(name)
            if isinstance(value, str) and value.strip():
                record[key] = value
                break
        else:
            record[key] = ""
    if not record["title"] and not record["abstract"]:
        return None
    return record


def _item(raw: Any, line: int) -> Item:
    if not isinstance(raw, dict):
        return Bad(line, f"not a JSON object ({type(raw).__name__})")
    record = normalise_record(raw)
    return (record, line) if record is not None else Bad(line, NO_TEXT)


@register_reader("jsonl", suffixes=(".jsonl", ".ndjson", ".jsonlines"))
def read_jsonl(lines: Iterator[str]) -> Iterator[Item]:
    """Yield one record per JSON line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = _DECODER.decode(line)
        except json.JSONDecodeError as err:
            yield Bad(number, f"invalid JSON ({err.msg} at column {err.colno})")
            continue
        except RecursionError:
            yield Bad(number, "invalid JSON (nested too deeply)")
            continue
        yield _item(raw, number)


class _Text:
    """A JSON document with a cursor, and line numbers for positions."""

    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0
        self._counted = (0, 1)  # (position, its line): lines are counted from the last one asked

    def line(self, pos: int | None = None) -> int:
        pos = self.pos if pos is None else pos
        last, line = self._counted if pos >= self._counted[0] else (0, 1)
        line += self.text.count("\n", last, pos)
        self._counted = (pos, line)
        return line

    def skip(self, chars: str) -> str:
        """Skip white space and any of `chars`; the next character, or '' at the end."""
        self.pos = _skipper(chars).match(self.text, self.pos).end()  # type: ignore[union-attr]
        return self.text[self.pos : self.pos + 1]

    def value(self) -> Any:
        """The JSON value at the cursor; raises ValueError(reason, line) when there is none."""
        try:
            value, self.pos = _DECODER.raw_decode(self.text, self.pos)
        except json.JSONDecodeError as err:
            raise ValueError(f"invalid JSON ({err.msg})", self.line(err.pos)) from None
        except RecursionError:
            raise ValueError("invalid JSON (nested too deeply)", self.line()) from None
        return value

    def resync(self, pattern: re.Pattern[str]) -> bool:
        """Move to the last character of the next match of `pattern`; False at the end."""
        found = pattern.search(self.text, self.pos + 1)
        self.pos = found.end() - 1 if found else len(self.text)
        return found is not None


@functools.cache
def _skipper(chars: str) -> re.Pattern[str]:
    return re.compile(f"[\\s{re.escape(chars)}]*")


def _array(doc: _Text) -> Iterator[Item]:
    """The records of the array whose `[` is at the cursor, recovering after a bad element."""
    doc.pos += 1
    while doc.skip(",") not in ("]", ""):
        line = doc.line()
        try:
            yield _item(doc.value(), line)
        except ValueError as err:
            yield Bad(err.args[1], err.args[0])
            if not doc.resync(_NEXT_ELEMENT):
                return
    doc.pos += 1


def _members(doc: _Text, key: str | None) -> Iterator[Item]:
    """The records of the object's array member `key` (None: of every array member), by position."""
    doc.pos += 1
    while doc.skip(",") not in ("}", ""):
        name = doc.value()
        doc.skip(":")
        if doc.text[doc.pos : doc.pos + 1] == "[" and (
            name == key or (key is None and _next_is_object(doc))
        ):
            yield from _array(doc)
        else:
            doc.value()
    doc.pos += 1


def _next_is_object(doc: _Text) -> bool:
    after = _skipper("").match(doc.text, doc.pos + 1).end()  # type: ignore[union-attr]
    return doc.text[after : after + 1] == "{"


def _object(doc: _Text) -> Iterator[Item]:
    """The value at the cursor: a record, or a wrapper whose one array holds the records.

    A broken object is walked member by member, so the good records of its arrays are kept.
    """
    start, line = doc.pos, doc.line()
    try:
        obj = doc.value()
    except ValueError as err:
        if doc.text[start] != "{":
            raise
        yield from _members(doc, None)  # may raise at the break itself
        raise err
    arrays = [k for k, v in obj.items() if isinstance(v, list)] if isinstance(obj, dict) else []
    if not isinstance(obj, dict) or normalise_record(obj) is not None or len(arrays) != 1:
        yield _item(obj, line)
        return
    end, doc.pos = doc.pos, start
    yield from _members(doc, arrays[0])  # walked again to number the records by line
    doc.pos = end


@register_reader("json", suffixes=(".json",))
def read_json(lines: Iterator[str]) -> Iterator[Item]:
    """Yield records from a JSON array, an object holding one array of records, or a sequence of objects."""
    doc = _Text("".join(lines))
    while doc.skip(",]}") != "":
        try:
            yield from _array(doc) if doc.text[doc.pos] == "[" else _object(doc)
        except ValueError as err:
            yield Bad(err.args[1], err.args[0])
            if not doc.resync(_NEXT_VALUE):
                return


class _Replay:
    """Numbered lines that a CSV row can give back, so parsing resumes after a bad row's first line."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.numbered = enumerate(lines, start=1)
        self.pending: deque[tuple[int, str]] = deque()
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> _Replay:
        return self

    def __next__(self) -> str:
        item = self.pending.popleft() if self.pending else next(self.numbered)
        self.taken.append(item)
        return item[1]

    def give_back(self) -> None:
        self.pending.extendleft(reversed(self.taken[1:]))


def _read_delimited(lines: Iterator[str], delimiter: str, quoting: Literal[0, 3]) -> Iterator[Item]:
    """Rows of a delimited file with a header; a short row is read with its missing fields empty."""
    csv.field_size_limit(sys.maxsize)
    replay = _Replay(lines)
    rows = csv.reader(replay, delimiter=delimiter, quoting=quoting, strict=True)
    header: list[str] | None = None
    while True:
        replay.taken = []
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as err:
            row, problem = [], f"CSV syntax error ({err})"
        else:
            problem = ""
            if header is not None and len(row) > len(header):
                problem = f"{len(row)} fields where the header has {len(header)}"
        line = replay.taken[0][0] if replay.taken else 0
        if problem:
            yield Bad(line, problem)
            replay.give_back()
        elif not row:
            continue
        elif header is None:
            header = [name.strip().lower() for name in row]
            if not set(header) & {n for names in _ALIASES.values() for n in names}:
                yield Bad(line, "no title or abstract column in the header")
                return
        else:
            record = normalise_record(dict(zip(header, row, strict=False)))
            short = f"{len(row)} fields where the header has {len(header)}"
            if record is None:
                yield Bad(line, NO_TEXT + (f" ({short})" if len(row) < len(header) else ""))
                continue
            if len(row) < len(header):
                yield Bad(line, short, skipped=False)
            yield record, line


@register_reader("csv", suffixes=(".csv",))
def read_csv(lines: Iterator[str]) -> Iterator[Item]:
    """Yield one record per CSV row (header row required; RFC 4180 quoting)."""
    return _read_delimited(lines, ",", csv.QUOTE_MINIMAL)


@register_reader("tsv", suffixes=(".tsv", ".tab"))
def read_tsv(lines: Iterator[str]) -> Iterator[Item]:
    """Yield one record per TSV row (header row required; no quoting, as in the IANA definition)."""
    return _read_delimited(lines, "\t", csv.QUOTE_NONE)
