"""The extraction contract of ANNOTATION.md as JSON lines: writing, reading and checking."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from kg.types import (
    ALLOWED,
    FIELDS,
    LABELS,
    RELATIONS,
    Evidence,
    Extraction,
    Link,
    Mention,
    Paper,
    evidence_record,
)


def to_record(ex: Extraction) -> dict[str, Any]:
    """One JSON object: `id, title, abstract, mentions, links` (+ `date`, `source`, `aliases`)."""
    paper = ex.paper
    record: dict[str, Any] = {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "mentions": [
            {"field": m.field, "start": m.start, "end": m.end, "text": m.text, "label": m.label}
            for m in ex.mentions
        ],
        "links": [
            {
                "relation": link.relation,
                "label": link.label,
                "entity": link.entity,
                "evidence": [evidence_record(e) for e in link.evidence],
            }
            for link in ex.links
        ],
    }
    if paper.date:
        record["date"] = paper.date
    if paper.source:
        record["source"] = paper.source
    if ex.aliases:
        record["aliases"] = [list(pair) for pair in ex.aliases]
    return record


def from_record(record: dict[str, Any]) -> Extraction:
    """The inverse of `to_record`; gold files without evidence or aliases read too."""
    paper = Paper(
        str(record["id"]),
        record.get("title") or "",
        record.get("abstract") or "",
        record.get("source") or "",
        record.get("date"),
    )
    mentions = tuple(
        Mention(m["field"], m["start"], m["end"], m["text"], m["label"])
        for m in record.get("mentions", [])
    )
    links = tuple(
        Link(
            link["relation"],
            link["label"],
            link["entity"],
            tuple(Evidence(**e) for e in link.get("evidence", [])),
        )
        for link in record.get("links", [])
    )
    aliases = tuple((a, b) for a, b in record.get("aliases", []))
    return Extraction(paper, mentions, links, aliases)


def record_line(ex: Extraction) -> str:
    """One extraction as a line of papers.jsonl, newline included."""
    return json.dumps(to_record(ex), ensure_ascii=False) + "\n"


def write_records(
    extractions: Iterable[Extraction], handle: TextIO, sizes: list[int] | None = None
) -> Iterator[Extraction]:
    """Write each extraction as a line and pass it on (so writing can sit inside a stream).

    `sizes`, if given, receives each line's length in UTF-8 bytes.
    """
    for ex in extractions:
        line = record_line(ex)
        handle.write(line)
        if sizes is not None:
            sizes.append(len(line.encode("utf-8", "surrogatepass")))
        yield ex


def read_records(path: str | Path) -> Iterator[Extraction]:
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield from_record(json.loads(line))


def problems(record: dict[str, Any]) -> list[str]:
    """What makes a record break the ANNOTATION.md contract (empty when it is valid)."""
    found = [
        f"missing {key}"
        for key in ("id", "title", "abstract", "mentions", "links")
        if key not in record
    ]
    for m in record.get("mentions", []):
        if m.get("field") not in FIELDS or m.get("label") not in LABELS:
            found.append(f"bad mention field/label {m}")
            continue
        text = record.get(m["field"]) or ""
        if (
            not (0 <= m["start"] < m["end"] <= len(text))
            or text[m["start"] : m["end"]] != m["text"]
        ):
            found.append(f"mention offsets do not match text {m}")
    seen = set()
    for link in record.get("links", []):
        key = (link.get("relation"), link.get("label"), link.get("entity"))
        if link.get("relation") not in RELATIONS or link.get("label") not in LABELS:
            found.append(f"bad link {key}")
        elif link["relation"] not in ALLOWED[link["label"]]:
            found.append(f"relation not allowed for label {key}")
        if key in seen:
            found.append(f"duplicate link {key}")
        seen.add(key)
    return found
