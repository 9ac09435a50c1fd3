"""Extraction over several processes: each loads the pipeline once and returns Extractions.

spaCy's `nlp.pipe(n_process=N)` sends whole Docs (with every span group) back to the
parent, which costs more than the extraction itself; here a worker turns its Docs into
the small `Extraction` records before anything crosses a process boundary, and only the
found mentions, links and aliases travel back (the parent still holds the Paper). Batches
are submitted in input order with a bounded number in flight, so memory stays flat in the
input size and the output order is the input order whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any

from kg.types import Extraction, Link, Mention, Paper

# What a worker sends back per paper: everything an Extraction holds but the Paper.
Found = tuple[tuple[Mention, ...], tuple[Link, ...], tuple[tuple[str, str], ...]]

_NLP: Any = None  # the pipeline of this worker process, loaded once by `_start_worker`


def one_blas_thread() -> Any:
    """Limit numpy's BLAS to one thread (for the rest of the process, or the `with` block).

    Parallelism comes from worker processes; BLAS threads on top of them would fight
    for the same cores.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1, user_api="blas")


def _start_worker(model: str | None) -> None:
    global _NLP
    from kg.extract.pipeline import load_pipeline

    one_blas_thread()
    _NLP = load_pipeline(model)


def extract_found(papers: list[Paper], nlp: Any, batch_size: int = 64) -> list[Found]:
    """Mentions, links and aliases of each paper of one batch, in order."""
    from kg.extract.pipeline import extract_papers

    return [
        (ex.mentions, ex.links, ex.aliases)
        for ex in extract_papers(papers, nlp, batch_size=batch_size)
    ]


def _run_batch(papers: list[Paper], batch_size: int) -> list[Found]:
    return extract_found(papers, _NLP, batch_size)


def batches(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    """Consecutive lists of `size` papers (the last may be shorter)."""
    iterator = iter(papers)
    while batch := list(islice(iterator, size)):
        yield batch


def pool_context() -> Any:
    """`fork` where it exists, else `spawn`.

    Forked workers start at once and need no `if __name__ == "__main__"` guard in the
    caller's script (spawn and forkserver re-import it); the parent holds no threads
    while the pool starts, since the pool is made before any batch is submitted.
    """
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def extract_parallel(
    papers: Iterable[Paper],
    model: str | Path | None = None,
    workers: int = 2,
    batch_size: int = 64,
    in_flight: int = 3,
) -> Iterator[Extraction]:
    """Stream the extractions of `papers` from `workers` processes, in input order.

    At most `in_flight` batches per worker are queued or running at once, so at most
    `workers * in_flight * batch_size` papers are held besides the one being written.
    """
    limit = max(1, workers * in_flight)
    pending: deque[tuple[list[Paper], Future[list[Found]]]] = deque()
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=pool_context(),
        initializer=_start_worker,
        initargs=(str(model) if model else None,),
    ) as pool:
        for batch in batches(papers, batch_size):
            pending.append((batch, pool.submit(_run_batch, batch, batch_size)))
            if len(pending) >= limit:
                yield from _collect(*pending.popleft())
        while pending:
            yield from _collect(*pending.popleft())


def _collect(batch: list[Paper], future: Future[list[Found]]) -> Iterator[Extraction]:
    for paper, (mentions, links, aliases) in zip(batch, future.result(), strict=True):
        yield Extraction(paper, mentions, links, aliases)


def extract_stream(
    papers: Iterable[Paper],
    model: str | Path | None = None,
    workers: int = 1,
    nlp: Any = None,
) -> Iterator[Extraction]:
    """Extractions of `papers` in input order: in this process for one worker, else in a pool."""
    if workers > 1:
        yield from extract_parallel(papers, model, workers)
        return
    from kg.extract.pipeline import extract_papers, load_pipeline

    with one_blas_thread():
        yield from extract_papers(papers, nlp if nlp is not None else load_pipeline(model))
