"""Shared fixtures: the rule pipeline, the example corpus graph, and ../shared when present."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = ROOT / "examples" / "corpus"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session")
def nlp() -> Any:
    from kg.extract.pipeline import build_pipeline

    return build_pipeline()


@pytest.fixture(scope="session")
def example_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example corpus built once into a temporary folder."""
    from kg.build import build

    out = tmp_path_factory.mktemp("example-graph")
    build([EXAMPLES], out)
    return out


def seeds_or_skip() -> list[Path]:
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not files:
        pytest.skip(
            f"../shared/seeds not found at {SEEDS}: the end-to-end seed tests need it beside the checkout"
        )
    return files


@pytest.fixture(scope="session")
def seeds_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed listings built once for the whole session (skips when ../shared is absent)."""
    from kg.build import build

    files = seeds_or_skip()
    out = tmp_path_factory.mktemp("seeds-built")
    build(files, out)
    return out
