"""The embedded SPARQL store: an Oxigraph database folder, loaded from the graph's triples."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.export.core import GraphPatch, register_exporter
from kg.export.rdf import ONTOLOGY, link_iri, node_iri, ntriples_chunks, ntriples_lines

STORE = "store"


def patch_store(change: GraphPatch, old: Path, new: Path) -> None:
    """A copy of the store `old` at `new` with `change` applied: the triples a full load gives.

    The copy is a RocksDB checkpoint (hard links to the old files where it can), so its
    cost does not grow with the store; only the changed subjects are removed and added.
    """
    from pyoxigraph import NamedNode, RdfFormat, Store, parse

    source = Store(str(old))
    source.backup(str(new))
    del source
    store = Store(str(new))
    evidence = NamedNode(ONTOLOGY + "evidence")
    subjects = [NamedNode(node_iri(node, kind)) for node, kind in change.nodes]
    for link in change.links:
        iri = NamedNode(link_iri(link))
        subjects.append(iri)
        found = (q.object for q in store.quads_for_pattern(iri, evidence, None))
        subjects += [node for node in found if isinstance(node, NamedNode)]
    for subject in subjects:
        for quad in list(store.quads_for_pattern(subject, None, None)):
            store.remove(quad)
    text = "".join(ntriples_chunks(change.graph)).encode()
    store.extend(parse(text, RdfFormat.N_TRIPLES))
    store.flush()
    del store


@register_exporter("oxigraph", STORE, patch_store)
def write_store(graph: nx.MultiDiGraph, path: Path) -> None:
    """Bulk-load the triples into a new Oxigraph store at `path`."""
    from pyoxigraph import RdfFormat, Store

    store = Store(str(path))
    store.bulk_load(b"".join(ntriples_lines(graph)), RdfFormat.N_TRIPLES)
    store.flush()
    del store
