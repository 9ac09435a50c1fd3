"""The label of an abbreviation pair (Schwartz & Hearst 2003 pairs, `kg_abbreviations`).

A pair takes the label a component gives its long form, else one a rule gives its short
form, else the label its long form's head word implies; a pair the paper coins is its
METHOD whatever its head word says.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from kg.canonical import singular
from kg.extract.names import name_shaped
from kg.extract.tokens import TokenTable, token_table

_LEARNING_SETTINGS = re.compile(
    r"\b(?:reinforcement|federated|continual|lifelong|incremental|few-shot|zero-shot|one-shot|"
    r"self-supervised|semi-supervised|unsupervised|supervised|transfer|multi-task|meta|imitation|"
    r"online|offline|active|representation|metric|curriculum|multi-agent)\s+learning$",
    re.I,
)
_COUNTS = re.compile(r"(?:the\s+)?(?:number|percentage|fraction|proportion)\s+of\b", re.I)
_HEADS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("DATASET", re.compile(r"\b(?:dataset|data set|corpus|treebank|collection)$", re.I)),
    ("BENCHMARK", re.compile(r"(?:benchmark|bench|suite|leaderboard|arena)$", re.I)),
    (
        "METRIC",
        re.compile(
            r"\b(?:score|error|accuracy|precision|recall|distance|coefficient|gain|rate|index|criterion|similarity|divergence)$",
            re.I,
        ),
    ),
    (
        "TASK",
        re.compile(
            r"\b(?:detection|recognition|classification|prediction|generation|translation|segmentation|"
            r"retrieval|answering|summarization|summarisation|recommendation|analysis|tracking|parsing|"
            r"extraction|completion|understanding|synthesis|captioning|reconstruction|forecasting|"
            r"localization|discovery|estimation|inference|reasoning|editing|grounding|navigation)$",
            re.I,
        ),
    ),
    (
        "",
        re.compile(
            r"\b(?:environment|device|unit|processing|data|information|theory|space|equation|problem|"
            r"function|principle|hypothesis|paradigm|phenomenon|process|condition|setting|area|field)$",
            re.I,
        ),
    ),
)


def label_from_head(phrase: str) -> str | None:
    """The label a long form's head word implies, METHOD by default, None for non-entities."""
    phrase = singular("METHOD", phrase.strip())
    if _COUNTS.match(phrase):
        return "METRIC"  # "number of function evaluations (NFEs)": a count is a measure
    if _LEARNING_SETTINGS.search(phrase):
        return "TASK"
    for label, pattern in _HEADS:
        if pattern.search(phrase):
            return label or None
    return "METHOD"


def pair_labels(
    abbrevs: list[Span],
    known: dict[tuple[int, int], str],
    ruled: dict[tuple[int, int], str],
    listed: set[tuple[int, int]],
    proposed: frozenset[str] = frozenset(),
) -> dict[str, str | None]:
    """The label of each abbreviation pair (by `kb_id_`), in this order of precedence: a label
    any component gives the long form (`known`), one a rule gives the short form (`ruled`:
    "(PAPI) dataset", a listed abbreviation), the long form's head word, the model's label
    of the short form; `listed` are the gazetteer's spans, `proposed` the pairs the paper coins."""
    labels: dict[str, str | None] = {}
    for span in abbrevs:
        # A title's lead name (`LAPP: Layer Adaptive Progressive Pruning for …`) has the
        # label its subtitle gives it (kg.extract.cues), whatever its long form alone reads as.
        lead = span.start == 0 and span.end < len(span.doc) and span.doc[span.end].text == ":"
        if span.label_ == "SHORT" and lead and (span.start, span.end) in ruled:
            labels.setdefault(span.kb_id_, ruled[(span.start, span.end)])
    for span in abbrevs:
        key = (span.start, span.end)
        if span.label_ == "LONG" and key in known and span.kb_id_ not in labels:
            label = known[key]
            if label == "METHOD" and key not in listed and label_from_head(span.text) == "METRIC":
                # A METHOD is the model's (or a naming cue's) default; a measure's head word
                # says more: "constraint satisfaction rate (CSR)", "… Index (HVI)".
                label = "METRIC"
            if label == "TASK" and key not in listed and span.kb_id_ in proposed:
                label = "METHOD"
            labels[span.kb_id_] = label
    for span in abbrevs:
        if span.label_ == "SHORT" and span.kb_id_ not in labels and (span.start, span.end) in ruled:
            labels[span.kb_id_] = ruled[(span.start, span.end)]
    for span in abbrevs:
        if span.label_ == "LONG" and span.kb_id_ not in labels:
            implied = label_from_head(span.text)
            # A paper's own coinage is its method, whatever its head word: "we propose
            # Topic-aware Sentence Structure Prediction (TSSP)".
            coined = implied == "TASK" and span.kb_id_ in proposed
            labels[span.kb_id_] = "METHOD" if coined else implied
    for span in abbrevs:
        if span.label_ == "SHORT" and labels.get(span.kb_id_) is None:
            labels[span.kb_id_] = known.get((span.start, span.end), labels.get(span.kb_id_))
    return labels


# Nouns that say what a coined pair is ("the … (PFRec) framework"), and words that say the
# paper coins a problem instead ("we propose a new task, …").
_METHOD_NOUNS = frozenset(
    [
        "framework",
        "method",
        "approach",
        "model",
        "strategy",
        "technique",
        "algorithm",
        "architecture",
        "module",
        "mechanism",
        "scheme",
        "pipeline",
        "system",
        "network",
        "objective",
        "layer",
        "loss",
        "block",
        "encoder",
        "decoder",
        "estimator",
        "regularizer",
        "operator",
        "procedure",
    ]
)
_PROBLEM_WORDS = frozenset(
    ["task", "tasks", "problem", "problems", "challenge", "setting", "benchmark"]
)


_OBJECT_OF = frozenset(["for", "of", "on", "in", "to", "towards", "toward", "via"])


def _describes_another(t: TokenTable, start: int, first: int) -> bool:
    """Whether the long form at `start` is what another coinage is for or is: "an approach
    for extremely fine-grained controllable generation (EFCG)", "ERU-KG, an unsupervised
    keyphrase generation (UKG) model"."""
    if start > first and t.lowers[start - 1] in _OBJECT_OF:
        return True
    return (
        start - 3 >= first
        and t.lowers[start - 1] in ("a", "an")
        and t.texts[start - 2] == ","
        and name_shaped(t.texts[start - 3])
    )


def coined_pairs(doc: Doc, abbrevs: list[Span]) -> frozenset[str]:
    """The abbreviation pairs (`kb_id_`) a paper coins: a proposing or naming word before the
    long form in its sentence with no problem word between, or a method noun after the pair."""
    cues = [s.start for s in doc.spans.get("kg_cue_words", [])]
    t = token_table(doc)
    coined = set()
    for span in abbrevs:
        if span.label_ != "LONG":
            continue
        first, _ = t.sentence(span.start)
        if _describes_another(t, span.start, first):
            continue
        before = [c for c in cues if first <= c < span.start]
        closing = span.end
        while closing < len(t) and closing < span.end + 4 and t.texts[closing] != ")":
            closing += 1
        noun = closing + 1 < len(t) and t.lowers[closing + 1] in _METHOD_NOUNS
        if noun or (
            before
            and not any(
                t.lowers[i] in _PROBLEM_WORDS for i in range(before[-1], min(span.end + 4, len(t)))
            )
        ):
            coined.add(span.kb_id_)
    return frozenset(coined)
