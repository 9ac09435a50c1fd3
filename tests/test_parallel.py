"""Parallel extraction, the token table and the numpy matrix products change no output."""

from __future__ import annotations

from typing import Any

import pytest

from kg.extract.parallel import extract_parallel, extract_stream, pool_context, settle_worker
from kg.extract.pipeline import doc_text, extract_papers, load_pipeline
from kg.extract.tokens import token_table
from kg.ingest import read_papers
from kg.types import Paper

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    return list(read_papers([EXAMPLES]))


@pytest.fixture(scope="module")
def shipped() -> Any:
    return load_pipeline()


def test_two_workers_give_the_one_worker_extractions_in_order(
    papers: list[Paper], shipped: Any
) -> None:
    one = list(extract_stream(papers, nlp=shipped))
    # Batches of three, so that results from both workers interleave.
    two = list(extract_parallel(papers, workers=2, batch_size=3, in_flight=1))
    assert two == one and [ex.paper.id for ex in two] == [p.id for p in papers]


def test_what_workers_send_back_pickles_to_equal_values(papers: list[Paper], shipped: Any) -> None:
    import pickle

    from kg.types import Evidence, Extraction, Link, Mention

    found = list(extract_stream(papers, nlp=shipped))
    evidence = Evidence("abstract", "A sentence.", 2, 9, "kg_links", "1", 0.75)
    made = [
        Paper("p1", "T", "A", "f:1", "2024"),
        Mention("title", 0, 4, "BERT", "METHOD"),
        Link("uses", "METHOD", "BERT", (evidence,)),
        Extraction(papers[0], (), (), (("GAN", "generative adversarial network"),), "x"),
    ]
    for value in [*found, *made]:
        back = pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == value and type(back) is type(value)
    assert any(ex.links and ex.links[0].evidence for ex in found)


def _settled_twice() -> tuple[int, int, int, bool]:
    import gc

    from kg.extract.parallel import steady_heap

    before = gc.get_freeze_count()
    settle_worker()
    once = gc.get_freeze_count()
    made_since: list[list[int]] = [
        [] for _ in range(100)
    ]  # tracked objects a second freeze would take too
    settle_worker()
    assert made_since
    return before, once, gc.get_freeze_count(), steady_heap()


def test_a_settled_worker_freezes_what_it_holds_once_and_keeps_its_heap() -> None:
    import gc
    import platform
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=pool_context()) as pool:
        before, once, twice, steady = pool.submit(_settled_twice).result()
    assert before == 0 and once > 1000 and twice == once
    assert gc.get_freeze_count() == 0  # the calling process is left alone
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert steady


def test_numpy_matrix_products_give_the_blis_extractions(papers: list[Paper], shipped: Any) -> None:
    from thinc.api import NumpyOps

    blis = load_pipeline()
    for _, component in blis.pipeline:
        for node in component.model.walk() if hasattr(component, "model") else ():
            node.ops = NumpyOps()  # thinc's default: blis
    assert list(extract_papers(papers, blis)) == list(extract_papers(papers, shipped))


def test_token_table_answers_as_spacy_does(papers: list[Paper], shipped: Any) -> None:
    for doc in shipped.pipe(doc_text(p) for p in papers):
        table = token_table(doc)
        assert table.text == doc.text and table.texts == [t.text for t in doc]
        assert table.lowers == [t.lower_ for t in doc]
        assert table.punct == [t.is_punct for t in doc]
        assert table.alpha == [t.is_alpha for t in doc]
        assert table.stop == [t.is_stop for t in doc]
        assert table.blank == [t.is_space for t in doc]
        assert table.ends == [t.idx + len(t) for t in doc]
        assert table.spaced == [bool(t.whitespace_) for t in doc]
        for i in range(0, len(doc), 7):
            # A span from token i runs over a sentence end; spaCy gives the first sentence.
            sent = doc[i : min(i + 12, len(doc))].sent
            assert table.sentence(i) == (sent.start, sent.end)
            assert table.span_text(i, min(i + 5, len(doc))) == doc[i : i + 5].text
