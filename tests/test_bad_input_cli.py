"""`kg build` and `kg extract` on a corpus of malformed files, run as a user runs them.

Each run checks: no traceback, every stderr line is one `kg: …` line, every good record
reaches papers.jsonl and the SPARQL store, and a failing run leaves the previous output as
it was.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DATA
from .test_bad_input import CASES, write


def kg(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
    )


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (hidden ones too) with a digest of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha1(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_clean_stderr(stderr: str) -> None:
    assert "Traceback" not in stderr
    assert all(line.startswith("kg: ") for line in stderr.splitlines()), stderr


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every bad-input case in a folder of its own, side by side."""
    root = tmp_path_factory.mktemp("malformed")
    for name, case in CASES.items():
        write(root / name, case.files)
    return root


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished build to fail on top of."""
    out = tmp_path_factory.mktemp("previous")
    result = kg("build", DATA / "readers" / "listing.txt", "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def test_malformed_corpus_builds_with_warnings_and_keeps_good_records(
    corpus: Path, tmp_path: Path
) -> None:
    result = kg("build", corpus, "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert_clean_stderr(result.stderr)
    for name, case in CASES.items():
        for file, line, reason in case.warnings:
            expected = f"kg: warning: {corpus / name / file}:{line}: "
            assert any(
                w.startswith(expected) and reason in w for w in result.stderr.splitlines()
            ), (expected, reason)
    skipped = sum(w.endswith("; skipped") for w in result.stderr.splitlines())
    assert f"{skipped} skipped" in result.stdout
    ids = {json.loads(line)["id"] for line in (tmp_path / "papers.jsonl").open(encoding="utf-8")}
    wanted = {pid for case in CASES.values() for pid in case.ids}
    assert wanted <= ids
    answer = kg(
        "query",
        "sparql",
        "SELECT ?id WHERE { ?p a kg:Paper ; dcterms:identifier ?id }",
        "--graph",
        tmp_path,
        "--format",
        "json",
    )
    assert answer.returncode == 0, answer.stderr
    bindings = json.loads(answer.stdout)["results"]["bindings"]
    assert {row["id"]["value"] for row in bindings} == ids


def test_strict_build_fails_with_one_line_and_keeps_previous_output(
    corpus: Path, previous: Path
) -> None:
    before = snapshot(previous)
    result = kg("build", corpus, "--out", previous, "--strict")
    assert result.returncode == 1
    assert_clean_stderr(result.stderr)
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"kg: {corpus}/") and "warning" not in line
    assert snapshot(previous) == before


def test_nothing_usable_fails_and_keeps_previous_output(tmp_path: Path, previous: Path) -> None:
    bad = tmp_path / "bad"
    write(bad, CASES["binary_files"].files)
    (bad / "ok.jsonl").unlink()
    before = snapshot(previous)
    result = kg("build", bad, "--out", previous)
    assert result.returncode == 1
    assert_clean_stderr(result.stderr)
    assert result.stderr.splitlines()[-1] == "kg: no usable paper was read"
    assert snapshot(previous) == before


def test_strict_extract_fails_at_the_first_bad_record(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    result = kg("extract", corpus / "invalid_json_lines", "-o", out, "--strict")
    assert result.returncode == 1
    assert_clean_stderr(result.stderr)
    assert result.stderr.splitlines() == [
        f"kg: {corpus}/invalid_json_lines/a.jsonl:2: invalid JSON "
        "(Expecting property name enclosed in double quotes at column 2)"
    ]
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_output_folder_that_is_a_file_is_a_clean_error(tmp_path: Path) -> None:
    out = tmp_path / "taken"
    out.write_text("")
    result = kg("build", DATA / "readers" / "listing.txt", "--out", out)
    assert result.returncode == 1
    assert_clean_stderr(result.stderr)
