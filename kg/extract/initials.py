"""Long forms spelled by word initials: where Schwartz & Hearst's shortest match stops early.

Schwartz & Hearst (2003) match a short form's characters from the right and keep the
shortest tail that spells it, so a letter the long form's words repeat inside a word
ends the match too soon: `Structure-aware Supervised Fine-Tuning (SSFT)` gives
`Supervised Fine-Tuning` (the second S is read inside "Supervised"), `Latent Label Shift
(LLS)` gives `Label Shift`. ML acronyms are mostly built from word initials, with a
cased word's inner capitals (`BEllman` → BE, `GrAph` → A), lower-case letters from
inside a word (`NeMo`), and a letter with a count (`S4` for four S-words, `S^3A`). This
module finds the longest tail aligned that way; the caller keeps it where it is longer
than the Schwartz & Hearst match.

Skipped words: in a long form with capitals, lower-case words ("Structured State Space
sequence model (S4)", "automatic rank" in `BEllman Equation-based automatic rank
Regularizer`); in a lower-case one (past its first word) only function words and the tails of hyphenated
words, so that "gradient descent with graph neural networks (GNNs)" never grows beyond
"graph neural networks".
"""

from __future__ import annotations

import re

_FUNCTION_WORDS = frozenset(
    ["a", "an", "and", "by", "for", "from", "in", "of", "on", "or", "the", "to", "via", "with"]
)
_PIECE = re.compile(r"[^\s\-\u2010\u2011]+")


def spellings(short: str) -> list[list[str]]:
    """The short form's letters and digits; first with a letter's count (3–5) spelled out.

    `S4` is four S-words and `S^3A` three S-words and an A. A 2 is mostly "to" (`T2I`,
    `W2V`) and stays a digit; so do the digits of a short form that no count explains.
    """
    chars = [c for c in short if c.isalnum()]
    counted: list[str] = []
    for i, char in enumerate(chars):
        if char in "345" and i and chars[i - 1].isalpha():
            counted.extend(chars[i - 1] * (int(char) - 1))
        else:
            counted.append(char)
    return [counted, chars] if counted != chars else [chars]


def _pieces(candidate: str) -> list[tuple[int, str, bool]]:
    """(offset, piece, starts a word) of each hyphen- or space-separated piece."""
    return [
        (m.start(), m.group(), m.start() == 0 or candidate[m.start() - 1].isspace())
        for m in _PIECE.finditer(candidate)
    ]


def initials_long_form(short: str, candidate: str, max_words: int | None = None) -> str | None:
    """The longest tail of `candidate` whose pieces spell `short` by their initials, or None.

    The tail starts at a word whose initial is the short form's first letter; it has two
    pieces or more; `max_words` (default Schwartz & Hearst's min(|A| + 5, 2|A|)) bounds
    its words.
    """
    # A long form runs over no comma: "methods, Graph Neural Networks (GNN)".
    after = candidate.rfind(",") + 1
    pieces = [(at + after, piece, word) for at, piece, word in _pieces(candidate[after:])]
    starts = [k for k, (_, _, word) in enumerate(pieces) if word]
    for spelled in spellings(short):
        if len(spelled) < 2:
            continue
        limit = max_words or min(len(spelled) + 5, 2 * len(spelled))
        for k in starts[-limit:]:
            if pieces[k][1][0].lower() != spelled[0].lower():
                continue
            tail = tuple((piece, word) for _, piece, word in pieces[k:])
            if len(tail) >= 2 and _aligns(tuple(spelled), tail):
                return candidate[pieces[k][0] :].strip()
    return None


def _aligns(spelled: tuple[str, ...], pieces: tuple[tuple[str, bool], ...]) -> bool:
    """Whether the pieces spell the letters, the first piece by its initial."""
    # A capital that opens the sentence says nothing: "Large transformer-based language
    # models (LLMs)" is a lower-case long form.
    cased = any(piece[0].isupper() for piece, _ in pieces[1:])
    seen: dict[tuple[int, int], bool] = {}

    def fits(i: int, at: int) -> bool:
        if i == len(pieces):
            return at == len(spelled)
        if (i, at) not in seen:
            seen[i, at] = _fits(i, at)
        return seen[i, at]

    def _fits(i: int, at: int) -> bool:
        piece, word = pieces[i]
        # The first piece is the long form's start: it spells the first letter, never skipped.
        if i and _skippable(piece, word, cased) and fits(i + 1, at):
            return True
        if at == len(spelled) or piece[0].lower() != spelled[at].lower():
            return False
        if i == 0 and _skippable(piece, word, cased):  # "the Text-to-Text …" starts at Text
            return False
        return any(fits(i + 1, end) for end in _inner(piece, spelled, at + 1))

    return fits(0, 0)


def _skippable(piece: str, word: bool, cased: bool) -> bool:
    if cased:
        return not piece[0].isupper()
    return piece.lower() in _FUNCTION_WORDS or not word


def _inner(piece: str, spelled: tuple[str, ...], at: int) -> list[int]:
    """Letter positions reachable by a piece's inner letters of the same case, longest first."""
    reach = [at]
    pos = 1
    while at < len(spelled) and (found := piece.find(spelled[at], pos)) > 0:
        pos, at = found + 1, at + 1
        reach.append(at)
    return reach[::-1]
