"""`kg_gazetteer`: known names of methods, datasets, benchmarks, tasks and metrics."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.extract.growth import grow
from kg.extract.names import load_gazetteer
from kg.extract.phrases import Pattern, Trie, build_tries, compile_patterns, find, source_digest
from kg.extract.tokens import TokenTable, capitalised_anyway, title_start, token_table
from kg.ids import fold


def spelling_keys(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The identity key (`kg.ids.fold`) of each name with a digit or mixed case, and its
    label: `Cifar10`, `WMT-2014` and `Toxigen` are spellings of `CIFAR-10`, `WMT 2014` and
    `ToxiGen`. Keys two names of different labels share are left out."""
    keys: dict[str, str] = {}
    clashes: set[str] = set()
    for label, name in pairs:
        key = fold(name)
        mixed = any(c.isupper() for c in name[1:]) and not name.isupper()
        if label == "REPO" or len(key) < 4 or not (mixed or any(c.isdigit() for c in name)):
            continue  # all-caps words (`GLUE`) would match common words (`glue`)
        if keys.setdefault(key, label) != label:
            clashes.add(key)
    return {key: label for key, label in keys.items() if key not in clashes}


def _ordinary_capitalised(t: TokenTable, start: int, end: int, body: int) -> bool:
    """A one-word match (`Beauty`, `Exchange`) that may be an ordinary word: capitalised
    anyway, or part of a longer capitalised name (`Stack Exchange`)."""
    if end - start != 1 or not (t.texts[start].isalpha() and t.texts[start].istitle()):
        return False
    beside = [k for k in (start - 1, end) if 0 <= k < len(t) and not t.blank[k]]
    return capitalised_anyway(t, start, body) or any(
        t.texts[k][:1].isupper() and not t.punct[k] for k in beside
    )


def respelled(doc: Doc, keys: dict[str, str]) -> list[Span]:
    """Spans of the words (letters, digits and hyphens with no space between; not plain
    lower-case words) whose identity key names a listed name."""
    t = token_table(doc)
    texts, spaced, size = t.texts, t.spaced, len(t.texts)
    found: list[Span] = []
    body = title_start(t)
    i = 0
    while i < size:
        j = i
        while j < size and (texts[j].isalnum() or texts[j] == "-"):
            j += 1
            if spaced[j - 1]:
                break
        if j > i and texts[i] != "-" and texts[j - 1] != "-":
            word = texts[i] if j == i + 1 else t.span_text(i, j)
            # Plain lower-case words are never looked up (tested first: most words are);
            # a capitalised `Multiple` or `Mutual` is no respelling of `MultiPL-E` or `MuTual`.
            if (
                (not word.islower() or not word.isalpha())
                and (len(word) >= 4 or not word.isascii())  # keys have 4 characters or more
                and not capitalised_anyway(t, i, body)
            ):
                label = keys.get(fold(word))
                if label is not None:
                    found.append(Span(doc, i, j, label=label))
        i = max(j, i + 1)
    return found


def grown(doc: Doc, span: Span) -> Span:
    """`growth.grow` of a matched name, marked `kb_id_ == "grown"` if it grew (no longer
    exactly a listed name: "Generation-augmented Representation Learning")."""
    bigger = grow(doc, span)
    if (bigger.start, bigger.end) == (span.start, span.end):
        return span
    return Span(doc, bigger.start, bigger.end, label=bigger.label_, kb_id="grown")


@Language.factory("kg_gazetteer", default_config={"path": None})
class GazetteerMatcher:
    """Adds the longest known names to `doc.spans["kg_gazetteer"]`, labelled by the list.

    Names (the shipped list, or the TSV at `path`) are compiled into token patterns once:
    read from the pipeline folder when they were stored from the same names (`make model`
    stores them), else made with the pipeline's tokenizer at the first document. Matches
    of the cased patterns come before those of the lower-case ones, so `filter_spans`
    keeps the cased of equal spans.
    """

    def __init__(self, nlp: Language, name: str, path: str | None) -> None:
        self.name = name
        self.nlp = nlp
        self.pairs = load_gazetteer(path)
        self.digest = source_digest(self.pairs)
        self._patterns: list[Pattern] | None = None
        self._stored: list[list[Any]] | None = None  # patterns as read, made tuples on demand
        self._tries: dict[str, Trie] | None = None
        self._spellings: dict[str, str] | None = None

    @property
    def spellings(self) -> dict[str, str]:
        """`spelling_keys` of the names (made now if neither made nor loaded yet)."""
        if self._spellings is None:
            self._spellings = spelling_keys(self.pairs)
        return self._spellings

    @property
    def patterns(self) -> list[Pattern]:
        """The compiled patterns (compiled now if neither compiled nor loaded yet)."""
        if self._patterns is None and self._stored is not None:
            self._patterns = [(attr, label, tuple(words)) for attr, label, words in self._stored]
        if self._patterns is None:
            self._patterns = compile_patterns(self.nlp, self.pairs)
        return self._patterns

    def __call__(self, doc: Doc) -> Doc:
        if self._tries is None:
            self._tries = build_tries(self.patterns)
        t = token_table(doc)
        body = title_start(t)
        spans = [
            grown(doc, Span(doc, start, end, label=label))
            for trie, words in ((self._tries["ORTH"], t.texts), (self._tries["LOWER"], t.lowers))
            for label, start, end in find(trie, words)
            if label not in ("DATASET", "BENCHMARK")
            or not _ordinary_capitalised(t, start, end, body)
        ]
        spans += respelled(doc, self.spellings)
        doc.spans["kg_gazetteer"] = filter_spans(spans)
        return doc

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        """Store the compiled patterns with the digest of the names they came from."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        patterns = [[attr, label, list(words)] for attr, label, words in self.patterns]
        data = {"source": self.digest, "patterns": patterns, "spellings": self.spellings}
        (path / "patterns.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> GazetteerMatcher:
        """Take stored patterns if they were compiled from the same names."""
        file = Path(path) / "patterns.json"
        if file.exists():
            data = json.loads(file.read_text(encoding="utf-8"))
            if data.get("source") == self.digest:
                # Only the tries are needed to match: built here, in the process that
                # loads, for forked workers to share; the patterns stay as read.
                self._stored = stored = data["patterns"]
                self._tries = build_tries(stored)
                self._spellings = data.get("spellings")  # absent in older pipelines
        return self
