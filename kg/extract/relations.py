"""`kg_relations`: the relation each mention bears to its paper, from cues in its sentence.

Rules (ANNOTATION.md, "Links from a paper to an entity"):
- REPO → has_code; TASK → addresses; METRIC → reports when its sentence reports results.
- A METHOD, DATASET or BENCHMARK is *proposed* when it is the title's lead name, follows a
  naming cue ("named X"), follows "our", or is a name the gazetteer does not know in a
  sentence with a proposing verb ("we propose", "we introduce" …).
- Otherwise a METHOD named after a comparison cue ("outperforms", "compared with",
  "baseline", "than") is *compared with*; else *used*.
- Otherwise a DATASET or BENCHMARK in a sentence about experiments or results is
  *evaluated on*; else *used*.
Spans go to `doc.spans["kg_relations"]`, labelled with the relation; `id_` names the rule.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.cues import NAMING, PROPOSING
from kg.extract.tokens import TokenTable, token_table

_RESULTS = re.compile(
    r"\b(?:achiev|improv|outperform|surpass|gain|reach|attain|score|result|state-of-the-art|sota|"
    r"boost|increase|reduc|higher|lower|better|measured|evaluat|report|experiment|perform|"
    r"demonstrat|show)\w*|%|\d",
    re.I,
)
_EVALUATION = re.compile(
    r"\b(?:experiment|evaluat|benchmark|result|test|achiev|outperform|surpass|state-of-the-art|sota|"
    r"accura|performance|demonstrat|show|empirical|validat|verif|extensive|conduct|competitive|"
    r"reach|higher|better|improv|lower)\w*",
    re.I,
)
_COMPARISON = re.compile(
    r"\b(?:outperform\w*|surpass\w*|compared (?:to|with)|comparison (?:to|with)|baselines?|than|"
    r"against|versus|vs\.?|beats?|superior to|over (?:strong|existing|prior|previous|state))",
    re.I,
)
_TRAINING = re.compile(
    r"\b(?:train|trained|training|pretrain\w*|pre-train\w*|fine-tun\w*|finetun\w*)\s+(?:\w+\s+){0,2}on\b",
    re.I,
)
_BASELINE = re.compile(r"\bbaselines?\b", re.I)
_ON = re.compile(r"\b[Oo]n\b")
CONFIDENCE = {
    "has_code": 0.99,
    "addresses": 0.7,
    "reports": 0.7,
    "title": 0.9,
    "named": 0.9,
    "title_method": 0.8,
    "our": 0.8,
    "proposing": 0.7,
    "compares_with": 0.6,
    "evaluates_on": 0.7,
    "proposed_benchmark": 0.6,  # kg.extract.pipeline: a proposed benchmark is evaluated on
    "uses": 0.5,
}


def _proposal(
    mention: Span,
    table: TokenTable,
    gazetteer: set[tuple[int, int]],
    cues: dict[tuple[int, int], str],
) -> str | None:
    """The rule that makes `mention` a proposal of the paper, or None."""
    start, end = mention.start, mention.end
    kind = cues.get((start, end))
    if kind in ("title", "named"):
        return kind
    if kind == "title_method" and (start, end) not in gazetteer:
        return kind  # a title's opening method that no list knows: the paper's own
    if start > 0 and table.lowers[start - 1] == "our":
        return "our"
    if (start, end) in gazetteer:
        return None
    first, _ = table.sentence(start)
    verbs = any(table.lowers[i] in _PROPOSING_WORDS for i in range(first, start))
    return "proposing" if verbs and mention.label_ != "TASK" else None


_PROPOSING_WORDS = PROPOSING | NAMING


def relations_of(
    mention: Span,
    table: TokenTable,
    proposed: set[str],
    rule: str | None,
) -> list[tuple[str, str]]:
    """(relation, rule) pairs for one mention; `proposed` holds canonical names already proposed
    and `rule` is the mention's `_proposal`."""
    label = mention.label_
    start, end = mention.start, mention.end
    first, last = table.sentence(start)
    sentence = table.span_text(first, last)
    if label == "REPO":
        return [("has_code", "has_code")]
    if label == "TASK":
        return [("addresses", "addresses")]
    if label == "METRIC":
        return [("reports", "reports")] if _RESULTS.search(sentence) else []
    if rule or mention.kb_id_ in proposed:
        proposed.add(mention.kb_id_)
        found = [("proposes", rule or "proposing")]
        if label != "METHOD" and _EVALUATION.search(sentence) and not rule:
            found.append(("evaluates_on", "evaluates_on"))
        return found
    before = table.span_text(first, start)
    near = table.span_text(max(first, start - 4), min(last, end + 3))
    if label == "METHOD":
        if _COMPARISON.search(before) or _BASELINE.search(near):
            return [("compares_with", "compares_with")]
        return [("uses", "uses")]
    lead = table.span_text(max(first, start - 6), start)
    if _TRAINING.search(lead):
        return [("uses", "uses")]
    if _EVALUATION.search(sentence) or _ON.search(lead):
        return [("evaluates_on", "evaluates_on")]
    return [("uses", "uses")]


@Language.factory("kg_relations")
class RelationTagger:
    """Tags each mention of `doc.spans["kg_mentions"]` with its relations (see module docstring)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        gazetteer = {(s.start, s.end) for s in doc.spans.get("kg_gazetteer", [])}
        cues: dict[tuple[int, int], str] = {}
        for cue in doc.spans.get("kg_cues", []):
            # The first cue of a span stands: naming cues and title names come before the
            # data words around the same name ("we release X, a dataset of …").
            cues.setdefault((cue.start, cue.end), cue.kb_id_)
        table = token_table(doc)
        proposed: set[str] = set()
        spans: list[Span] = []
        # Proposals first, so that later mentions of a proposed name are not "used".
        ranked = sorted(
            ((_proposal(s, table, gazetteer, cues), s) for s in doc.spans.get("kg_mentions", [])),
            key=lambda pair: (pair[0] is None, pair[1].start),
        )
        for proposal, mention in ranked:
            found = relations_of(mention, table, proposed, proposal)
            for relation, rule in found:
                spans.append(
                    Span(
                        doc,
                        mention.start,
                        mention.end,
                        label=relation,
                        kb_id=mention.kb_id_,
                        span_id=rule,
                    )
                )
        doc.spans["kg_relations"] = sorted(spans, key=lambda s: s.start)
        return doc
