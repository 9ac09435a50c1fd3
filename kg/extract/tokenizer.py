"""The tokenizer: spaCy's English rules, with URLs that stop before trailing punctuation and
brackets split everywhere, so that `(GNN)-based` yields the token `GNN`."""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import (
    compile_infix_regex,
    compile_prefix_regex,
    compile_suffix_regex,
    registry,
)

# An address with a scheme or `www.`, or a bare code-hosting address; never ending in
# punctuation that belongs to the sentence.
_URL_BODY = r"[^\s<>\"{}|\\^`]*[^\s<>\"{}|\\^`.,;:!?)\]'*]"
URL_PATTERN = (
    r"(?:(?:https?|ftp)://|www\.)"
    + _URL_BODY
    + r"|(?:github\.com|gitlab\.com|bitbucket\.org|huggingface\.co|gitee\.com)/"
    + _URL_BODY
)
URL_RE = re.compile(URL_PATTERN, re.I)
_URL_TOKEN = re.compile(r"^(?:" + URL_PATTERN + r")$", re.I)


@registry.tokenizers("kg.Tokenizer.v1")
def create_tokenizer() -> Any:
    """Make the tokenizer factory used in the pipeline config."""

    def make(nlp: Language) -> Tokenizer:
        # A full stop after a capital or an escape ends the sentence, also after an address
        # (`…origin_path=%2F~%2F.`); special cases such as `U.S.` are matched before suffixes.
        suffixes = list(nlp.Defaults.suffixes or []) + [r"(?<=[A-Z%/_~=\-])\."]
        infixes = list(nlp.Defaults.infixes or []) + [r"[()\[\]]", r"(?<=[)\]])-"]
        # Everything is given at once: each setter afterwards would compile the special
        # cases again (about a tenth of a second each).
        return Tokenizer(
            nlp.vocab,
            rules=nlp.Defaults.tokenizer_exceptions,
            prefix_search=compile_prefix_regex(nlp.Defaults.prefixes or []).search,
            suffix_search=compile_suffix_regex(suffixes).search,
            infix_finditer=compile_infix_regex(infixes).finditer,
            token_match=_URL_TOKEN.match,
            url_match=_URL_TOKEN.match,
        )

    return make
