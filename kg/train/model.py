"""`kg train`: a small NER model on the seed annotations, assembled with the rule components.

The model is a per-token softmax over BIO tags (spaCy's `tagger`; `ner` is the other head
`ModelSize` offers) on a hash-embedding CNN (`HashEmbedCNN`), sized for CPU speed; it is
trained with fixed seeds on the train split (a tenth of it held out for early stopping:
the dev split is never used in training or model selection). The shipped pipeline is:
kg tokenizer → sentencizer → kg_fields → tok2vec → tagger (`kg_tagger`) →
kg_model_spans → the rule components; `kg_resolve` combines model and rules.
"""

from __future__ import annotations

import logging
import random
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.extract.pipeline import COMPONENTS, SEPARATOR, build_pipeline, record_text
from kg.registry import load_builtins

log = logging.getLogger(__name__)
MODEL_LABELS = ("METHOD", "DATASET", "BENCHMARK", "TASK", "METRIC")  # REPO stays with the URL rules
MODEL_SPAN_LABELS = ("METHOD",)  # the labels whose model spans kg_resolve accepts


@dataclass(frozen=True)
class ModelSize:
    """The knobs that trade speed for accuracy; `head` is `tagger` (BIO tags per token) or `ner`."""

    width: int = 32
    depth: int = 2
    embed_size: int = 6000
    hidden_width: int = 64
    maxout_pieces: int = 3
    head: str = "tagger"


# A per-token softmax over BIO tags costs almost nothing on top of the CNN; spaCy's
# transition-based NER costs about as much as the CNN itself (measured: bench/).
HEADS = {
    "tagger": """
[components.tagger]
factory = "tagger"

[components.tagger.model]
@architectures = "spacy.Tagger.v2"
nO = null
normalize = false

[components.tagger.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = ${{components.tok2vec.model.width}}
upstream = "*"
""",
    "ner": """
[components.ner]
factory = "ner"

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = {hidden_width}
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = ${{components.tok2vec.model.width}}
upstream = "*"
""",
}
SCORES = {"tagger": "tag_acc = 1.0", "ner": "ents_f = 1.0\nents_p = 0.0\nents_r = 0.0"}

CONFIG = """
[paths]
train = null
dev = null
vectors = null

[system]
seed = {seed}
gpu_allocator = null

[nlp]
lang = "en"
pipeline = ["tok2vec","{head}"]
batch_size = 128

[nlp.tokenizer]
@tokenizers = "kg.Tokenizer.v1"

[components]

[components.tok2vec]
factory = "tok2vec"

[components.tok2vec.model]
@architectures = "spacy.HashEmbedCNN.v2"
pretrained_vectors = {static_vectors}
width = {width}
depth = {depth}
embed_size = {embed_size}
window_size = 1
maxout_pieces = {maxout_pieces}
subword_features = true
{head_section}
[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${{paths.train}}
max_length = 0

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${{paths.dev}}
max_length = 0

[training]
seed = ${{system.seed}}
gpu_allocator = ${{system.gpu_allocator}}
dropout = 0.15
accumulate_gradient = 1
patience = {patience}
max_epochs = {epochs}
max_steps = 0
eval_frequency = {eval_frequency}
frozen_components = []
before_to_disk = null

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2
size = 2000

[training.optimizer]
@optimizers = "Adam.v1"
learn_rate = 0.002

[training.score_weights]
{scores}

[initialize]
vectors = ${{paths.vectors}}
"""


def config_text(
    size: ModelSize, seed: int = 0, epochs: int = 30, n_train: int = 400, vectors: bool = False
) -> str:
    """The spaCy training config for `size` (`vectors`: the tok2vec also reads word vectors)."""
    head = HEADS[size.head].format(hidden_width=size.hidden_width)
    return CONFIG.format(
        seed=seed,
        epochs=epochs,
        patience=max(1600, epochs * 40),
        eval_frequency=max(10, n_train // 8),
        width=size.width,
        depth=size.depth,
        embed_size=size.embed_size,
        maxout_pieces=size.maxout_pieces,
        static_vectors="true" if vectors else "null",
        head=size.head,
        head_section=head,
        scores=SCORES[size.head],
    )


def gold_doc(nlp: Any, record: dict[str, Any]) -> Any:
    """A Doc of the pipeline text of `record` with its gold mentions as entities."""
    from spacy.tokens import Doc
    from spacy.util import filter_spans

    doc: Doc = nlp.make_doc(record_text(record))
    offset = len(record["title"]) + len(SEPARATOR)
    spans = []
    for m in record["mentions"]:
        if m["label"] not in MODEL_LABELS:
            continue
        base = 0 if m["field"] == "title" else offset
        span = doc.char_span(
            base + m["start"], base + m["end"], label=m["label"], alignment_mode="contract"
        )
        if span is not None and len(span):
            spans.append(span)
    doc.ents = filter_spans(spans)
    for token in doc:
        token.tag_ = f"{token.ent_iob_}-{token.ent_type_}" if token.ent_type_ else "O"
    return doc


def write_docbin(nlp: Any, records: Iterable[dict[str, Any]], path: Path) -> int:
    from spacy.tokens import DocBin

    docs = DocBin(store_user_data=False)
    count = 0
    for record in records:
        docs.add(gold_doc(nlp, record))
        count += 1
    docs.to_disk(path)
    return count


def split_holdout(
    records: list[dict[str, Any]], seed: int = 0, holdout: float = 0.1
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(train, held-out) parts of the train split, the same for the same seed."""
    shuffled = sorted(records, key=lambda r: r["id"])
    random.Random(seed).shuffle(shuffled)
    cut = max(1, int(len(shuffled) * holdout))
    return shuffled[cut:] or shuffled, shuffled[:cut]


def train_ner(
    records: list[dict[str, Any]],
    out: Path,
    epochs: int = 40,
    seed: int = 0,
    size: ModelSize = ModelSize(),
    holdout: float = 0.1,
    extra: Iterable[dict[str, Any]] = (),
    vectors: Path | None = None,
) -> Path:
    """Train the model on `records` (gold, with text) and save the [tok2vec, head] pipeline in `out`.

    A tenth of `records` is held out for early stopping; `extra` records (such as the
    synthetic abstracts) only ever join the training side. `vectors` is a pipeline folder
    whose word vectors the tok2vec reads besides its hash embeddings (`kg vectors`).
    """
    from spacy.cli.train import train as spacy_train

    load_builtins("components")
    train, valid = split_holdout(records, seed, holdout)
    train = train + list(extra)
    maker = build_pipeline()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        write_docbin(maker, train, tmp / "train.spacy")
        write_docbin(maker, valid, tmp / "valid.spacy")
        config = tmp / "config.cfg"
        config.write_text(config_text(size, seed, epochs, len(train), vectors is not None))
        spacy_train(
            config,
            tmp / "output",
            overrides={
                "paths.train": str(tmp / "train.spacy"),
                "paths.dev": str(tmp / "valid.spacy"),
                "paths.vectors": str(vectors) if vectors is not None else None,
            },
        )
        best = tmp / "output" / "model-best"
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(best if best.exists() else tmp / "output" / "model-last", out)
    return out


def assemble(ner_dir: Path, out: Path, gazetteer: Path | None = None) -> Path:
    """Add the sentence and rule components to a trained [tok2vec, ner] pipeline and save it.

    `gazetteer` is a names TSV for `kg_gazetteer` in place of the shipped list.
    """
    import spacy

    load_builtins("components")
    # The trained tagger's weights, in `kg_tagger`, which also keeps its tags' probabilities.
    head = spacy.util.load_config(ner_dir / "config.cfg")["nlp"]["pipeline"]
    confident = {"components": {"tagger": {"factory": "kg_tagger"}}} if "tagger" in head else {}
    nlp = spacy.load(ner_dir, config=confident)
    nlp.add_pipe("sentencizer", first=True)
    nlp.add_pipe("kg_fields", after="sentencizer")
    nlp.add_pipe("kg_model_spans", after="tagger" if "tagger" in nlp.pipe_names else "ner")
    # On the train split's held-out tenth (gazetteer built without it), proper-looking
    # METHOD spans from the model helped; its other spans cost more precision than they
    # gained, except where they fill a gap the rules leave and the tagger is sure of them
    # (kg_resolve's default `gap_confidence`; README, "Extraction quality").
    configs: dict[str, dict[str, Any]] = {
        "kg_resolve": {"model_labels": list(MODEL_SPAN_LABELS), "model_names_only": True},
        "kg_gazetteer": {"path": str(gazetteer)} if gazetteer else {},
    }
    for name in COMPONENTS:
        nlp.add_pipe(name, config=configs.get(name, {}))
    nlp.meta["name"] = "kg_extractor"
    from kg import __version__

    nlp.meta["version"] = __version__
    if out.exists():
        shutil.rmtree(out)
    nlp.to_disk(out)
    return out


def trained_layers(pipeline: Path, out: Path) -> Path:
    """Save the trained layers (tok2vec, tagger or ner) of the pipeline at `pipeline` alone to `out`."""
    nlp = load_trained(pipeline)
    for name in [n for n in nlp.pipe_names if n not in ("tok2vec", "tagger", "ner")]:
        nlp.remove_pipe(name)
    nlp.to_disk(out)
    return out


def load_trained(path: Path) -> Any:
    """A trained pipeline folder loaded with the kg components registered."""
    import spacy

    load_builtins("components")
    return spacy.load(path)
