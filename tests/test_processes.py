"""Writing a file in pieces, some in forked children: order, failures, clean-up."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from kg import processes
from kg.processes import write_in_pieces


def writes(text: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(text, encoding="utf-8")


def pid_writer(path: Path) -> None:
    path.write_text(f"{os.getpid()}\n", encoding="utf-8")


@pytest.mark.parametrize("fork", [True, False])
def test_pieces_are_joined_in_order(
    fork: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(processes, "forks", lambda: fork)
    out = tmp_path / "out.txt"
    texts = [f"piece {i}: {'x' * (i * 40_000)}\n" for i in range(5)]
    write_in_pieces(out, [writes(t) for t in texts])
    assert out.read_text(encoding="utf-8") == "".join(texts)
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_the_other_pieces_run_in_other_processes(tmp_path: Path) -> None:
    if not processes.forks():
        pytest.skip("this platform does not fork")
    out = tmp_path / "out.txt"
    write_in_pieces(out, [pid_writer] * 3)
    pids = out.read_text(encoding="utf-8").split()
    assert pids[0] == str(os.getpid()) and len(set(pids)) == 3


def fails(path: Path) -> None:
    raise OSError("disk full")


@pytest.mark.parametrize("where", [0, 1])
@pytest.mark.parametrize("fork", [True, False])
def test_a_failed_piece_fails_the_write_and_leaves_no_parts(
    where: int, fork: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(processes, "forks", lambda: fork)
    pieces = [writes("a"), writes("b"), writes("c")]
    pieces[where] = fails
    with pytest.raises((OSError, RuntimeError)):
        write_in_pieces(tmp_path / "out.txt", pieces)
    assert not list(tmp_path.glob("*.part*"))
