"""`kg_cues`: names a paper coins, found by naming cues and by the title's lead name.

"… named SEPC", "called X", "dubbed X", "we propose X,", and titles such as
"MARS: Matching …" introduce a name. The label comes from the words around the
name: "dataset"/"corpus" → DATASET, "benchmark"/"suite" → BENCHMARK, else METHOD.
Cue words are also kept as spans (`kg_cue_words`) for the relation rules.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.data_cues import data_names
from kg.extract.shapes import is_name_token, label_from_context, name_run, strongly_named
from kg.extract.task_cues import phrase_tasks, title_tasks
from kg.extract.title_methods import title_methods
from kg.extract.tokens import TokenTable, title_break, token_table

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
            names += title_methods(doc, t, title_end, listed)
        names += phrase_tasks(doc, t, listed)
        doc.spans["kg_cues"] = names
        doc.spans["kg_cue_words"] = cue_words
        return doc
