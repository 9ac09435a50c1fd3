"""Related papers, entity reports and search, on small built graphs, the example corpus and the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.explore.entity import entity_report
from kg.explore.lookup import NotFound, find_entities, find_paper, search
from kg.explore.related import (
    build_index,
    explain,
    pair_weight,
    related_index,
    related_papers,
    roles_of,
)
from kg.graph import build_graph, load_graph
from kg.types import Evidence, Extraction, Link, Paper

EV = (Evidence("abstract", "s.", 0, 1, "test", "0", 0.9),)
runner = CliRunner()


def ex(pid: str, links: list[tuple[str, str, str]], day: str | None = None) -> Extraction:
    return Extraction(
        Paper(pid, f"Title {pid}", "abstract", date=day),
        (),
        tuple(Link(r, label, e, EV) for r, label, e in links),
    )


def filler(n: int) -> list[Extraction]:
    """Papers that all use one common method, so that it is generic."""
    return [ex(f"z{i:02d}", [("uses", "METHOD", "Transformer")]) for i in range(n)]


@pytest.fixture(scope="module")
def small() -> nx.MultiDiGraph:
    return build_graph(
        [
            ex(
                "p",
                [
                    ("evaluates_on", "BENCHMARK", "NicheBench"),
                    ("uses", "METHOD", "Transformer"),
                    ("uses", "METHOD", "DPO"),
                    ("uses", "METHOD", "ResNet"),
                ],
            ),
            ex("niche", [("evaluates_on", "BENCHMARK", "NicheBench")]),
            ex("common", [("uses", "METHOD", "Transformer")]),
            ex("mentions", [("uses", "BENCHMARK", "NicheBench")]),
            ex("dpo", [("uses", "METHOD", "DPO"), ("uses", "METHOD", "Transformer")]),
            *[ex(f"resnet{i}", [("uses", "METHOD", "ResNet")]) for i in range(6)],
            *filler(30),
        ]
    )


def test_a_niche_benchmark_counts_more_than_a_common_method(small: nx.MultiDiGraph) -> None:
    ranked = [r.paper for r in related_papers(small, "p", k=50)]
    assert "method:resnet" not in related_index(small).generic
    assert ranked.index("niche") < ranked.index("resnet0")


def test_sharing_only_a_generic_entity_makes_no_neighbour(small: nx.MultiDiGraph) -> None:
    assert "method:transformer" in related_index(small).generic
    ranked = [r.paper for r in related_papers(small, "p", k=50)]
    assert "common" not in ranked and not any(p.startswith("z") for p in ranked)


def test_same_relation_beats_different_relation(small: nx.MultiDiGraph) -> None:
    scores = {r.paper: r.score for r in related_papers(small, "p", k=50)}
    assert scores["niche"] > scores["mentions"]
    assert pair_weight("evaluates_on", "evaluates_on") > pair_weight("evaluates_on", "uses")


def test_generic_entities_still_add_to_the_score_of_a_neighbour(small: nx.MultiDiGraph) -> None:
    found = {r.paper: r for r in related_papers(small, "p", k=50)}["dpo"]
    assert {s.name for s in found.shared} == {"DPO", "Transformer"}
    assert [s.generic for s in found.shared if s.name == "Transformer"] == [True]


def test_score_is_the_sum_of_the_shared_weights(small: nx.MultiDiGraph) -> None:
    for item in related_papers(small, "p", k=50):
        assert item.score == pytest.approx(sum(s.weight for s in item.shared))


def test_explanations_say_what_is_shared(small: nx.MultiDiGraph) -> None:
    found = {r.paper: r.explanation for r in related_papers(small, "p", k=50)}
    assert found["niche"] == "both evaluate on NicheBench"
    assert found["dpo"] == "both use DPO and Transformer"
    assert found["mentions"] == "NicheBench: evaluated on here, used there"


def test_explain_joins_several_relations() -> None:
    from kg.explore.related import Shared

    shared = (
        Shared("benchmark:MATH", "MATH", "BENCHMARK", "evaluates_on", "evaluates_on", 3.0, False),
        Shared("method:dpo", "DPO", "METHOD", "uses", "uses", 2.0, False),
        Shared("task:qa", "QA", "TASK", "addresses", "addresses", 1.0, False),
    )
    assert explain(shared) == "both evaluate on MATH, use DPO and address QA"


def test_k_and_unknown_papers(small: nx.MultiDiGraph) -> None:
    assert len(related_papers(small, "p", k=2)) == 2
    with pytest.raises(NotFound):
        related_papers(small, "no-such-paper")


def test_the_index_follows_the_graph() -> None:
    graph = build_graph([ex("a", [("uses", "METHOD", "X")]), ex("b", [("uses", "METHOD", "X")])])
    assert [r.paper for r in related_papers(graph, "a")] == ["b"]
    build_graph([ex("c", [("uses", "METHOD", "X")])], graph)
    assert [r.paper for r in related_papers(graph, "a")] == ["b", "c"]


def test_index_postings_match_the_edges(example_graph: Path) -> None:
    graph = load_graph(example_graph)
    index = build_index(graph)
    for entity, (positions, _) in index.postings.items():
        assert {index.papers[p] for p in positions} == set(graph.predecessors(entity))


def test_text_similarity_blends_in(small: nx.MultiDiGraph) -> None:
    import numpy as np

    papers = related_index(small).papers
    vectors = np.zeros((len(papers), 2))
    vectors[:, 0] = 1.0
    vectors[papers.index("p")] = vectors[papers.index("z05")] = [0.0, 1.0]
    found = related_papers(small, "p", k=3, text_weight=0.9, text_vectors=vectors)
    assert found[0].paper == "z05" and found[0].text_similarity == pytest.approx(1.0)
    assert "similar abstracts (cosine 1.00)" in found[0].explanation


def test_entity_report(example_graph: Path) -> None:
    graph = load_graph(example_graph)
    report = entity_report(graph, "math")
    assert report.id == "benchmark:MATH" and report.label == "BENCHMARK"
    linked = {p for p, _, _ in graph.in_edges(report.id, keys=True)}
    assert {r.id for refs in report.by_relation.values() for r in refs} == linked
    for relation, refs in report.by_relation.items():
        assert all(graph.has_edge(r.id, report.id, key=relation) for r in refs)
    for co in report.co_occurring:
        together = {p for p in linked if graph.has_edge(p, co.id)}
        assert co.papers == len(together) > 0
    dates = sorted(graph.nodes[p]["date"] for p in linked if graph.nodes[p]["date"])
    assert report.first and report.last
    assert (report.first.date, report.last.date) == (dates[0], dates[-1])


def test_entity_report_without_dates_and_by_alias() -> None:
    graph = build_graph(
        [
            ex("a", [("uses", "METHOD", "Direct Preference Optimization")]),
            ex("b", [("uses", "METHOD", "DPO")]),
        ]
    )
    graph.nodes["method:directpreferenceoptimization"]["aliases"] = ["DPO-alias"]
    report = entity_report(graph, "dpo-alias")
    assert report.id == "method:directpreferenceoptimization" and report.first is None
    with pytest.raises(NotFound):
        entity_report(graph, "nothing like it")


def test_find_paper_by_id_or_title(example_graph: Path) -> None:
    graph = load_graph(example_graph)
    pid = next(n for n, d in graph.nodes(data=True) if d["kind"] == "Paper" and d["title"])
    title = graph.nodes[pid]["title"]
    assert find_paper(graph, pid) == pid == find_paper(graph, title.upper())
    with pytest.raises(NotFound, match="no paper"):
        find_paper(graph, "zzz no such title zzz")


def test_search_finds_entities_then_papers(example_graph: Path) -> None:
    graph = load_graph(example_graph)
    hits = search(graph, "gsm8k")
    assert hits[0].kind == "Benchmark" and hits[0].name == "GSM8K"
    assert find_entities(graph, "GSM8K")[0] == hits[0].id
    assert search(graph, "   ") == []


def test_cli_related_and_entity(example_graph: Path) -> None:
    graph = load_graph(example_graph)
    pid = next(p for p in related_index(graph).papers if related_papers(graph, p))
    result = runner.invoke(app, ["related", pid, "--graph", str(example_graph), "--json"])
    assert result.exit_code == 0, result.output
    assert [r["paper"] for r in json.loads(result.output)] == [
        r.paper for r in related_papers(graph, pid)
    ]
    text = runner.invoke(app, ["related", pid, "--graph", str(example_graph), "--k", "1"])
    assert text.exit_code == 0 and " 1. " in text.output and " 2. " not in text.output
    entity = runner.invoke(app, ["entity", "GSM8K", "--graph", str(example_graph)])
    assert entity.exit_code == 0 and entity.output.startswith("GSM8K (Benchmark")
    missing = runner.invoke(app, ["entity", "no such thing", "--graph", str(example_graph)])
    assert missing.exit_code == 1 and missing.output.count("\n") == 1


@pytest.mark.seeds
def test_related_on_the_seeds_is_explained_and_true(seeds_built: Path) -> None:
    """Every seed paper sharing a specific entity gets neighbours; every stated link is in the graph."""
    graph = load_graph(seeds_built)
    index = related_index(graph)
    checked = 0
    for paper in index.papers:
        mine = roles_of(graph, paper)
        shares_specific = any(
            len(set(graph.predecessors(e))) > 1 for e in mine if e not in index.generic
        )
        found = related_papers(graph, paper, k=10)
        assert bool(found) == shares_specific, paper
        for item in found:
            assert item.explanation and item.shared
            assert any(not s.generic for s in item.shared)
            for s in item.shared:
                assert graph.has_edge(paper, s.entity, key=s.here), (paper, s)
                assert graph.has_edge(item.paper, s.entity, key=s.there), (item.paper, s)
                assert s.name in item.explanation
            checked += 1
    assert checked > 1000
