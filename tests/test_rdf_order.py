"""N-Triples come out sorted and distinct, and Turtle states the same triples in the same order.

The writers put link and evidence statements in order by hand, not by sorting each
subject, so these tests cover the shapes that order depends on: links with no, one and
more than ten pieces of evidence (`…/10>` sorts before `…/1>`), several relations
between one paper and one entity, names that need escaping.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.export.rdf import PREFIXES, ntriples_lines, write_turtle
from kg.graph import build_graph
from kg.types import Evidence, Extraction, Link, Paper

NAMES = ['"quoted" \\ name', "new\nline", "ünïcödé 名前", "}]) ; . #", "%2F {0} %s"]


def evidence(count: int, name: str = "x") -> tuple[Evidence, ...]:
    fields = ("abstract", "title")
    return tuple(
        Evidence(fields[i % 2], f"Sentence {i} on {name}.", i, i + 4, f"rules{i % 3}", "1.0", i / 7)
        for i in range(count)
    )


def graph_of(counts: list[int], names: list[str]) -> nx.MultiDiGraph:
    """One paper per name, each linked to its name by every relation, with `counts` pieces of evidence."""
    relations = ("uses", "proposes", "evaluates_on", "compares_with", "reports")
    labels = ("METHOD", "DATASET", "TASK", "METRIC", "REPO")
    extractions = []
    for i, name in enumerate(names):
        links = tuple(
            Link(relations[k % 5], labels[(i + k) % 5], name or "x", evidence(count, name))
            for k, count in enumerate(counts)
        )
        paper = Paper(f"p{i} {name}", f"Title {name}", f"Abstract: {name}", f"f:{i}", "2024")
        extractions.append(Extraction(paper, (), links))
    return build_graph(extractions)


def turtle_as_ntriples(text: str) -> list[bytes]:
    """Our Turtle written back as N-Triples lines, statement by statement in its order."""

    def full(term: str) -> str:
        if term == "a":
            return f"<{PREFIXES['rdf']}type>"
        if term.startswith(("<", '"')):
            return term
        prefix, name = term.split(":", 1)
        return f"<{PREFIXES[prefix]}{name}>"

    lines = []
    for block in text.split("\n\n")[1:]:  # the prefixes come first
        # Not str.splitlines, which would also split at U+0085 or U+2028 in a literal.
        subject, *statements = block.strip("\n").split("\n")
        for statement in statements:
            predicate, obj = statement.strip().removesuffix(" ;").removesuffix(" .").split(" ", 1)
            lines.append(f"{subject} {full(predicate)} {full(obj)} .\n".encode())
    return lines


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return graph_of([0, 1, 2, 11, 12], NAMES)


def test_ntriples_are_sorted_and_distinct(graph: nx.MultiDiGraph) -> None:
    lines = ntriples_lines(graph)
    assert lines == sorted(set(lines))
    # Every shape is there: the twelfth piece of evidence and a link without any.
    assert any(b"/evidence/11> " in line for line in lines)
    assert len(lines) == len(set(lines)) > 100


def test_ntriples_are_what_pyoxigraph_writes(graph: nx.MultiDiGraph) -> None:
    from pyoxigraph import RdfFormat, parse, serialize

    ours = ntriples_lines(graph)
    terms = [quad.triple for quad in parse(b"".join(ours), RdfFormat.N_TRIPLES)]
    theirs = serialize(terms, format=RdfFormat.N_TRIPLES) or b""
    assert sorted(theirs.splitlines(keepends=True)) == ours


def test_turtle_states_the_ntriples_in_their_order(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    write_turtle(graph, tmp_path / "graph.ttl")
    text = (tmp_path / "graph.ttl").read_text(encoding="utf-8")
    assert turtle_as_ntriples(text) == ntriples_lines(graph)


@settings(max_examples=40, deadline=None)
@given(
    counts=st.lists(st.integers(0, 13), min_size=1, max_size=5),
    names=st.lists(st.text(max_size=8), min_size=1, max_size=3, unique=True),
)
def test_any_graph_keeps_both_orders(
    counts: list[int], names: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    graph = graph_of(counts, names)
    lines = ntriples_lines(graph)
    assert lines == sorted(set(lines))
    path = tmp_path_factory.mktemp("turtle") / "graph.ttl"
    write_turtle(graph, path)
    assert turtle_as_ntriples(path.read_text(encoding="utf-8")) == lines


@pytest.mark.parametrize("parts", [2, 3])
@pytest.mark.parametrize("name", ["ntriples", "turtle"])
def test_a_file_made_in_parts_is_the_file_made_whole(
    graph: nx.MultiDiGraph, name: str, parts: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.export import rdf
    from kg.export.core import chosen_exporters

    (exporter,) = chosen_exporters([name])
    monkeypatch.setattr(rdf, "writers", lambda most: 1)
    exporter.write(graph, tmp_path / "whole")
    monkeypatch.setattr(rdf, "writers", lambda most: parts)
    monkeypatch.setattr(rdf, "_PARALLEL_FROM", 1)
    assert len(rdf._parts(graph, rdf.NTRIPLES, parts)) == parts
    exporter.write(graph, tmp_path / "parts")
    assert (tmp_path / "parts").read_bytes() == (tmp_path / "whole").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parts", "whole"]


def test_a_part_that_fails_fails_the_write_and_leaves_no_spill(tmp_path: Path) -> None:
    from kg.export.rdf_syntax import Part, write_parts

    def broken() -> Iterator[str]:
        yield "<a> <b> <c> .\n"
        raise ValueError("no more")

    with pytest.raises(OSError, match="parts of out.nt"):
        write_parts(tmp_path / "out.nt", [Part(lambda: iter(["<x> <y> <z> .\n"])), Part(broken)])
    assert [p.name for p in tmp_path.iterdir()] == ["out.nt"]


def test_writers_follow_cores_and_free_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.export import rdf_syntax

    monkeypatch.setattr(rdf_syntax.os, "sched_getaffinity", lambda _: {0, 1, 2, 3}, raising=False)
    monkeypatch.setattr(rdf_syntax, "_resident_kb", lambda: 1000)
    monkeypatch.setattr(rdf_syntax, "_available_kb", lambda: 10_000)
    assert rdf_syntax.writers(4) == 4 and rdf_syntax.writers(2) == 2
    monkeypatch.setattr(rdf_syntax, "_available_kb", lambda: 1_500)
    assert rdf_syntax.writers(4) == 2
    monkeypatch.setattr(rdf_syntax, "_available_kb", lambda: 900)
    assert rdf_syntax.writers(4) == 1
    assert rdf_syntax._resident_kb() > 0  # this process, read from /proc


@pytest.mark.parametrize(
    ("room", "fits"),
    [
        (10.0, True),  # wide gaps: each part moves up in one step
        (1.01, True),  # gaps of a few bytes: each part moves in many steps
        (1.0, True),  # no gaps: the parts are in place already
        (0.5, False),  # a part outgrows its room: the file is written again whole
    ],
)
def test_parts_written_apart_are_moved_together(
    room: float, fits: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.export import rdf_syntax
    from kg.export.rdf_syntax import Part, write_parts

    texts = [
        [f'<s{p}> <p> "{name} {i}" .\n' for i in range(40) for name in NAMES] for p in range(3)
    ]
    sizes = [len("".join(text).encode()) for text in texts]
    monkeypatch.setattr(rdf_syntax, "_ROOM", room)
    monkeypatch.setattr(rdf_syntax, "_ROOM_MORE", 0)
    monkeypatch.setattr(rdf_syntax, "_PAGE", 1)
    whole: list[Path] = []
    monkeypatch.setattr(rdf_syntax, "write_text", lambda path, chunks: whole.append(path))
    parts = [
        Part(functools.partial(iter, text), size) for text, size in zip(texts, sizes, strict=True)
    ]
    write_parts(tmp_path / "out.nt", parts)
    assert whole == ([] if fits else [tmp_path / "out.nt"])
    if fits:
        expected = "".join(line for text in texts for line in text).encode()
        assert (tmp_path / "out.nt").read_bytes() == expected
    assert [p.name for p in tmp_path.iterdir()] == ["out.nt"]


def test_copies_fall_back_to_reading_and_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.export import rdf_syntax

    def refuse(*args: object) -> int:
        raise OSError("no copy_file_range here")

    source, target = tmp_path / "source", tmp_path / "target"
    source.write_bytes(bytes(range(256)) * 4)
    for kernel in (True, False):
        target.write_bytes(b"head")
        if not kernel:
            monkeypatch.setattr(rdf_syntax.os, "copy_file_range", refuse)
        with source.open("rb") as src, target.open("r+b") as out:
            rdf_syntax.copy_range(src.fileno(), out.fileno(), 10, 700, 4)
            out.seek(4 + 690)
            out.write(b"!")
        assert target.read_bytes() == b"head" + source.read_bytes()[10:700] + b"!"
        fd = os.open(target, os.O_RDWR)  # within one file, ranges apart
        try:
            rdf_syntax.copy_range(fd, fd, 4, 104, 600)
        finally:
            os.close(fd)
        data = target.read_bytes()
        assert data[600:700] == data[4:104]
