"""Methods named by the title's opening phrase: "Pruning-aware Sparse Regularization for …".

Many titles open with the paper's method in title case, then a function word or a colon:
"Adaptive Confidence Smoothing for Generalized Zero-Shot Learning", "Knowledge
Concentration: Learning 100K Object Classifiers …", "Keyword-Guided Neural Conversational
Model". When that opening run of capitalised words ends in a technique's head word
(`Distillation`, `Regularization`, `Network`, `Model` …) it is taken as a METHOD. A run the
gazetteer lists with another label is left to the gazetteer.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.extract.tokens import TokenTable

_HEAD_WORDS = """
    distillation regularization regularisation factorization factorisation smoothing
    pretraining pre-training network networks model models module modules embedding
    embeddings attention transformer transformers optimization optimisation sampling
    decoding tuning fine-tuning finetuning augmentation mechanism encoder decoder
    autoencoder prompting pruning quantization routing normalization dropout estimator
    algorithm boosting averaging merging resampling approximation regularizer
"""
METHOD_HEADS = frozenset(_HEAD_WORDS.split())
# Words that end the opening run: what follows names the problem, data or a claim.
_STOP_WORDS = """
    for with via in on by to as using from through towards toward under against beyond
    without is are can meets and or of at into
"""
_STOPS = frozenset(_STOP_WORDS.split())
# Words a title opens with before its subject: "Improving Knowledge Distillation via …",
# "Beyond Reverse KL: …". The method starts after them.
_OPENERS = """
    improving unlocking rethinking revisiting boosting enhancing exploring leveraging
    bridging unleashing understanding towards toward beyond
"""
OPENERS = frozenset(_OPENERS.split())


def _opening_run(t: TokenTable, title_end: int, start: int = 0) -> int:
    """The end of the title's run of capitalised words from `start` (`start` when there is none)."""
    end = start
    while end < title_end:
        text = t.texts[end]
        if text == "-" and end > start and not t.spaced[end - 1]:
            end += 1  # inside a hyphenated word: `Pruning-aware`
            continue
        hyphen_part = end > start and t.texts[end - 1] == "-" and not t.spaced[end - 1]
        if t.punct[end] or text.lower() in _STOPS and not hyphen_part:
            break
        if not (text[0].isupper() or text[0].isdigit() or hyphen_part):
            break
        end += 1
    return end


def title_methods(
    doc: Doc, t: TokenTable, title_end: int, taken: dict[tuple[int, int], str]
) -> list[Span]:
    """The METHOD span of the title's opening phrase, if it ends in a technique's head word.

    `taken` maps the bounds of the gazetteer's spans to their labels.
    """
    first = 1 if title_end and t.lowers[0] in OPENERS else 0
    end = _opening_run(t, title_end, first)
    starts = [i for i in range(first, end) if i == first or t.spaced[i - 1]]  # word starts
    if len(starts) < 2 or t.span_text(starts[-1], end).lower() not in METHOD_HEADS:
        return []
    if end < title_end and not (t.texts[end] == ":" or t.lowers[end] in _STOPS):
        return []  # the run stops inside a sentence-like title, not before its topic
    if any(label != "METHOD" for (s, _), label in taken.items() if first <= s < end):
        return []
    return [Span(doc, first, end, label="METHOD", kb_id="title_method")]
