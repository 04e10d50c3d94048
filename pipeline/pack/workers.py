"""Worker processes: records reach them by fork where the platform has it (or are reloaded from the
paths), fonts are loaded once per worker, results come back in the order of the items."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Any

from pipeline import fonts
from pipeline.records import Records, load

STATE: dict[str, Any] = {}  # this process's records and options (set before forking, or by _init)


def _init(paths: tuple[str, ...], options: Any) -> None:
    if "records" not in STATE:  # spawned, not forked: load what the parent had
        STATE.update(records=load(paths), options=options)
    for style in fonts.STYLES:  # once per worker, not once per pack
        fonts.faces(style)


def worker_count(jobs: int | None) -> int:
    """How many processes --jobs asks for (None: one per CPU)."""
    return jobs or os.cpu_count() or 1


def parallel(fn: Callable[[Any, str], Any], items: list, arg: str, *, records: Records,
             paths: tuple[str, ...], options: Any, jobs: int | None,
             crashed: Callable[[Any, BaseException], Any],
             progress: Callable[[int], Any] | None = None, weight: Callable[[Any], int] | None = None) -> list:
    """[fn(item, arg) for item in items], in worker processes when jobs > 1 (results in item order).

    fn catches its own errors; a worker process that dies outright gives `crashed(item, exc)`.
    progress(weight(item)) is called as each item finishes (weight: 1 by default)."""
    STATE.update(records=records, options=options)
    workers = max(1, min(worker_count(jobs), len(items)))
    # The records and everything loaded so far live for the whole batch: freeze them out of the garbage
    # collector, whose full collections would otherwise walk them again and again (and, in forked
    # workers, touch every inherited page, so each worker ends up with a private copy of the heap).
    gc.collect()
    gc.freeze()
    try:
        return _parallel(fn, items, arg, workers, paths, options, crashed, progress, weight or (lambda _: 1))
    finally:
        gc.unfreeze()


def _parallel(fn: Callable[[Any, str], Any], items: list, arg: str, workers: int, paths: tuple[str, ...],
              options: Any, crashed: Callable[[Any, BaseException], Any],
              progress: Callable[[int], Any] | None, weight: Callable[[Any], int]) -> list:
    results: list = [None] * len(items)
    if workers == 1:
        for n, item in enumerate(items):
            results[n] = fn(item, arg)
            if progress:
                progress(weight(item))
        return results
    ctx = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init,
                             initargs=(tuple(paths), options)) as pool:
        futures: dict[Future, int] = {pool.submit(fn, item, arg): n for n, item in enumerate(items)}
        for fut in as_completed(futures):
            n = futures[fut]
            try:
                results[n] = fut.result()
            except Exception as exc:  # the worker process itself died
                results[n] = crashed(items[n], exc)
            if progress:
                progress(weight(items[n]))
    return results
