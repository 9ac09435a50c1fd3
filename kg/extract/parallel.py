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
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any

from kg.types import Extraction, Link, Mention, Paper

# What a worker sends back per paper: everything an Extraction holds but the Paper.
Found = tuple[tuple[Mention, ...], tuple[Link, ...], tuple[tuple[str, str], ...], str]

_NLP: Any = None  # the pipeline of this worker process, loaded once by `_start_worker`
_SETTLED: int | None = None  # the id of the process `settle_worker` last readied


def one_blas_thread() -> Any:
    """Limit numpy's BLAS to one thread (for the rest of the process, or the `with` block).

    Parallelism comes from worker processes; BLAS threads on top of them would fight
    for the same cores. numpy is imported first: the limit applies to loaded libraries only.
    """
    import numpy  # noqa: F401
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1, user_api="blas")


def steady_heap(top: int = 128 << 20, large: int = 32 << 20) -> bool:
    """Let this process keep up to `top` bytes of freed heap, and take blocks up to `large` from it.

    glibc hands the free top of the heap back to the kernel, and the pages are faulted in
    again at the next batch. In forked workers that happened batch after batch: two workers
    over 2,000 bench abstracts took 340,000 minor page faults and 1.3 s of system time,
    against 45,000 and 0.3 s with both thresholds set (once either is set, glibc no longer
    adapts them to the sizes freed). A worker's memory then stays at its peak, which is flat
    in the input. False, and nothing changed, where the C library has no `mallopt`.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    mallopt = getattr(ctypes.CDLL(name), "mallopt", None) if name else None
    if mallopt is None:
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # from glibc's malloc.h
    return bool(mallopt(m_mmap_threshold, large)) and bool(mallopt(m_trim_threshold, top))


def settle_worker() -> None:
    """Ready a worker process whose pipeline is loaded for a long run of batches.

    The heap is kept (`steady_heap`), and what the worker holds so far is frozen out of the
    cyclic garbage collector (`gc.freeze`): the pipeline lives as long as the process, so
    walking it at every full collection is wasted, and in a forked worker that walk also
    writes to, and so copies, pages it shares with the parent. Once per process; call it
    only in a worker, never in a process that goes on to other work.
    """
    import gc
    import os

    global _SETTLED
    if os.getpid() != _SETTLED:
        _SETTLED = os.getpid()
        steady_heap()
        gc.freeze()


def _start_worker(model: str | None) -> None:
    global _NLP
    from kg.extract.pipeline import load_pipeline

    one_blas_thread()
    if _NLP is None:  # not inherited from the parent (spawn)
        _NLP = load_pipeline(model)
    settle_worker()


def _preload(model: str | None) -> None:
    """Load the pipeline in this process once, for forked workers to inherit.

    Loading takes about a second (importing spaCy and reading the model); loaded once
    before the fork, every worker starts at once and shares the pages until it writes to them.
    """
    global _NLP
    from kg.extract.pipeline import load_pipeline

    _NLP = load_pipeline(model)


def extract_found(papers: list[Paper], nlp: Any, batch_size: int = 64) -> list[Found]:
    """Mentions, links, aliases and failure of each paper of one batch, in order."""
    from kg.extract.pipeline import extract_papers

    return [
        (ex.mentions, ex.links, ex.aliases, ex.failure)
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
    caller's script (spawn and forkserver re-import it). A worker only runs the pipeline
    it loads itself, never a lock or thread the parent may hold (a progress bar's monitor).
    """
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def forks() -> bool:
    """Whether worker processes started here are forked (and inherit what the parent loaded)."""
    return bool(pool_context().get_start_method() == "fork")


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
    global _NLP
    if forks():
        _preload(str(model) if model else None)
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=pool_context(),
            initializer=_start_worker,
            initargs=(str(model) if model else None,),
        ) as pool:
            yield from in_order(
                batches(papers, batch_size),
                lambda batch: pool.submit(_run_batch, batch, batch_size),
                workers * in_flight,
            )
    finally:
        _NLP = None  # the parent never runs it; let it go with the pool


def in_order(
    shards: Iterable[list[Paper]], submit: Callable[[list[Paper]], Any], limit: int
) -> Iterator[Extraction]:
    """Submit shards in order, at most `limit` out at once, and yield their extractions in order.

    `submit(shard)` returns a future (concurrent.futures or Dask) of the shard's `Found` list.
    """
    pending: deque[tuple[list[Paper], Any]] = deque()
    for shard in shards:
        pending.append((shard, submit(shard)))
        if len(pending) >= max(1, limit):
            yield from _join(*pending.popleft())
    while pending:
        yield from _join(*pending.popleft())


def _join(shard: list[Paper], future: Any) -> Iterator[Extraction]:
    for paper, (mentions, links, aliases, failure) in zip(shard, future.result(), strict=True):
        yield Extraction(paper, mentions, links, aliases, failure)


def extract_stream(
    papers: Iterable[Paper],
    model: str | Path | None = None,
    workers: int = 1,
    nlp: Any = None,
    cluster: str | None = None,
) -> Iterator[Extraction]:
    """Extractions of `papers` in input order: on a Dask cluster when `cluster` names one,
    else in this process for one worker, else in a pool of `workers` processes."""
    if cluster:
        from kg.extract.distributed import extract_cluster

        yield from extract_cluster(papers, cluster, model)
        return
    if workers > 1:
        yield from extract_parallel(papers, model, workers)
        return
    from kg.extract.pipeline import extract_papers, load_pipeline

    with one_blas_thread():
        yield from extract_papers(papers, nlp if nlp is not None else load_pipeline(model))
