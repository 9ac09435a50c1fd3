"""RDF: the graph as triples in the kg ontology, written as Turtle and sorted N-Triples.

IRIs are minted here and nowhere else: every id is percent-encoded into one path
segment under the resource namespace, so no name can break out of an IRI. Link
provenance uses RDF reification plus PROV-O: each (paper, relation, entity) link is
also an `rdf:Statement` (a `kg:Link`) with its confidence and one `kg:Evidence` node per
sentence (field, offsets, extractor and version); see ontology/README.md.

Both files list subjects, and each subject's statements, in N-Triples order, and are
written as text one subject at a time (kg.export.rdf_syntax lays them out): only the
sorted lists of nodes and links are held, never the text.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import string
from collections.abc import Callable, Iterator
from itertools import islice, starmap
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

if TYPE_CHECKING:
    from pyoxigraph import Triple

from kg.export.core import GraphPatch, Sorted, register_exporter
from kg.export.rdf_syntax import Pair, Part, Syntax, quoted, write_parts, writers
from kg.export.splice import Buffer, Layout, hash_lines, just, line_unit, up_to
from kg.graph import KIND, gc_paused
from kg.ids import link_id

ONTOLOGY = "https://w3id.org/kg-sci/ontology#"
RESOURCE = "https://w3id.org/kg-sci/resource/"
PREFIXES = {
    "kg": ONTOLOGY,
    "kgr": RESOURCE,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
}
PROPERTY = {
    "proposes": "proposes",
    "uses": "uses",
    "evaluates_on": "evaluatesOn",
    "compares_with": "comparesWith",
    "addresses": "addresses",
    "reports": "reports",
    "has_code": "hasCode",
}

RDF, RDFS, XSD = PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["xsd"]
SKOS, DCT, PROV, SCHEMA = (
    PREFIXES["skos"],
    PREFIXES["dcterms"],
    PREFIXES["prov"],
    PREFIXES["schema"],
)


_SAFE = string.ascii_letters + string.digits + "_.-~"
# Each byte of UTF-8 (read as Latin-1) to itself if safe, else to `%XX`, as urllib's quote does.
_PERCENT = str.maketrans({chr(b): chr(b) if chr(b) in _SAFE else f"%{b:02X}" for b in range(256)})


def _segment(text: str) -> str:
    """`text` as one IRI path segment: every character but ASCII letters, digits and `_.-~` percent-encoded.

    Injective, and the result holds nothing that could end an IRI (`>`, quotes, spaces,
    `\\`) or start another segment (`/`, `?`, `#`).
    """
    return text.encode("utf-8", "surrogatepass").decode("latin-1").translate(_PERCENT)


def node_iri(node_id: str, kind: str) -> str:
    """The IRI of a graph node: `kgr:<kind>/<percent-encoded id>`."""
    return f"{RESOURCE}{_kind_segment(kind)}/{_segment(node_id)}"


@functools.cache
def _kind_segment(kind: str) -> str:
    return _segment(kind.lower())


def link_iri(link: str) -> str:
    """The IRI of the link with id `link` (`kg.ids.link_id`): `kgr:link/<id>`."""
    return f"{RESOURCE}link/{link}"


def extractor_iri(name: str) -> str:
    return f"{RESOURCE}extractor/{_segment(name)}"


def _lit(value: object, datatype: str = "") -> str:
    """A literal in N-Triples: quoted, escaped, with its datatype if not a plain string."""
    return f"{quoted(value)}^^<{XSD}{datatype}>" if datatype else quoted(value)


_INTEGER, _DECIMAL = f"^^<{XSD}integer>", f"^^<{XSD}decimal>"


def _iri(value: str) -> str:
    return f"<{value}>"


A = _iri(RDF + "type")
_ONTO = {name: _iri(ONTOLOGY + name) for name in ("Link", "Evidence", *PROPERTY.values())}
_P = {
    "identifier": _iri(DCT + "identifier"),
    "title": _iri(DCT + "title"),
    "abstract": _iri(DCT + "abstract"),
    "date": _iri(DCT + "date"),
    "source": _iri(ONTOLOGY + "source"),
    "prefLabel": _iri(SKOS + "prefLabel"),
    "label": _iri(RDFS + "label"),
    "altLabel": _iri(SKOS + "altLabel"),
    "url": _iri(SCHEMA + "url"),
    "statement": _iri(RDF + "Statement"),
    "subject": _iri(RDF + "subject"),
    "predicate": _iri(RDF + "predicate"),
    "object": _iri(RDF + "object"),
    "confidence": _iri(ONTOLOGY + "confidence"),
    "derived": _iri(PROV + "wasDerivedFrom"),
    "evidence": _iri(ONTOLOGY + "evidence"),
    "field": _iri(ONTOLOGY + "field"),
    "sentence": _iri(ONTOLOGY + "sentence"),
    "start": _iri(ONTOLOGY + "start"),
    "end": _iri(ONTOLOGY + "end"),
    "generated": _iri(PROV + "wasGeneratedBy"),
    "version": _iri(ONTOLOGY + "extractorVersion"),
}
_PAPER_FIELDS = ("title", "abstract", "date", "source")

# (link IRI, paper's IRI, entity's IRI, relation, confidence, evidence) of every link
Links = list[tuple[str, str, str, str, float, list[dict[str, Any]]]]


def _links(graph: nx.MultiDiGraph, iris: dict[str, str]) -> tuple[Links, dict[str, list[Pair]]]:
    """Every link (edge) sorted by IRI, and each node's (relation, entity) statements."""
    links: Links = []
    relations: dict[str, list[Pair]] = {}
    for paper, entities in graph.adjacency():
        source, statements = iris[paper], []
        for entity, keyed in entities.items():
            target = iris[entity]
            for relation, data in keyed.items():
                # The graph carries each link's id (made once, when the link was added).
                iri = link_iri(data.get("id") or link_id(paper, relation, entity))
                links.append((iri, source, target, relation, data["confidence"], data["evidence"]))
                statements.append((_ONTO[PROPERTY[relation]], target))
        relations[paper] = statements
    links.sort(key=itemgetter(0))
    return links, relations


_TYPE = {kind: (A, _iri(ONTOLOGY + kind)) for kind in ("Paper", *KIND.values())}


def _node_pairs(node: str, data: dict[str, Any], relations: list[Pair]) -> list[Pair]:
    kind = data["kind"]
    pairs = [_TYPE[kind], (_P["identifier"], quoted(node))]
    if kind == "Paper":
        pairs += [(_P[key], quoted(data[key])) for key in _PAPER_FIELDS if data.get(key)]
        return pairs + relations
    name = quoted(data["name"])
    pairs += [(_P["prefLabel"], name), (_P["label"], name)]
    pairs += [(_P["altLabel"], quoted(alias)) for alias in dict.fromkeys(data.get("aliases", []))]
    if kind == "Repository":
        pairs.append((_P["url"], _lit(data["name"], "anyURI")))
    return pairs


class _Made(dict[Any, str]):
    """A text per value, made by `make` the first time the value is asked for."""

    def __init__(self, make: Callable[[Any], str]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, value: Any) -> str:
        text = self[value] = self.make(value)
        return text


def _link_writer(syntax: Syntax) -> Callable[..., str]:
    """A function writing one link's evidence, then the link itself, in `syntax`.

    `<link/evidence/…>` sorts before `<link>` (`/` before `>`). Each subject's statements
    are written in N-Triples order as they stand below, not sorted per subject: sorting
    took most of the time (a test checks the order).
    """
    term = syntax.term
    # Predicates with the space after them: fewer pieces to join per statement.
    subject, predicate, object_, derived, confidence, evidence_of = (
        f"{term(_P[k])} "
        for k in ("subject", "predicate", "object", "derived", "confidence", "evidence")
    )
    generated, end, version, field, sentence, start = (
        f"{term(_P[k])} " for k in ("generated", "end", "version", "field", "sentence", "start")
    )
    a = term(A)
    is_evidence, is_statement, is_link = (
        f"{a} {term(c)}" for c in (_ONTO["Evidence"], _P["statement"], _ONTO["Link"])
    )
    properties = {relation: term(_ONTO[name]) for relation, name in PROPERTY.items()}
    opening, between, closing = syntax.opening, syntax.between, syntax.closing
    # Few extractors, versions, field names and confidences recur, and a sentence is the
    # evidence of four links on average: each is written once.
    extractor = _Made(lambda name: _iri(extractor_iri(name)))
    recurring = _Made(quoted)
    decimal = _Made(lambda value: f'"{value:.2f}"{_DECIMAL}')

    def write_evidence(head: str, e: dict[str, Any]) -> str:
        then = between(head)
        return (
            f"{opening(head)}{is_evidence}{then}{generated}{extractor[e['extractor']]}"
            f"{then}{confidence}{decimal[e['confidence']]}{then}"
            f'{end}"{e["end"]:d}"{_INTEGER}{then}{version}{recurring[e["version"]]}{then}'
            f"{field}{recurring[e['field']]}{then}{sentence}{recurring[e['sentence']]}{then}"
            f'{start}"{e["start"]:d}"{_INTEGER}{closing}'
        )

    def write(
        link: str,
        source: str,
        target: str,
        relation: str,
        weight: float,
        evidence: list[dict[str, Any]],
    ) -> str:
        head = f"<{link}>"
        then = between(head)
        if len(evidence) == 1:  # nearly every link: nothing to sort or join
            only = f"<{link}/evidence/0>"
            before, after = write_evidence(only, evidence[0]), f"{then}{evidence_of}{only}"
        else:
            # As text `…/10>` sorts before `…/1>`: the IRIs are sorted as text.
            heads = sorted((f"<{link}/evidence/{i}>", e) for i, e in enumerate(evidence))
            before = "".join([write_evidence(iri, e) for iri, e in heads])
            after = "".join([f"{then}{evidence_of}{iri}" for iri, _ in heads])
        return (
            f"{before}{opening(head)}{object_}{target}{then}"
            f"{predicate}{properties[relation]}{then}{subject}{source}{then}"
            f"{is_statement}{then}{is_link}{then}{derived}{source}{then}"
            f"{confidence}{decimal[weight]}{after}{closing}"
        )

    return write


def _parts(graph: nx.MultiDiGraph, syntax: Syntax, count: int = 1) -> list[Part]:
    """Each subject's statements as text in `syntax`, subjects and statements in N-Triples
    order, cut into `count` parts of about the same length (one for a small graph).

    A subject is a node, a link (an edge) or one piece of evidence of a link; a link comes
    in one piece with its evidence. Cuts fall between links, which make most of the text.
    """
    iris = {n: _iri(node_iri(n, kind)) for n, kind in graph.nodes(data="kind")}
    nodes = sorted(graph.nodes(data=True), key=lambda item: iris[item[0]])
    links, relations = _links(graph, iris)
    # Node IRIs are `kgr:<kind>/…` and no kind is `link`: the links sort between two nodes.
    split = bisect.bisect_left(nodes, _iri(RESOURCE + "link/"), key=lambda item: iris[item[0]])
    block = syntax.block

    def node_blocks(part: list[tuple[str, dict[str, Any]]]) -> Iterator[str]:
        for node, data in part:
            pairs = _node_pairs(node, data, relations[node])
            pairs.sort()
            yield block(iris[node], pairs)

    def part(head: list[Any], stretch: Links, tail: list[Any]) -> Iterator[str]:
        yield from node_blocks(head)
        yield from starmap(_link_writer(syntax), stretch)
        yield from node_blocks(tail)

    cuts: list[int] = []
    sizes = [0.0, 0.0, 0.0]  # of the nodes before the links, of a link, of the nodes after
    if count > 1 and len(links) >= _PARALLEL_FROM:
        before = _estimate(nodes[:split], node_blocks)
        stretch = _estimate(links, functools.partial(starmap, _link_writer(syntax)))
        after = _estimate(nodes[split:], node_blocks)
        cuts = _cuts(before, stretch, after, len(links), count)
        sizes = [before, stretch / len(links), after]
    ends = [0, *cuts, len(links)]
    last = len(ends) - 2
    return [
        Part(
            functools.partial(
                part,
                nodes[:split] if i == 0 else [],
                links[start:stop],
                nodes[split:] if i == last else [],
            ),
            sizes[0] * (i == 0) + sizes[1] * (stop - start) + sizes[2] * (i == last),
        )
        for i, (start, stop) in enumerate(itertools.pairwise(ends))
    ]


def _estimate(items: list[Any], make: Callable[[Any], Iterator[str]]) -> float:
    """The bytes of the UTF-8 text `make` gives for `items`, from every n-th of them (n their
    number over 256)."""
    sample = items[:: max(1, len(items) // _SAMPLE)]
    made = sum(len(chunk.encode()) for chunk in make(sample))
    return made * len(items) / len(sample) if sample else 0.0


def _cuts(before: float, links: float, after: float, count_links: int, parts: int) -> list[int]:
    """Where to cut `count_links` links of `links` text in all for `parts` parts of about
    the same text, with `before` text ahead of the first link and `after` behind the last."""
    # The first part is made by the calling process, which then moves the others up to
    # it; the children start by copying the pages of the graph they touch (see
    # rdf_syntax.writers): the first part is the larger, by a share measured here.
    share = (before + links + after) / (parts + _FIRST_MORE)
    each = links / count_links
    cuts = {round((share * (i + _FIRST_MORE) - before) / each) for i in range(1, parts)}
    return sorted(cut for cut in cuts if 0 < cut < count_links)


_SAMPLE = 256
_FIRST_MORE = 0.15
# Links; below, forking costs more than it saves (6,000 links: 85 ms forked, 70 ms alone).
_PARALLEL_FROM = 20000


def _blocks(graph: nx.MultiDiGraph, syntax: Syntax) -> Iterator[str]:
    """Each subject's statements as text in `syntax`, subjects and statements in N-Triples order."""
    return itertools.chain.from_iterable(part.make() for part in _parts(graph, syntax))


NTRIPLES = Syntax(lambda s: f"{s} ", lambda s: f" .\n{s} ", " .\n", {})


def ntriples_chunks(graph: nx.MultiDiGraph) -> Iterator[str]:
    """The graph as sorted, de-duplicated N-Triples: a node's lines, or a link's and its evidence's, per chunk."""
    return _blocks(graph, NTRIPLES)


# Prefixed names for the ontology's own terms in Turtle; other IRIs stay written in full.
_SHORT = {
    _iri(namespace + name): f"{prefix}:{name}"
    for prefix, namespace, names in (
        ("kg", ONTOLOGY, ["Paper", *KIND.values(), "Link", "Evidence", "source", "confidence"]),
        ("kg", ONTOLOGY, ["evidence"]),
        ("kg", ONTOLOGY, ["field", "sentence", "start", "end", "extractorVersion"]),
        ("kg", ONTOLOGY, list(PROPERTY.values())),
        ("rdf", RDF, ["Statement", "subject", "predicate", "object"]),
        ("rdfs", RDFS, ["label"]),
        ("skos", SKOS, ["prefLabel", "altLabel"]),
        ("dcterms", DCT, ["identifier", "title", "abstract", "date"]),
        ("prov", PROV, ["wasDerivedFrom", "wasGeneratedBy"]),
        ("schema", SCHEMA, ["url"]),
    )
    for name in names
} | {A: "a"}
TURTLE = Syntax(lambda s: f"\n{s}\n    ", lambda _: " ;\n    ", " .\n", _SHORT)


def turtle_chunks(graph: nx.MultiDiGraph) -> Iterator[str]:
    """The graph as Turtle: the prefixes, then each subject with its predicates in N-Triples order."""
    yield _prefixes()
    yield from _blocks(graph, TURTLE)


def _prefixes() -> str:
    return "".join(
        f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items() if iri != RESOURCE
    )


def _after(first: str, part: Part) -> Iterator[str]:
    yield first
    yield from part.make()


_MOST_PARTS = 4  # processes making one RDF file at once


def ntriples_lines(graph: nx.MultiDiGraph) -> list[bytes]:
    """The graph as sorted, de-duplicated canonical N-Triples lines."""
    # Split as bytes: str.splitlines would also split at U+0085 or U+2028 inside a literal.
    return [line for chunk in ntriples_chunks(graph) for line in chunk.encode().splitlines(True)]


def triples(graph: nx.MultiDiGraph) -> Iterator[Triple]:
    """The graph's triples as pyoxigraph terms, in N-Triples order."""
    from pyoxigraph import RdfFormat, parse

    for chunk in _batches(ntriples_chunks(graph)):
        for quad in parse(chunk.encode(), RdfFormat.N_TRIPLES):
            yield quad.triple


def _batches(chunks: Iterator[str], size: int = 1024) -> Iterator[str]:
    while batch := "".join(islice(chunks, size)):
        yield batch


def _rdf_drops(change: GraphPatch) -> list[tuple[bytes, bytes]]:
    """Key ranges of the subjects that go: changed nodes, and each gone link with its evidence."""
    drops = [just(f"<{node_iri(node, kind)}>".encode()) for node, kind in change.nodes]
    for link in change.links:
        # `<link/evidence/…>` then `<link>`: one range, as `/` sorts before `>`.
        iri = link_iri(link)
        drops.append((f"<{iri}/".encode(), just(f"<{iri}>".encode())[1]))
    return drops


NTRIPLES_LAYOUT = Layout(
    body=lambda buf: (0, len(buf)),
    unit=line_unit,
    key=lambda buf, u: up_to(buf, u, b" "),
    block_key=lambda text: text[: text.index(" ")].encode(),
    dead=lambda buf, u: buf[u] == 35,  # `#`
    blank=hash_lines,
)


def _turtle_unit(buf: Buffer, x: int, end: int) -> int:
    # A subject's block starts at the blank line before it; no other line is blank.
    found = buf.find(b"\n\n", max(x - 1, 0), end)
    return end if found < 0 else found + 1


def _turtle_body(buf: Buffer) -> tuple[int, int]:
    return _turtle_unit(buf, 0, len(buf)), len(buf)


TURTLE_LAYOUT = Layout(
    body=_turtle_body,
    unit=_turtle_unit,
    key=lambda buf, u: up_to(buf, u + 1, b"\n"),
    block_key=lambda text: text[1 : text.index("\n", 1)].encode(),
    dead=lambda buf, u: buf[u + 1] == 35,  # `#` after the blank line
    blank=hash_lines,
)


def _turtle_blocks(graph: nx.MultiDiGraph) -> Iterator[str]:
    return _blocks(graph, TURTLE)


@register_exporter(
    "ntriples", "graph.nt", sorted=Sorted(NTRIPLES_LAYOUT, _rdf_drops, ntriples_chunks)
)
@gc_paused
def write_ntriples(graph: nx.MultiDiGraph, path: Path) -> None:
    """Sorted N-Triples: byte-identical for the same graph."""
    write_parts(path, _parts(graph, NTRIPLES, writers(_MOST_PARTS)))


@register_exporter("turtle", "graph.ttl", sorted=Sorted(TURTLE_LAYOUT, _rdf_drops, _turtle_blocks))
@gc_paused
def write_turtle(graph: nx.MultiDiGraph, path: Path) -> None:
    """Turtle with the project's prefixes, subjects in N-Triples order: the same for the same graph.

    Resource IRIs stay `<…>`: as prefixed names their percent signs, slashes and a final
    dot would need backslash escapes, which some parsers (rdflib 7) misread.
    """
    parts = _parts(graph, TURTLE, writers(_MOST_PARTS))
    prefixes = _prefixes()
    first = Part(functools.partial(_after, prefixes, parts[0]), parts[0].size + len(prefixes))
    write_parts(path, [first, *parts[1:]])
