"""Property-based tests (hypothesis): ingest never fails but by the documented skip, ids and IRIs
never collapse, canonicalisation is idempotent."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from kg.canonical import canonical_name
from kg.export.rdf import RESOURCE, node_iri
from kg.ids import entity_id, entity_key, fold, normalise_title, normalise_url, paper_id
from kg.ingest import BadInput, ReadReport, read_papers
from kg.ingest.policy import clean_text
from kg.registry import load_builtins, readers
from kg.types import LABELS

load_builtins("readers")
SUFFIXES = sorted({r.suffixes[0] for r in (readers.get(n) for n in readers.get_all())})
# KG_HYPOTHESIS_EXAMPLES raises the number of examples for a longer local search.
PROPERTIES = settings(
    max_examples=int(os.environ.get("KG_HYPOTHESIS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# JSON values a scraped record may hold in any field.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
record_keys = st.sampled_from(
    ["id", "title", "abstract", "summary", "year", "month", "date", "doi", "arxiv_id", "url"]
)
records = st.dictionaries(record_keys | st.text(max_size=5), json_values, max_size=6)


def read_bytes(data: bytes, suffix: str, strict: bool = False) -> tuple[list[Any], ReadReport]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        report = ReadReport(strict=strict, warn=lambda line: None)
        return list(read_papers([path], report=report)), report


def assert_clean(papers: list[Any]) -> None:
    for paper in papers:
        assert paper.title or paper.abstract
        for text in (paper.id, paper.title, paper.abstract):
            assert clean_text(text) == text
            text.encode("utf-8")


@PROPERTIES
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_any_bytes_read_or_skip_never_raise(data: bytes, suffix: str) -> None:
    papers, report = read_bytes(data, suffix)
    assert_clean(papers)
    assert report.papers == len(papers)
    try:
        strict, _ = read_bytes(data, suffix, strict=True)
    except BadInput as err:
        assert str(err).splitlines() == [str(err)]
    else:
        assert [p.id for p in strict] == [p.id for p in papers]


@PROPERTIES
@given(text=st.text(max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_any_text_read_or_skip_never_raise(text: str, suffix: str) -> None:
    papers, _ = read_bytes(text.encode("utf-8", "surrogatepass"), suffix)
    assert_clean(papers)


@PROPERTIES
@given(rows=st.lists(records, max_size=6))
def test_json_records_keep_their_text_exactly(rows: list[dict[str, Any]]) -> None:
    """A record with a string title or abstract is read with exactly that text, cleaned."""
    lines = [json.dumps(r) for r in rows]
    papers, report = read_bytes("\n".join(lines).encode(), ".jsonl")
    assert_clean(papers)
    texts = {(p.title, p.abstract) for p in papers}
    for paper in papers:
        assert (paper.title, paper.abstract) in texts
    assert report.papers + report.duplicates + report.skipped >= len(papers)
    for record in rows:
        title, abstract = record.get("title"), record.get("abstract")
        if not (isinstance(title, str) and isinstance(abstract, str)):
            continue
        title, abstract = clean_text(title).strip(), clean_text(abstract).strip()
        if title and abstract and len(abstract) < 1000 and "id" not in record:
            assert any(t == title for t, _ in texts) or report.duplicates


@PROPERTIES
@given(a=st.text(), b=st.text(), kind=st.sampled_from(["Paper", "Method", "Repository"]))
def test_node_iris_are_injective_and_valid(a: str, b: str, kind: str) -> None:
    from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse, serialize

    iri_a, iri_b = node_iri(a, kind), node_iri(b, kind)
    assert (iri_a == iri_b) == (a == b)
    assert iri_a.startswith(RESOURCE + kind.lower() + "/")
    assert "/" not in iri_a.removeprefix(RESOURCE + kind.lower() + "/")
    quad = Quad(NamedNode(iri_a), NamedNode(RESOURCE + "p"), Literal("x"))
    text = serialize([quad], format=RdfFormat.N_QUADS)
    assert [q.subject.value for q in parse(text, format=RdfFormat.N_QUADS)] == [iri_a]


@PROPERTIES
@given(a=st.text(), b=st.text())
def test_own_ids_are_kept_and_distinct(a: str, b: str) -> None:
    a_clean, b_clean = a.strip(), b.strip()
    assume(a_clean and b_clean)
    assert paper_id({"id": a}) == paper_id({"id": a}) == a_clean
    assert (paper_id({"id": a}) == paper_id({"id": b})) == (a_clean == b_clean)


@PROPERTIES
@given(a=st.text(min_size=1), b=st.text(min_size=1))
def test_hashed_ids_follow_normalised_titles(a: str, b: str) -> None:
    assume(normalise_title(a) and normalise_title(b))
    same = paper_id({"title": a}) == paper_id({"title": b})
    assert same == (normalise_title(a) == normalise_title(b))


@PROPERTIES
@given(
    name=st.text(), labels=st.lists(st.sampled_from(LABELS), min_size=2, max_size=2, unique=True)
)
def test_entities_of_different_labels_never_share_an_id(name: str, labels: list[str]) -> None:
    assert entity_id(labels[0], name) != entity_id(labels[1], name)


@PROPERTIES
@given(text=st.text())
def test_normalisations_are_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert normalise_title(normalise_title(text)) == normalise_title(text)
    assert normalise_url(normalise_url(text)) == normalise_url(text)
    assert clean_text(clean_text(text)) == clean_text(text)


@PROPERTIES
@given(label=st.sampled_from(LABELS), text=st.text())
def test_canonical_name_is_idempotent(label: str, text: str) -> None:
    once = canonical_name(label, text)
    assert canonical_name(label, once) == once
    assert entity_key(label, canonical_name(label, once)) == entity_key(label, once)


# Words that exercise each rule: articles, possessives, plurals, capitals, `of`.
WORDS = st.sampled_from(
    [
        "the",
        "The",
        "a",
        "Our",
        "our",
        "its",
        "models",
        "Models",
        "GNNs",
        "LLMs",
        "classes",
        "strategies",
        "series",
        "of",
        "Graph",
        "'s",
        "'",
        "’s",
        "network's",
        "Meta-Worlds",
        "x",
    ]
)


@pytest.mark.parametrize("label", LABELS)
@PROPERTIES
@given(
    words=st.lists(
        WORDS | st.from_regex(r"[A-Za-z][a-z]{0,8}", fullmatch=True), min_size=1, max_size=5
    )
)
@example(words=["the", "the", "models"])
@example(words=["Our", "models's"])
@example(words=["models'", "'"])
def test_canonical_name_of_words_is_idempotent(label: str, words: list[str]) -> None:
    """Words (the common case, which st.text rarely draws) are canonical after one pass."""
    once = canonical_name(label, " ".join(words))
    assert canonical_name(label, once) == once


# Text around addresses: letters of any case (also the Kelvin sign and long s, which
# case-insensitive matching folds to `k` and `s`), punctuation and address pieces.
url_text = st.lists(
    st.sampled_from(
        [
            "HTTPS://",
            "http://",
            "ftp://",
            "WWW.",
            "github.com/",
            "GitLab.Com/",
            "bitbuc\u212aet.org/",
        ]
        + ["huggingface.co/", "gitee.com/", "x", "/", ".", " ", "\u017f", "a-b", ")", "GITHUB.COM"]
    )
    | st.text(max_size=4),
    max_size=12,
).map("".join)


@PROPERTIES
@given(url_text)
@example("code: bitbuc\u212aet.org/team/x")
@example("HTTP\u017f://example.org/a")
@example("WWW.Example.org.")
def test_url_prefilter_never_misses_an_address(text: str) -> None:
    from kg.extract.tokenizer import URL_RE
    from kg.extract.urls import may_hold_url

    if URL_RE.search(text):
        assert may_hold_url(text)
