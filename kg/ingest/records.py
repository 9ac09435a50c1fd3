"""Structured records: JSON Lines (including the arXiv metadata snapshot), JSON, CSV and TSV.

Column names are matched loosely (`title`/`Title`, `abstract`/`summary`/`paperAbstract`),
so the files in ../shared/data/abstracts and common exports read without options.
"""

from __future__ import annotations

import csv
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.ingest.core import register_reader

log = logging.getLogger(__name__)

_ALIASES = {
    "title": ("title", "paper_title", "name"),
    "abstract": ("abstract", "summary", "paperabstract", "abstract_text", "description"),
}


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


@register_reader("jsonl", suffixes=(".jsonl", ".ndjson", ".jsonlines"))
def read_jsonl(path: Path) -> Iterator[tuple[dict[str, Any], int]]:
    """Yield one record per JSON line; a bad line is skipped with a warning naming `file:line`."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as err:
                log.warning("%s:%d: skipped: invalid JSON (%s)", path, number, err.msg)
                continue
            record = normalise_record(raw) if isinstance(raw, dict) else None
            if record is None:
                log.warning("%s:%d: skipped: no title or abstract", path, number)
                continue
            yield record, number


@register_reader("json", suffixes=(".json",))
def read_json(path: Path) -> Iterator[tuple[dict[str, Any], int]]:
    """Yield records from a JSON array, or from a JSON object holding one array of records."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        data = json.load(handle)
    if isinstance(data, dict):
        arrays = [v for v in data.values() if isinstance(v, list)]
        data = arrays[0] if len(arrays) == 1 else [data]
    for index, raw in enumerate(data if isinstance(data, list) else [], start=1):
        record = normalise_record(raw) if isinstance(raw, dict) else None
        if record is not None:
            yield record, index


def _read_delimited(path: Path, delimiter: str) -> Iterator[tuple[dict[str, Any], int]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        rows = csv.DictReader(handle, delimiter=delimiter)
        while True:
            line = rows.line_num + 1
            try:
                raw = next(rows)
            except StopIteration:
                return
            record = normalise_record(raw)
            if record is not None:
                yield record, line


@register_reader("csv", suffixes=(".csv",))
def read_csv(path: Path) -> Iterator[tuple[dict[str, Any], int]]:
    """Yield one record per CSV row (header row required)."""
    return _read_delimited(path, ",")


@register_reader("tsv", suffixes=(".tsv", ".tab"))
def read_tsv(path: Path) -> Iterator[tuple[dict[str, Any], int]]:
    """Yield one record per TSV row (header row required)."""
    return _read_delimited(path, "\t")
