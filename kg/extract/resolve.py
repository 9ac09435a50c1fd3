"""`kg_resolve`: one set of non-overlapping mentions from every component's spans.

The policy, applied in order:
1. URLs win: nothing may overlap an address.
2. The trained model's spans compete when they look like a METHOD's name (per the
   configuration), or when they fill a gap: the tagger is sure of them (`gap_confidence`,
   per label, against the mean probability of their tags) and no rule proposes anything
   in their tokens but shorter spans of the same kind inside them (`medical image
   segmentation` around a listed `image segmentation`; a span that runs a rule's span of
   its label further left needs only `extension_confidence`); see `kg.extract.admission`.
   A TASK a rule proposes is dropped where the tagger tags each of its tokens `O` with
   a probability of `task_veto` or more.
   Among the candidates the longest span wins; on equal length the source with
   the higher priority wins: trained model > naming cue or title name > abbreviation
   pair > gazetteer.
3. An abbreviation pair takes the label a component gives its long form (a listed
   METHOD's kind before the model's, the model's before the other rules'); else the label
   a rule (gazetteer, cue) gives its short form; else the label its long form's head word
   implies (`… detection` → TASK, `… dataset` → DATASET, `… score` → METRIC); else METHOD.
   A pair the paper coins is its METHOD even when its head word or a listed task grown
   into its long form says TASK. The model's and a naming cue's default METHOD on a
   pair's short or long form yield to the pair's label.
4. A model METHOD span that a data or metric word marks takes that word's label, unless
   the gazetteer lists it as a METHOD ("experiments on GPT4"); a proper-looking model span
   left out, listed next to a chosen mention ("GraftNet, PullNet and EmbedKGQA"), comes in
   with that mention's label; a DATASET whose name says it is a benchmark (`MT-Bench`,
   `AlpacaEval`, `Long Range Arena`) is one, and so is a one-word METHOD ending so
   (`AGIEval`) that is not listed as a METHOD. A word with a capital after a lower-case
   letter that nothing took (`ConvexDA`, `SCoRe`; kg.extract.coined) is a name too: with
   the label of a mention it stands in a list with, else METHOD.
5. Generic phrases (ANNOTATION.md rule 1 and 8) and spans that cannot be names (numbers,
   fractions, sizes, versions, licences, comparisons) are dropped, and so is a measure's
   name used otherwise (`click-through rate (CTR) prediction`, "used to recall items",
   `mixed-precision`), a TASK that modifies a noun (`… retrieval models`) or, in the
   title, a data noun (`… Relation Classification Dataset`), and a lone evaluative word
   read as a TASK.
6. Every further occurrence of a chosen name in the paper becomes a mention too.
The span's `kb_id_` holds the canonical name (the long form for a short form, also when
another component found the short form); `id_` names the component the mention came from.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.canonical import canonical_name, singular
from kg.extract.admission import (
    EXTENSION_CONFIDENCE,
    GAP_CONFIDENCE,
    TASK_VETO,
    Candidate,
    ModelAdmission,
    admit,
    kind,
    outside_tokens,
    vetoed,
)
from kg.extract.coined import coined_words
from kg.extract.names import GENERIC_PHRASES
from kg.extract.pairs import coined_pairs, pair_labels
from kg.extract.shapes import strongly_named
from kg.extract.siblings import data_lists, list_siblings
from kg.extract.task_cues import task_list_items
from kg.extract.task_words import VAGUE
from kg.extract.tokens import TokenTable, title_break, token_table
from kg.ids import fold

PRIORITY = {"kg_urls": 0, "kg_model": 1, "kg_cues": 2, "kg_abbrevs": 3, "kg_gazetteer": 4}


def _candidates(
    doc: Doc, groups: dict[str, list[Span]], confidences: list[float]
) -> list[Candidate]:
    """Every component's spans (`groups`, by component), abbreviation pairs labelled.

    `confidences` are those of the model's spans, in the order of `groups["kg_model"]`.
    """
    listed = {(s.start, s.end) for s in groups["kg_gazetteer"]}
    ruled = {(s.start, s.end): s.label_ for s in groups["kg_gazetteer"]}
    ruled.update(
        ((s.start, s.end), s.label_)
        for s in groups["kg_cues"]
        if s.kb_id_ != "data" or (s.start, s.end) not in listed
    )
    # The model's label beats a naming cue's default and a listed name's kind, except a
    # listed METHOD's: `Principal Component Analysis` read as a TASK by its head word.
    # (The lists' TASKs lose: `Masked Language Modeling` is a Papers-with-Code task.)
    known = ruled | {(s.start, s.end): s.label_ for s in groups["kg_model"]}
    known.update(
        ((s.start, s.end), s.label_) for s in groups["kg_gazetteer"] if s.label_ == "METHOD"
    )
    # A listed TASK grown over the words before it is no longer exactly listed, so a pair
    # the paper coins on it is its METHOD ("we propose Generation-augmented Representation
    # Learning (GRL)").
    abbrevs = groups["kg_abbrevs"]
    exact = {(s.start, s.end) for s in groups["kg_gazetteer"] if s.kb_id_ != "grown"}
    labelled = pair_labels(abbrevs, known, ruled, exact, coined_pairs(doc, abbrevs))
    text = token_table(doc).text
    long_forms = {s.kb_id_: text[s.start_char : s.end_char] for s in abbrevs if s.label_ == "LONG"}
    # A short form found by another component (a title's lead name `LoL: …`) still names
    # the entity its long form names: one entity per abbreviation pair.
    expands: dict[str, str] = {}
    # The model tells names apart better than their kind: where it tags a pair's short or
    # long form ("current SGG methods"), the pair's label stands.
    pair_label_of: dict[str, str] = {}
    for s in abbrevs:
        surface = text[s.start_char : s.end_char]
        if s.label_ == "SHORT" and s.kb_id_ in long_forms:
            expands.setdefault(surface, long_forms[s.kb_id_])
        if pair_label := labelled.get(s.kb_id_):
            pair_label_of.setdefault(surface, pair_label)
    found: list[Candidate] = []
    for source in PRIORITY:
        # Rule spans are certain; a model span without a known confidence is not.
        sure, unknown = (confidences, 0.0) if source == "kg_model" else ((), 1.0)
        for k, span in enumerate(groups[source]):
            if span.kb_id_ == "data" and (span.start, span.end) in listed:
                continue  # a listed name keeps its listed kind: GSM8K stays a benchmark
            if source == "kg_model" and _two_listed(span, listed):
                continue  # `BERT Transformer`, `Mistral-7B Supervised Fine-Tuning`: two names
            label = labelled.get(span.kb_id_) if source == "kg_abbrevs" else span.label_
            surface = text[span.start_char : span.end_char]
            if source == "kg_model" or (source == "kg_cues" and label == "METHOD"):
                # A naming cue's METHOD is a default too: "we propose Hallucination
                # Vulnerability Index (HVI)" is the pair's measure, long and short form.
                label = pair_label_of.get(surface, label)
            if not label:
                continue
            name = (
                long_forms.get(span.kb_id_, surface)
                if source == "kg_abbrevs"
                else expands.get(surface, surface)
            )
            confidence = sure[k] if k < len(sure) else unknown
            found.append(
                Candidate(
                    span.start,
                    span.end,
                    span.start_char,
                    span.end_char,
                    label,
                    name,
                    source,
                    confidence,
                )
            )
    return found


def _two_listed(span: Span, listed: set[tuple[int, int]]) -> bool:
    """Whether `span` is two listed names side by side and nothing else."""
    return any(
        (span.start, mid) in listed and (mid, span.end) in listed
        for mid in range(span.start + 1, span.end)
    )


# How candidates are ranked: URLs first always; then either the longest span (ties by
# source priority) or the trained model's spans before any rule's.
POLICIES = {
    "longest": lambda c: (
        c.source != "kg_urls",
        -(c.end_char - c.start_char),
        PRIORITY[c.source],
        c.start,
    ),
    "model_first": lambda c: (
        c.source != "kg_urls",
        c.source != "kg_model",
        -(c.end_char - c.start_char),
        PRIORITY[c.source],
        c.start,
    ),
}


# Every model span competes, and none only to fill a gap: choose's default.
ADMIT_ALL = ModelAdmission(None, False, {})


def choose(
    doc: Doc,
    policy: str = "longest",
    admission: ModelAdmission = ADMIT_ALL,
    task_veto: float = 2.0,
) -> list[Span]:
    """The mentions of `doc` under the policy of this module (`admission`: which model spans compete)."""
    chosen: list[Span] = []
    taken: set[int] = set()
    table = token_table(doc)
    text = table.text
    # Each group read once: iterating a span group makes a new Span per item every time.
    groups = {name: list(doc.spans.get(name, [])) for name in PRIORITY}
    confidences = (
        doc.spans["kg_model"].attrs.get("confidence", []) if "kg_model" in doc.spans else []
    )
    ruled = [
        (s.start, s.end, s.label_)
        for name in ("kg_gazetteer", "kg_cues", "kg_abbrevs")
        for s in groups[name]
    ]
    outside = outside_tokens(doc, task_veto)
    items = task_list_items(table) if outside else []
    ranked = sorted(
        (
            c
            for c in _candidates(doc, groups, confidences)
            if admit(c, text, admission, ruled) and not vetoed(c, outside, table, items)
        ),
        key=POLICIES[policy],
    )
    # The model tells names apart better than it tells their kind; a data word around the
    # name ("datasets like X", "trained on X", a title ending in "Dataset") settles the kind,
    # unless the name is listed as a METHOD ("experiments on GPT4": the model evaluated).
    listed_methods = {(s.start, s.end) for s in groups["kg_gazetteer"] if s.label_ == "METHOD"}
    data_cues = {
        (s.start, s.end): s.label_
        for s in groups["kg_cues"]
        if s.label_ in ("DATASET", "BENCHMARK", "METRIC") and (s.start, s.end) not in listed_methods
    }
    title_end = title_break(table)
    for c in ranked:
        c = _without_model_word(table, c)
        if any(i in taken for i in range(c.start, c.end)) or _no_name(c, text):
            continue
        if c.label == "TASK" and _no_task_here(table, c, title_end):
            continue
        if c.label == "METRIC" and not_a_measure(table, c.start, c.end):
            continue
        label = c.label
        if c.source == "kg_model" and label == "METHOD":
            label = data_cues.get((c.start, c.end), label)
        taken.update(range(c.start, c.end))
        chosen.append(
            Span(
                doc,
                c.start,
                c.end,
                label=label,
                kb_id=canonical_name(label, c.name),
                span_id=c.source,
            )
        )
    coined = coined_words(doc, table, taken)
    chosen.extend(list_siblings(doc, table, chosen, [*groups["kg_model"], *coined], taken))
    for span in coined:
        if not any(i in taken for i in range(span.start, span.end)):
            taken.update(range(span.start, span.end))
            chosen.append(span)
    chosen = data_lists(doc, table, chosen, listed_methods)
    chosen = [_benchmark_named(doc, s, listed_methods) for s in chosen]
    chosen = one_kind(doc, chosen, groups["kg_gazetteer"])
    chosen.extend(_propagate(doc, text, chosen, taken))
    return sorted(chosen, key=lambda s: s.start)


_MODEL_WORDS = frozenset(["model", "models"])


def _without_model_word(table: TokenTable, c: Candidate) -> Candidate:
    """A METHOD candidate less a generic `model(s)` after a one-word coined name:
    `Qwen2.5 models` is `Qwen2.5` (ANNOTATION.md rule 2); `Vision-Language Models` stays."""
    if c.label != "METHOD" or c.end - c.start < 2 or table.lowers[c.end - 1] not in _MODEL_WORDS:
        return c
    last = c.end - 1
    if not table.spaced[last - 1] or any(table.spaced[i] for i in range(c.start, last - 1)):
        return c  # not one word (tokens joined without spaces) before the model word
    word = table.span_text(c.start, last)
    # Capitals after a hyphen make no coinage: `Vision-Language Models`, `Bradley-Terry model`.
    if not any(strongly_named(piece) for piece in word.split("-")):
        return c
    surface = table.text[c.start_char : c.end_char]
    name = word if c.name == surface else c.name
    return replace(c, end=last, end_char=table.ends[last - 1], name=name)


# Names that say they are benchmarks: `MT-Bench`, `AlpacaEval`, `Long Range Arena`; of a
# one-word name read as a METHOD, only where the word ends there (`AGIEval`, not
# `Self-Evaluation`). Of the one-word names so ending in kg/data/gazetteer.tsv, 87 are
# BENCHMARKs, 13 DATASETs, 4 METHODs (`G-Eval`, kept by its listing) and 1 a METRIC.
_BENCHMARK_NAME = re.compile(r"Bench|Eval|Arena")
_BENCHMARK_WORD = re.compile(r"(?:Bench|Eval|Arena)(?![a-z])")


def _benchmark_named(doc: Doc, span: Span, listed_methods: set[tuple[int, int]]) -> Span:
    """`span` as a BENCHMARK if its name says it is one: a DATASET, or a one-word METHOD
    not listed as a METHOD (`listed_methods`: the bounds of the gazetteer's METHOD spans)."""
    if span.label_ == "DATASET":
        named = bool(_BENCHMARK_NAME.search(span.text))
    else:
        named = (
            span.label_ == "METHOD"
            and " " not in span.text
            and bool(_BENCHMARK_WORD.search(span.text))
            and (span.start, span.end) not in listed_methods
        )
    if not named:
        return span
    return Span(doc, span.start, span.end, label="BENCHMARK", kb_id=span.kb_id_, span_id=span.id_)


# Words after a measure's name that make it what is predicted ("click-through rate (CTR)
# prediction"), and words before `recall` that make it the verb ("used to recall items").
_PREDICTED = frozenset(["prediction", "predictions", "estimation", "forecasting"])
_BEFORE_VERB = frozenset(
    [
        "to",
        "we",
        "first",
        "can",
        "cannot",
        "could",
        "may",
        "might",
        "must",
        "should",
        "will",
        "would",
        "not",
    ]
)


# Words before `precision` that make it the precision of numbers, not a measure (not
# `high` or `low`: "high precision" is as often the measure).
_NUMBER_FORMATS = frozenset(["mixed", "half", "full", "single", "double", "numerical"])
_FORMAT_NAME = re.compile(r"\b(?:fp|bf|int|float)\d+\b", re.I)


def not_a_measure(t: TokenTable, start: int, end: int) -> bool:
    """Whether a METRIC candidate at `start:end` is used otherwise: what a task predicts
    (past a bracketed short form), the verb `recall`, or the precision of numbers."""
    after = end
    if after + 2 < len(t) and t.texts[after] == "(" and t.texts[after + 2] == ")":
        after += 3  # "click-through rate (CTR) prediction"
    elif after < len(t) and t.texts[after] == ")":
        after += 1  # "(CTR) prediction"
    if after < len(t) and t.lowers[after] in _PREDICTED:
        return True
    if end - start != 1 or start == 0:
        return False
    before = start - 2 if t.texts[start - 1] == "-" and start > 1 else start - 1
    if t.lowers[start] == "precision":  # "mixed-precision training", "FP16 precision"
        return t.lowers[before] in _NUMBER_FORMATS or bool(_FORMAT_NAME.search(t.texts[before]))
    return t.texts[start] == "recall" and t.lowers[start - 1] in _BEFORE_VERB


# Which kind a name takes when a paper's mentions give it two: a data word or a task cue
# says more than METHOD, the default kind of an unknown name; a data word after a task
# ("GZSL benchmarks") names where the task is measured, not a dataset.
_WINNER = {
    frozenset({"METHOD", "DATA"}): "DATA",
    frozenset({"TASK", "DATA"}): "TASK",
    frozenset({"METHOD", "TASK"}): "METHOD",
}


def one_kind(doc: Doc, chosen: list[Span], gazetteer: list[Span]) -> list[Span]:
    """One kind per name in a paper, where its mentions were chosen with two (`_WINNER`); a
    mention keeps its kind where the gazetteer's spans (`gazetteer`) give the name that kind."""
    keys = [fold(s.text) for s in chosen]
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for key, s in zip(keys, chosen, strict=True):
        kinds[key][s.label_] += 1
    relabel: dict[str, str] = {}
    for key, counts in kinds.items():
        winner = _WINNER.get(frozenset(kind(label) for label in counts))
        if winner == "DATA":
            relabel[key] = max(("DATASET", "BENCHMARK"), key=lambda k: counts[k])
        elif winner is not None:
            relabel[key] = winner
    if not relabel:  # nearly every paper: nothing to look up
        return chosen
    listed = {(fold(s.text), kind(s.label_)) for s in gazetteer}
    spans = []
    for key, s in zip(keys, chosen, strict=True):
        label = relabel.get(key, s.label_)
        if kind(label) == kind(s.label_) or (key, kind(s.label_)) in listed:
            spans.append(s)
        else:
            name = canonical_name(label, s.kb_id_)
            spans.append(Span(doc, s.start, s.end, label=label, kb_id=name, span_id=s.id_))
    return spans


# Nouns a task phrase can modify, as in "dense retrieval models" or "supervised learning
# loss": there it names a kind of thing, not the task the paper addresses.
_MODIFIED_NOUNS = """
    models model loss losses quality process systems system perspective perspectives
    capabilities objective objectives
"""
_TASK_AS_MODIFIER = frozenset(_MODIFIED_NOUNS.split())


# A title's task phrase right before these describes the paper's data ("CORE: A Few-Shot
# Company Relation Classification Dataset"): no task named there.
_DATA_NOUNS = frozenset(["dataset", "benchmark", "corpus", "suite"])


def _no_task_here(table: TokenTable, c: Candidate, title_end: int) -> bool:
    """Whether a TASK candidate names no task where it stands: before a noun it modifies
    (left to a use of the phrase as a task elsewhere in the paper, if any), before a data
    noun in the title, or a lone evaluative word (`Robust`)."""
    after = table.lowers[c.end] if c.end < len(table) else ""
    return (
        after in _TASK_AS_MODIFIER
        or (c.end < title_end and after in _DATA_NOUNS)
        or table.span_text(c.start, c.end).lower() in VAGUE
    )


# No name: a number, a fraction, a year or a model size alone ("2006", "5/10", "8B"), a range of sizes
# ("70M-12B"), a version alone ("v1"), a licence ("CC-BY-4.0"), or a comparison ("F1<0.72").
_SIZE = r"[\d.,/]+[BMKbmk]?"
_NOT_A_NAME = re.compile(
    rf"^{_SIZE}$|^{_SIZE}\s*[-–]\s*{_SIZE}$|^v\d+(?:\.\d+)*$|^cc[- ]by\b|[=<>]", re.I
)


def _is_generic(text: str) -> bool:
    lowered = " ".join(text.lower().split())
    return lowered in GENERIC_PHRASES or singular("METHOD", lowered) in GENERIC_PHRASES


def no_name(surface: str) -> bool:
    """Whether a span's text cannot name an entity: a generic phrase, a number or a comparison."""
    return _is_generic(surface) or bool(_NOT_A_NAME.search(surface))


def _no_name(candidate: Candidate, text: str) -> bool:
    # An address may hold `=`: URLs are judged by `kg_urls` alone.
    surface = text[candidate.start_char : candidate.end_char]
    return candidate.source != "kg_urls" and no_name(surface)


def _propagate(doc: Doc, whole: str, chosen: list[Span], taken: set[int]) -> list[Span]:
    """Further whole-token occurrences of chosen names (ANNOTATION.md rule 7); `whole` is `doc.text`."""
    extra: list[Span] = []
    by_text = {whole[s.start_char : s.end_char]: s for s in chosen if s.label_ != "REPO"}
    if not by_text:
        return extra
    # Token bounds by character offset: what `doc.char_span` answers, without making a Span
    # for every occurrence (most are the chosen mentions themselves).
    table = token_table(doc)
    first = {c: i for i, c in enumerate(table.starts)}
    after = {c: i + 1 for i, c in enumerate(table.ends)}
    for text, span in sorted(by_text.items(), key=lambda kv: -len(kv[0])):
        start = whole.find(text)
        while start >= 0:
            i, j = first.get(start), after.get(start + len(text))
            start = whole.find(text, start + 1)
            if i is None or j is None or j <= i or any(k in taken for k in range(i, j)):
                continue
            taken.update(range(i, j))
            extra.append(Span(doc, i, j, label=span.label_, kb_id=span.kb_id_, span_id=span.id_))
    return extra


@Language.factory(
    "kg_resolve",
    default_config={
        "policy": "longest",
        "model_labels": None,
        "model_names_only": False,
        "gap_confidence": GAP_CONFIDENCE,
        "task_veto": TASK_VETO,
        "extension_confidence": EXTENSION_CONFIDENCE,
    },
)
class MentionResolver:
    """Writes the final mentions to `doc.spans["kg_mentions"]` (see the module docstring)."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        policy: str,
        model_labels: list[str] | None,
        model_names_only: bool,
        gap_confidence: dict[str, float],
        task_veto: float,
        extension_confidence: dict[str, float],
    ) -> None:
        if policy not in POLICIES:
            raise ValueError(
                f"kg_resolve: unknown policy {policy!r} (choose from {', '.join(POLICIES)})"
            )
        self.name = name
        self.policy = policy
        # The labels the trained model may contribute (None: all of them), of those only
        # proper-looking spans (`CoreGuard`, `SI2E`) if `model_names_only`, and per label
        # how sure the tagger must be of any other span for it to fill a gap the rules leave.
        self.admission = ModelAdmission(
            frozenset(model_labels) if model_labels is not None else None,
            model_names_only,
            dict(gap_confidence),
            dict(extension_confidence),
        )
        # Above 1: no veto (a pipeline without kg_tagger has no probabilities anyway).
        self.task_veto = task_veto

    def __call__(self, doc: Doc) -> Doc:
        doc.spans["kg_mentions"] = choose(doc, self.policy, self.admission, self.task_veto)
        return doc
