"""End to end on ../shared/seeds (skipped with a reason when it is not beside the checkout)."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import networkx as nx
import pytest

from kg.build import build
from kg.export.jsonl import problems, to_record
from kg.ids import entity_id, normalise_title
from kg.query.sparql import Table, query

from .conftest import ROOT, seeds_or_skip

pytestmark = pytest.mark.seeds


@pytest.fixture(scope="module")
def seeds_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = seeds_or_skip()
    out = tmp_path_factory.mktemp("seeds-graph")
    report = build(files, out)
    assert report.read.papers > 400
    return out


def records(graph_dir: Path) -> list[dict]:
    import json

    return [json.loads(line) for line in (graph_dir / "papers.jsonl").read_text().splitlines()]


def test_every_distinct_paper_once(seeds_graph: Path) -> None:
    recs = records(seeds_graph)
    ids = [r["id"] for r in recs]
    titles = [normalise_title(r["title"]) for r in recs if r["title"]]
    abstracts = [normalise_title(r["abstract"]) for r in recs]
    assert (
        len(ids) == len(set(ids))
        and len(titles) == len(set(titles))
        and len(abstracts) == len(set(abstracts))
    )


def test_every_url_is_a_linked_repository(seeds_graph: Path) -> None:
    graph = nx.read_graphml(seeds_graph / "graph.graphml")
    pattern = re.compile(r"(?:https?://|www\.|github\.com/)\S+", re.I)
    count = 0
    for record in records(seeds_graph):
        for match in pattern.finditer(record["title"] + " " + record["abstract"]):
            count += 1
            # The address as written, minus glued `{…}` markup and trailing punctuation.
            expected = re.sub(r"[.,;:)\]}]+$", "", match.group(0).split("{")[0])
            repos = [
                m["text"]
                for m in record["mentions"]
                if m["label"] == "REPO" and m["text"] == expected
            ]
            assert repos, (
                match.group(0),
                [m["text"] for m in record["mentions"] if m["label"] == "REPO"],
            )
            assert graph.has_edge(record["id"], entity_id("REPO", repos[0])), repos[0]
    assert count > 100


def test_extraction_contract(seeds_graph: Path) -> None:
    for record in records(seeds_graph):
        assert problems(record) == [], record["id"]


def test_turtle_conforms_to_shapes(seeds_graph: Path) -> None:
    from pyshacl import validate
    from rdflib import Graph

    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    conforms, _, text = validate(
        Graph().parse(seeds_graph / "graph.ttl", format="turtle"), shacl_graph=shapes
    )
    assert conforms, str(text)[:2000]


@pytest.mark.parametrize("name", [f"{i}" for i in range(5)])
def test_readme_queries_answer(seeds_graph: Path, name: str) -> None:
    path = sorted(
        (
            p
            for p in resources.files("kg").joinpath("query/examples").iterdir()
            if p.name.endswith(".rq")
        ),
        key=lambda p: p.name,
    )[int(name)]
    result = query(seeds_graph, path.read_text())
    assert isinstance(result, Table) and result.rows, path.name


def test_to_record_round_trip_is_stable(seeds_graph: Path) -> None:
    from kg.export.jsonl import from_record

    for record in records(seeds_graph)[:50]:
        assert to_record(from_record(record)) == record
