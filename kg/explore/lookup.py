"""Finding papers and entities in a graph by id, name, alias or words of a title."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from kg.ids import fold


class NotFound(LookupError):
    """Nothing, or too many things, in the graph answer to a name; the message says which."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: a paper or an entity, with the text it matched on."""

    id: str
    kind: str
    name: str
    papers: int


def is_paper(graph: nx.MultiDiGraph, node: str) -> bool:
    return bool(graph.has_node(node) and graph.nodes[node].get("kind") == "Paper")


def display_name(graph: nx.MultiDiGraph, node: str) -> str:
    """A paper's title (its id when untitled) or an entity's canonical name."""
    data = graph.nodes[node]
    if data.get("kind") == "Paper":
        return str(data.get("title") or node)
    return str(data.get("name") or node)


def paper_count(graph: nx.MultiDiGraph, node: str) -> int:
    """Distinct papers linked to an entity (1 for a paper itself)."""
    if is_paper(graph, node):
        return 1
    return len(set(graph.predecessors(node)))


def find_paper(graph: nx.MultiDiGraph, text: str) -> str:
    """The paper whose id is `text`, else the one paper whose title is or contains it."""
    if is_paper(graph, text):
        return text
    wanted = text.strip().lower()
    papers = [
        (n, str(d.get("title") or "")) for n, d in graph.nodes(data=True) if d["kind"] == "Paper"
    ]
    exact = [n for n, title in papers if title.lower() == wanted]
    if len(exact) == 1:
        return exact[0]
    partial = exact or [n for n, title in papers if wanted and wanted in title.lower()]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise NotFound(f"no paper with id or title {text!r}")
    shown = ", ".join(sorted(partial)[:5])
    raise NotFound(f"{len(partial)} papers match {text!r} (e.g. {shown}): give an id")


def find_entities(graph: nx.MultiDiGraph, name: str) -> list[str]:
    """Entities whose id, name or an alias is `name` (after folding, or in any case), most linked first."""
    if graph.has_node(name) and not is_paper(graph, name):
        return [name]
    key, low = fold(name), name.lower()
    found = []
    for node, data in graph.nodes(data=True):
        if data["kind"] == "Paper":
            continue
        names = [data.get("name") or "", *data.get("aliases", [])]
        if any(fold(n) == key or n.lower() == low for n in names):
            found.append(node)
    return sorted(found, key=lambda n: (-paper_count(graph, n), n))


def search(graph: nx.MultiDiGraph, text: str, limit: int = 50) -> list[Hit]:
    """Papers whose title holds every word of `text`, and entities whose name or alias holds it.

    Entities come first, exact names before partial ones and then by papers linked;
    papers follow in id order.
    """
    words = text.lower().split()
    if not words:
        return []
    phrase = " ".join(words)
    entities: list[tuple[int, int, Hit]] = []
    papers: list[Hit] = []
    for node, data in graph.nodes(data=True):
        if data["kind"] == "Paper":
            title = str(data.get("title") or "")
            low = title.lower()
            if all(w in low for w in words) or node.lower() == phrase:
                papers.append(Hit(node, "Paper", title or node, 1))
            continue
        names = [str(data.get("name") or ""), *data.get("aliases", [])]
        lowered = [n.lower() for n in names]
        if any(phrase in n for n in lowered):
            count = paper_count(graph, node)
            rank = 0 if phrase in lowered else 1
            entities.append((rank, -count, Hit(node, data["kind"], names[0], count)))
    entities.sort(key=lambda t: (t[0], t[1], t[2].id))
    papers.sort(key=lambda h: h.id)
    return ([h for _, _, h in entities] + papers)[:limit]
