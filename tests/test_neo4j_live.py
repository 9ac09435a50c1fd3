"""Neo4j export against a real Neo4j server: `make test-neo4j` with NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD) set.

Run against the compose service (`docker compose up -d`). The tests touch only nodes whose
ids they export (the example corpus and a few hostile names) and delete those afterwards;
other data in the database is left alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.export.neo4j import NODE_LABELS, REL_TYPES, export_neo4j
from kg.graph import build_graph, load_graph

from .test_neo4j_bolt import HOSTILE, injection_graph

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(
        not os.environ.get("NEO4J_URI"),
        reason="NEO4J_URI is not set: start the compose service (docker compose up -d) and run `make test-neo4j`",
    ),
]


def settings() -> dict[str, Any]:
    return {
        "uri": os.environ["NEO4J_URI"],
        "user": os.environ.get("NEO4J_USER"),
        "password": os.environ.get("NEO4J_PASSWORD"),
        "database": os.environ.get("NEO4J_DATABASE"),
    }


def run(cypher: str, **params: Any) -> list[dict[str, Any]]:
    from kg.export.neo4j import open_driver

    s = settings()
    with open_driver(s["uri"], s["user"], s["password"]) as driver:
        records, _, _ = driver.execute_query(cypher, params, database_=s["database"])
    return [dict(r) for r in records]


def export(graph: nx.MultiDiGraph) -> dict[str, int]:
    s = settings()
    return export_neo4j(graph, s["uri"], s["user"], s["password"], s["database"], batch_size=100)


def chunks(ids: list[str], size: int = 20) -> Iterator[list[str]]:
    # Small parameter lists keep these helpers usable on FalkorDB's Bolt endpoint too.
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def ours(graph: nx.MultiDiGraph) -> tuple[int, int]:
    """Nodes of `graph` in the database (by id), and relationships leaving them."""
    nodes = rels = 0
    for ids in chunks(sorted(graph.nodes)):
        nodes += run("MATCH (n) WHERE n.id IN $ids RETURN count(n) AS n", ids=ids)[0]["n"]
        rels += run("MATCH (a)-[r]->() WHERE a.id IN $ids RETURN count(r) AS n", ids=ids)[0]["n"]
    return nodes, rels


@pytest.fixture
def clean(example_graph: Path) -> Iterator[list[nx.MultiDiGraph]]:
    """Graphs a test exports; their nodes are deleted before and after it."""
    graphs: list[nx.MultiDiGraph] = [load_graph(example_graph), injection_graph()]

    def wipe() -> None:
        for ids in chunks(sorted({n for g in graphs for n in g.nodes})):
            run("MATCH (n) WHERE n.id IN $ids DETACH DELETE n", ids=ids)

    wipe()
    yield graphs
    wipe()


def test_constraints_exist_after_an_export(clean: list[nx.MultiDiGraph]) -> None:
    export(clean[0])
    found = run("SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties")
    unique = {
        c["labelsOrTypes"][0]
        for c in found
        if c["type"] in ("UNIQUENESS", "NODE_PROPERTY_UNIQUENESS") and c["properties"] == ["id"]
    }
    assert unique >= NODE_LABELS


def test_counts_and_a_second_run_changes_nothing(clean: list[nx.MultiDiGraph]) -> None:
    graph = clean[0]
    first = export(graph)
    assert (first["nodes_created"], first["relationships_created"]) == (
        graph.number_of_nodes(),
        graph.number_of_edges(),
    )
    assert ours(graph) == (graph.number_of_nodes(), graph.number_of_edges())
    types = {r["t"] for r in run("MATCH (:Paper)-[r]->() RETURN DISTINCT type(r) AS t")}
    assert types <= set(REL_TYPES.values())
    second = export(graph)
    assert (second["nodes_created"], second["relationships_created"]) == (0, 0)
    assert ours(graph) == (graph.number_of_nodes(), graph.number_of_edges())


def test_incremental_export_adds_no_duplicates(
    clean: list[nx.MultiDiGraph], example_graph: Path
) -> None:
    from kg.export.jsonl import read_records

    records = list(read_records(example_graph / "papers.jsonl"))
    small = build_graph(records[:6])
    clean.append(small)
    export(small)
    export(clean[0])
    duplicates = [
        row
        for ids in chunks(sorted(set(clean[0].nodes) | set(small.nodes)))
        for row in run(
            "MATCH (n) WHERE n.id IN $ids WITH n.id AS id, count(*) AS c WHERE c > 1 RETURN id",
            ids=ids,
        )
    ]
    assert duplicates == []
    # Canonical names depend on the whole input: nodes of the small graph that the large one
    # names differently stay, so the database holds the union of both, each once.
    union = nx.compose(small, clean[0])
    assert ours(union) == (union.number_of_nodes(), union.number_of_edges())


def test_hostile_names_land_as_data(clean: list[nx.MultiDiGraph]) -> None:
    graph = clean[1]
    export(graph)
    names = {
        r["name"]
        for r in run(
            "MATCH (m:Method) WHERE m.id IN $ids RETURN m.name AS name", ids=list(graph.nodes)
        )
    }
    assert names == set(HOSTILE)
    assert ours(graph) == (graph.number_of_nodes(), graph.number_of_edges())
