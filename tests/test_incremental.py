"""`kg build --update`: adding papers gives the bytes a full rebuild gives, extracting only new papers."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.build import build
from kg.cli import app

from .conftest import EXAMPLES

OUTPUTS = ["turtle", "ntriples"]

ALL = ["graphml", "ntriples", "oxigraph", "turtle"]
FILES = ["papers.jsonl", "graph.nt", "graph.ttl", "graph.graphml"]


def store_lines(folder: Path) -> list[bytes]:
    from pyoxigraph import RdfFormat, Store

    store = Store.read_only(str(folder / "store"))
    return sorted((store.dump(format=RdfFormat.N_QUADS) or b"").splitlines())


def canonical(path: Path) -> list[bytes]:
    """What an export says, whatever the order: an update appends runs and blanks old units
    (kg.export.splice), a full build writes one sorted run."""
    raw = path.read_bytes()
    if path.suffix == ".ttl":
        from pyoxigraph import RdfFormat, parse

        return sorted(str(q.triple).encode() for q in parse(raw, RdfFormat.TURTLE))
    lines = raw.splitlines(keepends=True)
    if path.suffix == ".graphml":
        head = [line for line in lines if not line.startswith(b"    ")]
        body = [line for line in lines if line.startswith(b"    ")]
        assert not any(b"<!--" in line for line in head)
        return head + sorted(line for line in body if not line.startswith(b"    <!--"))
    return sorted(line for line in lines if not line.startswith(b"#"))


def assert_same_outputs(step: Path, full: Path, exact: bool = False) -> None:
    """The outputs in `step` say what those of `full` say; with `exact`, byte for byte."""
    assert (step / "papers.jsonl").read_bytes() == (full / "papers.jsonl").read_bytes()
    for name in FILES[1:]:
        if exact:
            assert (step / name).read_bytes() == (full / name).read_bytes(), name
        else:
            assert canonical(step / name) == canonical(full / name), name
    assert store_lines(step) == store_lines(full)
    if (step / "graph.graphml").exists():  # and a GraphML reader reads the same graph
        import networkx as nx

        def read(folder: Path) -> tuple[list, list]:
            g = nx.read_graphml(folder / "graph.graphml", force_multigraph=True)
            return sorted(map(repr, g.nodes(data=True))), sorted(map(repr, g.edges(data=True)))

        assert read(step) == read(full)


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


@pytest.mark.parametrize("index", [True, False], ids=["patched", "made-again"])
def test_update_equals_full_rebuild(halves: tuple[Path, Path], tmp_path: Path, index: bool) -> None:
    """Patched (the titled copy of a stored title-less paper replaces it), or, without an
    index, made again: either way the bytes of a full rebuild."""
    a, b = halves
    build([a, b], tmp_path / "full", exporters=ALL)
    build([a], tmp_path / "step", exporters=ALL)
    if not index:
        (tmp_path / "step" / "index.json").unlink()
    report = build([b], tmp_path / "step", exporters=ALL, update=True)
    assert (report.changed is not None) == index
    assert_same_outputs(tmp_path / "step", tmp_path / "full")
    # Only B's new papers were extracted: its 8 distinct ones, two repeats of A left out.
    assert report.extracted == 8
    assert report.read.papers == 16 and report.read.duplicates == 3
    assert report.graph == build([a, b], tmp_path / "again", exporters=ALL).graph


@pytest.mark.parametrize("index", [True, False], ids=["patched", "made-again"])
def test_update_naming_some_exports_keeps_the_others_in_step(
    halves: tuple[Path, Path], tmp_path: Path, index: bool
) -> None:
    """An export in the folder that the update does not name is updated too, not left stale."""
    a, b = halves
    build([a, b], tmp_path / "full", exporters=ALL)
    build([a], tmp_path / "step", exporters=ALL)
    if not index:
        (tmp_path / "step" / "index.json").unlink()
    build([b], tmp_path / "step", exporters=["turtle"], update=True)
    assert_same_outputs(tmp_path / "step", tmp_path / "full")


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
    step, full = tmp_path / "step", tmp_path / "full"
    assert (step / "papers.jsonl").read_bytes() == (full / "papers.jsonl").read_bytes()
    assert canonical(step / "graph.nt") == canonical(full / "graph.nt")


def test_cli_update_needs_a_built_folder(halves: tuple[Path, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["build", str(halves[1]), "--update", str(tmp_path)])
    assert result.exit_code == 1 and "no papers.jsonl" in result.output
    both = runner.invoke(
        app, ["build", str(halves[1]), "--update", str(tmp_path), "--out", str(tmp_path)]
    )
    assert both.exit_code == 1 and "either --out" in both.output


def test_patched_update_equals_full_rebuild(halves: tuple[Path, Path], tmp_path: Path) -> None:
    """Without title-less papers the outputs are patched in place and say what a full rebuild's
    say; once compacted they are its bytes."""
    a, b = halves
    titled = [r for r in map(json.loads, a.read_text().splitlines()) if r["title"]]
    a = write_jsonl(tmp_path / "a.jsonl", titled)
    build([a, b], tmp_path / "full", exporters=ALL)
    build([a], tmp_path / "step", exporters=ALL)
    report = build([b], tmp_path / "step", exporters=ALL, update=True)
    assert report.changed is not None  # patched, not made again
    assert report.extracted == 8 and report.read.papers == 16 and report.read.duplicates == 2
    assert_same_outputs(tmp_path / "step", tmp_path / "full")
    # B's runs outgrew COMPACT_SHARE of A's: the next update makes the exports again, sorted.
    again = build([b], tmp_path / "step", exporters=ALL, update=True)
    assert again.extracted == 0 and again.changed is None
    assert_same_outputs(tmp_path / "step", tmp_path / "full", exact=True)
    third = build([b], tmp_path / "step", exporters=ALL, update=True)
    assert third.extracted == 0 and third.changed == 0 and third.outputs == []
    assert_same_outputs(tmp_path / "step", tmp_path / "full", exact=True)


def _paper(pid: str, text: str, names: list[tuple[str, str, str]], defines: tuple = ()) -> dict:
    """A hand-made extraction: each (relation, label, name) is a mention and a link."""
    mentions, links = [], []
    for relation, label, name in names:
        start = text.index(name)
        mentions.append(
            {
                "field": "abstract",
                "start": start,
                "end": start + len(name),
                "text": name,
                "label": label,
            }
        )
        evidence = {
            "field": "abstract",
            "sentence": text,
            "start": start,
            "end": start + len(name),
            "extractor": "hand",
            "version": "1",
            "confidence": 0.9,
        }
        links.append({"relation": relation, "label": label, "entity": name, "evidence": [evidence]})
    record = {"id": pid, "title": f"Paper {pid}", "abstract": text, "mentions": mentions}
    return {**record, "links": links, "aliases": [list(pair) for pair in defines]}


HAND = [
    _paper(
        "a1",
        "We train XYZ on ImageNet.",
        [("uses", "METHOD", "XYZ"), ("evaluates_on", "DATASET", "ImageNet")],
    ),
    _paper(
        "a2",
        "Quick Query (QQ) answers faster.",
        [("proposes", "METHOD", "Quick Query")],
        (("QQ", "Quick Query"),),
    ),
    _paper(
        "a3",
        "QQ beats XYZ here.",
        [("compares_with", "METHOD", "QQ"), ("compares_with", "METHOD", "XYZ")],
    ),
    _paper("a4", "Graph networks help.", [("uses", "METHOD", "Graph networks")]),
    _paper(
        "b1",
        "Cross Yielding Zoom (XYZ) is new.",
        [("proposes", "METHOD", "Cross Yielding Zoom")],
        (("XYZ", "Cross Yielding Zoom"),),
    ),
    _paper(
        "b2",
        "Quiet Quorum (QQ) differs.",
        [("proposes", "METHOD", "Quiet Quorum")],
        (("QQ", "Quiet Quorum"),),
    ),
    _paper(
        "b3",
        "We use graph network and ImageNet.",
        [("uses", "METHOD", "graph network"), ("uses", "DATASET", "ImageNet")],
    ),
]


def test_patched_update_follows_abbreviations_defined_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new paper defining XYZ moves old bare uses to its long form; one contradicting QQ's
    long form makes old bare QQ its own entity again; the result is a full rebuild's."""
    from kg import build as build_module
    from kg.export.jsonl import from_record

    made = {r["id"]: from_record(r) for r in HAND}

    def extract_stream(papers, model=None, workers=1, cluster=None):  # type: ignore[no-untyped-def]
        for paper in papers:
            yield dataclasses.replace(made[paper.id], paper=paper)

    monkeypatch.setattr(build_module, "extract_stream", extract_stream)
    plain = [{k: r[k] for k in ("id", "title", "abstract")} for r in HAND]
    a = write_jsonl(tmp_path / "a.jsonl", plain[:4])
    b = write_jsonl(tmp_path / "b.jsonl", plain[4:])
    full = build([a, b], tmp_path / "full", exporters=ALL)
    build([a], tmp_path / "step", exporters=ALL)
    before = (tmp_path / "step" / "graph.nt").read_text()
    assert "method/method%3Aquickquery" in before and "method%3Axyz" in before
    report = build([b], tmp_path / "step", exporters=ALL, update=True)
    assert report.extracted == 3 and report.changed == 2  # a1 (XYZ) and a3 (QQ, XYZ)
    assert_same_outputs(tmp_path / "step", tmp_path / "full")
    after = (tmp_path / "step" / "graph.nt").read_text()
    assert "method%3Axyz>" not in after and "method%3Aqq>" in after
    assert report.graph == full.graph


@pytest.mark.parametrize("killed", [False, True], ids=["failed", "killed"])
def test_unfinished_update_leaves_the_folder_as_it_was(
    halves: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, killed: bool
) -> None:
    """An update failing after its in-place edits is undone at once; one killed there (no
    undo ran) is undone by the next run, from the journal. Either way the next update works."""
    from kg import incremental
    from kg.export import journal

    a, b = halves
    step = tmp_path / "step"
    build([a], step, exporters=ALL)
    before = {p.name: p.read_bytes() for p in step.iterdir() if p.is_file()}

    def full_disk(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(incremental, "save_index", full_disk)  # after the edits
    if killed:
        monkeypatch.setattr(journal, "undo", lambda folder: None)
    with pytest.raises(OSError, match="disk full"):
        build([b], step, exporters=ALL, update=True)
    monkeypatch.undo()
    after = {p.name: p.read_bytes() for p in step.iterdir() if p.is_file()}
    if killed:
        assert journal.JOURNAL in after and after["graph.nt"] != before["graph.nt"]
        journal.recover(step, lambda: incremental.index_token(step / "index.json"))
        after = {p.name: p.read_bytes() for p in step.iterdir() if p.is_file()}
    assert after == before
    report = build([b], step, exporters=ALL, update=True)
    assert report.changed is not None  # the index survived: patched, not made again
    build([a, b], tmp_path / "full", exporters=ALL)
    assert_same_outputs(step, tmp_path / "full")
    assert not (step / journal.JOURNAL).exists()


def test_a_journal_of_a_finished_update_is_dropped(
    halves: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after its index was in place, an update is complete: its journal only goes."""
    from kg import incremental
    from kg.export import journal

    a, b = halves
    step = tmp_path / "step"
    build([a], step, exporters=ALL)
    monkeypatch.setattr(journal, "finish", lambda folder: None)
    build([b], step, exporters=ALL, update=True)
    monkeypatch.undo()
    assert (step / journal.JOURNAL).exists()
    done = {p.name: p.read_bytes() for p in step.iterdir() if p.is_file()}
    journal.recover(step, lambda: incremental.index_token(step / "index.json"))
    assert not (step / journal.JOURNAL).exists()
    done.pop(journal.JOURNAL)
    assert {p.name: p.read_bytes() for p in step.iterdir() if p.is_file()} == done
