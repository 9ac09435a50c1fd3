"""Neo4j export: generated Cypher, parameters, batching, dialects and CSV headers (servers: test_neo4j_bolt.py, test_neo4j_live.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pytest

from kg.export.falkordb import SPLICE_LIMIT, pieces, splice_safe, spliced_size
from kg.export.neo4j import (
    NODE_LABELS,
    ExportError,
    batches,
    constraint_statements,
    node_cypher,
    rel_cypher,
    statements,
)
from kg.export.neo4j_csv import write_neo4j_csv
from kg.graph import build_graph
from kg.ids import link_id
from kg.types import Evidence, Extraction, Link, Paper

HOSTILE = "x`}) DETACH DELETE n // MATCH (m) DELETE m"
EV = (Evidence("abstract", "We use it.", 0, 3, "test", "0.1", 0.8),)


def graph(n_papers: int = 3) -> nx.MultiDiGraph:
    extractions = []
    for i in range(n_papers):
        abstract = (
            ("Long abstract. " * 400) if i == 0 else f"Abstract {i}."
        )  # 6 KB: written in pieces
        links = (
            Link("uses", "METHOD", HOSTILE, EV),
            Link("evaluates_on", "DATASET", f"Data{i % 2}", EV),
            Link("has_code", "REPO", f"https://github.com/x/p{i}", EV),
        )
        extractions.append(Extraction(Paper(f"p{i}", f"Title {i}", abstract), (), links))
    return build_graph(extractions)


def test_labels_and_types_come_from_the_whitelist() -> None:
    with pytest.raises(ValueError):
        node_cypher("Method) DETACH DELETE (n")
    with pytest.raises(ValueError):
        rel_cypher("USES]->() DELETE x //", "Paper", "Method")


def test_values_travel_only_as_parameters() -> None:
    for statement in statements(graph(), "neo4j"):
        assert HOSTILE not in statement.cypher
        assert "DETACH" not in statement.cypher


def test_batches_respect_count_and_size() -> None:
    rows = [{"id": str(i), "props": {"text": "y" * 900}} for i in range(10)]
    assert [len(b) for b in batches(rows, 4)] == [4, 4, 2]
    sized = list(batches(rows, 100, max_bytes=3000))
    assert all(sum(len(str(r)) for r in b) < 3200 for b in sized) and sum(map(len, sized)) == 10


def test_falkordb_statements_stay_under_the_servers_buffer() -> None:
    g = graph()
    g.nodes["p1"]["abstract"] = "Ünïcödé 'quoted' \\ text 中文. " * 300  # multi-byte and escapes
    sent = list(statements(g, "falkordb", batch_size=50))
    assert any(s.kind == "append" for s in sent)
    for statement in sent:
        params = statement.rows[0] if statement.kind == "append" else {"rows": statement.rows}
        assert spliced_size(statement.cypher, params) < SPLICE_LIMIT - 256


def test_long_strings_are_cut_and_rejoined_exactly() -> None:
    text = "a'b\\c 中文 é " * 500
    parts = pieces(text, 600)
    assert "".join(parts) == text and len(parts) > 1
    assert all(len(splice_safe(p).encode()) <= 600 for p in parts)


def test_escaping_covers_quotes_backslashes_and_nested_values() -> None:
    row = {"id": "x'", "props": {"aliases": ["a\\", "b'c"], "n": 1, "name": "it's\x00"}}
    assert splice_safe(row) == {
        "id": "x\\'",
        "props": {"aliases": ["a\\\\", "b\\'c"], "n": 1, "name": "it\\'s"},
    }


def test_dialects() -> None:
    assert len(constraint_statements()) == len(NODE_LABELS)
    assert all(
        "IF NOT EXISTS" in c and "REQUIRE n.id IS UNIQUE" in c for c in constraint_statements()
    )
    neo4j_rows = [r for s in statements(graph(), "neo4j") for r in s.rows]
    assert HOSTILE in {r["props"].get("name") for r in neo4j_rows}  # sent unchanged to Neo4j
    with pytest.raises(ExportError, match="unknown dialect"):
        list(statements(graph(), "memgraph"))


def test_csv_headers_and_counts(tmp_path: Path) -> None:
    g = graph()
    write_neo4j_csv(g, tmp_path / "csv")
    files = {
        p.name: list(csv.reader(p.open(encoding="utf-8"))) for p in (tmp_path / "csv").iterdir()
    }
    assert (
        files["nodes_Paper.csv"][0][0] == "id:ID(Paper)"
        and files["nodes_Paper.csv"][0][-1] == ":LABEL"
    )
    assert files["nodes_Method.csv"][0][:3] == ["id:ID(Method)", "name", "aliases:string[]"]
    rel = files["rels_USES_Paper_Method.csv"][0]
    assert (
        rel[:4] == [":START_ID(Paper)", ":END_ID(Method)", "id", "confidence:float"]
        and rel[-1] == ":TYPE"
    )
    # Each relationship carries its link's id, the one the RDF export's link IRI holds.
    for src, dst, link, *_ in files["rels_USES_Paper_Method.csv"][1:]:
        assert link == link_id(src, "uses", dst) == g.edges[src, dst, "uses"]["id"]
    nodes = sum(len(rows) - 1 for name, rows in files.items() if name.startswith("nodes_"))
    rels = sum(len(rows) - 1 for name, rows in files.items() if name.startswith("rels_"))
    assert (nodes, rels) == (g.number_of_nodes(), g.number_of_edges())


def test_csv_export_of_a_built_graph_folder(tmp_path: Path, example_graph: Path) -> None:
    from kg.graph import load_graph

    g = load_graph(example_graph)
    counts = write_neo4j_csv(g, tmp_path / "csv")
    assert counts == {"nodes": g.number_of_nodes(), "relationships": g.number_of_edges()}
