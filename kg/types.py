"""The data that flows between stages: small frozen dataclasses and their label vocabularies."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, Final, TypeVar

T = TypeVar("T")

LABELS: Final = ("METHOD", "DATASET", "BENCHMARK", "TASK", "METRIC", "REPO")
RELATIONS: Final = (
    "proposes",
    "uses",
    "evaluates_on",
    "compares_with",
    "addresses",
    "reports",
    "has_code",
)
FIELDS: Final = ("title", "abstract")

# Which relations ANNOTATION.md allows for each label.
ALLOWED: Final[dict[str, frozenset[str]]] = {
    "METHOD": frozenset({"proposes", "uses", "compares_with"}),
    "DATASET": frozenset({"proposes", "uses", "evaluates_on"}),
    "BENCHMARK": frozenset({"proposes", "uses", "evaluates_on"}),
    "TASK": frozenset({"addresses"}),
    "METRIC": frozenset({"reports"}),
    "REPO": frozenset({"has_code"}),
}


def pickled_as_call(cls: type[T]) -> type[T]:
    """Make `cls` (a dataclass) pickle as the call `cls(*fields)`.

    Python 3.11 pickles a frozen slotted dataclass through `dataclasses.fields` once per
    object, both ways: worker processes send back about forty Mentions, Links and
    Evidences per paper, and unpickling them took a tenth of a millisecond per paper of
    the parent's time (about a third less with this; dumping about as much less).
    """
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    values = attrgetter(*names) if len(names) > 1 else (lambda obj: (getattr(obj, names[0]),))

    def __reduce__(self: T) -> tuple[type[T], tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Paper:
    """One paper as read; `source` is `file:line` of the record it came from."""

    id: str
    title: str
    abstract: str
    source: str = ""
    date: str | None = None

    def text(self, field_name: str) -> str:
        return self.title if field_name == "title" else self.abstract


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Mention:
    """A labelled span; `start`/`end` are Python offsets into the paper's `field`."""

    field: str
    start: int
    end: int
    text: str
    label: str


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a link came from: the sentence and the mention's offsets in its field."""

    field: str
    sentence: str
    start: int
    end: int
    extractor: str
    version: str
    confidence: float


def evidence_record(e: Evidence) -> dict[str, Any]:
    """`e` as a dict of its fields, in declaration order (what `dataclasses.asdict` gives)."""
    # Spelled out: asdict deep-copies every value and took most of the time the parent of
    # a worker pool spends per paper.
    return {
        "field": e.field,
        "sentence": e.sentence,
        "start": e.start,
        "end": e.end,
        "extractor": e.extractor,
        "version": e.version,
        "confidence": e.confidence,
    }


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Link:
    """A relation from a paper to an entity, named by its canonical name within the paper."""

    relation: str
    label: str
    entity: str
    evidence: tuple[Evidence, ...] = ()


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Extraction:
    """A paper with what the extractor found in it; `aliases` maps short forms to long forms.

    `failure` says why the extractor raised on this paper (kept with nothing found), else "".
    """

    paper: Paper
    mentions: tuple[Mention, ...]
    links: tuple[Link, ...]
    aliases: tuple[tuple[str, str], ...] = field(default=())
    failure: str = ""


@dataclass(frozen=True, slots=True)
class Entity:
    """An entity node: one identity across papers."""

    id: str
    label: str
    name: str
    aliases: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()
