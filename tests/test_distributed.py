"""Extraction on a local Dask cluster of two workers gives the single-process graph, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.build import build
from kg.export.jsonl import to_record
from kg.export.rdf import write_ntriples
from kg.graph import build_graph
from kg.ingest import read_papers

from .conftest import EXAMPLES

pytest.importorskip(
    "distributed", reason="Dask distributed is not installed (pip install 'kg[cluster]')"
)


def test_two_local_workers_give_the_single_process_graph(tmp_path: Path) -> None:
    from kg.extract.distributed import extract_cluster

    build([EXAMPLES], tmp_path / "one", exporters=["ntriples"])
    # Shards of three papers, so that both workers get several and the merge order matters.
    extractions = list(extract_cluster(read_papers([EXAMPLES]), "local:2", shard_size=3))
    lines = [json.dumps(to_record(ex), ensure_ascii=False) + "\n" for ex in extractions]
    assert "".join(lines) == (tmp_path / "one" / "papers.jsonl").read_text(encoding="utf-8")
    write_ntriples(build_graph(extractions), tmp_path / "cluster.nt")
    assert (tmp_path / "cluster.nt").read_bytes() == (tmp_path / "one" / "graph.nt").read_bytes()


def test_bad_cluster_address_is_a_one_line_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    result = CliRunner().invoke(
        app, ["extract", str(EXAMPLES), "--cluster", "local:zero", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 1 and result.output.startswith("kg: local:zero")


def test_unreachable_scheduler_is_reported(tmp_path: Path) -> None:
    from kg.extract.distributed import ClusterError, connect

    with pytest.raises(ClusterError, match="no Dask scheduler answered"):
        connect("tcp://127.0.0.1:9", timeout="1s")
