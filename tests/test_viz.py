"""The graph page: what it holds, how it escapes, and the message when the library is missing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.explore.layout import layout
from kg.explore.viz import (
    VizError,
    graph_view,
    render_page,
    script_hashes,
    script_json,
    vendored_library,
)
from kg.graph import load_graph

from .conftest import HOSTILE_METHOD, HOSTILE_SENTENCE

runner = CliRunner()


def needs_library() -> None:
    try:
        vendored_library()
    except VizError as err:
        pytest.skip(f"{err} (the viz page tests need it)")


def embedded(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert found
    return json.loads(found.group(1))


def test_view_holds_every_node_and_edge(example_graph: Path) -> None:
    graph = load_graph(example_graph)
    view = graph_view(graph)
    assert {n["id"] for n in view.nodes} == set(graph)
    assert len(view.edges) == graph.number_of_edges()
    degrees = {n["id"]: n["degree"] for n in view.nodes}
    assert all(degrees[n] == graph.degree(n) for n in graph)
    bigger = max(view.nodes, key=lambda n: n["degree"])
    assert all(n["size"] <= bigger["size"] for n in view.nodes)
    assert len({n["color"] for n in view.nodes}) == len({n["kind"] for n in view.nodes})


def test_focus_keeps_the_neighbourhood(example_graph: Path) -> None:
    import networkx as nx

    graph = load_graph(example_graph)
    view = graph_view(graph, "GSM8K", hops=1)
    expected = set(nx.ego_graph(graph.to_undirected(as_view=True), "benchmark:gsm8k", 1))
    assert view.focus == "benchmark:gsm8k" and {n["id"] for n in view.nodes} == expected


def test_max_nodes_cuts_by_degree(example_graph: Path) -> None:
    graph = load_graph(example_graph)
    view = graph_view(graph, max_nodes=10)
    assert len(view.nodes) == 10 and view.dropped == graph.number_of_nodes() - 10
    kept = {n["id"] for n in view.nodes}
    assert min(graph.degree(n) for n in kept) >= max(graph.degree(n) for n in set(graph) - kept)


def test_layout_places_every_node_apart(example_graph: Path) -> None:
    graph = load_graph(example_graph)
    pos = layout(graph)
    assert set(pos) == set(graph)
    assert len({(round(x, 6), round(y, 6)) for x, y in pos.values()}) == len(pos)


def test_script_json_cannot_close_the_script() -> None:
    text = script_json({"name": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"].startswith("</script>")


def test_page_carries_hostile_names_as_data_only(hostile_graph: Path) -> None:
    needs_library()
    page = render_page(graph_view(load_graph(hostile_graph)), "kg: <b>title</b>")
    assert HOSTILE_METHOD not in page and HOSTILE_SENTENCE not in page
    assert "<title>kg: &lt;b&gt;title&lt;/b&gt;</title>" in page
    data = embedded(page)
    assert HOSTILE_METHOD in {n["name"] for n in data["nodes"]}
    assert HOSTILE_SENTENCE in {e["sentence"] for e in data["edges"]}
    assert len(script_hashes(page)) == 2  # the library and the page script; the data never runs


def test_cli_viz_writes_a_self_contained_page(example_graph: Path, tmp_path: Path) -> None:
    needs_library()
    out = tmp_path / "g.html"
    result = runner.invoke(app, ["viz", "--graph", str(example_graph), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert not re.search(
        r"<(?:script|link|img)[^>]+(?:src|href)=", page
    )  # nothing loaded from elsewhere
    assert len(embedded(page)["nodes"]) == load_graph(example_graph).number_of_nodes()


def test_cli_viz_unknown_focus_is_one_line(example_graph: Path, tmp_path: Path) -> None:
    needs_library()
    result = runner.invoke(
        app,
        [
            "viz",
            "--graph",
            str(example_graph),
            "--out",
            str(tmp_path / "x.html"),
            "--focus",
            "no such thing",
        ],
    )
    assert result.exit_code == 1 and result.output.count("\n") == 1


def test_missing_library_is_a_clear_message(
    example_graph: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.explore.viz as viz

    monkeypatch.setattr(viz, "VENDOR_FILE", "not-there.js")
    result = runner.invoke(
        app, ["viz", "--graph", str(example_graph), "--out", str(tmp_path / "x.html")]
    )
    assert result.exit_code == 1
    assert (
        result.output.startswith("kg: the vendored graph library is missing")
        and result.output.count("\n") == 1
    )
