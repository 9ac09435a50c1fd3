"""RDF as text: quoted strings, the N-Triples and Turtle layouts of a subject's statements, writing.

Both writers put a subject's statements in N-Triples order, the sorted order of whole
lines. Every predicate is an `<…>` IRI with `>` only at its end, so that is the order of
(predicate, object) pairs. A layout says what opens a subject, what goes between two of
its statements and what closes it; terms with a prefixed name are written with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from kg.graph import gc_paused

Pair = tuple[str, str]  # (predicate, object), both as N-Triples terms

# N-Triples escapes in literals, as pyoxigraph writes them (a test compares the two).
_ESCAPES = {
    **{c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F, 0xFFFE, 0xFFFF]},
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}
_CONTROL = bytes([*range(0x20), 0x7F])
_NEEDS_ESCAPE = re.compile('[\x00-\x1f\x7f"\\\\\ufffe\uffff]')


def _escape(match: re.Match[str]) -> str:
    # Replacing the matches is many times faster than str.translate on a long text.
    return _ESCAPES[ord(match[0])]


def quoted(value: object) -> str:
    """`value` as text in double quotes, escaped as N-Triples and Turtle strings need."""
    text = str(value)
    # Control characters are looked for in the UTF-8 bytes, where each is a byte of its
    # own: deleting them with bytes.translate is quicker than a search or isprintable().
    data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _CONTROL)) < len(data) or "\ufffe" in text or "\uffff" in text:
        text = _NEEDS_ESCAPE.sub(_escape, text)
    elif '"' in text or "\\" in text:  # abstracts often quote: two replacements suffice
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


@dataclass(frozen=True, slots=True)
class Syntax:
    """A layout: `opening` a subject's statements, `between` two of them, `closing` them.

    `opening` and `between` take the subject's term; `short` holds prefixed names of terms.
    """

    opening: Callable[[str], str]
    between: Callable[[str], str]
    closing: str
    short: Mapping[str, str]

    def term(self, iri: str) -> str:
        """`<iri>` as this syntax writes it."""
        return self.short.get(iri, iri)

    def block(self, subject: str, pairs: Iterable[Pair]) -> str:
        """The statements `pairs`, in the order given, about `subject`."""
        if self.short:
            short = self.short.get
            statements = [f"{short(p, p)} {short(o, o)}" for p, o in pairs]
        else:
            statements = [f"{p} {o}" for p, o in pairs]
        return self.opening(subject) + self.between(subject).join(statements) + self.closing


@gc_paused
def write_text(path: Path, chunks: Iterator[str]) -> None:
    """Write `chunks` to `path` as UTF-8, with the cyclic garbage collector paused.

    Writing makes no reference cycles, and the first collection after a graph is built
    (with collection paused, see kg.graph) would otherwise walk every object of it.
    """
    with path.open("w", encoding="utf-8", newline="", buffering=1 << 20) as handle:
        handle.writelines(chunks)
