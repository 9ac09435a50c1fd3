"""BibTeX entries with an `abstract` field; a small parser for `@type{key, field = {…}|"…"|word}`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kg.ingest.core import Item, register_reader
from kg.ingest.policy import Bad

_ENTRY = re.compile(r"@\s*([A-Za-z]+)\s*[{(]")
_NEXT_ENTRY = re.compile(r"\n[ \t]*@\s*[A-Za-z]+\s*[{(]")
_BARE = re.compile(r"[^,#}\s]+")
_FIELD = re.compile(r"\s*([A-Za-z][\w\-:]*)\s*=\s*")


def _braced(text: str, start: int, stop: int | None = None) -> int:
    """Index just past the brace group opening at `start` (closing before `stop`), or -1."""
    depth = 0
    for i in range(start, len(text) if stop is None else min(stop, len(text))):
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
            match = _BARE.match(body, pos)
            parts.append(match.group(0) if match else "")
            pos = match.end() if match else pos + 1
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
    """The fields of one entry body (the text after `@type{`); ValueError on a syntax error."""
    comma = body.find(",")
    fields: dict[str, str] = {"key": body[:comma].strip() if comma >= 0 else body.strip()}
    pos = comma + 1 if comma >= 0 else len(body)
    while pos < len(body):
        match = _FIELD.match(body, pos)
        if not match:
            line = body.count("\n", 0, pos)
            raise ValueError(f"expected `name = value` {line} lines into the entry")
        value, pos = _value(body, match.end())
        fields[match.group(1).lower()] = re.sub(r"\s+", " ", value).strip()
        while pos < len(body) and body[pos] in ", \t\r\n":
            pos += 1
    return fields


def _closing(text: str, start: int, stop: int) -> int:
    """Index just past the entry whose `{` or `(` is at `start` and that closes before `stop`, or -1."""
    if text[start] == "{":
        return _braced(text, start, stop)
    depth = 0  # `(`…`)` entries: parentheses count outside braces only
    pos = start + 1
    while 0 <= pos < stop:
        char = text[pos]
        if char == "{":
            pos = _braced(text, pos, stop)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return pos + 1
            depth -= 1
        pos += 1
    return -1


@register_reader("bibtex", suffixes=(".bib", ".bibtex"))
def read_bibtex(lines: Iterator[str]) -> Iterator[Item]:
    """Yield entries that have an abstract; others are skipped, broken ones as `Bad`.

    An entry that has not closed before the next line starting with `@type{` is broken,
    and reading goes on with that next entry.
    """
    text = "".join(lines)
    pos, line, counted = 0, 1, 0
    while match := _ENTRY.search(text, pos):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        kind = match.group(1).lower()
        following = _NEXT_ENTRY.search(text, match.end())
        end = _closing(text, match.end() - 1, following.start() + 1 if following else len(text))
        if end < 0:
            if kind != "comment":
                yield Bad(line, "BibTeX entry never closes")
            pos = following.start() + 1 if following is not None else len(text)
            continue
        pos = end
        if kind in ("comment", "string", "preamble"):
            continue
        try:
            fields = parse_fields(text[match.end() : end - 1])
        except ValueError as err:
            yield Bad(line, f"BibTeX syntax error ({err})")
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
