"""BibTeX entries with an `abstract` field; a small parser for `@type{key, field = {…}|"…"|word}`."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.ingest.core import register_reader

log = logging.getLogger(__name__)

_ENTRY = re.compile(r"@\s*([A-Za-z]+)\s*[{(]")
_FIELD = re.compile(r"\s*([A-Za-z][\w\-:]*)\s*=\s*")


def _braced(text: str, start: int) -> int:
    """Index just past the brace group opening at `start`, or -1 if it never closes."""
    depth = 0
    for i in range(start, len(text)):
        char = text[i]
        if char == "\\":
            continue
        if char == "{" and text[i - 1 : i] != "\\":
            depth += 1
        elif char == "}" and text[i - 1 : i] != "\\":
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def _value(body: str, pos: int) -> tuple[str, int]:
    """Parse one field value (braced, quoted or bare, joined by `#`) starting at `pos`."""
    parts: list[str] = []
    while pos < len(body):
        if body[pos] == "{":
            end = _braced(body, pos)
            if end < 0:
                raise ValueError("unclosed brace")
            parts.append(body[pos + 1 : end - 1])
            pos = end
        elif body[pos] == '"':
            end = pos + 1
            while end < len(body) and (body[end] != '"' or body[end - 1] == "\\"):
                end += 1
            if end >= len(body):
                raise ValueError("unclosed quote")
            parts.append(body[pos + 1 : end])
            pos = end + 1
        else:
            match = re.match(r"[^,#}\s]+", body[pos:])
            parts.append(match.group(0) if match else "")
            pos += match.end() if match else 1
        while pos < len(body) and body[pos].isspace():
            pos += 1
        if pos < len(body) and body[pos] == "#":
            pos += 1
            while pos < len(body) and body[pos].isspace():
                pos += 1
            continue
        break
    return "".join(parts), pos


def parse_fields(body: str) -> dict[str, str]:
    """The fields of one entry body (the text after `@type{`)."""
    comma = body.find(",")
    fields: dict[str, str] = {"key": body[:comma].strip() if comma >= 0 else ""}
    pos = comma + 1 if comma >= 0 else 0
    while pos < len(body):
        match = _FIELD.match(body, pos)
        if not match:
            break
        value, pos = _value(body, match.end())
        fields[match.group(1).lower()] = re.sub(r"\s+", " ", value).strip()
        while pos < len(body) and body[pos] in ", \t\r\n":
            pos += 1
    return fields


@register_reader("bibtex", suffixes=(".bib", ".bibtex"))
def read_bibtex(path: Path) -> Iterator[tuple[dict[str, Any], int]]:
    """Yield entries that have an abstract; others are skipped, broken ones with a warning."""
    text = path.read_text(encoding="utf-8", errors="replace")
    for match in _ENTRY.finditer(text):
        kind = match.group(1).lower()
        if kind in ("comment", "string", "preamble"):
            continue
        line = text.count("\n", 0, match.start()) + 1
        end = (
            _braced(text, match.end() - 1)
            if text[match.end() - 1] == "{"
            else text.find(")", match.end())
        )
        if end < 0:
            log.warning("%s:%d: skipped: entry never closes", path, line)
            continue
        try:
            fields = parse_fields(text[match.end() : end - 1])
        except ValueError as err:
            log.warning("%s:%d: skipped: %s", path, line, err)
            continue
        if not fields.get("abstract"):
            continue
        record: dict[str, Any] = {k: v for k, v in fields.items() if k != "key"}
        if (
            fields.get("archiveprefix", "").lower() == "arxiv"
            or "arxiv" in fields.get("journal", "").lower()
        ):
            record["arxiv_id"] = fields.get("eprint", "")
        yield record, line
