from __future__ import annotations

from collections.abc import Sequence

from kg.graph import build_graph, summarise
from kg.types import Evidence, Extraction, Link, Mention, Paper

EV = (Evidence("abstract", "s.", 0, 1, "test", "0", 0.9),)


def ex(
    pid: str,
    links: Sequence[tuple[str, str, str]],
    mentions: Sequence[tuple[str, str]] = (),
    aliases: Sequence[tuple[str, str]] = (),
) -> Extraction:
    return Extraction(
        Paper(pid, f"Title {pid}", "abstract"),
        tuple(Mention("abstract", 0, len(t), t, label) for t, label in mentions),
        tuple(Link(r, label, e, EV) for r, label, e in links),
        tuple(aliases),
    )


def test_spelling_variants_are_one_entity() -> None:
    g = build_graph(
        [
            ex("a", [("evaluates_on", "BENCHMARK", "Meta-World")]),
            ex("b", [("evaluates_on", "BENCHMARK", "MetaWorld")]),
            ex("c", [("uses", "METHOD", "graph neural networks")]),
            ex("d", [("uses", "METHOD", "Graph Neural Network")]),
        ]
    )
    assert g.has_edge("a", "benchmark:metaworld") and g.has_edge("b", "benchmark:metaworld")
    assert summarise(g).entities == {"Benchmark": 1, "Method": 1}
    assert set(g.nodes["benchmark:metaworld"]["aliases"]) | {
        g.nodes["benchmark:metaworld"]["name"]
    } == {"Meta-World", "MetaWorld"}


def test_same_name_different_type_stays_apart() -> None:
    g = build_graph([ex("a", [("uses", "DATASET", "Cora")]), ex("b", [("uses", "METHOD", "Cora")])])
    assert {"dataset:cora", "method:cora"} <= set(g.nodes)


def test_bare_short_form_joins_the_long_form_defined_elsewhere() -> None:
    g = build_graph(
        [
            ex(
                "a",
                [("uses", "METHOD", "Graph Neural Network")],
                [("Graph Neural Network", "METHOD"), ("GNN", "METHOD")],
                [("GNN", "Graph Neural Network")],
            ),
            ex("b", [("uses", "METHOD", "GNN")], [("GNN", "METHOD")]),
        ]
    )
    assert g.has_edge("b", "method:graphneuralnetwork")
    assert "GNN" in g.nodes["method:graphneuralnetwork"]["aliases"]


def test_ambiguous_short_form_is_not_merged() -> None:
    g = build_graph(
        [
            ex(
                "a",
                [("uses", "METHOD", "pre-training distillation")],
                [("pre-training distillation", "METHOD")],
                [("PD", "pre-training distillation")],
            ),
            ex(
                "b",
                [("uses", "METHOD", "proximal descent")],
                [("proximal descent", "METHOD")],
                [("PD", "proximal descent")],
            ),
            ex("c", [("uses", "METHOD", "PD")], [("PD", "METHOD")]),
        ]
    )
    assert g.has_edge("c", "method:pd")


def test_edges_keyed_by_relation_with_evidence() -> None:
    g = build_graph(
        [ex("a", [("proposes", "BENCHMARK", "X-Bench"), ("evaluates_on", "BENCHMARK", "X-Bench")])]
    )
    assert set(g["a"]["benchmark:xbench"]) == {"proposes", "evaluates_on"}
    assert g.edges["a", "benchmark:xbench", "proposes"]["evidence"][0]["extractor"] == "test"
    assert summarise(g).links == {"evaluates_on": 1, "proposes": 1}
