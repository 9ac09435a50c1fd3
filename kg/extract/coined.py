"""Coined words: a word with a capital after a lower-case letter is a name (`ConvexDA`, `SCoRe`).

English words do not change case inside themselves; ML papers coin names that do
(`RewardFusion`, `DiffuLLaMA`, `StruXGPT-7B`). Where no component proposed anything on
such a word, `kg_resolve` takes it as a mention: with the label of a mention it stands in a
list with (kg.extract.siblings), else METHOD, the default kind of an unknown name. Left
out: plurals of acronyms (`LMs`, `DNNs`, which the annotators take or leave by context),
and the names of companies and sites, which are no METHOD, dataset or task (`OpenAI`,
`GitHub`, `arXiv`).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.tokens import Doc, Span

from kg.canonical import canonical_name
from kg.extract.shapes import GLUE, is_name_token
from kg.extract.tokens import TokenTable

SOURCE = "kg_coined"
# A word, hyphenated pieces too (`LLaMA-7B`): no `23.29mAP`, no `arXiv:2002.09102`.
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]{3,}(?:[-.][A-Za-z0-9]+)*")
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")
# Begun in lower case, only as `iHyperTime`, `pFedMe`: one letter, then a capitalised word;
# not `fMRI`, `mRNA` (terms), nor the capitals that spell an acronym in its long form
# (`liFelong tEst-time Adaptation wiTH lightwEight adapteRs`).
_LOWER_START = re.compile(r"[a-z][A-Z][A-Za-z0-9]*[a-z].*")
_ACRONYM_PLURAL = re.compile(r"[A-Z]+s")
# Organisations, sites, venues, platforms and sensors that papers name; lower case.
NOT_NAMES = frozenset(
    [
        "arxiv",
        "biorxiv",
        "deepmind",
        "github",
        "gitlab",
        "huggingface",
        "iphone",
        "ipad",
        "javascript",
        "latex",
        "lidar",
        "linkedin",
        "macos",
        "medrxiv",
        "neurips",
        "openai",
        "openreview",
        "paperswithcode",
        "phd",
        "pypi",
        "sota",
        "tikz",
        "tiktok",
        "typescript",
        "wechat",
        "youtube",
    ]
)


def is_coined(word: str) -> bool:
    """A word with an inner capital after a lower-case letter that is no acronym plural and no
    company or site (see the module)."""
    return (
        _WORD.fullmatch(word) is not None
        and _INNER_CAPITAL.search(word) is not None
        and _ACRONYM_PLURAL.fullmatch(word) is None
        and word.lower() not in NOT_NAMES
        and (word[0].isupper() or _LOWER_START.fullmatch(word) is not None)
    )


def coined_words(doc: Doc, table: TokenTable, taken: set[int]) -> list[Span]:
    """METHOD spans of the coined words (with their glued pieces: `StruXGPT-7B`) that no
    token of `taken` overlaps; a word glued to the one before it is left alone (part of
    a longer word that the rules did not take)."""
    spans: list[Span] = []
    after = 0  # the first token not yet looked at
    # Only the tokens holding an inner capital are looked at: most are skipped unseen.
    for match in _INNER_CAPITAL.finditer(table.text):
        i = bisect_right(table.starts, match.start()) - 1
        if i < after:
            continue
        after = i + 1
        glued = i > 0 and not table.spaced[i - 1] and table.texts[i - 1] in GLUE
        if glued or i in taken or not is_coined(table.texts[i]):
            continue
        end = _glued_end(table, i)
        after = end
        if not any(j in taken for j in range(i, end)):
            name = canonical_name("METHOD", table.span_text(i, end))
            spans.append(Span(doc, i, end, label="METHOD", kb_id=name, span_id=SOURCE))
    return spans


def _glued_end(table: TokenTable, i: int) -> int:
    """The end of the word starting at token `i` with the capitalised or numbered pieces glued
    after it (`StruXGPT` + `-7B`; not `-based`) and the letters and digits the tokenizer
    split off it (`DocStruct4` + `M`, a count's unit)."""
    end = i + 1
    while end < len(table) and not table.spaced[end - 1]:
        if table.texts[end].isalnum():
            end += 1
        elif (
            end + 1 < len(table)
            and table.texts[end] in GLUE
            and not table.spaced[end]
            and is_name_token(table.texts[end + 1])
        ):
            end += 2
        else:
            break
    return end
