"""Related papers: ranked by the entities two papers share, weighted by how specific each one is.

A shared entity weighs `log(1 + N/df) × label weight × pair weight`: the inverse paper
frequency of Sparck Jones (1972) in its smoothed form, so a niche benchmark counts more than
"Transformer"; metrics and tasks count less than named methods and data; and two papers
doing the same thing with it (both evaluate on MATH) count more than two doing different
things (one proposes it, the other compares with it). Entities linked to more than
`GENERIC_SHARE` of the papers are generic: they add to a score but never make a paper a
neighbour on their own. Candidates come from an inverted index entity → papers (numpy
arrays), so a query touches only the postings of its own entities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.explore.lookup import NotFound, display_name

if TYPE_CHECKING:
    import numpy as np

# One role per (paper, entity): the most telling relation when a paper has several with it.
ROLES = ("evaluates_on", "proposes", "uses", "compares_with", "addresses", "reports", "has_code")
ROLE = {relation: i for i, relation in enumerate(ROLES)}
LABEL_WEIGHT = {
    "BENCHMARK": 1.0,
    "DATASET": 1.0,
    "METHOD": 1.0,
    "REPO": 1.0,
    "TASK": 0.7,
    "METRIC": 0.4,
}
SAME_ROLE, BUILDS_ON, OTHER_ROLE = 1.0, 0.8, 0.5
GENERIC_SHARE, GENERIC_MIN = 0.05, 10
_CACHE_KEY = "_kg_related_index"

VERB = {
    "evaluates_on": "evaluate on",
    "proposes": "propose",
    "uses": "use",
    "compares_with": "compare with",
    "addresses": "address",
    "reports": "report",
    "has_code": "link the repository",
}
PAST = {
    "evaluates_on": "evaluated on",
    "proposes": "proposed",
    "uses": "used",
    "compares_with": "compared with",
    "addresses": "addressed",
    "reports": "reported",
    "has_code": "linked",
}


def pair_weight(here: str, there: str) -> float:
    """How much sharing an entity counts given what each paper does with it."""
    if here == there:
        return SAME_ROLE
    if {here, there} in ({"proposes", "uses"}, {"proposes", "evaluates_on"}):
        return BUILDS_ON  # one paper builds on or measures against what the other made
    return OTHER_ROLE


@dataclass(frozen=True, slots=True)
class Shared:
    """An entity two papers both link to, what each does with it, and what it adds to the score."""

    entity: str
    name: str
    label: str
    here: str
    there: str
    weight: float
    generic: bool


@dataclass(frozen=True, slots=True)
class Related:
    """A related paper, its score, and why: the shared entities and a sentence saying so."""

    paper: str
    title: str
    score: float
    shared: tuple[Shared, ...]
    explanation: str
    text_similarity: float | None = None


@dataclass(frozen=True)
class RelatedIndex:
    """Papers in id order and, per entity, the papers linked to it with their roles."""

    papers: tuple[str, ...]
    position: dict[str, int]
    postings: dict[str, tuple[Any, Any]]  # entity → (paper positions, role codes)
    weight: dict[str, float]
    generic: frozenset[str]
    nodes: int


def roles_of(graph: nx.MultiDiGraph, paper: str) -> dict[str, str]:
    """Entity → the paper's most telling relation with it."""
    roles: dict[str, str] = {}
    for _, entity, relation in graph.out_edges(paper, keys=True):
        if relation in ROLE and (entity not in roles or ROLE[relation] < ROLE[roles[entity]]):
            roles[entity] = relation
    return roles


def build_index(graph: nx.MultiDiGraph) -> RelatedIndex:
    """The inverted index of `graph`, in one pass over its edges."""
    import numpy as np

    papers = tuple(sorted(n for n, d in graph.nodes(data=True) if d.get("kind") == "Paper"))
    position = {p: i for i, p in enumerate(papers)}
    lists: dict[str, dict[int, int]] = {}
    for paper, entity, relation in graph.edges(keys=True):
        if paper not in position or relation not in ROLE:
            continue
        row = lists.setdefault(entity, {})
        code = ROLE[relation]
        pos = position[paper]
        row[pos] = min(code, row.get(pos, code))
    total = max(len(papers), 1)
    threshold = max(GENERIC_MIN, GENERIC_SHARE * total)
    postings, weight, generic = {}, {}, set()
    for entity, row in lists.items():
        positions = np.fromiter(row.keys(), dtype=np.int64, count=len(row))
        postings[entity] = (positions, np.fromiter(row.values(), dtype=np.int8, count=len(row)))
        label = str(graph.nodes[entity].get("label", ""))
        weight[entity] = math.log1p(total / len(row)) * LABEL_WEIGHT.get(label, 1.0)
        if len(row) > threshold:
            generic.add(entity)
    return RelatedIndex(
        papers, position, postings, weight, frozenset(generic), graph.number_of_nodes()
    )


def related_index(graph: nx.MultiDiGraph) -> RelatedIndex:
    """The graph's index, built on first use and kept with the graph until its node count changes.

    Only the node count is checked (counting a MultiDiGraph's edges walks them all); after
    an edit that adds links between existing nodes, call `forget_index`.
    """
    index = graph.graph.get(_CACHE_KEY)
    if not isinstance(index, RelatedIndex) or index.nodes != graph.number_of_nodes():
        index = build_index(graph)
        graph.graph[_CACHE_KEY] = index
    return index


def forget_index(graph: nx.MultiDiGraph) -> None:
    """Drop the cached index so that the next query rebuilds it."""
    graph.graph.pop(_CACHE_KEY, None)


def _pair_matrix() -> np.ndarray:
    import numpy as np

    return np.array([[pair_weight(a, b) for b in ROLES] for a in ROLES])


def graph_scores(index: RelatedIndex, roles: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Score of every paper against a paper with `roles`, and which share a specific entity."""
    import numpy as np

    pairs = _pair_matrix()
    scores = np.zeros(len(index.papers))
    specific = np.zeros(len(index.papers), dtype=bool)
    for entity, relation in roles.items():
        if entity not in index.postings:
            continue
        positions, codes = index.postings[entity]
        # A paper occurs once per entity's postings, so plain fancy-index addition is exact.
        scores[positions] += index.weight[entity] * pairs[ROLE[relation]][codes]
        if entity not in index.generic:
            specific[positions] = True
    return scores, specific


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def explain(shared: tuple[Shared, ...]) -> str:
    """One sentence: `both evaluate on MATH, use DPO and address reasoning; BERT: proposed here, used there`."""
    same: dict[str, list[str]] = {}
    clauses_other = []
    for item in shared:
        if item.here == item.there:
            same.setdefault(item.here, []).append(item.name)
        else:
            clauses_other.append(f"{item.name}: {PAST[item.here]} here, {PAST[item.there]} there")
    verbs = [f"{VERB[r]} {_names(names)}" for r, names in same.items()]
    clauses = (["both " + _names(verbs)] if verbs else []) + clauses_other
    return "; ".join(clauses)


def shared_entities(
    graph: nx.MultiDiGraph, index: RelatedIndex, mine: dict[str, str], other: str
) -> tuple[Shared, ...]:
    """What `other` shares with a paper whose roles are `mine`, heaviest first."""
    theirs = roles_of(graph, other)
    items = [
        Shared(
            entity,
            display_name(graph, entity),
            str(graph.nodes[entity].get("label", "")),
            mine[entity],
            theirs[entity],
            index.weight[entity] * pair_weight(mine[entity], theirs[entity]),
            entity in index.generic,
        )
        for entity in mine.keys() & theirs.keys()
    ]
    return tuple(sorted(items, key=lambda s: (-s.weight, s.name)))


def related_papers(
    graph: nx.MultiDiGraph,
    paper_id: str,
    k: int = 10,
    text_weight: float = 0.0,
    text_vectors: np.ndarray | None = None,
) -> list[Related]:
    """The `k` papers most related to `paper_id`, each with the shared entities that explain it.

    With `text_weight` > 0 and `text_vectors` (unit rows aligned with the index's paper order,
    see kg.explore.embed), the score is `(1 - w) × graph score / best graph score + w × cosine`
    and papers with similar abstracts but nothing shared may appear too.
    """
    import numpy as np

    index = related_index(graph)
    if paper_id not in index.position:
        raise NotFound(f"no paper {paper_id!r} in the graph")
    me = index.position[paper_id]
    mine = roles_of(graph, paper_id)
    scores, candidate = graph_scores(index, mine)
    similarity = None
    if text_weight > 0 and text_vectors is not None:
        similarity = text_vectors @ text_vectors[me]
        best = scores[candidate].max() if candidate.any() else 1.0
        scores = (1 - text_weight) * scores / best + text_weight * similarity
        candidate = candidate | (similarity > 0)
    candidate[me] = False
    found = np.flatnonzero(candidate)
    order = found[np.lexsort((found, -scores[found]))][:k]
    results = []
    for pos in order:
        other = index.papers[pos]
        shared = shared_entities(graph, index, mine, other)
        text = explain(shared)
        sim = None if similarity is None else round(float(similarity[pos]), 3)
        if sim is not None:
            text = "; ".join(t for t in (text, f"similar abstracts (cosine {sim:.2f})") if t)
        results.append(
            Related(other, display_name(graph, other), float(scores[pos]), shared, text, sim)
        )
    return results


def related_in(
    graph_dir: str | Path, paper: str, k: int = 10, text_weight: float = 0.0
) -> tuple[str, list[Related]]:
    """Load a built graph, find `paper` by id or title, and rank its related papers."""
    from kg.explore.lookup import find_paper
    from kg.graph import load_graph

    graph = load_graph(graph_dir)
    paper_id = find_paper(graph, paper)
    vectors = None
    if text_weight > 0:
        from kg.explore.embed import paper_vectors

        vectors = paper_vectors(graph, related_index(graph).papers, Path(graph_dir))
    return display_name(graph, paper_id), related_papers(graph, paper_id, k, text_weight, vectors)


def format_related(title: str, results: list[Related]) -> str:
    """The ranking as text: score, id, title and the explanation of each paper."""
    if not results:
        return f"{title}\n(no paper shares a specific entity with it)"
    lines = [title]
    for rank, item in enumerate(results, start=1):
        lines.append(f"{rank:>2}. {item.score:6.2f}  {item.paper}  {item.title}")
        lines.append(f"              {item.explanation}")
    return "\n".join(lines)
