"""Training `kg_links` on gold records: candidates from the pipeline, targets from gold links."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from kg.extract.links import LinkClassifier, context, entities, features
from kg.extract.pipeline import record_text
from kg.text import normalise_entity
from kg.train.model import load_trained


def examples(
    nlp: Any, records: list[dict[str, Any]]
) -> tuple[list[tuple[list[str], set[str]]], list[str]]:
    """(features, gold relations) per predicted entity, and each entity's label."""
    found: list[tuple[list[str], set[str]]] = []
    labels: list[str] = []
    with nlp.select_pipes(disable=[n for n in ("kg_links",) if n in nlp.pipe_names]):
        docs = nlp.pipe(record_text(r) for r in records)
        for record, doc in zip(records, docs, strict=True):
            gold: dict[tuple[str, str], set[str]] = defaultdict(set)
            for link in record["links"]:
                gold[(link["label"], normalise_entity(link["label"], link["entity"]))].add(
                    link["relation"]
                )
            ctx = context(doc)
            for (label, _), mentions in entities(doc).items():
                names = {normalise_entity(label, m.kb_id_) for m in mentions} | {
                    normalise_entity(label, m.text) for m in mentions
                }
                relations = set().union(*(gold.get((label, n), set()) for n in names))
                found.append((features(doc, mentions, ctx), relations))
                labels.append(label)
    return found, labels


def refit_links(pipeline: Path, records: list[dict[str, Any]], seed: int = 0) -> None:
    """Fit the link classifier of the trained pipeline folder `pipeline` and save it there."""
    nlp = load_trained(pipeline)
    train_links(nlp, records, seed=seed)
    nlp.to_disk(pipeline)


def train_links(
    nlp: Any, records: list[dict[str, Any]], epochs: int = 15, seed: int = 0
) -> LinkClassifier:
    """Fit the `kg_links` component of `nlp` (added if missing) on gold `records`."""
    if "kg_links" not in nlp.pipe_names:
        nlp.add_pipe("kg_links", after="kg_relations")
    component: LinkClassifier = nlp.get_pipe("kg_links")
    data, labels = examples(nlp, records)
    component.fit(data, labels, epochs=epochs, seed=seed)
    return component
