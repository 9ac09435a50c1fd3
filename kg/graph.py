"""The graph: Paper nodes, entity nodes and relation edges with evidence, in a MultiDiGraph.

Node ids come from kg.ids; entity identity from kg.canonical. An edge is keyed by its
relation, one per (paper, relation, entity), and carries every piece of evidence.
"""

from __future__ import annotations

import functools
import gc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

import networkx as nx

from kg.canonical import AliasTable, build_alias_table, canonical_name, entity_of
from kg.ids import link_id
from kg.types import Extraction, evidence_record

KIND = {
    "METHOD": "Method",
    "DATASET": "Dataset",
    "BENCHMARK": "Benchmark",
    "TASK": "Task",
    "METRIC": "Metric",
    "REPO": "Repository",
}
__all__ = ["KIND", "GraphSummary", "build_graph", "definitions", "load_graph", "summarise"]


def definitions(extractions: Iterable[Extraction]) -> list[tuple[str, str, str]]:
    """(label, short, long) for every abbreviation a paper defines and labels."""
    found = []
    for ex in extractions:
        labels = {m.text: m.label for m in ex.mentions}
        for short, long in ex.aliases:
            label = labels.get(long) or labels.get(short)
            if label:
                found.append((label, short, long))
    return found


def _surface_names(ex: Extraction, aliases: AliasTable) -> dict[str, set[str]]:
    """Entity id → surface forms of its mentions in one paper."""
    long_of = dict(ex.aliases)
    surfaces: dict[str, set[str]] = defaultdict(set)
    for mention in ex.mentions:
        stem = (
            mention.text[:-1]
            if mention.text.endswith("s") and mention.text[:-1] in long_of
            else mention.text
        )
        entity, _ = entity_of(mention.label, long_of.get(stem, mention.text), aliases)
        surfaces[entity].add(mention.text)
    return surfaces


P = ParamSpec("P")
R = TypeVar("R")


def gc_paused(fn: Callable[P, R]) -> Callable[P, R]:
    """`fn` run with Python's cyclic garbage collector paused.

    Building makes millions of small dicts, lists and sets and no reference cycles, and
    every automatic full collection walks all of them again (about a third of the build
    time of 50,000 benchmark papers).
    """

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run


@gc_paused
def build_graph(
    extractions: Iterable[Extraction], graph: nx.MultiDiGraph | None = None
) -> nx.MultiDiGraph:
    """Add papers, entities and linked relations to `graph` (a new one by default).

    Bare short forms are resolved with the abbreviations every paper of the input defines.
    """
    exs = list(extractions)
    aliases = build_alias_table(definitions(exs))
    graph = graph if graph is not None else nx.MultiDiGraph()
    names: dict[str, Counter[str]] = defaultdict(Counter)
    alias_sets: dict[str, set[str]] = defaultdict(set)
    for ex in exs:
        paper = ex.paper
        graph.add_node(
            paper.id,
            kind="Paper",
            title=paper.title,
            abstract=paper.abstract,
            date=paper.date or "",
            source=paper.source,
        )
        surfaces = _surface_names(ex, aliases)
        sentences: dict[str, str] = {}
        for link in ex.links:
            entity, name = entity_of(link.label, link.entity, aliases)
            names[entity][name] += 1
            alias_sets[entity].update(surfaces.get(entity, ()))
            alias_sets[entity].add(canonical_name(link.label, link.entity))
            if not graph.has_node(entity):
                graph.add_node(entity, kind=KIND[link.label], label=link.label)
            evidence = [evidence_record(e) for e in link.evidence]
            for record in evidence:
                # A sentence with several links is held once: the same text, one object.
                record["sentence"] = sentences.setdefault(record["sentence"], record["sentence"])
            if graph.has_edge(paper.id, entity, key=link.relation):
                graph.edges[paper.id, entity, link.relation]["evidence"].extend(evidence)
            else:
                graph.add_edge(
                    paper.id,
                    entity,
                    key=link.relation,
                    relation=link.relation,
                    id=link_id(paper.id, link.relation, entity),
                    evidence=evidence,
                    confidence=max((e.confidence for e in link.evidence), default=0.5),
                )
    for entity, counts in names.items():
        name = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        graph.nodes[entity]["name"] = name
        graph.nodes[entity]["aliases"] = sorted(alias_sets[entity] - {name})
    return graph


@dataclass
class GraphSummary:
    """What a graph holds: papers, entities per type, links per relation."""

    papers: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    links: dict[str, int] = field(default_factory=dict)


def summarise(graph: nx.MultiDiGraph) -> GraphSummary:
    kinds = Counter(data["kind"] for _, data in graph.nodes(data=True))
    relations = Counter(key for _, _, key in graph.edges(keys=True))
    papers = kinds.pop("Paper", 0)
    return GraphSummary(papers, dict(sorted(kinds.items())), dict(sorted(relations.items())))


def load_graph(graph_dir: str | Path) -> nx.MultiDiGraph:
    """The graph of a folder made by `kg build`, rebuilt from its `papers.jsonl`."""
    from kg.export.jsonl import read_records

    path = Path(graph_dir) / "papers.jsonl"
    if not path.exists():
        raise FileNotFoundError(
            f"{graph_dir}: no papers.jsonl here (run `kg build … --out {graph_dir}`)"
        )
    return build_graph(read_records(path))
