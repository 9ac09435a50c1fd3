"""Offset-preserving clean-up of markup in abstracts, and the normalisation used for scoring.

Masking replaces markup characters by spaces, so the masked text has the same length as
the stored text and every span found in one is a span of the other.
"""

from __future__ import annotations

import re

# `\textit{`, `\url{`, `\emph{` …: the command and its brace are markup, the argument is text.
_COMMAND = re.compile(r"\\[A-Za-z]+\*?\s*\{")
# Accents and escaped symbols such as `\'a`, `\%`, `\&`.
_ESCAPE = re.compile(r"\\(?:['`^\"~=.]|[%&_#$])")
# An accent inside a word (`Nystr\"om`) keeps the word whole: the accent becomes its letter.
_ACCENT = re.compile(r"(?<=[A-Za-z])\\['`^\"~=.]([A-Za-z])")
_BARE_COMMAND = re.compile(r"\\[A-Za-z]+\b")
# `{here}`, `{Github}` or `{https://…}` glued to the end of a URL: link markup, not address.
_URL_TAIL = re.compile(r"((?:https?://|www\.)[^\s{}]+)(\{[^{}\s]*\})")
_MARKUP_CHARS = re.compile(r"[{}$]")
# LaTeX's tie `~` is a non-breaking space; inside an address (`/~vgg`, `%2F~%2F`) it is text.
_TIE = re.compile(r"~")


def _tie(match: re.Match[str]) -> str:
    text = match.string
    word_start = max(text.rfind(" ", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
    return "~" if "/" in text[word_start : match.start()] else " "


_SPACE = re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000]")
# Tags of scraped HTML (formatting elements only: `<mask>` or `<s>` tokens in NLP abstracts stay
# text) and character references, which keep their first character (`&amp;` reads as `&`).
_HTML_TAG = re.compile(
    r"</?(?:a|abbr|b|big|blockquote|br|code|dd|del|div|dl|dt|em|font|h[1-6]|hr|i|img|ins|li|mark"
    r"|ol|p|pre|q|small|span|strong|sub|sup|table|td|th|tr|tt|u|ul|var)(?:\s[^<>]*)?/?>",
    re.I,
)
_HTML_ENTITY = re.compile(r"&(?:[a-z]{2,8}|#[0-9]{1,7}|#x[0-9a-f]{1,6});", re.I)
_ENTITY_CHAR = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def mask_markup(text: str) -> str:
    """The text with LaTeX, HTML and link markup blanked out, same length as `text`.

    >>> mask_markup(r"an \\textit{implicit PRM} at $1/38$")
    'an         implicit PRM  at  1/38 '
    """
    masked = _HTML_TAG.sub(_blank, text)
    masked = _HTML_ENTITY.sub(
        lambda m: _ENTITY_CHAR.get(m.group(0).lower(), " ").ljust(len(m.group(0))), masked
    )
    masked = _COMMAND.sub(_blank, masked)
    masked = _URL_TAIL.sub(lambda m: m.group(1) + " " * len(m.group(2)), masked)
    masked = _ACCENT.sub(lambda m: m.group(1) * 3, masked)
    masked = _ESCAPE.sub(
        lambda m: " " + m.group(0)[1:] if m.group(0)[1] in "%&_#$" else "  ", masked
    )
    masked = _BARE_COMMAND.sub(_blank, masked)
    masked = _MARKUP_CHARS.sub(" ", masked)
    masked = _TIE.sub(_tie, masked)
    masked = _SPACE.sub(" ", masked)
    assert len(masked) == len(text)
    return masked


_KEEP = re.compile(r"[^0-9a-z@+#.]")
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)


def normalise_entity(label: str, text: str) -> str:
    """The comparison key of ANNOTATION.md scoring: lower case, no article or possessive,
    only letters, digits and `@+#.`, trailing plural `s` dropped (not after `ss`).
    URLs are compared without scheme, `www.`, `.git` and trailing slash."""
    if label == "REPO":
        from kg.ids import normalise_url

        return normalise_url(text).lower()
    text = _ARTICLE.sub("", text.strip())
    text = re.sub(r"[’']s$", "", text)
    text = _KEEP.sub("", text.lower())
    if text.endswith("s") and not text.endswith("ss"):
        text = text[:-1]
    return text
