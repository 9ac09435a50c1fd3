"""`kg_gazetteer`: known names of methods, datasets, benchmarks, tasks and metrics."""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.extract.names import load_gazetteer, name_shaped

# `Llama-3` + `-8B`, `-70B-Instruct`, `-base`: size and variant suffixes are part of a model name.
_SUFFIX = re.compile(
    r"^(?:\d+(?:\.\d+)?[BMKbmk]|[Ii]nstruct|[Cc]hat|[Bb]ase|[Ll]arge|[Ss]mall|v\d+(?:\.\d+)?|\d+x\d+[BMbm]?)$"
)


def extend_suffix(doc: Doc, span: Span) -> Span:
    """The METHOD span grown over glued `-8B`, `-Instruct` … suffixes."""
    end = span.end
    while (
        end + 1 < len(doc)
        and doc[end].text == "-"
        and not doc[end - 1].whitespace_
        and not doc[end].whitespace_
        and _SUFFIX.match(doc[end + 1].text)
    ):
        end += 2
    return span if end == span.end else Span(doc, span.start, end, label=span.label_)


def match_attr(label: str, name: str) -> str:
    """Proper-looking names and dataset names match case-sensitively; the rest in lower case."""
    if name_shaped(name) or label in ("DATASET", "BENCHMARK"):
        return "ORTH"
    return "LOWER"


def variants(label: str, name: str) -> list[str]:
    """The name and its plural where plurals are written (`GNNs`, `diffusion models`)."""
    forms = [name]
    if label in ("METHOD", "TASK") and not name.endswith("s"):
        forms.append(name + "s")
    return forms


@Language.factory("kg_gazetteer", default_config={"path": None})
class GazetteerMatcher:
    """Adds the longest known names to `doc.spans["kg_gazetteer"]`, labelled by the list.

    Names are compiled into two PhraseMatchers (cased and lower-cased) when the component
    is created, from the shipped list or the TSV at `path`.
    """

    def __init__(self, nlp: Language, name: str, path: str | None) -> None:
        self.name = name
        self.cased = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.add(nlp, load_gazetteer(path))

    def add(self, nlp: Language, pairs: Iterable[tuple[str, str]]) -> None:
        """Add (label, name) pairs to the matchers."""
        grouped: dict[tuple[str, str], list[Doc]] = {}
        for label, name in pairs:
            attr = match_attr(label, name)
            for form in variants(label, name):
                text = form.lower() if attr == "LOWER" else form
                grouped.setdefault((attr, label), []).append(nlp.make_doc(text))
        for (attr, label), docs in grouped.items():
            matcher = self.cased if attr == "ORTH" else self.lower
            matcher.add(label, docs)

    def __call__(self, doc: Doc) -> Doc:
        vocab = doc.vocab.strings
        spans = [
            extend_suffix(doc, Span(doc, start, end, label=vocab[match_id]))
            for matcher in (self.cased, self.lower)
            for match_id, start, end in matcher(doc)
        ]
        doc.spans["kg_gazetteer"] = filter_spans(spans)
        return doc
