"""`kg serve` over HTTP: the SPARQL 1.1 Protocol endpoint, the pages, and escaping of hostile text."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from kg.graph import load_graph
from kg.query.sparql import Table, query

from .conftest import HOSTILE_DATASET, HOSTILE_METHOD, HOSTILE_SENTENCE, HOSTILE_TITLE

BENCHMARKS = "SELECT ?name WHERE { ?b a kg:Benchmark ; skos:prefLabel ?name } ORDER BY ?name"
CAP = 40


@pytest.fixture(scope="module")
def url(example_graph: Path, serve_graph: Any) -> str:
    return serve_graph(example_graph, cap=CAP, timeout=2.0)


def call(
    address: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(address, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def names(body: bytes) -> list[str]:
    return [b["name"]["value"] for b in json.loads(body)["results"]["bindings"]]


def expected_names(graph_dir: Path) -> list[str]:
    result = query(graph_dir, BENCHMARKS)
    assert isinstance(result, Table) and result.rows
    return [str(row[0]) for row in result.rows]


def test_get_answers_sparql_json(url: str, example_graph: Path) -> None:
    status, headers, body = call(
        f"{url}/sparql?query={quote(BENCHMARKS)}",
        headers={"Accept": "application/sparql-results+json"},
    )
    assert status == 200 and headers["content-type"].startswith("application/sparql-results+json")
    assert names(body) == expected_names(example_graph)
    binding = json.loads(body)["results"]["bindings"][0]["name"]
    assert binding["type"] == "literal" and "datatype" not in binding


def test_post_form_and_direct_body_answer_the_same(url: str, example_graph: Path) -> None:
    form = call(
        f"{url}/sparql",
        urlencode({"query": BENCHMARKS}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    direct = call(
        f"{url}/sparql", BENCHMARKS.encode(), {"Content-Type": "application/sparql-query"}
    )
    assert form[0] == direct[0] == 200
    assert names(form[2]) == names(direct[2]) == expected_names(example_graph)


def test_csv_by_accept_header_or_format(url: str, example_graph: Path) -> None:
    by_accept = call(f"{url}/sparql?query={quote(BENCHMARKS)}", headers={"Accept": "text/csv"})
    by_param = call(f"{url}/sparql?" + urlencode({"query": BENCHMARKS, "format": "csv"}))
    for status, headers, body in (by_accept, by_param):
        assert status == 200 and headers["content-type"].startswith("text/csv")
        lines = body.decode().split("\r\n")
        assert lines[0] == "name" and lines[1:-1] == expected_names(example_graph)


def test_ask_and_construct(url: str) -> None:
    status, _, body = call(f"{url}/sparql?query={quote('ASK { ?p a kg:Paper }')}")
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}
    construct = "CONSTRUCT { ?b a kg:Benchmark } WHERE { ?b a kg:Benchmark }"
    status, headers, body = call(f"{url}/sparql?query={quote(construct)}")
    assert status == 200 and headers["content-type"] == "application/n-triples"
    assert body.decode().count(" .\n") == len(set(body.decode().splitlines())) > 0


def test_updates_are_refused(url: str, example_graph: Path) -> None:
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    assert (
        call(
            f"{url}/sparql",
            urlencode({"update": update}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )[0]
        == 403
    )
    assert (
        call(f"{url}/sparql", update.encode(), {"Content-Type": "application/sparql-update"})[0]
        == 403
    )
    assert call(f"{url}/sparql?query={quote(update)}")[0] == 400
    ask = call(f"{url}/sparql?query={quote('ASK { <urn:a> <urn:b> <urn:c> }')}")
    assert json.loads(ask[2])["boolean"] is False


def test_bad_queries_and_formats(url: str) -> None:
    assert call(f"{url}/sparql?query=SELEKT")[0] == 400
    assert call(f"{url}/sparql")[0] == 400
    assert call(f"{url}/sparql?" + urlencode({"query": BENCHMARKS, "format": "xml"}))[0] == 406


def test_results_stop_at_the_cap(url: str) -> None:
    status, headers, body = call(f"{url}/sparql?query={quote('SELECT * WHERE { ?s ?p ?o }')}")
    assert (
        status == 200 and headers["x-truncated"] == "true" and headers["x-result-cap"] == str(CAP)
    )
    assert len(json.loads(body)["results"]["bindings"]) == CAP


def test_a_runaway_query_is_stopped_and_the_endpoint_goes_on(url: str, example_graph: Path) -> None:
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    status, _, body = call(f"{url}/sparql?query={quote(runaway)}")
    assert status == 503 and b"time limit" in body
    for _ in range(3):  # every worker, the replaced one included, answers again
        assert names(call(f"{url}/sparql?query={quote(BENCHMARKS)}")[2]) == expected_names(
            example_graph
        )


def test_other_host_names_are_refused(url: str) -> None:
    assert call(f"{url}/", headers={"Host": "attacker.example"})[0] == 421


def test_pages_answer_with_a_policy(url: str, example_graph: Path) -> None:
    graph = load_graph(example_graph)
    paper = next(n for n, d in graph.nodes(data=True) if d["kind"] == "Paper")
    for path in [
        "/",
        "/search?q=gsm8k",
        f"/paper?id={quote(paper)}",
        "/entity?id=benchmark%3Agsm8k",
        "/query?example=2-most-used-datasets",
        "/graph",
        "/graph?focus=GSM8K",
    ]:
        status, headers, body = call(url + path)
        assert status == 200, path
        assert "default-src 'none'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff"
    assert "script-src 'sha256-" in call(url + "/graph")[1]["content-security-policy"]
    assert call(url + "/paper?id=nope")[0] == 404 and call(url + "/nowhere")[0] == 404


def test_paper_page_shows_evidence_and_explained_neighbours(url: str, example_graph: Path) -> None:
    from kg.explore.related import related_index, related_papers

    graph = load_graph(example_graph)
    paper = next(p for p in related_index(graph).papers if related_papers(graph, p))
    body = call(f"{url}/paper?id={quote(paper)}")[2].decode()
    assert "<mark>" in body
    for item in related_papers(graph, paper):
        assert f"/paper?id={quote(item.paper, safe='')}" in body


def test_query_page_runs_examples(url: str) -> None:
    body = call(f"{url}/query?example=1-papers-evaluating-on-benchmark")[2].decode()
    assert '<table id="answer">' in body and body.count("<tr>") > 1


def test_json_api(url: str, example_graph: Path) -> None:
    status, _, body = call(f"{url}/api/search?q=gsm8k")
    assert status == 200 and json.loads(body)[0]["id"] == "benchmark:gsm8k"
    assert json.loads(call(f"{url}/api/entity?name=GSM8K")[2])["id"] == "benchmark:gsm8k"
    assert call(f"{url}/api/related?id=nope")[0] == 404


def test_hostile_text_is_escaped_everywhere(hostile_graph: Path, serve_graph: Any) -> None:
    url = serve_graph(hostile_graph)
    graph = load_graph(hostile_graph)
    entities = [n for n, d in graph.nodes(data=True) if d["kind"] != "Paper"]
    pages = [
        "/",
        "/search?q=script",
        "/search?q=onmouseover",
        "/paper?id=xss-0",
        *(f"/entity?id={quote(e)}" for e in entities),
    ]
    raw = [
        HOSTILE_METHOD,
        HOSTILE_DATASET,
        HOSTILE_TITLE,
        HOSTILE_SENTENCE,
        "<img",
        'onmouseover="',
    ]
    for path in pages:
        status, _, body = call(url + path)
        text = body.decode()
        assert status == 200, path
        assert not [r for r in raw if r in text], path
    paper = call(url + "/paper?id=xss-0")[2].decode()
    assert "Ranking &lt;img src=x onerror=window.__xss=3&gt; and friends" in paper
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in paper


def test_kg_serve_command_answers_until_stopped(example_graph: Path) -> None:
    import re
    import subprocess
    import sys

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kg.cli",
            "serve",
            "--graph",
            str(example_graph),
            "--port",
            "0",
            "--result-cap",
            "3",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        found = re.search(r"at (http://127\.0\.0\.1:\d+)/", process.stdout.readline())
        assert found
        status, headers, body = call(
            f"{found.group(1)}/sparql?query={quote('SELECT * WHERE { ?s ?p ?o }')}"
        )
        assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 3
    finally:
        process.terminate()
        process.wait(20)


def test_serve_missing_graph_is_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    result = CliRunner().invoke(app, ["serve", "--graph", str(tmp_path), "--port", "0"])
    assert (
        result.exit_code == 1
        and result.output.startswith("kg: ")
        and result.output.count("\n") == 1
    )
