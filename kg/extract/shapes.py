"""The shapes of coined names, and the label the words around a name give it.

A coined name is capitalised, holds digits or inner capitals (`SEPC`, `GPT-4`, `LoRA`);
"dataset"/"corpus" near it make it DATASET, "benchmark"/"suite" BENCHMARK, else METHOD.
"""

from __future__ import annotations

import re

from kg.extract.tokens import TokenTable

_DATA_WORDS = re.compile(
    r"\b(?:datasets?|corpus|corpora|collections?|data sets?|annotations?)\b", re.I
)
_BENCH_WORDS = re.compile(
    r"\b(?:benchmarks?|suites?|leaderboards?|testbeds?|test sets?|evaluation sets?|arenas?|environments?)\b",
    re.I,
)
GLUE = frozenset({"-", "_", "/", "+", ".", "@", "²"})


def is_name_token(text: str) -> bool:
    """A word that can be (part of) a coined name: capitalised, with digits, or mixed case."""
    return bool(text) and (
        text[0].isupper() or any(c.isdigit() for c in text) or any(c.isupper() for c in text[1:])
    )


def strongly_named(text: str) -> bool:
    """A name no ordinary word looks like: inner capitals, digits, or all caps."""
    letters = [c for c in text if c.isalpha()]
    return (
        any(c.isdigit() for c in text)
        or any(c.isupper() for c in text[1:])
        or (len(letters) >= 2 and all(c.isupper() for c in letters))
    )


def name_run(t: TokenTable, start: int, limit: int = 6) -> tuple[int, int] | None:
    """Token bounds of the run of name tokens starting at `start` (joined by hyphens and the like), or None."""
    end = start
    while end < len(t) and end - start < limit:
        word = t.texts[end]
        if (
            is_name_token(word)
            and not t.punct[end]
            or (
                word in GLUE
                and end > start
                and not t.spaced[end - 1]
                and not t.spaced[end]
                and end + 1 < len(t)
            )
        ):
            end += 1
        else:
            break
    while end > start and t.texts[end - 1] in GLUE:
        end -= 1
    return (start, end) if end > start else None


def label_from_context(text: str) -> str:
    if _BENCH_WORDS.search(text):
        return "BENCHMARK"
    if _DATA_WORDS.search(text):
        return "DATASET"
    return "METHOD"
