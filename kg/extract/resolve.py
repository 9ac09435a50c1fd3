"""`kg_resolve`: one set of non-overlapping mentions from every component's spans.

The policy, applied in order:
1. URLs win: nothing may overlap an address.
2. Among the other candidates the longest span wins; on equal length the source with
   the higher priority wins: trained model > naming cue or title name > abbreviation
   pair > gazetteer.
3. An abbreviation pair takes the label a component gives its long form; else the label
   a rule (gazetteer, cue) gives its short form; else the label its long form's head word
   implies (`… detection` → TASK, `… dataset` → DATASET, `… score` → METRIC); else METHOD.
4. A model METHOD span that a data or metric word marks takes that word's label.
5. Generic phrases (ANNOTATION.md rule 1 and 8) are dropped.
6. Every further occurrence of a chosen name in the paper becomes a mention too.
The span's `kb_id_` holds the canonical name (the long form for a short form, also when
another component found the short form); `id_` names the component the mention came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.canonical import canonical_name, singular
from kg.extract.names import GENERIC_PHRASES, name_shaped
from kg.extract.tokens import TokenTable, token_table

PRIORITY = {"kg_urls": 0, "kg_model": 1, "kg_cues": 2, "kg_abbrevs": 3, "kg_gazetteer": 4}

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


def _pair_labels(
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
        key = (span.start, span.end)
        if span.label_ == "LONG" and key in known:
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


def _coined_pairs(doc: Doc, abbrevs: list[Span]) -> frozenset[str]:
    """The abbreviation pairs (`kb_id_`) a paper coins: a proposing or naming word before the
    long form in its sentence with no problem word between, or a method noun after the pair."""
    cues = [s.start for s in doc.spans.get("kg_cue_words", [])]
    if not cues:
        return frozenset()
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
            and not any(t.lowers[i] in _PROBLEM_WORDS for i in range(before[-1], span.end + 4))
        ):
            coined.add(span.kb_id_)
    return frozenset(coined)


def _candidates(doc: Doc, groups: dict[str, list[Span]]) -> list[Candidate]:
    """Every component's spans (`groups`, by component), abbreviation pairs labelled."""
    listed = {(s.start, s.end) for s in groups["kg_gazetteer"]}
    ruled = {(s.start, s.end): s.label_ for s in groups["kg_gazetteer"]}
    ruled.update(
        ((s.start, s.end), s.label_)
        for s in groups["kg_cues"]
        if s.kb_id_ != "data" or (s.start, s.end) not in listed
    )
    known = ruled | {(s.start, s.end): s.label_ for s in groups["kg_model"]}
    abbrevs = groups["kg_abbrevs"]
    pair_labels = _pair_labels(abbrevs, known, ruled, listed, _coined_pairs(doc, abbrevs))
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
        if pair_label := pair_labels.get(s.kb_id_):
            pair_label_of.setdefault(surface, pair_label)
    found: list[Candidate] = []
    for source in PRIORITY:
        for span in groups[source]:
            if span.kb_id_ == "data" and (span.start, span.end) in listed:
                continue  # a listed name keeps its listed kind: GSM8K stays a benchmark
            label = pair_labels.get(span.kb_id_) if source == "kg_abbrevs" else span.label_
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
            found.append(
                Candidate(span.start, span.end, span.start_char, span.end_char, label, name, source)
            )
    return found


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


def _admit(candidate: Candidate, text: str, labels: frozenset[str] | None, names: bool) -> bool:
    """Whether a candidate may compete: rule spans always; model spans per the configuration."""
    if candidate.source != "kg_model":
        return True
    if labels is not None and candidate.label not in labels:
        return False
    surface = text[candidate.start_char : candidate.end_char]
    if not names or name_shaped(surface):
        return True
    # A lower-case model span is kept when its head word agrees (`keyphrase generation`: TASK).
    return candidate.label != "METHOD" and label_from_head(surface) == candidate.label


def choose(
    doc: Doc,
    policy: str = "longest",
    model_labels: frozenset[str] | None = None,
    model_names_only: bool = False,
) -> list[Span]:
    """The mentions of `doc` under the policy of this module."""
    chosen: list[Span] = []
    taken: set[int] = set()
    table = token_table(doc)
    text = table.text
    # Each group read once: iterating a span group makes a new Span per item every time.
    groups = {name: list(doc.spans.get(name, [])) for name in PRIORITY}
    ranked = sorted(
        (c for c in _candidates(doc, groups) if _admit(c, text, model_labels, model_names_only)),
        key=POLICIES[policy],
    )
    # The model tells names apart better than it tells their kind; a data word around the
    # name ("datasets like X", "trained on X", a title ending in "Dataset") settles the kind.
    data_cues = {
        (s.start, s.end): s.label_
        for s in groups["kg_cues"]
        if s.label_ in ("DATASET", "BENCHMARK", "METRIC")
    }
    for c in ranked:
        if any(i in taken for i in range(c.start, c.end)) or _no_name(c, text):
            continue
        if c.label == "TASK" and c.end < len(table) and table.lowers[c.end] in _TASK_AS_MODIFIER:
            continue  # left to a use of the phrase as a task elsewhere in the paper, if any
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
    chosen.extend(_propagate(doc, text, chosen, taken))
    return sorted(chosen, key=lambda s: s.start)


# Nouns a task phrase can modify, as in "dense retrieval models" or "supervised learning
# loss": there it names a kind of thing, not the task the paper addresses.
_MODIFIED_NOUNS = """
    models model loss losses quality process systems system perspective perspectives
    capabilities objective objectives
"""
_TASK_AS_MODIFIER = frozenset(_MODIFIED_NOUNS.split())


# No name: a number, a year or a model size alone ("2006", "1", "8B"), a range of sizes
# ("70M-12B"), a version alone ("v1"), a licence ("CC-BY-4.0"), or a comparison ("F1<0.72").
_SIZE = r"[\d.,]+[BMKbmk]?"
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
    default_config={"policy": "longest", "model_labels": None, "model_names_only": False},
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
    ) -> None:
        if policy not in POLICIES:
            raise ValueError(
                f"kg_resolve: unknown policy {policy!r} (choose from {', '.join(POLICIES)})"
            )
        self.name = name
        self.policy = policy
        # The labels the trained model may contribute (None: all of them).
        self.model_labels = frozenset(model_labels) if model_labels is not None else None
        # Accept only proper-looking model spans (`CoreGuard`, `SI2E`), not lower-case phrases.
        self.model_names_only = model_names_only

    def __call__(self, doc: Doc) -> Doc:
        doc.spans["kg_mentions"] = choose(
            doc, self.policy, self.model_labels, self.model_names_only
        )
        return doc
