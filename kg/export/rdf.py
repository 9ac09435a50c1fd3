"""RDF: the graph as triples in the kg ontology, written as Turtle and sorted N-Triples.

IRIs are minted here and nowhere else: every id is percent-encoded into one path
segment under the resource namespace, so no name can break out of an IRI. Link
provenance uses RDF reification plus PROV-O: each (paper, relation, entity) link is
also an `rdf:Statement` (a `kg:Link`) with its confidence and one `kg:Evidence` node per
sentence (field, offsets, extractor and version); see ontology/README.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import networkx as nx

if TYPE_CHECKING:
    from pyoxigraph import Triple

from kg.export.core import register_exporter

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


def triples(graph: nx.MultiDiGraph) -> Iterator[tuple]:
    """(subject, predicate, object) triples of pyoxigraph terms for the whole graph."""
    from pyoxigraph import Literal, NamedNode

    def iri(value: str) -> NamedNode:
        return NamedNode(value)

    def lit(value: object, datatype: str | None = None) -> Literal:
        return (
            Literal(str(value), datatype=NamedNode(XSD + datatype))
            if datatype
            else Literal(str(value))
        )

    a = iri(RDF + "type")
    iris = {n: iri(node_iri(n, d["kind"])) for n, d in graph.nodes(data=True)}
    for node, data in graph.nodes(data=True):
        subject = iris[node]
        yield subject, a, iri(ONTOLOGY + data["kind"])
        yield subject, iri(DCT + "identifier"), lit(node)
        if data["kind"] == "Paper":
            if data.get("title"):
                yield subject, iri(DCT + "title"), lit(data["title"])
            if data.get("abstract"):
                yield subject, iri(DCT + "abstract"), lit(data["abstract"])
            if data.get("date"):
                yield subject, iri(DCT + "date"), lit(data["date"])
            if data.get("source"):
                yield subject, iri(ONTOLOGY + "source"), lit(data["source"])
            continue
        yield subject, iri(SKOS + "prefLabel"), lit(data["name"])
        yield subject, iri(RDFS + "label"), lit(data["name"])
        for alias in data.get("aliases", []):
            yield subject, iri(SKOS + "altLabel"), lit(alias)
        if data["kind"] == "Repository":
            yield subject, iri(SCHEMA + "url"), lit(data["name"], "anyURI")
    for paper, entity, relation, data in graph.edges(keys=True, data=True):
        predicate = iri(ONTOLOGY + PROPERTY[relation])
        yield iris[paper], predicate, iris[entity]
        statement = link_iri(paper, relation, entity)
        node = iri(statement)
        yield node, a, iri(RDF + "Statement")
        yield node, a, iri(ONTOLOGY + "Link")
        yield node, iri(RDF + "subject"), iris[paper]
        yield node, iri(RDF + "predicate"), predicate
        yield node, iri(RDF + "object"), iris[entity]
        yield node, iri(ONTOLOGY + "confidence"), lit(f"{data['confidence']:.2f}", "decimal")
        yield node, iri(PROV + "wasDerivedFrom"), iris[paper]
        for index, evidence in enumerate(data["evidence"]):
            ev = iri(f"{statement}/evidence/{index}")
            yield node, iri(ONTOLOGY + "evidence"), ev
            yield ev, a, iri(ONTOLOGY + "Evidence")
            yield ev, iri(ONTOLOGY + "field"), lit(evidence["field"])
            yield ev, iri(ONTOLOGY + "sentence"), lit(evidence["sentence"])
            yield ev, iri(ONTOLOGY + "start"), lit(evidence["start"], "integer")
            yield ev, iri(ONTOLOGY + "end"), lit(evidence["end"], "integer")
            yield ev, iri(ONTOLOGY + "confidence"), lit(f"{evidence['confidence']:.2f}", "decimal")
            yield ev, iri(PROV + "wasGeneratedBy"), iri(extractor_iri(evidence["extractor"]))
            yield ev, iri(ONTOLOGY + "extractorVersion"), lit(evidence["version"])


def _oxi_triples(graph: nx.MultiDiGraph) -> Iterator[Triple]:
    from pyoxigraph import Triple

    for s, p, o in triples(graph):
        yield Triple(s, p, o)


def ntriples_lines(graph: nx.MultiDiGraph) -> list[bytes]:
    """The graph as sorted, de-duplicated canonical N-Triples lines."""
    from pyoxigraph import RdfFormat, serialize

    data = serialize(_oxi_triples(graph), format=RdfFormat.N_TRIPLES) or b""
    return sorted(set(data.splitlines(keepends=True)))


@register_exporter("ntriples", "graph.nt")
def write_ntriples(graph: nx.MultiDiGraph, path: Path) -> None:
    """Sorted N-Triples: byte-identical for the same graph."""
    with path.open("wb") as handle:
        handle.writelines(ntriples_lines(graph))


@register_exporter("turtle", "graph.ttl")
def write_turtle(graph: nx.MultiDiGraph, path: Path) -> None:
    """Turtle with the project's prefixes, resources as full IRIs.

    Resource IRIs stay `<…>`: as prefixed names their percent signs, slashes and a final
    dot would need backslash escapes, which some parsers (rdflib 7) misread.
    """
    from pyoxigraph import RdfFormat, serialize

    prefixes = {k: v for k, v in PREFIXES.items() if v != RESOURCE}
    with path.open("wb") as handle:
        serialize(_oxi_triples(graph), handle, RdfFormat.TURTLE, prefixes=prefixes)
