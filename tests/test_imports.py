"""Importing does nothing: no model load, no heavy library, until a function needs it."""

from __future__ import annotations

import subprocess
import sys


def run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout


def test_importing_the_cli_loads_no_heavy_library() -> None:
    loaded = run(
        "import sys, kg, kg.cli, kg.ids, kg.types; print(' '.join(sorted(sys.modules)))"
    ).split()
    assert not {"spacy", "pyoxigraph", "rdflib", "pyshacl", "neo4j"} & set(loaded)


def test_pipeline_builds_in_a_fresh_interpreter() -> None:
    out = run(
        "from kg.extract.pipeline import build_pipeline; print(','.join(build_pipeline().pipe_names))"
    )
    assert "kg_gazetteer" in out and "kg_relations" in out
