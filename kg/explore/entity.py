"""What the graph knows about one entity: its papers by relation, neighbours, aliases and dates."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import networkx as nx

from kg.explore.lookup import NotFound, display_name, find_entities

# The order relations are listed in, as in kg.types.RELATIONS.
from kg.types import RELATIONS


@dataclass(frozen=True, slots=True)
class PaperRef:
    """A paper as listed in a report; `date` is empty when the source gave none."""

    id: str
    title: str
    date: str


@dataclass(frozen=True, slots=True)
class CoEntity:
    """An entity that appears in papers together with the reported one, and in how many."""

    id: str
    name: str
    label: str
    papers: int


@dataclass(frozen=True, slots=True)
class EntityReport:
    """Plain data about one entity; `first`/`last` are None when no linked paper has a date."""

    id: str
    name: str
    label: str
    kind: str
    aliases: tuple[str, ...]
    papers: int
    by_relation: dict[str, tuple[PaperRef, ...]]
    co_occurring: tuple[CoEntity, ...]
    first: PaperRef | None
    last: PaperRef | None
    also_named: tuple[str, ...] = ()


def _ref(graph: nx.MultiDiGraph, paper: str) -> PaperRef:
    return PaperRef(paper, display_name(graph, paper), str(graph.nodes[paper].get("date") or ""))


def entity_report(graph: nx.MultiDiGraph, name: str, top: int = 20) -> EntityReport:
    """The report of the entity called `name` (an id, name or alias; the most linked one wins).

    Other entities answering to the same name (say a dataset and a method both called
    `Cora`) are listed in `also_named`.
    """
    found = find_entities(graph, name)
    if not found:
        raise NotFound(f"no entity named {name!r}")
    entity = found[0]
    data = graph.nodes[entity]
    by_relation: dict[str, list[str]] = {}
    for paper, _, relation in graph.in_edges(entity, keys=True):
        by_relation.setdefault(relation, []).append(paper)
    papers = sorted({p for ps in by_relation.values() for p in ps})
    together: Counter[str] = Counter()
    for paper in papers:
        together.update({e for e in graph.successors(paper) if e != entity})
    co = tuple(
        CoEntity(e, display_name(graph, e), str(graph.nodes[e].get("label", "")), n)
        for e, n in sorted(together.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    )
    dated = sorted((str(graph.nodes[p].get("date") or ""), p) for p in papers)
    dated = [(d, p) for d, p in dated if d]
    return EntityReport(
        id=entity,
        name=display_name(graph, entity),
        label=str(data.get("label", "")),
        kind=str(data.get("kind", "")),
        aliases=tuple(data.get("aliases", [])),
        papers=len(papers),
        by_relation={
            r: tuple(_ref(graph, p) for p in sorted(set(by_relation[r])))
            for r in RELATIONS
            if r in by_relation
        },
        co_occurring=co,
        first=_ref(graph, dated[0][1]) if dated else None,
        last=_ref(graph, dated[-1][1]) if dated else None,
        also_named=tuple(found[1:]),
    )


def format_report(report: EntityReport) -> str:
    """The report as text for the terminal."""
    lines = [f"{report.name} ({report.kind}, {report.id}): {report.papers} papers"]
    if report.aliases:
        lines.append("aliases: " + ", ".join(report.aliases))
    if report.first and report.last:
        lines.append(
            f"first: {report.first.date} {report.first.title}; last: {report.last.date} {report.last.title}"
        )
    for relation, refs in report.by_relation.items():
        lines.append(f"{relation} ({len(refs)}):")
        lines += [f"  {r.id}  {r.title}" for r in refs]
    if report.co_occurring:
        lines.append(
            "with: "
            + ", ".join(f"{c.name} ({c.label.lower()}, {c.papers})" for c in report.co_occurring)
        )
    if report.also_named:
        lines.append("also named so: " + ", ".join(report.also_named))
    return "\n".join(lines)
