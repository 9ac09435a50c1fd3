from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app
from kg.export.jsonl import problems

from .conftest import DATA, EXAMPLES

runner = CliRunner()


def test_extract_writes_contract_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(EXAMPLES / "papers.jsonl"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 16
    assert all(problems(r) == [] for r in records)


def test_build_prints_summary_and_query_answers(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["build", str(DATA / "readers" / "listing.txt"), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "papers: 2" in result.output
    assert {"graph.ttl", "graph.nt", "graph.graphml", "papers.jsonl", "store"} <= {
        p.name for p in tmp_path.iterdir()
    }
    answer = runner.invoke(
        app,
        [
            "query",
            "sparql",
            "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }",
            "--graph",
            str(tmp_path),
            "--format",
            "csv",
        ],
    )
    assert answer.exit_code == 0 and answer.output.split() == ["n", "2"]


def test_nothing_usable_exits_non_zero(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = runner.invoke(app, ["extract", str(empty), "-o", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 1


def test_bad_query_is_one_line_error(example_graph: Path) -> None:
    result = runner.invoke(
        app, ["query", "sparql", "SELEKT nonsense", "--graph", str(example_graph)]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_format_option_overrides_the_file_ending(tmp_path: Path) -> None:
    snapshot = tmp_path / "arxiv-snapshot.json"  # the arXiv snapshot is JSON lines named .json
    snapshot.write_text((DATA / "readers" / "arxiv.jsonl").read_text())
    result = runner.invoke(
        app, ["build", str(snapshot), "--format", "jsonl", "--out", str(tmp_path / "g")]
    )
    assert result.exit_code == 0, result.output
    assert "papers: 1" in result.output
