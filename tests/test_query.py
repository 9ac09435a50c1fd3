from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from kg.query.sparql import Table, query, render

EXAMPLES = sorted(
    (
        p
        for p in resources.files("kg").joinpath("query/examples").iterdir()
        if p.name.endswith(".rq")
    ),
    key=lambda p: p.name,
)


def test_there_are_five_example_queries() -> None:
    assert len(EXAMPLES) == 5


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_queries_answer_on_the_example_graph(example_graph: Path, path: Path) -> None:
    result = query(example_graph, path.read_text())
    assert isinstance(result, Table) and result.rows


def test_render_formats(example_graph: Path) -> None:
    result = query(
        example_graph,
        "SELECT ?name WHERE { ?d a kg:Benchmark ; skos:prefLabel ?name } ORDER BY ?name",
    )
    assert isinstance(result, Table)
    names = [row[0] for row in result.rows]
    assert "MATH" in names
    assert render(result, "csv").splitlines()[0] == "name"
    assert [
        b["name"]["value"] for b in json.loads(render(result, "json"))["results"]["bindings"]
    ] == names
    assert render(query(example_graph, "ASK { ?p a kg:Paper }")) == "true"


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no SPARQL store"):
        query(tmp_path, "SELECT * WHERE { ?s ?p ?o }")
