"""RDF: the graph as triples in the kg ontology, written as Turtle and sorted N-Triples.

IRIs are minted here and nowhere else: every id is percent-encoded into one path
segment under the resource namespace, so no name can break out of an IRI. Link
provenance uses RDF reification plus PROV-O: each (paper, relation, entity) link is
also an `rdf:Statement` (a `kg:Link`) with its confidence and one `kg:Evidence` node per
sentence (field, offsets, extractor and version); see ontology/README.md.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import networkx as nx

if TYPE_CHECKING:
    from pyoxigraph import Triple

from kg.export.core import register_exporter
from kg.graph import KIND

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


def _segment(text: str) -> str:
    """`text` as one IRI path segment: every character but ASCII letters, digits and `_.-~` percent-encoded.

    Injective, and the result holds nothing that could end an IRI (`>`, quotes, spaces,
    `\\`) or start another segment (`/`, `?`, `#`).
    """
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def node_iri(node_id: str, kind: str) -> str:
    """The IRI of a graph node: `kgr:<kind>/<percent-encoded id>`."""
    return f"{RESOURCE}{_segment(kind.lower())}/{_segment(node_id)}"


def link_iri(paper: str, relation: str, entity: str) -> str:
    """The IRI of a (paper, relation, entity) link: a digest of the three, told apart unambiguously."""
    key = json.dumps([paper, relation, entity]).encode()
    return f"{RESOURCE}link/{hashlib.sha1(key).hexdigest()[:20]}"


def extractor_iri(name: str) -> str:
    return f"{RESOURCE}extractor/{_segment(name)}"


# N-Triples escapes in literals, as pyoxigraph writes them (a test compares the two).
_ESCAPES = {
    **{c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F, 0xFFFE, 0xFFFF]},
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}
_NEEDS_ESCAPE = re.compile('[\x00-\x1f\x7f"\\\\\ufffe\uffff]')


def _lit(value: object, datatype: str = "") -> str:
    """A literal in N-Triples: quoted, escaped, with its datatype if not a plain string."""
    text = str(value)
    if _NEEDS_ESCAPE.search(text):
        text = text.translate(_ESCAPES)
    return f'"{text}"^^<{XSD}{datatype}>' if datatype else f'"{text}"'


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


def _node_lines(graph: nx.MultiDiGraph, iris: dict[str, str], node: str, subject: str) -> list[str]:
    data = graph.nodes[node]
    kind = data["kind"]
    lines = [A + " " + _iri(ONTOLOGY + kind), _P["identifier"] + " " + _lit(node)]
    if kind == "Paper":
        for key in ("title", "abstract", "date", "source"):
            if data.get(key):
                lines.append(_P[key] + " " + _lit(data[key]))
        for entity, relations in graph.succ[node].items():
            lines += [_ONTO[PROPERTY[relation]] + " " + iris[entity] for relation in relations]
        return lines
    name = _lit(data["name"])
    lines += [_P["prefLabel"] + " " + name, _P["label"] + " " + name]
    lines += [_P["altLabel"] + " " + _lit(alias) for alias in data.get("aliases", [])]
    if kind == "Repository":
        lines.append(_P["url"] + " " + _lit(data["name"], "anyURI"))
    return lines


def _link_lines(
    graph: nx.MultiDiGraph, iris: dict[str, str], edge: tuple[Any, ...], subject: str
) -> list[str]:
    paper, entity, relation, data = edge
    source = iris[paper]
    lines = [
        A + " " + _P["statement"],
        A + " " + _ONTO["Link"],
        _P["subject"] + " " + source,
        _P["predicate"] + " " + _ONTO[PROPERTY[relation]],
        _P["object"] + " " + iris[entity],
        _P["confidence"] + f' "{data["confidence"]:.2f}"' + _DECIMAL,
        _P["derived"] + " " + source,
    ]
    lines += [
        _P["evidence"] + " " + _iri(f"{subject}/evidence/{index}")
        for index in range(len(data["evidence"]))
    ]
    return lines


def _evidence_lines(
    graph: nx.MultiDiGraph, iris: dict[str, str], evidence: dict[str, Any], subject: str
) -> list[str]:
    return [
        A + " " + _ONTO["Evidence"],
        _P["field"] + " " + _lit(evidence["field"]),
        _P["sentence"] + " " + _lit(evidence["sentence"]),
        # Numbers need no escaping: written directly.
        _P["start"] + f' "{int(evidence["start"])}"' + _INTEGER,
        _P["end"] + f' "{int(evidence["end"])}"' + _INTEGER,
        _P["confidence"] + f' "{evidence["confidence"]:.2f}"' + _DECIMAL,
        _P["generated"] + " " + _extractor(evidence["extractor"]),
        _P["version"] + " " + _lit(evidence["version"]),
    ]


@functools.lru_cache(maxsize=256)
def _extractor(name: str) -> str:
    return _iri(extractor_iri(name))


_LINES: dict[str, Callable[[nx.MultiDiGraph, dict[str, str], Any, str], list[str]]] = {
    "node": _node_lines,
    "link": _link_lines,
    "evidence": _evidence_lines,
}


def _subjects(graph: nx.MultiDiGraph, iris: dict[str, str]) -> list[tuple[str, str, Any]]:
    """(`<subject> `, what it is, reference) for every subject of the graph, sorted.

    A subject is a node, a link (an edge), or one piece of evidence of a link. `<iri> `
    heads each of the subject's lines; as neither `>` nor a space occurs in an IRI,
    ordering subjects by it and then lines within a subject orders all lines.
    """
    found = [(iris[n] + " ", "node", n) for n in graph.nodes]
    for paper, entity, relation, data in graph.edges(keys=True, data=True):
        link = link_iri(paper, relation, entity)
        found.append((f"<{link}> ", "link", (paper, entity, relation, data)))
        found += [
            (f"<{link}/evidence/{i}> ", "evidence", evidence)
            for i, evidence in enumerate(data["evidence"])
        ]
    found.sort(key=itemgetter(0))
    return found


def _subject_lines(graph: nx.MultiDiGraph) -> Iterator[tuple[str, list[str]]]:
    """(`<subject> `, its sorted distinct `<predicate> object` lines) for every subject, in order.

    Lines are made as text and never all held at once: only the sorted list of subjects is.
    """
    iris = {n: _iri(node_iri(n, kind)) for n, kind in graph.nodes(data="kind")}
    for head, what, ref in _subjects(graph, iris):
        yield head, sorted(set(_LINES[what](graph, iris, ref, head[1:-2])))


def ntriples_chunks(graph: nx.MultiDiGraph) -> Iterator[str]:
    """The graph as sorted, de-duplicated N-Triples, one subject's lines per chunk."""
    for head, lines in _subject_lines(graph):
        yield head + (" .\n" + head).join(lines) + " .\n"


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


def _turtle_pair(line: str) -> str:
    predicate, obj = line.split(" ", 1)
    return _SHORT.get(predicate, predicate) + " " + _SHORT.get(obj, obj)


def turtle_chunks(graph: nx.MultiDiGraph) -> Iterator[str]:
    """The graph as Turtle: the prefixes, then each subject with its predicates in N-Triples order."""
    yield "".join(
        f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items() if iri != RESOURCE
    )
    for head, lines in _subject_lines(graph):
        yield "\n" + head[:-1] + "\n    " + " ;\n    ".join(map(_turtle_pair, lines)) + " .\n"


def ntriples_lines(graph: nx.MultiDiGraph) -> list[bytes]:
    """The graph as sorted, de-duplicated canonical N-Triples lines."""
    return [line.encode() for chunk in ntriples_chunks(graph) for line in chunk.splitlines(True)]


def triples(graph: nx.MultiDiGraph) -> Iterator[Triple]:
    """The graph's triples as pyoxigraph terms, in N-Triples order."""
    from pyoxigraph import RdfFormat, parse

    for chunk in _batches(ntriples_chunks(graph)):
        for quad in parse(chunk.encode(), RdfFormat.N_TRIPLES):
            yield quad.triple


def _batches(chunks: Iterator[str], size: int = 1024) -> Iterator[str]:
    while batch := "".join(islice(chunks, size)):
        yield batch


@register_exporter("ntriples", "graph.nt")
def write_ntriples(graph: nx.MultiDiGraph, path: Path) -> None:
    """Sorted N-Triples: byte-identical for the same graph."""
    with path.open("wb") as handle:
        for batch in _batches(ntriples_chunks(graph)):
            handle.write(batch.encode())


@register_exporter("turtle", "graph.ttl")
def write_turtle(graph: nx.MultiDiGraph, path: Path) -> None:
    """Turtle with the project's prefixes, subjects in N-Triples order: the same for the same graph.

    Resource IRIs stay `<…>`: as prefixed names their percent signs, slashes and a final
    dot would need backslash escapes, which some parsers (rdflib 7) misread.
    """
    with path.open("wb") as handle:
        for batch in _batches(turtle_chunks(graph)):
            handle.write(batch.encode())
