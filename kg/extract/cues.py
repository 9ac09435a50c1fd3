"""`kg_cues`: names a paper coins, found by naming cues and by the title's lead name.

"… named SEPC", "called X", "dubbed X", "we propose X,", and titles such as
"MARS: Matching …" introduce a name. The label comes from the words around the
name: "dataset"/"corpus" → DATASET, "benchmark"/"suite" → BENCHMARK, else METHOD.
Cue words are also kept as spans (`kg_cue_words`) for the relation rules.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.task_cues import phrase_tasks, title_tasks
from kg.extract.tokens import TokenTable, token_table

NAMING = frozenset({"named", "called", "dubbed", "termed", "coined", "namely", "nicknamed"})
PROPOSING = frozenset(
    {
        "propose",
        "proposes",
        "proposed",
        "proposing",
        "introduce",
        "introduces",
        "introducing",
        "present",
        "presents",
        "presenting",
        "develop",
        "develops",
        "design",
        "designs",
        "construct",
        "constructs",
        "release",
        "releases",
        "build",
        "builds",
        "curate",
        "curates",
        "create",
        "creates",
        "collect",
        "contribute",
        "devise",
        "formulate",
        "establish",
    }
)
_DATA_WORDS = re.compile(
    r"\b(?:datasets?|corpus|corpora|collections?|data sets?|annotations?)\b", re.I
)
_BENCH_WORDS = re.compile(
    r"\b(?:benchmarks?|suites?|leaderboards?|testbeds?|test sets?|evaluation sets?|arenas?|environments?)\b",
    re.I,
)
_GLUE = frozenset({"-", "_", "/", "+", ".", "@", "²"})


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
                word in _GLUE
                and end > start
                and not t.spaced[end - 1]
                and not t.spaced[end]
                and end + 1 < len(t)
            )
        ):
            end += 1
        else:
            break
    while end > start and t.texts[end - 1] in _GLUE:
        end -= 1
    return (start, end) if end > start else None


def label_from_context(text: str) -> str:
    if _BENCH_WORDS.search(text):
        return "BENCHMARK"
    if _DATA_WORDS.search(text):
        return "DATASET"
    return "METHOD"


def _title_name(t: TokenTable, title_end: int) -> int | None:
    """The end of the lead name of a title such as `MARS: Matching …` (at most three words before the colon)."""
    colon = next((i for i in range(title_end) if t.texts[i] == ":"), None)
    if colon is None or colon == 0 or colon > 6:
        return None
    words = [t.texts[i] for i in range(colon) if not t.punct[i]]
    if len(words) > 3 or not all(is_name_token(w) for w in words):
        return None
    if len(words) > 1 and not any(strongly_named(w) for w in words):
        return None
    if len(words) == 1 and not strongly_named(words[0]) and words[0].lower() != words[0]:
        # A single ordinary capitalised word (`Towards: …`) is no name.
        return None
    return colon


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
    ]
)
_AMOUNT = re.compile(r"^[\d.,]+[%KMBkmbx]?$")  # `24`, `1B`, `10%`: amounts, not names
_EXAMPLES = frozenset({"like", "including", "e.g.", "e.g.,", "namely", "such"})


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
            and t.texts[before] not in _GLUE
        ):
            break
        start = before
    while start < end and t.texts[start] in _GLUE:
        start += 1
    if start == end or not strongly_named(t.span_text(start, end)) or _AMOUNT.match(t.texts[start]):
        return None
    return start, end


def _runs_before(doc: Doc, t: TokenTable, end: int, label: str, limit: int = 6) -> list[Span]:
    """Strongly named words ending at `end`, in a list joined by commas, `and` and `or`:
    "POKEC-Z, POKEC-N and NBA (datasets)"; an abbreviation in brackets counts ("(PAPI) dataset")."""
    found: list[Span] = []
    while end > 0 and len(found) < limit:
        bracketed = t.texts[end - 1] == ")"
        word = _word_before(t, end - 1 if bracketed else end)
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


def data_names(doc: Doc) -> list[Span]:
    """Unknown names that the words around them mark as data.

    "datasets like LogiQA and ReClor", "a test set, SPMSD", "benchmark (X)", "datasets: A, B",
    "two datasets Yelp and LastFM" and "the CUB and NABirds datasets" take the label of the
    data word; "trained on JFT" and "results on X" give DATASET.
    """
    t = token_table(doc)
    found: list[Span] = []
    for i in range(len(t) - 1):
        after = t.lowers[i + 1]
        label = _data_label(t, i)
        if label and after in _EXAMPLES:
            skip = 2 if after == "such" and i + 2 < len(t) else 1
            found += _runs_after(doc, t, i + 1 + skip, label)
        elif label and t.texts[i + 1] in (",", ":", "(") and t.texts[i][0].islower():
            # A bracket or a colon opens a list; after a comma comes one name in apposition.
            found += _runs_after(doc, t, i + 2, label, limit=1 if after == "," else 6)
        elif (
            label
            and t.lowers[i].endswith("s")
            and i > 0
            and (t.lowers[i - 1] in _QUANTITIES or t.lowers[i - 1].isdigit())
        ):
            # "two datasets Yelp and LastFM": after a counted data word, any name starts the list.
            found += _runs_after(doc, t, i + 1, label, strong=False)
        elif label and i > 0 and t.lowers[i - 1] in ("new", "novel", "proposed", "our"):
            found += _runs_after(doc, t, i + 1, label, limit=1)  # "a novel metric GroundingScore"
        elif t.lowers[i] in _ON_DATA and after == "on":
            found += _runs_after(doc, t, i + 2, "DATASET")
        if label and t.texts[i][0].islower():
            found += _runs_before(doc, t, i, label)
    return found


@Language.factory("kg_cues")
class CueFinder:
    """Adds coined names to `doc.spans["kg_cues"]` and cue words to `doc.spans["kg_cue_words"]`."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        t = token_table(doc)
        names: list[Span] = []
        cue_words: list[Span] = []
        title_end = next((i for i, word in enumerate(t.texts) if "\n\n" in word), 0)
        lead = _title_name(t, title_end) if title_end else None
        if lead is not None:
            label = label_from_context(t.span_text(0, title_end))
            names.append(Span(doc, 0, lead, label=label, kb_id="title"))
        for i, lower in enumerate(t.lowers):
            if lower not in NAMING and lower not in PROPOSING:
                continue
            cue_words.append(
                Span(doc, i, i + 1, label="NAMING" if lower in NAMING else "PROPOSING")
            )
            start = i + 1
            while start < len(t) and t.texts[start] in (":", '"', "“", "'", "as", "the"):
                start += 1
            run = name_run(t, start)
            if run is None:
                continue
            # After "named", any name; after "we propose", only a coined-looking one.
            if not (
                strongly_named(t.span_text(*run)) or (lower in NAMING and run[1] - run[0] == 1)
            ):
                continue
            # The label comes from the apposition around the name ("X, a dataset of …").
            context = t.span_text(i, min(run[1] + 8, t.sentence(i)[1]))
            names.append(
                Span(doc, run[0], run[1], label=label_from_context(context), kb_id="named")
            )
        names += data_names(doc)
        listed = {(s.start, s.end): s.label_ for s in doc.spans.get("kg_gazetteer", [])}
        if title_end:
            names += title_tasks(doc, t, title_end, listed)
        names += phrase_tasks(doc, t, listed)
        doc.spans["kg_cues"] = names
        doc.spans["kg_cue_words"] = cue_words
        return doc
