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
from typing import ParamSpec, Protocol, TypeVar

import networkx as nx

from kg.canonical import AliasTable, build_alias_table, canonical_name, entity_of
from kg.ids import fold, link_id
from kg.types import Evidence, Extraction, Paper, evidence_record

KIND = {
    "METHOD": "Method",
    "DATASET": "Dataset",
    "BENCHMARK": "Benchmark",
    "TASK": "Task",
    "METRIC": "Metric",
    "REPO": "Repository",
}
__all__ = [
    "KIND",
    "GraphSummary",
    "Part",
    "add_paper",
    "build_graph",
    "definitions",
    "load_graph",
    "name_entity",
    "paper_part",
    "summarise",
]


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


Key = tuple[str, str]  # (label, folded name): what an alias table is looked up by


def lookup_key(label: str, text: str) -> Key:
    """The alias-table key `entity_of(label, text, aliases)` looks up."""
    return label, fold(canonical_name(label, text))


@dataclass
class Part:
    """One paper's share of the graph under one alias table.

    `edges` maps (entity, relation) to the evidence of the paper's links (in link order),
    `names` counts the canonical names its links give each entity, `said` holds the
    surface forms it uses for each, and `keys` (filled on request) the alias-table keys
    it looked up, which a change of the table can only affect.
    """

    edges: dict[tuple[str, str], list[Evidence]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    names: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    said: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    keys: set[Key] | None = None


def paper_part(ex: Extraction, aliases: AliasTable, keys: bool = False) -> Part:
    """The entities, links and names of one paper, bare short forms resolved with `aliases`."""
    part = Part(keys=set() if keys else None)
    long_of = dict(ex.aliases)
    surfaces: dict[str, set[str]] = defaultdict(set)
    for mention in ex.mentions:
        stem = (
            mention.text[:-1]
            if mention.text.endswith("s") and mention.text[:-1] in long_of
            else mention.text
        )
        text = long_of.get(stem, mention.text)
        entity, _ = entity_of(mention.label, text, aliases)
        surfaces[entity].add(mention.text)
        if part.keys is not None:
            part.keys.add(lookup_key(mention.label, text))
    for link in ex.links:
        entity, name = entity_of(link.label, link.entity, aliases)
        if part.keys is not None:
            part.keys.add(lookup_key(link.label, link.entity))
        part.labels[entity] = link.label
        part.names[entity][name] += 1
        part.said[entity].update(surfaces.get(entity, ()))
        part.said[entity].add(canonical_name(link.label, link.entity))
        part.edges.setdefault((entity, link.relation), []).extend(link.evidence)
    return part


def add_paper(graph: nx.MultiDiGraph, paper: Paper, part: Part) -> None:
    """Add a paper's node, its entities' nodes (without names) and its links to `graph`."""
    graph.add_node(
        paper.id,
        kind="Paper",
        title=paper.title,
        abstract=paper.abstract,
        date=paper.date or "",
        source=paper.source,
    )
    sentences: dict[str, str] = {}
    for (entity, relation), found in part.edges.items():
        if not graph.has_node(entity):
            label = part.labels[entity]
            graph.add_node(entity, kind=KIND[label], label=label)
        evidence = [evidence_record(e) for e in found]
        for record in evidence:
            # A sentence with several links is held once: the same text, one object.
            record["sentence"] = sentences.setdefault(record["sentence"], record["sentence"])
        graph.add_edge(
            paper.id,
            entity,
            key=relation,
            relation=relation,
            id=link_id(paper.id, relation, entity),
            evidence=evidence,
            confidence=max((e.confidence for e in found), default=0.5),
        )


def name_entity(
    graph: nx.MultiDiGraph, entity: str, names: Counter[str], said: Iterable[str]
) -> None:
    """Give an entity node its name (the most frequent canonical name, ties by text) and aliases."""
    name = sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    graph.nodes[entity]["name"] = name
    graph.nodes[entity]["aliases"] = sorted(set(said) - {name})


class Indexer(Protocol):
    """Told each paper of a build with its part; counts the names and forms of each entity."""

    names: dict[str, Counter[str]]
    said: dict[str, Counter[str]]

    def add(self, ex: Extraction, part: Part) -> None: ...


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
    extractions: Iterable[Extraction],
    graph: nx.MultiDiGraph | None = None,
    index: Indexer | None = None,
) -> nx.MultiDiGraph:
    """Add papers, entities and linked relations to `graph` (a new one by default).

    Bare short forms are resolved with the abbreviations every paper of the input defines.
    An `index` is told each paper with its part (kg.incremental keeps what an update needs).
    """
    exs = list(extractions)
    aliases = build_alias_table(definitions(exs))
    graph = graph if graph is not None else nx.MultiDiGraph()
    names: dict[str, Counter[str]] = defaultdict(Counter)
    said: dict[str, set[str]] = defaultdict(set)
    for ex in exs:
        part = paper_part(ex, aliases, keys=index is not None)
        add_paper(graph, ex.paper, part)
        if index is not None:
            index.add(ex, part)  # it counts names and forms too: not held twice
            continue
        for entity, counts in part.names.items():
            names[entity].update(counts)
            said[entity].update(part.said[entity])
    if index is not None:
        for entity, counts in index.names.items():
            name_entity(graph, entity, counts, index.said[entity])
    else:
        for entity, counts in names.items():
            name_entity(graph, entity, counts, said[entity])
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
