from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef

from kg.export.core import atomic_path, export_graph
from kg.export.rdf import ONTOLOGY, _lit, node_iri, ntriples_lines
from kg.graph import build_graph
from kg.registry import exporters, load_builtins
from kg.types import Evidence, Extraction, Link, Paper

from .conftest import ROOT

load_builtins("exporters")
HOSTILE = 'x`}) DETACH DELETE n // <script>alert(1)</script> "quoted" \\ > \'; DROP'
TITLE = 'A "Title"\nwith a newline, \\ and <b>markup</b> """'


def small_graph() -> nx.MultiDiGraph:
    ev = (Evidence("abstract", "We use it.", 0, 3, "test", "0.1", 0.8),)
    return build_graph(
        [
            Extraction(
                Paper("p/1 #?", TITLE, "An abstract.", "f.txt:1", "2024-01"),
                (),
                (
                    Link("uses", "METHOD", HOSTILE, ev),
                    Link("has_code", "REPO", "https://github.com/a/b", ev),
                    Link("evaluates_on", "DATASET", "Cora", ev),
                ),
            ),
        ]
    )


def shacl(turtle: Path) -> tuple[bool, str]:
    from pyshacl import validate

    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    conforms, _, text = validate(Graph().parse(turtle, format="turtle"), shacl_graph=shapes)
    return bool(conforms), str(text)


@pytest.mark.parametrize("name", sorted(exporters.get_all()))
def test_every_exporter_writes_its_target(tmp_path: Path, name: str) -> None:
    (target,) = export_graph(small_graph(), tmp_path, [name])
    assert target.exists()
    assert not list(tmp_path.glob(".*tmp*"))


def test_turtle_round_trip_keeps_hostile_names(tmp_path: Path) -> None:
    export_graph(small_graph(), tmp_path, ["turtle", "ntriples"])
    ttl = Graph().parse(tmp_path / "graph.ttl", format="turtle")
    nt = Graph().parse(tmp_path / "graph.nt", format="nt")
    assert len(ttl) == len(nt) > 0
    labels = {
        str(o) for o in ttl.objects(None, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))
    }
    assert HOSTILE in labels
    paper = URIRef(node_iri("p/1 #?", "Paper"))
    assert (paper, URIRef("http://purl.org/dc/terms/identifier"), Literal("p/1 #?")) in ttl
    assert (paper, URIRef("http://purl.org/dc/terms/title"), Literal(TITLE)) in ttl
    assert "/" not in str(paper).rsplit("/paper/", 1)[1]


def test_ntriples_are_sorted_and_deterministic() -> None:
    first, second = ntriples_lines(small_graph()), ntriples_lines(small_graph())
    assert first == second == sorted(first)


def test_shacl_conforms_and_catches_violations(tmp_path: Path) -> None:
    export_graph(small_graph(), tmp_path, ["turtle"])
    assert shacl(tmp_path / "graph.ttl")[0]
    broken = tmp_path / "broken.ttl"
    paper = node_iri("p/1 #?", "Paper")
    broken.write_text(
        (tmp_path / "graph.ttl").read_text() + f"\n<{paper}> <{ONTOLOGY}addresses> <{paper}> .\n"
    )
    conforms, report = shacl(broken)
    assert not conforms and "addresses" in report


def test_graphml_opens_in_networkx(tmp_path: Path) -> None:
    export_graph(small_graph(), tmp_path, ["graphml"])
    g = nx.read_graphml(tmp_path / "graph.graphml")
    assert g.number_of_nodes() == 4 and g.number_of_edges() == 3


def test_atomic_path_leaves_old_output_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_ntriples_text_is_what_pyoxigraph_writes_for_the_same_triples() -> None:
    from pyoxigraph import RdfFormat, parse, serialize

    ours = b"".join(ntriples_lines(small_graph()))
    triples = [quad.triple for quad in parse(ours, RdfFormat.N_TRIPLES)]
    theirs = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
    assert sorted(theirs.splitlines(keepends=True)) == ntriples_lines(small_graph())


@given(st.text())
def test_literal_escapes_match_pyoxigraph(text: str) -> None:
    from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

    node = NamedNode("https://example.org/x")
    written = serialize([Triple(node, node, Literal(text))], format=RdfFormat.N_TRIPLES) or b""
    assert written.decode().split(" ", 2)[2] == _lit(text) + " .\n"
