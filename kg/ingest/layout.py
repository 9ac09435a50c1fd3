"""Plain-text listings: daily-listing pages, title/abstract line pairs and `Abstract:` lines.

A line is an abstract when it starts with `Abstract:` or reads like prose (long, or
several sentences); a title is a short line before an unlabelled abstract, or a
`Title:` line. An `Abstract:` line without a `Title:` line makes a title-less paper. Page chrome
("Subscribe", "byAK and the research community", dates such as "Mar 12") is dropped,
also when glued to the front of a title; a short line followed by another short line
(an affiliation, a heading) is not a title and is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kg.ingest.core import register_reader

_CHROME = re.compile(
    r"^(?:new|subscribe|get trending papers in your email inbox(?: once a day)?!?|"
    r"byak and the research community|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(?:, \d{4})?)$",
    re.I,
)
_CHROME_PREFIX = re.compile(r"^(?:Subscribe)(?=[A-Z0-9])")
_ABSTRACT = re.compile(r"^\s*Abstract\s*[:.]\s*", re.I)
_TITLE = re.compile(r"^\s*Title\s*:\s*", re.I)
_SENTENCE_END = re.compile(r"[.!?](?:\s+|$)")


def _is_prose(line: str) -> bool:
    return len(line) >= 300 or (len(line) >= 60 and len(_SENTENCE_END.findall(line)) >= 2)


def classify(line: str) -> tuple[str, str]:
    """('labelled-abstract' | 'labelled-title' | 'abstract' | 'title' | 'chrome', text) for a stripped line."""
    if not line or _CHROME.match(line):
        return "chrome", ""
    for kind, pattern in (("labelled-abstract", _ABSTRACT), ("labelled-title", _TITLE)):
        match = pattern.match(line)
        if match:
            return kind, line[match.end() :]
    line = _CHROME_PREFIX.sub("", line)
    return ("abstract" if _is_prose(line) else "title"), line


@register_reader("text", suffixes=(".txt", ".text", ".md"))
def read_text(lines: Iterator[str]) -> Iterator[tuple[dict[str, Any], int]]:
    """Yield `{title, abstract}` records from a plain-text listing."""
    title: tuple[str, int] | None = None
    labelled: tuple[str, int] | None = None
    for number, raw in enumerate(lines, start=1):
        kind, text = classify(raw.strip())
        if kind == "title":
            title = (text, number)  # a second short line replaces a stray first one
        elif kind == "labelled-title":
            labelled = title = (text, number)
        elif kind in ("labelled-abstract", "abstract"):
            # `Abstract:` lines take only a `Title:` line as title: the short line
            # before them in such files is an affiliation or a heading.
            head = labelled if kind == "labelled-abstract" else title
            if head is not None:
                yield {"title": head[0], "abstract": text}, head[1]
            else:
                yield {"title": "", "abstract": text}, number
            title = labelled = None
    if title is not None:
        yield {"title": title[0], "abstract": ""}, title[1]
