"""The extraction pipeline: building or loading it, and running it over papers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from kg import __version__
from kg.canonical import canonical_name
from kg.ids import entity_key
from kg.registry import load_builtins
from kg.text import mask_markup
from kg.types import ALLOWED, Evidence, Extraction, Link, Mention, Paper

SEPARATOR = "\n\n"
EXTRACTOR = f"kg-rules/{__version__}"
COMPONENTS = (
    "kg_urls",
    "kg_abbreviations",
    "kg_gazetteer",
    "kg_cues",
    "kg_resolve",
    "kg_relations",
)


def build_pipeline(gazetteer: str | None = None) -> Any:
    """A fresh rule pipeline on `spacy.blank("en")`: nothing is downloaded."""
    import spacy

    load_builtins("components")
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "kg.Tokenizer.v1"}}})
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_fields")
    for name in COMPONENTS:
        nlp.add_pipe(name, config={"path": gazetteer} if name == "kg_gazetteer" else {})
    return nlp


def shipped_model() -> Path | None:
    """The trained pipeline inside the package, if one has been built."""
    path = Path(str(resources.files("kg").joinpath("data/model")))
    return path if (path / "config.cfg").exists() else None


def load_pipeline(model: str | Path | None = None, config: dict[str, Any] | None = None) -> Any:
    """The pipeline at `model`, else the shipped trained one, else the rule pipeline.

    `config` overrides settings of a trained pipeline's config (`spacy.load`).
    """
    import spacy

    load_builtins("components")
    path = Path(model) if model else shipped_model()
    if path is None:
        return build_pipeline()
    # The tokenizer is made from code (the config's `kg.Tokenizer.v1`); reading the stored
    # copy as well would build its special cases a second time, about 0.15 s per load.
    return numpy_matmul(spacy.load(path, config=config or {}, exclude=["tokenizer"]))


def numpy_matmul(nlp: Any) -> Any:
    """`nlp` with its trained layers multiplying matrices through numpy's BLAS, not blis.

    For the shipped model's shapes (tokens × 144 times 144 × 144, float32) numpy's
    OpenBLAS multiplies about 2.5 times faster than thinc's default blis on this machine;
    results agree to float rounding (the extraction of the seeds, the ICLR 2024 list and
    the example corpus is identical, and a test compares both on the example corpus).
    """
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model: Any = getattr(component, "model", None)
        for node in model.walk() if hasattr(model, "walk") else ():
            node.ops = ops
    return nlp


def doc_text(paper: Paper) -> str:
    """The text the pipeline reads: title and abstract, markup masked, offsets kept."""
    return mask_markup(paper.title) + SEPARATOR + mask_markup(paper.abstract)


def record_text(record: Mapping[str, Any]) -> str:
    """`doc_text` of a JSON record with `id`, `title` and `abstract` (gold or predicted)."""
    return doc_text(
        Paper(str(record["id"]), record.get("title") or "", record.get("abstract") or "")
    )


def _locate(paper: Paper, start: int, end: int) -> tuple[str, int, int]:
    """(field, start, end) of a character range of `doc_text(paper)`."""
    offset = len(paper.title) + len(SEPARATOR)
    if start < len(paper.title):
        return "title", start, end
    return "abstract", start - offset, end - offset


def _sentence(paper: Paper, field: str, sent_start: int, sent_end: int) -> str:
    return paper.text(field)[sent_start:sent_end].strip()


def to_extraction(paper: Paper, doc: Any) -> Extraction:
    """Turn a processed doc into mentions and links with evidence."""
    from kg.extract.links import LEARNED, probability_key
    from kg.extract.relations import CONFIDENCE
    from kg.extract.tokens import token_table

    mentions = []
    labels: dict[tuple[int, int], str] = {}
    for span in doc.spans["kg_mentions"]:
        labels.setdefault((span.start, span.end), span.label_)
        field, start, end = _locate(paper, span.start_char, span.end_char)
        mentions.append(Mention(field, start, end, paper.text(field)[start:end], span.label_))
    evidence: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    relations = doc.spans["kg_relations"]
    table = token_table(doc) if len(relations) else None
    for span in relations:
        label = labels[(span.start, span.end)]
        if span.label_ not in ALLOWED[label]:
            continue
        assert table is not None
        field, start, end = _locate(paper, span.start_char, span.end_char)
        written = paper.text(field)[start:end]
        surface = table.text[span.start_char : span.end_char]
        # Masking turns `Nystr\"om` into letters the text does not have: name it as written.
        name = canonical_name(label, written if span.kb_id_ == surface else span.kb_id_)
        key = (label, entity_key(label, name))
        names.setdefault(key, name)
        first, last = table.sentence(span.start)
        s_field, s_start, s_end = _locate(paper, table.starts[first], table.ends[last - 1])
        evidence[(span.label_, *key)].append(
            Evidence(
                field,
                _sentence(paper, s_field, max(s_start, 0), s_end),
                start,
                end,
                f"{EXTRACTOR}:{span.id_}",
                __version__,
                doc.user_data.get(probability_key(span), 0.5)
                if span.id_ == LEARNED
                else CONFIDENCE.get(span.id_, 0.5),
            )
        )
    links = [
        Link(relation, label, names[(label, key)], tuple(found))
        for (relation, label, key), found in sorted(evidence.items())
    ]
    aliases = sorted(
        {(s.kb_id_, s.text) for s in doc.spans.get("kg_abbrevs", []) if s.label_ == "LONG"}
    )
    return Extraction(
        paper, tuple(mentions), tuple(_evaluated_benchmarks(_prune(links))), tuple(aliases)
    )


def _prune(links: list[Link]) -> list[Link]:
    """One METHOD relation per entity (proposes > compares_with > uses); `uses` of data only alone."""
    by_entity: dict[tuple[str, str], set[str]] = defaultdict(set)
    for link in links:
        by_entity[(link.label, entity_key(link.label, link.entity))].add(link.relation)
    kept = []
    for link in links:
        relations = by_entity[(link.label, entity_key(link.label, link.entity))]
        if link.label == "METHOD":
            best = next(r for r in ("proposes", "compares_with", "uses") if r in relations)
            if link.relation != best:
                continue
        elif link.relation == "uses" and relations & {"proposes", "evaluates_on"}:
            continue
        kept.append(link)
    return kept


def _evaluated_benchmarks(links: list[Link]) -> list[Link]:
    """`links`, and `evaluates_on` for each benchmark the paper proposes without one: a paper
    that builds a benchmark reports results on it (15 of the 19 proposed benchmarks of the
    annotated train split also have `evaluates_on`)."""
    from kg.extract.relations import CONFIDENCE

    rule = "proposed_benchmark"
    evaluated = {(link.label, link.entity) for link in links if link.relation == "evaluates_on"}
    added = [
        Link(
            "evaluates_on",
            link.label,
            link.entity,
            tuple(
                replace(e, extractor=f"{EXTRACTOR}:{rule}", confidence=CONFIDENCE[rule])
                for e in link.evidence
            ),
        )
        for link in links
        if link.label == "BENCHMARK"
        and link.relation == "proposes"
        and (link.label, link.entity) not in evaluated
    ]
    if not added:
        return links
    return sorted(
        links + added,
        key=lambda link: (link.relation, link.label, entity_key(link.label, link.entity)),
    )


def extract_papers(
    papers: Iterable[Paper], nlp: Any = None, batch_size: int = 64
) -> Iterator[Extraction]:
    """Stream extractions for `papers` through `nlp.pipe`, in input order.

    A paper on which a component raises does not end the stream: its batch is run again
    paper by paper, and the failing paper comes out with nothing found and its `failure`
    (the caller applies the bad-input policy). One odd abstract must not cost a long build.
    """
    from kg.extract.parallel import batches

    nlp = nlp or load_pipeline()
    for batch in batches(papers, batch_size):
        try:
            docs = list(nlp.pipe((doc_text(p) for p in batch), batch_size=batch_size))
            found = [to_extraction(p, d) for p, d in zip(batch, docs, strict=True)]
        except Exception:  # noqa: BLE001 - any component's bug; found again paper by paper
            found = [_extract_alone(p, nlp) for p in batch]
        yield from found


def _extract_alone(paper: Paper, nlp: Any) -> Extraction:
    try:
        return to_extraction(paper, nlp(doc_text(paper)))
    except Exception as err:  # noqa: BLE001 - reported as the paper's failure
        return Extraction(paper, (), (), failure=describe_failure(err))


def describe_failure(err: BaseException) -> str:
    """One line naming an exception and where it was raised (`IndexError: … at pairs.py:172`)."""
    import traceback

    frames = traceback.extract_tb(err.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    message = " ".join(str(err).split())  # spaCy's errors run over several lines
    return f"{type(err).__name__}: {message}{where}"


def extract_paper(paper: Paper, nlp: Any = None) -> Extraction:
    """The extraction of one paper."""
    return next(extract_papers([paper], nlp))
