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

from kg.extract.data_cues import data_names
from kg.extract.pairs import label_from_head
from kg.extract.shapes import is_name_token, label_from_context, name_run, strongly_named
from kg.extract.task_cues import listed_tasks, phrase_tasks, title_tasks
from kg.extract.title_methods import OPENERS, title_methods
from kg.extract.tokens import TokenTable, title_break, token_table

NAMING = frozenset({"named", "called", "dubbed", "dub", "termed", "coined", "namely", "nicknamed"})
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


_LOSS_WORDS = frozenset({"loss", "losses"})


def _title_name(t: TokenTable, title_end: int) -> int | None:
    """The end of the lead name of a title such as `MARS: Matching …` (at most three words before the colon)."""
    colon = next((i for i in range(title_end) if t.texts[i] == ":"), None)
    if colon is None or colon == 0 or colon > 6:
        return None
    words = [t.texts[i] for i in range(colon) if not t.punct[i]]
    if words and words[0].lower() in OPENERS:
        return None  # "Beyond Reverse KL: …" names no method of its own
    if len(words) > 3 or not all(is_name_token(w) for w in words):
        return None
    if len(words) > 1 and not any(strongly_named(w) for w in words):
        return None
    if len(words) == 1 and not strongly_named(words[0]) and words[0].lower() != words[0]:
        # A single ordinary capitalised word (`Towards: …`) is no name.
        return None
    return colon


# A measure at a cut-off: Recall@10, NDCG@10, Hits@20, HR@K, pass@1, F1-Score@N.
_AT_K = re.compile(r"[A-Za-z][A-Za-z0-9]*@(?:\d+|[KkN])")


def _ranked_measures(doc: Doc, t: TokenTable) -> list[Span]:
    """METRIC spans of the words shaped as a measure at a cut-off (with a hyphenated head:
    `F1` `-` `Score@N` is one span)."""
    found = []
    for i, word in enumerate(t.texts):
        if "@" in word and _AT_K.fullmatch(word):
            start = i
            while start >= 2 and t.texts[start - 1] == "-" and not t.spaced[start - 2]:
                start -= 2
            found.append(Span(doc, start, i + 1, label="METRIC", kb_id="data"))
    return found


def _past_brackets(t: TokenTable, i: int) -> int:
    """The token after the bracket that opens at token `i` (`i` itself if none opens there)."""
    if i >= len(t) or t.texts[i] != "(":
        return i
    depth = 0
    for k in range(i, min(len(t), i + 40)):
        depth += (t.texts[k] == "(") - (t.texts[k] == ")")
        if depth == 0:
            return k + 1
    return i


# A title's subtitle opening with these words announces an evaluation: "RAVEL: Evaluating …".
_EVALUATING = frozenset({"evaluating", "benchmarking"})
_CLAUSE_MARKS = frozenset([",", ":", ";", "?", "!", ".", "(", ")"])
# Words that end a subtitle's opening phrase: what follows names the problem or the data used.
_PHRASE_END = frozenset(
    [
        "for",
        "of",
        "on",
        "in",
        "with",
        "via",
        "to",
        "from",
        "by",
        "using",
        "towards",
        "toward",
        "through",
        "under",
        "across",
    ]
)


def _name_label(name: str, context: str) -> str:
    """The label of a coined name: BENCHMARK if it is shaped as one (`Struc-Bench`), else
    the label the data words of its context give."""
    return "BENCHMARK" if label_from_head(name) == "BENCHMARK" else label_from_context(context)


def _lead_label(t: TokenTable, lead: int, title_end: int, found: list[Span]) -> str:
    """The label of a title's lead name (`X: …`), from the most specific evidence there is:
    the name itself (`Struc-Bench`); a data word the abstract puts beside it ("we present X,
    a new dataset"); the opening phrase of the subtitle ("X: A Benchmark for …", "X:
    Evaluating …"). Else METHOD: a data word later in the subtitle names the data the method
    is for ("… for Large and Imbalanced Datasets")."""
    name = t.span_text(0, lead)
    if label_from_head(name) == "BENCHMARK":
        return "BENCHMARK"
    beside = {s.label_ for s in found if s.start >= title_end and s.text == name}
    for label in ("BENCHMARK", "DATASET"):
        if label in beside:
            return label
    start = lead + 1
    if start < title_end and t.lowers[start] in _EVALUATING:
        return "BENCHMARK"
    end = start
    while end < title_end and not (t.texts[end] in _CLAUSE_MARKS or t.lowers[end] in _PHRASE_END):
        end += 1
    return label_from_context(t.span_text(start, end))


@Language.factory("kg_cues")
class CueFinder:
    """Adds coined names to `doc.spans["kg_cues"]` and cue words to `doc.spans["kg_cue_words"]`."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        t = token_table(doc)
        names: list[Span] = []
        cue_words: list[Span] = []
        title_end = title_break(t)
        lead = _title_name(t, title_end) if title_end else None
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
            if run[1] < len(t) and t.lowers[run[1]] in _LOSS_WORDS and t.spaced[run[1] - 1]:
                run = (run[0], run[1] + 1)  # "dubbed ND loss": a loss is named with its head
            # After "named", any name; after "we propose", only a coined-looking one.
            if not (
                strongly_named(t.span_text(*run)) or (lower in NAMING and run[1] - run[0] == 1)
            ):
                continue
            # The label comes from the apposition around the name ("X, a dataset of …"),
            # also behind a bracket that spells the name out ("X (Resolving …), a dataset").
            # A preposition after the name starts no apposition: "evaluate X on benchmark datasets".
            after = _past_brackets(t, run[1])
            window = 0 if after < len(t) and t.lowers[after] in _PHRASE_END else 8
            context = (
                t.span_text(i, run[1])
                + " "
                + t.span_text(after, min(after + window, t.sentence(i)[1]))
            )
            label = _name_label(t.span_text(*run), context)
            names.append(Span(doc, run[0], run[1], label=label, kb_id="named"))
        names += data_names(doc)
        names += _ranked_measures(doc, t)
        if lead is not None:
            names.insert(
                0, Span(doc, 0, lead, label=_lead_label(t, lead, title_end, names), kb_id="title")
            )
        listed = {(s.start, s.end): s.label_ for s in doc.spans.get("kg_gazetteer", [])}
        if title_end:
            names += title_tasks(doc, t, title_end, listed)
            names += title_methods(doc, t, title_end, listed)
        names += phrase_tasks(doc, t, listed)
        names += listed_tasks(doc, t, listed)
        doc.spans["kg_cues"] = names
        doc.spans["kg_cue_words"] = cue_words
        return doc
