"""Mention → entity identity: singular forms, canonical names and cross-paper aliases.

Identity follows ANNOTATION.md "Identity across papers": names match after case folding,
dropping hyphens and spaces, singularising, and resolving abbreviations to the long form
a paper defines. A short form met bare in another paper takes that long form only when
every paper that defines it agrees (otherwise it stays its own entity: no false merges).
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kg.ids import entity_id, fold

_ARTICLE = re.compile(r"^(?:(?:the|a|an|our|their|its)\s+)+")
_POSSESSIVE = re.compile(r"(?:\s*(?:'s|’s|'))+$")
# Words whose final `s` is not a plural.
_NOT_PLURAL = re.compile(
    r"(?:ss|us|is|ics|ous|sis|xis|ways|ness|less|bias|atlas|lens|series|species|news)$", re.I
)


def singular_word(word: str) -> str:
    """The singular of one word (`GNNs` → `GNN`, `networks` → `network`, `strategies` → `strategy`)."""
    if len(word) <= 3 or not word.endswith("s") or _NOT_PLURAL.search(word):
        return word
    stem = word[:-1]
    if stem.isupper() or (stem[-1:].isupper()):  # GNNs, LLMs, ViTs
        return stem
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(?:ches|shes|xes|sses)$", word):
        return word[:-2]
    return stem


def singular(label: str, name: str) -> str:
    """The singular form of an entity name: the last word only, and never for URLs.

    Dataset and benchmark names are proper names (`Cityscapes`) and keep their `s`,
    except acronym plurals such as `LLMs`.
    """
    if label == "REPO" or not name:
        return name
    if " of " in name:  # `Mixture of Experts`: the head is before `of`
        head, _, tail = name.partition(" of ")
        return singular(label, head) + " of " + tail
    head, sep, last = name.rpartition(" ")
    if "-" in last and not sep:
        head, sep, last = name.rpartition("-")
    if label in ("DATASET", "BENCHMARK") and not (last[:-1].isupper() and last.endswith("s")):
        return name
    return head + sep + singular_word(last)


# Pure and called for every mention and link of a build, on far fewer distinct texts.
@functools.lru_cache(maxsize=1 << 17)
def canonical_name(label: str, text: str) -> str:
    """The canonical name of a mention: no article or possessive, singular, spaces squeezed."""
    if label == "REPO":
        return text.strip()
    text = _POSSESSIVE.sub("", _ARTICLE.sub("", " ".join(text.split()))).rstrip()
    words = text.split(" ")
    # `Large language models` at a sentence start is `large language model`; names with
    # capitals inside (`Graph Neural Network`, `GPT-4`) keep them.
    if (
        label in ("METHOD", "TASK", "METRIC")
        and len(words) > 1
        and words[0][:1].isupper()
        and words[0][1:].islower()
        and all(w.islower() for w in words[1:])
    ):
        text = _ARTICLE.sub("", text[0].lower() + text[1:])  # `Our method` → `method`
    return singular(label, text)


@dataclass(frozen=True)
class AliasTable:
    """Short forms defined somewhere in the corpus, mapped to their one agreed long form."""

    long_forms: dict[tuple[str, str], str]

    def resolve(self, label: str, name: str) -> str:
        """The long form for a bare short form, or `name` itself."""
        return self.long_forms.get((label, fold(name)), name)


Definitions = dict[tuple[str, str], Counter[str]]  # (label, folded short) → long names counted


def count_definitions(
    definitions: Iterable[tuple[str, str, str]], counts: Definitions | None = None
) -> Definitions:
    """Add (label, short, long) definitions to `counts`: each long form's canonical name, counted per key."""
    counts = counts if counts is not None else defaultdict(Counter)
    for label, short, long in definitions:
        counts[(label, fold(singular(label, short)))][canonical_name(label, long)] += 1
    return counts


def agreed(counts: Counter[str]) -> str | None:
    """The long form of one key: the most frequent (the first in text order on a tie), or None if
    they disagree after folding. Ties are not broken by the order met, so that the table
    does not depend on the order papers were added in (kg.incremental)."""
    if len({fold(name) for name, n in counts.items() if n > 0}) != 1:
        return None
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def alias_table(counts: Definitions) -> AliasTable:
    """The table of counted definitions: a short form whose papers disagree on the long form is left out."""
    table = {key: long for key, names in counts.items() if (long := agreed(names)) is not None}
    return AliasTable(table)


def build_alias_table(definitions: Iterable[tuple[str, str, str]]) -> AliasTable:
    """Make the table from (label, short, long) definitions across papers."""
    return alias_table(count_definitions(definitions))


def entity_of(label: str, name: str, aliases: AliasTable | None = None) -> tuple[str, str]:
    """(entity id, canonical name) of a link's entity, with bare short forms resolved."""
    name = canonical_name(label, name)
    if aliases is not None:
        name = aliases.resolve(label, name)
    return entity_id(label, name), name
