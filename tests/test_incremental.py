"""`kg build --update`: adding papers gives the bytes a full rebuild gives, extracting only new papers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.build import build
from kg.cli import app

from .conftest import EXAMPLES

OUTPUTS = ["turtle", "ntriples"]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def halves(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two inputs from the example papers that overlap the way real inputs do.

    B repeats two papers of A (one under another id, caught by its abstract), and A holds
    a title-less copy of a paper that B has with its title (the titled copy must win).
    """
    records = [json.loads(line) for line in (EXAMPLES / "papers.jsonl").read_text().splitlines()]
    folder = tmp_path_factory.mktemp("halves")
    untitled = {"id": "no-title", "title": "", "abstract": records[12]["abstract"]}
    renamed = dict(records[1], id="other-id")
    a = write_jsonl(folder / "a.jsonl", [*records[:8], untitled])
    b = write_jsonl(folder / "b.jsonl", [records[0], renamed, *records[8:]])
    return a, b


def test_update_equals_full_rebuild(halves: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = halves
    build([a, b], tmp_path / "full", exporters=OUTPUTS)
    build([a], tmp_path / "step", exporters=OUTPUTS)
    report = build([b], tmp_path / "step", exporters=OUTPUTS, update=True)
    for name in ("papers.jsonl", "graph.nt"):
        assert (tmp_path / "step" / name).read_bytes() == (tmp_path / "full" / name).read_bytes()
    # Only B's new papers were extracted: its 8 distinct ones, two repeats of A left out.
    assert report.extracted == 8
    assert report.read.papers == 16 and report.read.duplicates == 3


def test_update_of_nothing_new_extracts_nothing(halves: tuple[Path, Path], tmp_path: Path) -> None:
    a, _ = halves
    build([a], tmp_path, exporters=OUTPUTS)
    before = (tmp_path / "graph.nt").read_bytes()
    report = build([a], tmp_path, exporters=OUTPUTS, update=True)
    assert report.extracted == 0 and (tmp_path / "graph.nt").read_bytes() == before


def test_update_of_nothing_new_loads_no_model(halves: tuple[Path, Path], tmp_path: Path) -> None:
    a, _ = halves
    build([a], tmp_path, exporters=OUTPUTS)
    missing = str(tmp_path / "no-such-model")
    report = build([a], tmp_path, exporters=OUTPUTS, update=True, model=missing)
    assert report.extracted == 0
    with pytest.raises(OSError):  # the same model is loaded as soon as a paper is new
        build([halves[1]], tmp_path, exporters=OUTPUTS, update=True, model=missing)


def test_update_reads_new_papers_in_another_format(
    halves: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = halves
    rows = [json.loads(line) for line in b.read_text(encoding="utf-8").splitlines()]
    b_csv = tmp_path / "b.csv"
    with b_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["id", "title", "abstract"], extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(rows)
    build([a, b_csv], tmp_path / "full", exporters=OUTPUTS)
    build([a], tmp_path / "step", exporters=OUTPUTS)
    report = build([b_csv], tmp_path / "step", exporters=OUTPUTS, update=True, fmt="csv")
    assert report.extracted == 8 and report.read.files == 1
    for name in ("papers.jsonl", "graph.nt"):
        assert (tmp_path / "step" / name).read_bytes() == (tmp_path / "full" / name).read_bytes()


def test_cli_update_needs_a_built_folder(halves: tuple[Path, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["build", str(halves[1]), "--update", str(tmp_path)])
    assert result.exit_code == 1 and "no papers.jsonl" in result.output
    both = runner.invoke(
        app, ["build", str(halves[1]), "--update", str(tmp_path), "--out", str(tmp_path)]
    )
    assert both.exit_code == 1 and "either --out" in both.output
