"""The cross-validation's folds and gazetteer settings (kg.train.crossval)."""

from __future__ import annotations

import zlib
from pathlib import Path

from kg.train.crossval import FOLDS, fold_of, fold_only_names, fold_predictions, hide_names
from kg.train.model import ModelSize, assemble, train_ner

GAZETTEER = """label\tname\tsources
METHOD\tQuuxNet\tkg-curated
METHOD\tFooNet\tkg-annotations,kg-curated
DATASET\tBarSet\tpwc-datasets,kg-curated
TASK\tbaz detection\tpwc-tasks
METHOD\tCommonNet\tkg-curated
"""


def _record(paper: str, *names: str) -> dict[str, object]:
    return {"id": paper, "mentions": [{"text": name} for name in names]}


def _ids_in(fold: int, count: int) -> list[str]:
    return [f"p{i}" for i in range(1000) if fold_of(f"p{i}") == fold][:count]


def test_folds_are_crc32_of_the_id_and_all_used() -> None:
    ids = [f"2401.{i:05d}" for i in range(300)]
    assert all(fold_of(i) == zlib.crc32(i.encode()) % FOLDS for i in ids)
    assert {fold_of(i) for i in ids} == set(range(FOLDS))


def test_fold_only_names_are_normalised_and_exclusive() -> None:
    (a,), (b,), (c,) = (_ids_in(k, 1) for k in range(FOLDS))
    records = [
        _record(a, "FooNet", "The BarSets", "CommonNet"),
        _record(b, "commonnet"),
        _record(c, "QuuxNet"),
    ]
    assert fold_only_names(records, 0) == {"foonet", "barset"}
    assert fold_only_names(records, 2) == {"quuxnet"}


def test_hide_names_curated_only_spares_outside_lists(tmp_path: Path) -> None:
    source = tmp_path / "gazetteer.tsv"
    source.write_text(GAZETTEER, encoding="utf-8")
    names = {"foonet", "barset", "bazdetection"}
    assert hide_names(source, names, tmp_path / "curated.tsv", curated_only=True) == 1
    curated = (tmp_path / "curated.tsv").read_text(encoding="utf-8")
    assert "FooNet" not in curated and "BarSet" in curated and "baz detection" in curated
    assert hide_names(source, names, tmp_path / "novel.tsv", curated_only=False) == 3
    novel = (tmp_path / "novel.tsv").read_text(encoding="utf-8").splitlines()
    assert novel == [
        "label\tname\tsources",
        "METHOD\tQuuxNet\tkg-curated",
        "METHOD\tCommonNet\tkg-curated",
    ]


def test_a_fold_pipeline_reads_the_gazetteer_it_is_given(tmp_path: Path) -> None:
    listed = tmp_path / "listed.tsv"
    listed.write_text(GAZETTEER + "TASK\tquux folding\tkg-curated\n", encoding="utf-8")
    hidden = tmp_path / "hidden.tsv"
    hide_names(listed, {"quuxfolding"}, hidden, curated_only=False)
    papers = [
        {
            "id": paper,
            "title": "QuuxNet for baz detection",
            "abstract": "We apply QuuxNet to baz detection. Later, quux folding stopped.",
            "mentions": [
                {"field": "title", "start": 0, "end": 7, "label": "METHOD", "text": "QuuxNet"}
            ],
            "links": [],
        }
        for paper in _ids_in(1, 2)
    ]
    ner = train_ner(
        papers,
        tmp_path / "ner",
        epochs=1,
        size=ModelSize(width=32, depth=1, embed_size=500, hidden_width=16),
    )
    model = assemble(ner, tmp_path / "model", gazetteer=listed)
    found = fold_predictions(papers, 1, model, listed)
    assert "quux folding" in {m["text"] for m in found[0]["mentions"]}
    without = fold_predictions(papers, 1, model, hidden)
    assert "quux folding" not in {m["text"] for m in without[0]["mentions"]}
    assert len(found) == len(without) == 2
