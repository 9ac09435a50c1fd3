"""The tokenizer: spaCy's English rules, with URLs that stop before trailing punctuation and
brackets split everywhere, so that `(GNN)-based` yields the token `GNN`."""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, registry

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
_URL_END = re.compile(r"[.,;:!?)\]'*]$")


@registry.tokenizers("kg.Tokenizer.v1")
def create_tokenizer() -> Any:
    """Make the tokenizer factory used in the pipeline config."""

    def make(nlp: Language) -> Tokenizer:
        tokenizer = registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        default_suffix = tokenizer.suffix_search

        def suffix_search(text: str) -> re.Match[str] | None:
            # Sentence punctuation after an address is split even where spaCy's rules keep it.
            if URL_RE.match(text):
                return _URL_END.search(text) or default_suffix(text)
            return default_suffix(text)  # type: ignore[no-any-return]

        tokenizer.suffix_search = suffix_search
        infixes = list(nlp.Defaults.infixes or []) + [r"[()\[\]]", r"(?<=[)\]])-"]
        tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
        tokenizer.token_match = _URL_TOKEN.match
        tokenizer.url_match = _URL_TOKEN.match
        return tokenizer

    return make
