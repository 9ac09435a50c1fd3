"""The undo log of in-place edits (kg.export.journal)."""

from __future__ import annotations

from pathlib import Path

from kg.export.journal import JOURNAL, apply_edits, recover, undo
from kg.export.splice import Edit, hash_lines


def edits(folder: Path) -> list[Edit]:
    a, b = folder / "a.nt", folder / "b.xml"
    a.write_bytes(b"<x> <p> <o> .\n<y> <p> <o> .\n")
    b.write_bytes(b"<g>\n    <n id='1'/>\n</g>\n")
    return [
        Edit(a, [(0, 14)], 28, b"<z> <p> <o> .\n", blank=hash_lines),
        Edit(b, [], 20, b"    <n id='2'/>\n</g>\n"),  # the footer moves behind the new line
    ]


def test_edits_are_made_and_undone(tmp_path: Path) -> None:
    made = edits(tmp_path)
    before = {e.path: e.path.read_bytes() for e in made}
    apply_edits(tmp_path, "t1", made)
    assert (
        tmp_path / "a.nt"
    ).read_bytes() == b"#" + b" " * 12 + b"\n<y> <p> <o> .\n<z> <p> <o> .\n"
    assert (tmp_path / "b.xml").read_bytes() == b"<g>\n    <n id='1'/>\n    <n id='2'/>\n</g>\n"
    undo(tmp_path)
    assert {e.path: e.path.read_bytes() for e in made} == before
    assert not (tmp_path / JOURNAL).exists()


def test_recover_keeps_a_finished_update_and_undoes_another(tmp_path: Path) -> None:
    made = edits(tmp_path)
    before = {e.path: e.path.read_bytes() for e in made}
    apply_edits(tmp_path, "t1", made)
    after = {e.path: e.path.read_bytes() for e in made}
    recover(tmp_path, lambda: "t1")  # the index names this update: it had finished
    assert {e.path: e.path.read_bytes() for e in made} == after
    assert not (tmp_path / JOURNAL).exists()
    made = edits(tmp_path)
    apply_edits(tmp_path, "t2", made)
    recover(tmp_path, lambda: "t1")  # the index is the one before: undo
    assert {e.path: e.path.read_bytes() for e in made} == before
