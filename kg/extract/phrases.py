"""Known names as token sequences: compiled once into patterns, matched with a dict trie.

spaCy's PhraseMatcher needs a Doc per pattern, and making 27,000 of them (tokenizer runs
and new lexemes) was most of the pipeline's load time. Here a pattern is the tuple of its
token texts (or lower-case forms); `make model` stores the compiled patterns with the
pipeline, so loading reads a list instead of running the tokenizer. Matching walks a
trie of dicts and finds what the PhraseMatcher found: every (label, start, end) whose
tokens equal a pattern, by start, then end.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.names import name_shaped

# A pattern: the attribute matched ("ORTH" or "LOWER"), the label and the token texts.
Pattern = tuple[str, str, tuple[str, ...]]
Trie = dict[str, Any]

# Key of a node's labels; no token is empty.
_END = ""
# A name listed under two labels (`data augmentation`: METHOD and TASK) is read first as
# the more specific thing; `filter_spans` keeps the first of equal spans.
LABEL_ORDER = ("METHOD", "DATASET", "BENCHMARK", "METRIC", "TASK")
# Bump when the compiled form changes, so shipped patterns of an older form are rebuilt.
_FORMAT = "3"


def match_attr(label: str, name: str) -> str:
    """Proper-looking names and dataset names match case-sensitively; the rest in lower case."""
    if name_shaped(name) or label in ("DATASET", "BENCHMARK"):
        return "ORTH"
    return "LOWER"


_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])", re.I)


def variants(label: str, name: str) -> list[str]:
    """The name and its plural where plurals are written (`GNNs`, `diffusion models`,
    `accuracies`, `error rates`), and for words matched in lower case, also with spaces
    for hyphens between letters (`problem solving` for `Problem-Solving`)."""
    spellings = [name]
    if label in ("METHOD", "TASK", "METRIC") and match_attr(label, name) == "LOWER":
        spaced = _HYPHEN.sub(" ", name)
        spellings += [spaced] if spaced != name else []
    forms = []
    for form in spellings:
        forms.append(form)
        if label in ("METHOD", "TASK") and not form.endswith("s"):
            forms.append(form + "s")
        elif label == "METRIC" and form[-1:].islower() and not form.endswith("s"):
            consonant_y = form.endswith("y") and form[-2:-1] not in tuple("aeiou")
            forms.append(form[:-1] + "ies" if consonant_y else form + "s")
    return forms


_PLAIN = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")


def pattern_doc(nlp: Language, text: str) -> Doc:
    """`nlp.make_doc(text)`, made without the tokenizer for plain words (most names).

    Letters-only words between single spaces are one token each unless the tokenizer has
    a special case for them (`cannot`); such names skip its affix search.
    """
    if _PLAIN.fullmatch(text):
        words = text.split(" ")
        special: Any = getattr(nlp.tokenizer, "rules", None) or {}
        if not any(word in special for word in words):
            return Doc(nlp.vocab, words=words)
    return nlp.make_doc(text)


def compile_patterns(nlp: Language, pairs: Iterable[tuple[str, str]]) -> list[Pattern]:
    """The token patterns of (label, name) pairs: each name and its plural, tokenized by `nlp`."""
    patterns: list[Pattern] = []
    for label, name in pairs:
        attr = match_attr(label, name)
        for form in variants(label, name):
            doc = pattern_doc(nlp, form.lower() if attr == "LOWER" else form)
            words = tuple(t.lower_ for t in doc) if attr == "LOWER" else tuple(t.text for t in doc)
            if words:
                patterns.append((attr, label, words))
    return patterns


def source_digest(pairs: Iterable[tuple[str, str]]) -> str:
    """A digest of the names the patterns are compiled from (to tell stale patterns)."""
    digest = hashlib.sha256(_FORMAT.encode())
    for label, name in pairs:
        digest.update(f"{label}\t{name}\n".encode())
    return digest.hexdigest()


def _rank(label: str) -> int:
    return LABEL_ORDER.index(label) if label in LABEL_ORDER else len(LABEL_ORDER)


def build_tries(patterns: Iterable[tuple[str, str, Sequence[str]]]) -> dict[str, Trie]:
    """One trie per attribute ("ORTH", "LOWER"): nested dicts by token, labels under `_END`."""
    tries: dict[str, Trie] = {"ORTH": {}, "LOWER": {}}
    for attr, label, words in patterns:
        node = tries[attr]
        for word in words:
            node = node.setdefault(word, {})
        labels: list[str] | None = node.get(_END)
        if labels is None:
            node[_END] = [label]
        elif label not in labels:
            labels.append(label)
            labels.sort(key=_rank)
    return tries


def find(trie: Trie, words: list[str]) -> list[tuple[str, int, int]]:
    """Every (label, start, end) where `words[start:end]` is a pattern, by start, then end."""
    found: list[tuple[str, int, int]] = []
    size = len(words)
    for start in range(size):
        node = trie.get(words[start])
        end = start + 1
        while node is not None:
            labels = node.get(_END)
            if labels:
                found.extend((label, start, end) for label in labels)
            if end == size:
                break
            node = node.get(words[end])
            end += 1
    return found
