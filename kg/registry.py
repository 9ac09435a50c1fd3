"""Plugin registries: readers, exporters and fetch sources are registered by name, never chosen by if-ladders."""

from __future__ import annotations

import importlib

import catalogue

readers = catalogue.create("kg", "readers", entry_points=True)
exporters = catalogue.create("kg", "exporters", entry_points=True)
fetchers = catalogue.create("kg", "fetchers", entry_points=True)

# The modules whose import registers the built-in plugins; imported on first lookup only.
_BUILTINS = {
    # spaCy factories (`kg_urls`, …) register with spaCy itself when their module is imported.
    "components": (
        "kg.extract.tokenizer",
        "kg.extract.sentences",
        "kg.extract.model_spans",
        "kg.extract.urls",
        "kg.extract.abbreviations",
        "kg.extract.gazetteer",
        "kg.extract.cues",
        "kg.extract.resolve",
        "kg.extract.relations",
        "kg.extract.links",
    ),
    "readers": ("kg.ingest.layout", "kg.ingest.records", "kg.ingest.bibtex"),
    "exporters": (
        "kg.export.rdf",
        "kg.export.graphml",
        "kg.export.store",
    ),
    "fetchers": (
        "kg.fetch.arxiv",
        "kg.fetch.openalex",
        "kg.fetch.semanticscholar",
        "kg.fetch.hf_daily",
    ),
}


def load_builtins(kind: str) -> None:
    """Import the modules that register the built-in plugins of `kind`."""
    for module in _BUILTINS[kind]:
        importlib.import_module(module)
