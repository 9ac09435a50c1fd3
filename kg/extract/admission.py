"""Which of the trained model's spans may compete in `kg_resolve`, and which rule TASKs yield.

The tagger (`kg_tagger`) tells names apart better than it tells their kind, and its
lower-case spans cost more precision than they gain; with a confidence per span
(`kg.extract.model_spans.span_confidences`) the sure ones can still fill the gaps the
rules leave, and its sure `O` tags can veto a rule's TASK. The thresholds were chosen by
the 3-fold cross-validation on the train split (README, "Extraction").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.attrs import TAG
from spacy.tokens import Doc

from kg.extract.model_spans import TAG_PROBABILITY
from kg.extract.names import name_shaped
from kg.extract.pairs import label_from_head
from kg.extract.task_words import TASK_WORDS
from kg.extract.tokens import TokenTable


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span one component proposes: token and character bounds, label, name and source."""

    start: int
    end: int
    start_char: int
    end_char: int
    label: str
    name: str  # the text, or for an abbreviation the long form it stands for
    source: str
    confidence: float = 1.0  # a model span's (kg.extract.model_spans.span_confidences)


# How sure the tagger must be of a span (mean probability of its tags) for it to fill a
# gap the rules leave; chosen by the 3-fold cross-validation on the train split (README).
GAP_CONFIDENCE = {"METHOD": 0.95, "DATASET": 0.99, "BENCHMARK": 0.99, "TASK": 0.9, "METRIC": 0.9}
# How sure the tagger must be that no token of a rule's TASK is part of any name to drop it:
# the annotators mark a task where the paper addresses it, not every use of its words.
TASK_VETO = 0.95
# How sure the tagger must be of a span that runs a rule's span of its label further left
# ("text-to-image generation" around a listed "image generation"), for it to take its place:
# the lists hold the general task, the paper names the kind it works on.
EXTENSION_CONFIDENCE = {"TASK": 0.5}


@dataclass(frozen=True, slots=True)
class ModelAdmission:
    """Which spans of the trained model may compete (the `kg_resolve` configuration)."""

    labels: frozenset[str] | None  # labels always admitted (None: all)
    names_only: bool  # of those, only proper-looking spans (`CoreGuard`, `SI2E`)
    gap_confidence: dict[str, float]  # per label: the confidence a gap-filling span needs
    # per label: the confidence a span needs that extends a rule's span of its label leftwards
    extension_confidence: dict[str, float] = field(default_factory=dict)


def admit(
    candidate: Candidate, text: str, rule: ModelAdmission, ruled: list[tuple[int, int, str]]
) -> bool:
    """Whether a candidate may compete: rule spans always; model spans per `rule`.

    `ruled` holds the token bounds and label of every span a rule component proposes.
    """
    if candidate.source != "kg_model":
        return True
    surface = text[candidate.start_char : candidate.end_char]
    if rule.labels is None or candidate.label in rule.labels:
        if not rule.names_only or name_shaped(surface):
            return True
        # A lower-case model span is kept when its head word agrees (`keyphrase generation`: TASK).
        if candidate.label != "METHOD" and label_from_head(surface) == candidate.label:
            return True
    threshold = rule.gap_confidence.get(candidate.label)
    extension = rule.extension_confidence.get(candidate.label)
    if extension is not None and _extends(candidate, ruled):
        threshold = extension if threshold is None else min(threshold, extension)
    if threshold is None or candidate.confidence < threshold:
        return False
    if not all(_within(span, candidate) for span in ruled):
        return False
    if _glued(text, candidate.start_char, candidate.end_char):
        return False  # part of a word: "-shot recommendation" of "zero-shot recommendation"
    if candidate.label == "TASK" and surface.islower() and " " not in surface:
        return False
    # A lower-case phrase the model calls a metric is often a quality ("robustness"), not a measure.
    return (
        candidate.label != "METRIC" or name_shaped(surface) or label_from_head(surface) == "METRIC"
    )


def kind(label: str) -> str:
    """A label with DATASET and BENCHMARK taken as one kind, DATA."""
    return "DATA" if label in ("DATASET", "BENCHMARK") else label


def _extends(candidate: Candidate, ruled: list[tuple[int, int, str]]) -> bool:
    """Whether the candidate ends where a rule's span of its label ends, and starts before it."""
    return any(
        label == candidate.label and end == candidate.end and start > candidate.start
        for start, end, label in ruled
    )


def _within(span: tuple[int, int, str], candidate: Candidate) -> bool:
    """Whether a rule's span leaves room for the candidate: apart from it, or inside it and of its kind."""
    start, end, label = span
    if end <= candidate.start or start >= candidate.end:
        return True
    inside = candidate.start <= start and end <= candidate.end
    return (
        inside
        and end - start < candidate.end - candidate.start
        and kind(label) == kind(candidate.label)
    )


def outside_tokens(doc: Doc, threshold: float) -> set[int]:
    """The tokens the tagger tags `O` with a probability of `threshold` or more."""
    probabilities = doc.user_data.get(TAG_PROBABILITY)
    if probabilities is None or threshold > 1:
        return set()
    sure = (doc.to_array(TAG) == doc.vocab.strings["O"]) & (probabilities >= threshold)
    return set(sure.nonzero()[0].tolist())


def task_context(t: TokenTable, start: int, end: int) -> bool:
    """Whether the words around `start:end` say it is a task: "X task(s)", "a X problem",
    "tasks such as X", "the problem of X"."""
    if end < len(t) and t.lowers[end] in TASK_WORDS:
        return True
    before = t.lowers[max(0, start - 3) : start]
    return (before[-2:] == ["such", "as"] and len(before) == 3 and before[0] in TASK_WORDS) or (
        before[-1:] == ["of"] and len(before) >= 2 and before[-2] in TASK_WORDS
    )


def vetoed(
    candidate: Candidate,
    outside: set[int],
    t: TokenTable,
    items: Sequence[tuple[int, int]] = (),
) -> bool:
    """Whether a TASK yields to the tagger: every token of it among `outside` (`outside_tokens`),
    no word around it says it is a task (`task_context`), and it is in no item of a list of
    task examples (`items`, kg.extract.task_cues.task_list_items: "tasks such as X, Y and Z")."""
    return (
        candidate.label == "TASK"
        and all(i in outside for i in range(candidate.start, candidate.end))
        and not task_context(t, candidate.start, candidate.end)
        and not any(a <= candidate.start and candidate.end <= b for a, b in items)
    )


def _glued(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] begins or ends inside a hyphenated or longer word."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return (
        not (text[start].isalnum() and text[end - 1].isalnum())
        or before.isalnum()
        or before == "-"
        or after.isalnum()
        or after == "-"
    )
