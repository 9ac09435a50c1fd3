"""Name lists: building the shipped gazetteer from ../shared/data/gazetteer, and loading it.

The gazetteer holds names only (facts), with their sources; see kg/data/NOTICE.md for
attribution and licences. `build_gazetteer` is run by `make gazetteer`; the pipeline
only ever reads the shipped file.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

# Phrases ANNOTATION.md says are never entities (rules 1 and 8), and research fields,
# which are broader than a task.
GENERIC_PHRASES = frozenset(
    p.strip()
    for p in [
        "model",
        " models",
        " neural network",
        " neural networks",
        " deep neural network",
        " deep neural networks",
        "\n    deep learning",
        " machine learning",
        " language model",
        " language models",
        " foundation model",
        "\n    foundation models",
        " baseline",
        " baselines",
        " method",
        " methods",
        " approach",
        " approaches",
        " framework",
        "\n    algorithm",
        " algorithms",
        " network",
        " networks",
        " architecture",
        " system",
        " systems",
        " dataset",
        " datasets",
        "\n    benchmark",
        " benchmarks",
        " data",
        " training data",
        " test data",
        " test set",
        " training set",
        " validation set",
        "\n    dev set",
        " task",
        " tasks",
        " performance",
        " effectiveness",
        " efficiency",
        " score",
        " scores",
        " result",
        " results",
        "\n    single model",
        " ensemble",
        " human performance",
        " number of params",
        " parameters",
        " trainable parameters",
        "\n    number of parameters",
        " final accuracy",
        " percentage correct",
        " accuracy (%)",
        "\n    natural language processing",
        " computer vision",
        " nlp",
        " artificial intelligence",
        " ai",
        "\n    knowledge graphs",
        " knowledge graph",
        " word embeddings",
        " time series",
        " decision making",
        " robotics",
        "\n    speech",
        " healthcare",
        # Abbreviations of the generic phrases above, and claims rather than names.
        "nn",
        "nns",
        "dnn",
        "dnns",
        "lm",
        "lms",
        "kg",
        "kgs",
        "pretrained language model",
        "pre-trained language model",
        "pretrained language models",
        "pre-trained language models",
        "plm",
        "plms",
        "pretrained model",
        "pre-trained model",
        "pretrained models",
        "pre-trained models",
        "state of the art",
        "state-of-the-art",
        "sota",
    ]
)
# Words that make a listed name generic when the name has no other word (`mean score`).
GENERIC_WORDS = frozenset(
    [
        "model",
        "models",
        "neural",
        "network",
        "networks",
        "deep",
        "learning",
        "machine",
        "language",
        "foundation",
        "baseline",
        "baselines",
        "method",
        "methods",
        "approach",
        "framework",
        "algorithm",
        "architecture",
        "system",
        "dataset",
        "datasets",
        "benchmark",
        "benchmarks",
        "data",
        "training",
        "test",
        "task",
        "tasks",
        "performance",
        "effectiveness",
        "efficiency",
        "score",
        "results",
        "result",
        "classification",
        "detection",
        "segmentation",
        "recognition",
        "regression",
        "prediction",
        "generation",
        "retrieval",
        "reasoning",
        "translation",
        "estimation",
        "clustering",
        "ranking",
        "optimization",
        "embedding",
        "embeddings",
        "features",
        "feature",
        "attention",
        "convolution",
        "encoder",
        "decoder",
        "loss",
        "single",
        "ensemble",
        "human",
        "average",
        "mean",
        "total",
        "time",
        "speed",
        "memory",
        "size",
        "number",
        "of",
        "params",
        "parameters",
        "error",
        "rate",
        "accuracy",
        "percentage",
        "correct",
        "set",
    ]
)

_LABEL_OF = {
    "Task": "TASK",
    "Dataset": "DATASET",
    "Metric": "METRIC",
    "Method": "METHOD",
    "Material": "DATASET",
}
_BENCH_WORDS = re.compile(r"(?:bench|benchmark|suite|leaderboard|arena|gym)\b", re.I)
_PAREN = re.compile(r"^(.*?)\s*\(([^()]+)\)\s*$")


def name_shaped(name: str) -> bool:
    """True when a name looks like a proper name: inner capitals, digits, or all caps."""
    tokens = name.split()
    return any(
        any(c.isdigit() for c in t)
        or any(c.isupper() for c in t[1:])
        or (len(t) > 1 and t.isupper())
        for t in tokens
    )


def clean(name: str) -> str:
    """Undo tokenised spacing (`Mask R - CNN` → `Mask R-CNN`) and squeeze blanks."""
    name = re.sub(r"\s*-\s*", "-", name.strip())
    name = re.sub(r"\s+", " ", name)
    return name.strip(" .,;:")


def acceptable(label: str, name: str) -> bool:
    """Whether a listed name is specific enough to match in running text."""
    if (
        not (2 <= len(name) <= 60)
        or name.lower() in GENERIC_PHRASES
        or name.lower() in GENERIC_WORDS
    ):
        return False
    if re.search(r"[\x00-\x1f<>\[\]{}|=\\]|\d\s\d|\bet al\b|\(|\)", name):
        return False
    words = name.split()
    if sum(c.isalpha() for c in name) < 2 or (len(words) == 1 and len(name) <= 3):
        return False  # `ACM`, `SK`, `1/4`: too short to be told from ordinary tokens
    if len(words) > 6 or all(w.lower() in GENERIC_WORDS for w in words):
        return False
    if label == "TASK":
        return len(words) >= 2 or (name.isupper() and len(name) >= 3)
    if label == "METRIC":
        return name_shaped(name) or len(words) >= 2
    # Single ordinary words (`Cars`, `Birds`) would match everywhere: only proper-looking names.
    return name_shaped(name) or (len(words) >= 2 and sum(w[0].isupper() for w in words) >= 2)


def _tsv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter="\t")


def _shared_names(root: Path) -> Iterator[tuple[str, str, str]]:
    """(label, name, source) from the gazetteer files of ../shared/data/gazetteer."""
    for row in _tsv(root / "pwc_tdm_names_from_sota_task.tsv"):
        if int(row["count"] or 0) >= 2:
            yield _LABEL_OF[row["type"]], row["name"], "pwc-sota"
    for row in _tsv(root / "scirex_salient_entity_names.tsv"):
        if row["type"] in _LABEL_OF:
            yield _LABEL_OF[row["type"]], row["name"], "scirex"
    for row in _tsv(root / "scier_mention_strings.tsv"):
        if row["type"] in _LABEL_OF and int(row["count"] or 0) >= 3:
            yield _LABEL_OF[row["type"]], row["mention"], "scier"
    with (root / "pwc_datasets_datafinder.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            for name in [record["id"], *record.get("variants", [])]:
                yield "DATASET", name, "pwc-datasets"
    csv.field_size_limit(sys.maxsize)
    yield from _pwc_tasks(root / "pwc_world_snapshot")
    for kb, label in (
        ("datasetKB.tsv", "DATASET"),
        ("taskKB.tsv", "TASK"),
        ("evaMatrixKB.tsv", "METRIC"),
    ):
        with (root / "ibm_nlp_tdms_kb" / kb).open(encoding="utf-8") as handle:
            for line in handle:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2:
                    yield label, parts[1].replace("_", " "), "ibm-tdms"


def _pwc_tasks(root: Path) -> Iterator[tuple[str, str, str]]:
    """Task names of the PwC snapshot: the list, the per-area tables and the hierarchy."""
    with (root / "all_tasks.txt").open(encoding="utf-8") as handle:
        for line in handle:
            yield "TASK", line.strip().strip('"'), "pwc-tasks"
    for table in sorted(root.glob("*_tasks_detailed.csv")):
        with table.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                yield "TASK", row["Task Name"], "pwc-tasks"
    with (root / "task_hierarchy.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for name in [row["Parent Task"], *row["Child Tasks"].split(";")]:
                yield "TASK", name.strip().rstrip("."), "pwc-tasks"


def _expand(label: str, name: str) -> Iterator[tuple[str, str]]:
    """The name, and its parts when it reads `Long Form (SHORT)`."""
    name = clean(name)
    match = _PAREN.match(name)
    if match:
        yield label, clean(match.group(1))
        if label in ("TASK", "METHOD", "METRIC") and match.group(2).isupper():
            yield label, match.group(2).strip()
        return
    yield label, name


def gazetteer_from_split(
    shared: Path, train: list[dict[str, Any]], synthetic: list[dict[str, Any]], out: Path
) -> dict[str, int]:
    """The gazetteer `kg gazetteer` writes, with names from the given annotated train split.

    Names the seeds' annotators pass over are dropped; the synthetic abstracts were
    annotated more narrowly (no `reward model`, `cross-entropy`), so their gaps are not.
    """
    curated = Path(__file__).resolve().parents[1] / "data" / "curated.tsv"
    return build_gazetteer(shared, curated, out, [train, synthetic], omissions=train)


def build_gazetteer(
    shared: Path,
    curated: Path,
    out: Path,
    annotated: Iterable[Iterable[dict[str, Any]]] = (),
    omissions: Iterable[dict[str, Any]] = (),
) -> dict[str, int]:
    """Write the gazetteer TSV (label, name, sources) and return counts per label.

    Curated names win label conflicts; otherwise a name keeps the label most sources
    give it, and a DATASET whose name says bench/suite/leaderboard becomes a BENCHMARK.
    `annotated` holds sets of annotated records (the seeds' train split, the synthetic
    abstracts), each judged on its own texts: sets annotated at different times differ
    in what they mark (the seeds mark `reward model`, the synthetic abstracts do not),
    and pooled, one set's habits would hide the other's reliable names. A listed name
    (neither curated nor from annotations) that the annotators of `omissions` pass over is
    left out (`unmarked_names`): `inference time`, `BLEU score` where `BLEU` is the name.
    """
    sets = [list(records) for records in annotated]
    votes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    curated_labels: dict[str, str] = {}
    for row in _tsv(curated):
        curated_labels[row["name"]] = row["label"]
        votes[row["name"]][row["label"]].add("kg-curated")
    # Names our own annotations label reliably vote like a curated list does.
    for records in sets:
        for label, name, source in names_from_annotations(records):
            votes[name][label].add(source)
            curated_labels.setdefault(name, label)
    for label, raw, source in _shared_names(shared / "data" / "gazetteer"):
        for lab, name in _expand(label, raw):
            if lab == "DATASET" and _BENCH_WORDS.search(name):
                lab = "BENCHMARK"
            if acceptable(lab, name):
                votes[name][lab].add(source)
    listed = {
        name: curated_labels.get(name) or max(sorted(by_label), key=lambda lab: len(by_label[lab]))
        for name, by_label in votes.items()
    }
    # A listed name our annotators keep passing over is not one under ANNOTATION.md.
    outside = {name: label for name, label in listed.items() if name not in curated_labels}
    passed_over = unmarked_names(list(omissions), outside)
    rows: list[tuple[str, str, str]] = []
    for name, by_label in votes.items():
        if name not in passed_over:
            rows.append((listed[name], name, ",".join(sorted(set().union(*by_label.values())))))
    rows.sort()
    _write_rows(out, rows)
    counts: dict[str, int] = defaultdict(int)
    for label, _, _ in rows:
        counts[label] += 1
    return dict(counts)


def _write_rows(out: Path, rows: Iterable[tuple[str, str, str]]) -> None:
    tmp = out.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write("label\tname\tsources\n")
        for row in rows:
            handle.write("\t".join(row) + "\n")
    tmp.replace(out)


def load_gazetteer(path: str | Path | None = None) -> list[tuple[str, str]]:
    """(label, name) pairs of the shipped gazetteer, or of the TSV at `path`."""
    if path is None:
        text = resources.files("kg").joinpath("data/gazetteer.tsv").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    pairs = []
    for line in text.splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) >= 2:
            pairs.append((parts[0], parts[1]))
    return pairs


def names_from_annotations(
    records: Iterable[dict[str, Any]], min_precision: float = 0.7
) -> Iterator[tuple[str, str, str]]:
    """(label, name, "kg-annotations") for annotated names that are reliable in running text.

    A name qualifies when most of its whole-word occurrences in the annotated texts are
    annotated with its majority label (`min_precision`), and it was annotated at least
    twice, or once if it looks like a proper name (`GPT-4`, `MiniGrid`).
    """
    records = list(records)
    labelled: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        for mention in record["mentions"]:
            labelled[mention["text"]][mention["label"]] += 1
    texts = [f"{r['title']}\n{r['abstract']}" for r in records]
    for name, counts in labelled.items():
        label, hits = counts.most_common(1)[0]
        if label == "REPO" or name.lower() in GENERIC_PHRASES or len(name) < 2:
            continue
        if hits < (1 if name_shaped(name) else 2):
            continue
        pattern = re.compile(r"(?<![0-9A-Za-z])" + re.escape(name) + r"(?![0-9A-Za-z])")
        total = sum(len(pattern.findall(text)) for text in texts)
        if total and hits / total >= min_precision:
            yield label, name, "kg-annotations"


_WORD = re.compile(r"[A-Za-z0-9](?:[\w@#+\-/.']*[\w@#+])?")


def _key(text: str, case: bool) -> str:
    return " ".join(_WORD.findall(text if case else text.lower()))


def unmarked_names(
    records: list[dict[str, Any]],
    names: dict[str, str],
    min_seen: int = 3,
    max_marked: float = 0.2,
) -> set[str]:
    """The names (name → label) that the annotators of `records` pass over.

    A name is passed over when its words occur at least `min_seen` times in the texts and
    under `max_marked` of those occurrences lie inside an annotated mention (any label; the
    name may be part of a longer one, `sentiment analysis` in `multimodal sentiment
    analysis`). Words are compared as the gazetteer matches them
    (kg.extract.phrases.match_attr): in lower case, but proper-looking and dataset names
    case-sensitively (`MATH` is not `math`).
    """
    from kg.extract.phrases import match_attr

    keys: dict[tuple[str, bool], list[str]] = defaultdict(list)
    for name, label in names.items():
        case = match_attr(label, name) == "ORTH"
        keys[_key(name, case), case].append(name)
    longest = min(6, max((len(key.split()) for key, _ in keys), default=0))
    seen: Counter[tuple[str, bool]] = Counter()
    marked: Counter[tuple[str, bool]] = Counter()
    for record in records:
        for field in ("title", "abstract"):
            spans = [(m["start"], m["end"]) for m in record["mentions"] if m["field"] == field]
            # Offsets are taken in the text as written (lower-casing can change its length).
            words = list(_WORD.finditer(record[field]))
            cased = [w[0] for w in words]
            for case, forms in ((True, cased), (False, [w.lower() for w in cased])):
                for i in range(len(forms)):
                    for n in range(1, min(longest, len(forms) - i) + 1):
                        key = (" ".join(forms[i : i + n]), case)
                        if key not in keys:
                            continue
                        seen[key] += 1
                        begin, end = words[i].start(), words[i + n - 1].end()
                        marked[key] += any(a <= begin and end <= b for a, b in spans)
    return {
        name
        for key, listed in keys.items()
        if seen[key] >= min_seen and marked[key] < max_marked * seen[key]
        for name in listed
    }
