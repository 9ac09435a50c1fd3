"""Unknown names that the words around them mark as data or metrics.

"datasets like LogiQA and ReClor", "a test set, SPMSD", "the CUB and NABirds datasets",
"two real-world datasets, Amazon and Taobao", "the Massive Text Embedding Benchmark",
"trained on JFT", "scores 7.54 on MT Bench", "a novel metric GroundingScore", "in terms of
HR and NDCG", "two benchmarks, i.e., ReClor and LogiQA": each names one or more datasets,
benchmarks or metrics that no list needs to know.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from kg.extract.shapes import GLUE, label_from_context, name_run, strongly_named
from kg.extract.tokens import TokenTable, opening_comma, title_start, token_table, word_start

# Words after which an unknown name is data: "trained on JFT", "results on AR-LSAT".
_ON_DATA = frozenset(
    {
        "trained",
        "pretrained",
        "pre-trained",
        "fine-tuned",
        "finetuned",
        "evaluated",
        "evaluate",
        "evaluating",
        "tested",
        "experiments",
        "results",
        "performance",
        "accuracy",
        "benchmarked",
    }
)
_DATA_HEADS = frozenset(
    [
        "dataset",
        "datasets",
        "corpus",
        "corpora",
        "collection",
        "collections",
        "set",
        "sets",
        "benchmark",
        "benchmarks",
        "suite",
        "suites",
        "leaderboard",
        "leaderboards",
        "testbed",
        "testbeds",
        "database",
        "databases",
    ]
)
_AMOUNT = re.compile(r"^[+-]?[\d.,]+[%KMBkmbx×]?$")  # `24`, `1B`, `10%`: amounts, not names


# Words that make the names beside them metrics: "a novel metric GroundingScore", "the CHES score".
# `scores` and `measures` are left out: after a name they are mostly verbs ("X scores 80%").
_METRIC_HEADS = frozenset(["metric", "metrics", "score", "measure"])


def _data_label(t: TokenTable, i: int) -> str | None:
    """DATASET or BENCHMARK when token `i` ends a data word (`datasets`, `test set`), METRIC
    when it is a metric word, else None."""
    if t.lowers[i] in _METRIC_HEADS:
        return "METRIC"
    if t.lowers[i] not in _DATA_HEADS:
        return None
    if t.lowers[i].startswith("database"):
        # A data word here only: a naming cue reads no kind from "a system that builds a database".
        return "DATASET"
    label = label_from_context(t.span_text(max(0, i - 1), i + 1))
    return label if label != "METHOD" else None


def _runs_after(
    doc: Doc, t: TokenTable, start: int, label: str, limit: int = 6, strong: bool = True
) -> list[Span]:
    """Strongly named runs (any name runs unless `strong`) from `start` on, in a list joined
    by commas, `and` and `or`."""
    found: list[Span] = []
    i = start
    while i < len(t) and len(found) < limit:
        run = name_run(t, i)
        if (
            run is None
            or strong
            and not strongly_named(t.span_text(*run))
            or _AMOUNT.match(t.texts[run[0]])
        ):
            break
        found.append(Span(doc, run[0], run[1], label=label, kb_id="data"))
        i = run[1]
        while i < len(t) and t.lowers[i] in (",", "and", "or"):
            i += 1
    return found


def _word_before(t: TokenTable, end: int) -> tuple[int, int] | None:
    """The strongly named word (tokens with no space between them) ending at token `end`."""
    start = end
    while start > 0:
        before = start - 1
        if (
            start < end
            and t.spaced[before]
            or t.blank[before]  # the title/abstract break, a line break
            or t.punct[before]
            and t.texts[before] not in GLUE
        ):
            break
        start = before
    while start < end and t.texts[start] in GLUE:
        start += 1
    if start == end or not strongly_named(t.span_text(start, end)) or _AMOUNT.match(t.texts[start]):
        return None
    return start, end


# Capitalised words that do not name data: determiners, languages, domains, and the like
# ("Our dataset", "English corpora", "Medical datasets").
_NOT_NAME_WORDS = """
a an the this these those that our their its we they it all both each every any some several
many most other such existing public new novel large small standard popular common real
synthetic english chinese german french spanish japanese korean arabic russian hindi
multilingual medical clinical biomedical financial legal scientific among in on of for with
and or from to by using via
"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())


def _capitalised_before(t: TokenTable, end: int, limit: int = 4) -> tuple[int, int] | None:
    """A run of up to `limit` capitalised words ending at token `end` ("Harry Potter",
    "Heritage Health"), none of them in `_NOT_NAMES`; a run that starts a sentence is
    none unless its first word is strongly named (every first word is capitalised)."""
    start = end
    while start > 0 and end - start < limit:
        word = t.texts[start - 1]
        if (
            t.punct[start - 1]
            or t.blank[start - 1]
            or not word[0].isupper()
            or not any(c.isalpha() for c in word)
            or word.lower() in _NOT_NAMES
            or _AMOUNT.match(word)
        ):
            break
        start -= 1
        if t.sentence(start)[0] == start:  # a sentence's first word is capitalised anyway
            break
    if start == end or t.sentence(start)[0] == start and not strongly_named(t.texts[start]):
        return None
    return start, end


def _runs_before(doc: Doc, t: TokenTable, end: int, label: str, limit: int = 6) -> list[Span]:
    """Names ending at `end`, in a list joined by commas, `and` and `or`: strongly named
    words ("POKEC-Z, POKEC-N and NBA (datasets)"), an abbreviation in brackets ("(PAPI)
    dataset"), or runs of capitalised words ("UCI Adult and Heritage Health datasets")."""
    found: list[Span] = []
    while end > 0 and len(found) < limit:
        bracketed = t.texts[end - 1] == ")"
        word = _word_before(t, end - 1 if bracketed else end)
        if word is None and not bracketed and label != "METRIC":
            word = _capitalised_before(t, end)
        if word is None or bracketed and (word[0] == 0 or t.texts[word[0] - 1] != "("):
            break
        found.append(Span(doc, word[0], word[1], label=label, kb_id="data"))
        end = word[0] - 1 if bracketed else word[0]
        joined = end
        while end > 0 and t.lowers[end - 1] in (",", "and", "or"):
            end -= 1
        if bracketed or end == joined:
            break
    return found


# Words before a plural data word after which a list of names follows: "two datasets Yelp and LastFM".
_QUANTITIES = frozenset(
    [
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "several",
        "multiple",
        "various",
        "diverse",
        "public",
        "standard",
        "popular",
        "real-world",
        "large-scale",
        "widely-used",
        "the",
        "these",
        "both",
    ]
)


# Capitalised heads that end a name of data: "the Massive Text Embedding Benchmark".
_NAME_HEADS = {
    "Benchmark": "BENCHMARK",
    "Challenge": "BENCHMARK",
    "Suite": "BENCHMARK",
    "Dataset": "DATASET",
    "Corpus": "DATASET",
}


def _headed_name(doc: Doc, t: TokenTable, i: int) -> Span | None:
    """The name ending in the capitalised head at token `i` ("AI2 Reasoning Challenge",
    "Vicuna Benchmark"), when a word that is not capitalised comes before it.

    A single strongly named word keeps its own name ("MUSE Benchmark" names MUSE).
    """
    run = _capitalised_before(t, i)
    if run is None or run[0] == 0 or t.texts[run[0] - 1][0].isupper():
        return None
    if run[1] - run[0] == 1 and strongly_named(t.texts[run[0]]):
        return None
    return Span(doc, run[0], i + 1, label=_NAME_HEADS[t.texts[i]], kb_id="data")


def _apposition(t: TokenTable, start: int, limit: int = 5) -> str | None:
    """The data label of an apposition starting at token `start` whose noun is a data word
    within `limit` words ("a massive collection", "a new diagnostic dataset"), else None."""
    for i in range(start, min(start + limit, len(t))):
        if t.punct[i]:
            return None
        label = _data_label(t, i)
        if label is not None:
            return label if label != "METRIC" else None
    return None


# A score as written before the data it was measured on: "7.54 on MT Bench", "4.3% on X".
_SCORE = re.compile(r"^[+-]?\d+(?:\.\d+)?%?$")


def _score(t: TokenTable, i: int) -> bool:
    """Whether token `i` ends a number or a percentage."""
    if t.texts[i] == "%":
        return i > 0 and not t.spaced[i - 1] and _SCORE.match(t.texts[i - 1]) is not None
    return _SCORE.match(t.texts[i]) is not None


# Words that open the list of examples after a data word: "datasets like LogiQA and ReClor",
# "benchmarks, i.e., ReClor and LogiQA" (and "such as").
_LIST_OPENERS = frozenset(
    {"i.e.", "e.g.", "e.g.,", "including", "namely", "like", "specifically", "viz."}
)


def _examples_after(t: TokenTable, j: int) -> int | None:
    """The token after the words at `j` that open a list of examples (and a comma after
    them), or None when none open there."""
    if j < len(t) and t.lowers[j] in _LIST_OPENERS:
        j += 1
    elif j + 1 < len(t) and t.lowers[j] == "such" and t.lowers[j + 1] == "as":
        j += 2
    else:
        return None
    return j + 1 if j < len(t) and t.texts[j] == "," else j


def _counted(t: TokenTable, i: int, reach: int = 4) -> bool:
    """Whether the plural data word at `i` has a count or quantity word before it, over up to
    `reach` lower-case words ("two challenging video-based benchmarks", "the 3 datasets")."""
    if not t.lowers[i].endswith("s"):
        return False
    end = i
    for _ in range(reach):
        if end == 0 or t.punct[end - 1] and t.texts[end - 1] != "-":
            return False
        start = word_start(t, end)
        word = t.span_text(start, end).lower()
        if word in _QUANTITIES or word.isdigit():
            return True
        if not word.islower() or word in _NOT_NAMES:
            return False
        end = start
    return False


def _apposed(t: TokenTable, comma: int, runs: list[Span]) -> list[Span]:
    """`runs`, the names after the comma at `comma`; where that comma closes the phrase a
    preposition opened the sentence with, only those up to the last one a comma closes: in
    "On the Cityscapes test set, FooSeg achieves …" FooSeg is the subject, in "On two
    datasets, Amazon and Taobao, FooNet wins" the names before FooNet are in apposition."""
    if not runs or t.texts[comma] != "," or not opening_comma(t, comma):
        return runs
    closed = [
        k
        for k, run in enumerate(runs)
        if run.end >= len(t) or t.texts[run.end] in (",", ";", ")", ".")
    ]
    return runs[: closed[-1] + 1] if closed else []


def data_names(doc: Doc) -> list[Span]:
    """Unknown names that the words around them mark as data.

    "datasets like LogiQA and ReClor", "a test set, SPMSD", "benchmark (X)", "datasets: A, B",
    "two datasets Yelp and LastFM" and "the CUB and NABirds datasets" take the label of the
    data word; "trained on JFT", "results on X" and a score before `on` ("7.54 on X") give
    DATASET.
    """
    t = token_table(doc)
    found: list[Span] = []
    body = title_start(t)  # titles capitalise every word: headed names only in the abstract
    for i in range(len(t) - 1):
        after = t.lowers[i + 1]
        if i >= body and t.texts[i] in _NAME_HEADS and (headed := _headed_name(doc, t, i)):
            found.append(headed)
        if t.texts[i] == "," and after in ("a", "an") and (appositive := _apposition(t, i + 2)):
            # "UMLS, a massive collection of …", "Pretty-CLEVR, a new diagnostic dataset".
            found += _runs_before(doc, t, i, appositive, limit=1)
        label = _data_label(t, i)
        if label is None:
            if (t.lowers[i] in _ON_DATA or _score(t, i)) and after == "on":
                found += _runs_after(doc, t, i + 2, "DATASET")
            elif t.lowers[i] == "terms" and i > 0 and t.lowers[i - 1] == "in" and after == "of":
                # "in terms of HR, NDCG, MRR, and Recall": coined names there are measures.
                found += _runs_after(doc, t, i + 2, "METRIC")
            continue
        counted = _counted(t, i)
        lead = _examples_after(t, i + 2) if t.texts[i + 1] in (",", ":", "(") else None
        if (examples := _examples_after(t, i + 1)) is not None:
            found += _runs_after(doc, t, examples, label)
        elif lead is not None:
            # "two benchmarks, i.e., ReClor and LogiQA", "datasets (e.g., X, Y)": a list follows.
            found += _runs_after(doc, t, lead, label, strong=not counted)
        elif counted and t.texts[i + 1] in (",", ":"):
            # "two real-world datasets, Amazon and Taobao": the list the count announces.
            found += _apposed(t, i + 1, _runs_after(doc, t, i + 2, label, strong=False))
        elif t.texts[i + 1] in (",", ":", "(") and t.texts[i][0].islower():
            # A bracket or a colon opens a list; after a comma comes one name in apposition.
            runs = _runs_after(doc, t, i + 2, label, limit=1 if after == "," else 6)
            found += _apposed(t, i + 1, runs)
        elif (
            t.lowers[i] in ("dataset", "corpus", "benchmark") and i > 0 and t.lowers[i - 1] == "the"
        ):
            found += _runs_after(doc, t, i + 1, label, limit=1)  # "in the dataset RecipeDB"
        elif counted:
            # "two datasets Yelp and LastFM": after a counted data word, any name starts the list.
            found += _runs_after(doc, t, i + 1, label, strong=False)
        elif i > 0 and t.lowers[i - 1] in ("new", "novel", "proposed", "our"):
            found += _runs_after(doc, t, i + 1, label, limit=1)  # "a novel metric GroundingScore"
        if t.texts[i][0].islower():
            found += _runs_before(doc, t, i, label)
    return found
