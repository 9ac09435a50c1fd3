"""Cross-validation on the seeds' train split: how design choices are measured (never on dev).

The train split is cut in three folds by CRC32 of the paper id. For each fold, a whole
pipeline is rebuilt without it, as `kg train` builds the shipped one: the gazetteer (its
names from our annotations leave the fold out), the tagger, and the link classifier; the
synthetic abstracts join every fold's training side. The held-out fold is then extracted
under three gazetteers, from kindest to harshest:

- `lists`: the fold's gazetteer as built;
- `curated`: less the curated names (`kg/data/curated.tsv`) that only the held-out fold's
  gold uses. The curated list was written while reading train-split errors, so these
  names leak the fold into its own test;
- `novel`: less every listed name that only the held-out fold's gold uses, from any list:
  names as new as those of papers written after the lists were made.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from kg.text import normalise_entity

FOLDS = 3
GAZETTEERS = ("lists", "curated", "novel")
OWN_SOURCES = frozenset({"kg-curated", "kg-annotations"})  # not from an outside list

Record = Mapping[str, Any]


def fold_of(paper_id: str) -> int:
    """The fold of a paper: CRC32 of its id modulo FOLDS (stable across runs and machines)."""
    return zlib.crc32(paper_id.encode()) % FOLDS


def fold_only_names(records: Iterable[Record], fold: int) -> set[str]:
    """Normalised names the gold of `fold` uses and no other fold's gold does."""
    names: list[set[str]] = [set() for _ in range(FOLDS)]
    for record in records:
        names[fold_of(record["id"])].update(
            normalise_entity("", m["text"]) for m in record["mentions"]
        )
    return names[fold] - set().union(*(n for k, n in enumerate(names) if k != fold))


def hide_names(gazetteer: Path, names: set[str], out: Path, curated_only: bool) -> int:
    """Write `gazetteer` less its rows naming one of `names` to `out`; the number of rows left out.

    With `curated_only`, only rows whose sources are all our own and include the curated
    list are left out.
    """
    header, *rows = gazetteer.read_text(encoding="utf-8").splitlines()
    kept = [header]
    for row in rows:
        _, name, sources = row.split("\t")
        own = set(sources.split(","))
        hidden = normalise_entity("", name) in names and (
            not curated_only or ("kg-curated" in own and own <= OWN_SOURCES)
        )
        if not hidden:
            kept.append(row)
    out.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return len(rows) + 1 - len(kept)


def fold_pipeline(
    shared: Path,
    records: list[dict[str, Any]],
    synthetic: list[dict[str, Any]],
    fold: int,
    out: Path,
    epochs: int,
    seed: int,
    vectors: Path | None = None,
) -> Path:
    """Build the pipeline of `fold` (gazetteer, tagger, link classifier without it) in `out`."""
    from kg.extract.names import gazetteer_from_split
    from kg.train.links import refit_links
    from kg.train.model import assemble, train_ner

    train = [r for r in records if fold_of(r["id"]) != fold]
    out.mkdir(parents=True, exist_ok=True)
    gazetteer = out / "gazetteer.tsv"
    gazetteer_from_split(shared, train, synthetic, gazetteer)
    ner = train_ner(train, out / "ner", epochs=epochs, seed=seed, extra=synthetic, vectors=vectors)
    model = assemble(ner, out / "model", gazetteer=gazetteer)
    refit_links(model, train + synthetic, seed=seed)
    return model


def fold_predictions(
    records: list[dict[str, Any]], fold: int, model: Path, gazetteer: Path
) -> list[dict[str, Any]]:
    """The extraction of the held-out `fold` by its pipeline, with `gazetteer` as its list."""
    from kg.evaluate import predict
    from kg.extract.pipeline import load_pipeline

    nlp = load_pipeline(model, config={"components": {"kg_gazetteer": {"path": str(gazetteer)}}})
    return predict([r for r in records if fold_of(r["id"]) == fold], nlp=nlp)


def crossval(
    shared: Path,
    work: Path,
    epochs: int = 15,
    seed: int = 0,
    workers: int = 2,
    rebuild: bool = True,
    vectors: Path | None = None,
) -> dict[str, Any]:
    """Build the fold pipelines in `work` and score each gazetteer setting over all folds.

    Without `rebuild`, pipelines already in `work` are scored again as they are: their
    rule components run the current code, so a rule change is measured in a minute
    rather than ten (a change to training, the gazetteer or a component's config needs
    a rebuild). `vectors`: word vectors for the fold taggers (`kg vectors`). Returns
    `{setting: kg.evaluate.as_dict(report)}` and the rows each setting hid.
    """
    from kg.evaluate import as_dict, score
    from kg.train.annotations import join_gold, read_synthetic

    records = list(join_gold(sorted((shared / "seeds").glob("*.txt")), split="train"))
    synthetic = read_synthetic()
    models = [work / f"fold{k}" / "model" for k in range(FOLDS)]
    missing = [k for k, model in enumerate(models) if rebuild or not model.is_dir()]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        jobs = [
            pool.submit(
                fold_pipeline,
                shared,
                records,
                synthetic,
                k,
                work / f"fold{k}",
                epochs,
                seed,
                vectors,
            )
            for k in missing
        ]
        for job in jobs:
            job.result()
    gold = [r for k in range(FOLDS) for r in records if fold_of(r["id"]) == k]
    result: dict[str, Any] = {"papers": len(records), "rebuilt": missing, "hidden_rows": {}}
    only = [fold_only_names(records, k) for k in range(FOLDS)]
    for setting in GAZETTEERS:
        predictions, hidden = [], 0
        for k, model in enumerate(models):
            gazetteer = work / f"fold{k}" / "gazetteer.tsv"
            if setting != "lists":
                variant = work / f"fold{k}" / f"gazetteer-{setting}.tsv"
                hidden += hide_names(gazetteer, only[k], variant, curated_only=setting == "curated")
                gazetteer = variant
            predictions += fold_predictions(records, k, model, gazetteer)
        result["hidden_rows"][setting] = hidden
        result[setting] = as_dict(score(gold, predictions))
    return result
