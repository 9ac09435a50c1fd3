"""Nothing lost: a killed or failed build leaves the previous output loadable; re-runs are byte-identical."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

from kg.build import build
from kg.export.swap import clear_leftovers, put_in_place, temporary

from .conftest import EXAMPLES
from .test_bad_input_cli import snapshot

OUTPUTS = ("papers.jsonl", "graph.nt", "graph.ttl", "graph.graphml")


def visible(folder: Path) -> dict[str, str]:
    return {k: v for k, v in snapshot(folder).items() if not k.startswith(".")}


def assert_loadable(out: Path, papers: int) -> None:
    """Every output of a build parses, and the store opens and answers."""
    from pyoxigraph import Store

    lines = (out / "papers.jsonl").read_text(encoding="utf-8").splitlines()
    assert len([json.loads(line) for line in lines]) == papers
    assert len(Graph().parse(out / "graph.nt", format="nt")) > 0
    assert len(Graph().parse(out / "graph.ttl", format="turtle")) > 0
    assert nx.read_graphml(out / "graph.graphml").number_of_nodes() > papers
    store = Store.read_only(str(out / "store"))
    query = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a <https://w3id.org/kg-sci/ontology#Paper> }"
    (row,) = list(store.query(query))  # type: ignore[arg-type]
    assert int(row[0].value) == papers


def generated_corpus(path: Path, n: int) -> Path:
    """`n` distinct papers made from the example corpus (variants of its abstracts)."""
    records = [json.loads(line) for line in (EXAMPLES / "papers.jsonl").open(encoding="utf-8")]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            r = records[i % len(records)]
            variant = {
                "id": f"gen-{i}",
                "title": f"{r['title']} (variant {i})",
                "abstract": f"{r['abstract']} This is variant {i}.",
            }
            handle.write(json.dumps(variant) + "\n")
    return path


@pytest.fixture
def previous(example_graph: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(example_graph, out, symlinks=True)
    return out


def _wait_for(out: Path, pattern: str, proc: subprocess.Popen[bytes]) -> None:
    """Block until a temporary matching `pattern` has content in `out` (the build is in that phase)."""
    deadline = time.monotonic() + 300  # a guard against a hung build, not a timing assertion
    while time.monotonic() < deadline:
        if any(_has_content(p) for p in out.glob(pattern)):
            return
        if proc.poll() is not None:
            pytest.fail(f"the build ended (exit {proc.returncode}) before reaching {pattern}")
        time.sleep(0.005)
    pytest.fail(f"no {pattern} appeared")


def _has_content(path: Path) -> bool:
    try:
        return path.is_dir() or path.stat().st_size > 0
    except FileNotFoundError:  # put in place between the listing and the look
        return False


@pytest.mark.parametrize("phase", [".papers.jsonl.tmp-*", ".graph.graphml.tmp-*"])
def test_killed_build_leaves_previous_output_loadable(
    previous: Path, tmp_path: Path, phase: str
) -> None:
    """SIGKILL during extraction, or once exporting has begun: the old outputs stay whole."""
    before = visible(previous)
    papers = len((previous / "papers.jsonl").read_text().splitlines())
    corpus = generated_corpus(tmp_path / "big.jsonl", 300)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(previous)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(previous, phase, proc)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert visible(previous) == before
    assert_loadable(previous, papers)
    leftovers = [p.name for p in previous.iterdir() if p.name.startswith(".")]
    assert leftovers  # the killed run's temporaries, removed by the next build:
    build([EXAMPLES / "listing.txt"], previous)
    assert [p.name for p in previous.iterdir() if p.name.startswith(".")] == []


def test_failed_export_commits_nothing(previous: Path) -> None:
    before = snapshot(previous)
    with pytest.raises(Exception, match="nope"):
        build([EXAMPLES / "listing.txt"], previous, exporters=["graphml", "ntriples", "nope"])
    assert snapshot(previous) == before


def test_rebuild_is_byte_identical(
    example_graph: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same input and version: same papers.jsonl and N-Triples (and Turtle, GraphML), wherever built."""
    monkeypatch.chdir(tmp_path)  # a different working directory and output path change nothing
    build([EXAMPLES], tmp_path / "again")
    for name in OUTPUTS:
        assert (tmp_path / "again" / name).read_bytes() == (example_graph / name).read_bytes(), name


def test_folder_swap_is_one_step_and_leaves_nothing(tmp_path: Path) -> None:
    target, tmp = tmp_path / "store", temporary(tmp_path / "store")
    target.mkdir()
    (target / "old").write_text("old")
    tmp.mkdir()
    (tmp / "new").write_text("new")
    put_in_place(tmp, target)
    assert [p.name for p in tmp_path.iterdir()] == ["store"]
    assert [p.name for p in target.iterdir()] == ["new"]


def test_leftovers_of_dead_runs_are_cleared_and_an_aside_folder_restored(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)
    aside = tmp_path / f".store.old-{pid}"
    aside.mkdir()
    (aside / "data").write_text("kept")
    (tmp_path / f".store.tmp-{pid}").mkdir()
    (tmp_path / f".graph.nt.tmp-{pid}").write_text("half")
    # What a forked RDF writer of that run wrote for its part (kg.export.rdf_syntax).
    (tmp_path / f".graph.nt.tmp-{pid}.part1-{pid}").write_text("other half")
    live = tmp_path / f".graph.nt.tmp-{os.getppid()}"
    live.write_text("someone else's")
    clear_leftovers(tmp_path / "store")
    clear_leftovers(tmp_path / "graph.nt")
    assert (tmp_path / "store" / "data").read_text() == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["store", live.name])
