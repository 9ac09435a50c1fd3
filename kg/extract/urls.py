"""`kg_urls`: addresses of code, data, models and project pages, as REPO spans."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.tokenizer import URL_RE
from kg.extract.tokens import token_table

# Links to papers are citations, not repositories (ANNOTATION.md, REPO); archived software
# and data on Zenodo or figshare keep their DOI and count as repositories.
_PAPER_LINK = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:arxiv\.org/(?:abs|pdf)/|(?:dx\.)?doi\.org/(?!10\.5281/|10\.6084/)|"
    r"aclanthology\.org/|openreview\.net/(?:forum|pdf)|papers\.nips\.cc/|proceedings\.)",
    re.I,
)


# Every address `URL_RE` matches holds one of these (case-folded): a cheap test that
# skips the regex scan, which costs more than the rest of the component, on most abstracts.
_MARKERS = (
    "://",
    "www.",
    "github.com/",
    "gitlab.com/",
    "bitbucket.org/",
    "huggingface.co/",
    "gitee.com/",
)


def may_hold_url(text: str) -> bool:
    """False only if `text` holds no address `URL_RE` would match."""
    folded = text.casefold()
    return any(marker in folded for marker in _MARKERS)


def is_repository(url: str) -> bool:
    """True unless the address points at a paper (arXiv, DOI of an article, proceedings)."""
    return not _PAPER_LINK.match(url)


@Language.factory("kg_urls")
class UrlFinder:
    """Adds every repository-like URL to `doc.spans["kg_urls"]` with label REPO.

    The tokenizer keeps each address in one token and splits trailing punctuation off,
    so spans are whole tokens and never end in `.`, `)` or markup.
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        t = token_table(doc)
        spans = (
            [
                Span(doc, i, i + 1, label="REPO")
                for i, word in enumerate(t.texts)
                if ("/" in word or "." in word) and URL_RE.fullmatch(word) and is_repository(word)
            ]
            if may_hold_url(t.text)  # most abstracts hold no address at all
            else []
        )
        doc.spans["kg_urls"] = spans
        return doc
