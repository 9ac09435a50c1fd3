"""The embedded SPARQL store: an Oxigraph database folder, loaded from the graph's triples."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.export.core import register_exporter
from kg.export.rdf import ntriples_lines

STORE = "store"


@register_exporter("oxigraph", STORE)
def write_store(graph: nx.MultiDiGraph, path: Path) -> None:
    """Bulk-load the triples into a new Oxigraph store at `path`."""
    from pyoxigraph import RdfFormat, Store

    store = Store(str(path))
    store.bulk_load(b"".join(ntriples_lines(graph)), RdfFormat.N_TRIPLES)
    store.flush()
    del store
