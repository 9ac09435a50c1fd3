"""Credentials only from the environment or a git-ignored `.env`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.env import load_env

from .conftest import ROOT


def test_dotenv_is_ignored_by_git() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: cannot ask git what it ignores")
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT)
    assert ignored.returncode == 0, ".env must be listed in .gitignore"
    example = subprocess.run(["git", "check-ignore", "-q", ".env.example"], cwd=ROOT)
    assert example.returncode == 1


def test_load_env_reads_prefixed_keys_and_never_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = tmp_path / ".env"
    env.write_text(
        "# a comment\nNEO4J_USER=neo4j\nexport NEO4J_PASSWORD='s3cret = \"x\"'\n"
        "NEO4J_URI=bolt://from-file\nOTHER=ignored\n  # NEO4J_DATABASE=commented\n"
    )
    for key in ("NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE", "OTHER"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("NEO4J_URI", "bolt://from-environment")
    assert sorted(load_env(env)) == ["NEO4J_PASSWORD", "NEO4J_USER"]
    assert os.environ["NEO4J_PASSWORD"] == 's3cret = "x"'
    assert os.environ["NEO4J_URI"] == "bolt://from-environment"
    assert "OTHER" not in os.environ and "NEO4J_DATABASE" not in os.environ


def test_cli_takes_neo4j_settings_from_dotenv(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    command = [sys.executable, "-m", "kg.cli", "export", "neo4j", "--graph", "missing"]
    without = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert without.returncode == 2 and "--uri" in without.stderr
    (tmp_path / ".env").write_text("NEO4J_URI=bolt://127.0.0.1:9\n")
    with_env = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert with_env.returncode == 1 and "--uri" not in with_env.stderr
    assert "Traceback" not in with_env.stderr
