"""Nothing gets in: hostile names stay data through Turtle, N-Triples, JSON-LD and the SPARQL store."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, Literal, URIRef

from kg.export.core import export_graph
from kg.export.rdf import DCT, RESOURCE, SKOS, node_iri
from kg.graph import build_graph
from kg.types import Evidence, Extraction, Link, Paper

HOSTILE = [
    'a "quoted" name',
    "back\\slash \\u0022 \\n",
    "new\nline",
    "carriage\rreturn",
    "> <https://evil.example/x> .",
    "<script>alert(1)</script>",
    "with  spaces ",
    '"""triple quoted"""',
    "'''single''' 'x'",
    "ünïcödé 名前 שלום 🚀 e\u0301",
    "nul\x00 bell\x07 esc\x1b del\x7f",
    'x"^^<http://www.w3.org/2001/XMLSchema#integer>',
    'x"@en',
    "@en",
    "^^xsd:string",
    "}]) ; . # comment",
    "%2F%00 already-encoded",
    "ends with a dot.",
    "\u202eright-to-left override",
]


def hostile_graph() -> nx.MultiDiGraph:
    exs = []
    for i, name in enumerate(HOSTILE):
        evidence = (Evidence("abstract", f"We use {name}.", 7, 7 + len(name), name, name, 0.5),)
        exs.append(
            Extraction(
                Paper(f"p{i} {name}", name, f"Abstract: {name}", f"{name}:1", name),
                (),
                (
                    Link("uses", "METHOD", f"{name} method", evidence),
                    Link("has_code", "REPO", f"https://github.com/x/{name}", evidence),
                ),
            )
        )
    return build_graph(exs)


def expected_literals(graph: nx.MultiDiGraph) -> set[tuple[str, str]]:
    """(predicate, text) of every name-like value in the graph: what RDF must carry exactly."""
    found = set()
    for node, data in graph.nodes(data=True):
        found.add((DCT + "identifier", node))
        if data["kind"] == "Paper":
            found |= {(DCT + "title", data["title"]), (DCT + "abstract", data["abstract"])}
        else:
            found.add((SKOS + "prefLabel", data["name"]))
            found |= {(SKOS + "altLabel", alias) for alias in data["aliases"]}
    return found


def literals(rdf: Graph) -> set[tuple[str, str]]:
    return {(str(p), str(o)) for _, p, o in rdf if isinstance(o, Literal)}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[nx.MultiDiGraph, Path]:
    graph = hostile_graph()
    out = tmp_path_factory.mktemp("hostile")
    export_graph(graph, out)
    return graph, out


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize(("name", "fmt"), [("graph.ttl", "turtle"), ("graph.nt", "nt")])
def test_hostile_names_survive_round_trips(
    exported: tuple[nx.MultiDiGraph, Path], name: str, fmt: str
) -> None:
    graph, out = exported
    rdf = Graph().parse(out / name, format=fmt)
    assert expected_literals(graph) <= literals(rdf)
    again = Graph().parse(data=rdf.serialize(format="json-ld"), format="json-ld")
    assert literals(again) == literals(rdf) and len(again) == len(rdf)
    # No name broke out into a statement of its own: subjects are the minted IRIs only.
    nodes = {URIRef(node_iri(n, d["kind"])) for n, d in graph.nodes(data=True)}
    subjects = set(rdf.subjects())
    assert nodes <= subjects
    assert all(str(s).startswith(RESOURCE) for s in subjects)
    assert len(subjects - nodes) == sum(1 + len(d["evidence"]) for *_, d in graph.edges(data=True))


def test_turtle_and_ntriples_hold_the_same_triples(exported: tuple[nx.MultiDiGraph, Path]) -> None:
    _, out = exported
    ttl = Graph().parse(out / "graph.ttl", format="turtle")
    nt = Graph().parse(out / "graph.nt", format="nt")
    assert ttl.isomorphic(nt)


def test_store_answers_with_hostile_names(exported: tuple[nx.MultiDiGraph, Path]) -> None:
    from kg.query.sparql import query

    graph, out = exported
    table = query(out, "SELECT ?title WHERE { ?p a kg:Paper ; dcterms:title ?title }")
    assert not isinstance(table, bool)
    assert sorted(str(row[0]) for row in table.rows) == sorted(HOSTILE)


@pytest.mark.parametrize("name", HOSTILE)
def test_minted_iris_are_single_safe_segments(name: str) -> None:
    iri = node_iri(name, "Method")
    segment = iri.removeprefix(RESOURCE + "method/")
    assert all(c.isascii() and (c.isalnum() or c in "%_.-~") for c in segment)
    from pyoxigraph import NamedNode

    assert NamedNode(iri).value == iri


@pytest.mark.parametrize(
    "name", [*HOSTILE, "line\u2028sep", "next\x85line", "non\ufffechar", "tab\tx"]
)
@pytest.mark.parametrize("pad", [0, 200])  # short texts take a quicker test than long ones
def test_quoted_literals_read_back_as_the_text(name: str, pad: int) -> None:
    from pyoxigraph import RdfFormat, parse

    from kg.export.rdf_syntax import quoted

    text = name + "x" * pad
    line = f"<https://s.example/> <https://p.example/> {quoted(text)} .\n"
    (quad,) = parse(line.encode(), RdfFormat.N_TRIPLES)
    assert quad.object.value == text
    assert "\n" not in line[:-1] and "\r" not in line
