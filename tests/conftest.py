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


# Names and sentences as an attacker would write them into an abstract.
HOSTILE_METHOD = "<script>window.__xss=1</script>"
HOSTILE_DATASET = '" onmouseover="window.__xss=2'
HOSTILE_TITLE = "Ranking <img src=x onerror=window.__xss=3> and friends"
HOSTILE_SENTENCE = "We use </script><script>window.__xss=4</script> for this."


@pytest.fixture(scope="session")
def hostile_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A graph folder whose names, titles and evidence try to inject script."""
    from kg.build import PAPERS_FILE
    from kg.export.core import export_graph
    from kg.export.jsonl import write_records
    from kg.graph import build_graph
    from kg.types import Evidence, Extraction, Link, Paper

    def link(relation: str, label: str, name: str, sentence: str) -> Link:
        return Link(
            relation, label, name, (Evidence("abstract", sentence, 0, 1, "test", "0", 0.9),)
        )

    abstract = HOSTILE_SENTENCE + " " + HOSTILE_METHOD + " meets " + HOSTILE_DATASET
    papers = [
        Extraction(
            Paper(
                f"xss-{i}",
                HOSTILE_TITLE if i == 0 else f"Plain paper {i}",
                abstract,
                date=f"2024-0{i + 1}-01",
            ),
            (),
            (
                link("uses", "METHOD", HOSTILE_METHOD, HOSTILE_SENTENCE),
                link("evaluates_on", "DATASET", HOSTILE_DATASET, HOSTILE_SENTENCE),
            ),
        )
        for i in range(3)
    ]
    out = tmp_path_factory.mktemp("hostile-graph")
    with (out / PAPERS_FILE).open("w", encoding="utf-8") as handle:
        list(write_records(papers, handle))
    export_graph(build_graph(papers), out)
    return out


@pytest.fixture(scope="session")
def serve_graph() -> Any:
    """Start `kg serve`'s server for a graph folder on a free loopback port; stopped at the end."""
    import threading

    from kg.explore.web import make_server

    servers = []

    def start(graph_dir: Path, **options: Any) -> str:
        server = make_server(graph_dir, "127.0.0.1", 0, **options)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
