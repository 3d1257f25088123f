"""The worker pool of a local run: chunks of records cleaned here or in N processes, results in order.

Memory stays bounded: at most ``4 x workers`` chunks are in flight, and each result is handed on as soon
as its turn comes. Output order equals input order because results are collected in the order the chunks
were submitted. Worker processes are spawned (each loads the models once) and exit at once when the
main process dies: they never write files, so nothing is lost.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice

from .._errors import ModerationError
from .._orphans import watch_parent
from .cleaner import ChunkResult, Cleaner, CleanOptions
from .formats import RawRecord

_worker: Cleaner | None = None


def _init_worker(options: CleanOptions, parent: int) -> None:
    """Set up a worker process. ``parent`` is the pid of the process that started it, passed by that
    process: asked here, ``os.getppid()`` would already be the reaper's if the parent died while this
    worker was starting, and the worker would then wait for ever."""
    global _worker
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    # workers never write files: exiting at once when the parent dies loses nothing
    watch_parent(parent, lambda: os._exit(1))
    _worker = Cleaner(options)


def _clean_in_worker(
    names: Sequence[str], chunk: Sequence[RawRecord], encode: bool, compression: str | None
) -> ChunkResult:
    assert _worker is not None, "worker not initialised"
    return _worker.clean(names, chunk, encode, compression)


def chunks(records: Iterable[RawRecord], size: int) -> Iterator[list[RawRecord]]:
    """Records in lists of ``size`` (the last one shorter)."""
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


class WorkerPool:
    """Cleans chunks with ``Cleaner`` in this process (1 worker) or in ``workers`` spawned processes.

    Args:
        options: what the cleaner does.
        workers: processes (1 = here).
        encode, compression: what the writer wants from the workers (``Writer.encoded``,
            ``Writer.compression``): records as JSON lines, compressed blocks.
    """

    def __init__(self, options: CleanOptions, workers: int, encode: bool, compression: str | None) -> None:
        self.options = options
        self.workers = workers
        self.encode = encode
        self.compression = compression

    def map(
        self, chunks: Iterator[list[RawRecord]], names: list[str]
    ) -> Iterator[tuple[list[RawRecord], ChunkResult]]:
        """(chunk, its result) for every chunk, in input order."""
        if self.workers <= 1:
            cleaner = Cleaner(self.options)
            for chunk in chunks:
                yield chunk, cleaner.clean(names, chunk, self.encode, self.compression)
            return
        yield from self._in_processes(chunks, names)

    def _in_processes(
        self, chunks: Iterator[list[RawRecord]], names: list[str]
    ) -> Iterator[tuple[list[RawRecord], ChunkResult]]:
        import multiprocessing as mp

        window: deque[tuple[list[RawRecord], Future[ChunkResult]]] = deque()
        context = mp.get_context("spawn")
        setup = (self.options, os.getpid())
        with ProcessPoolExecutor(self.workers, context, _init_worker, setup) as pool:
            try:
                for chunk in chunks:
                    job = pool.submit(_clean_in_worker, names, chunk, self.encode, self.compression)
                    window.append((chunk, job))
                    if len(window) >= 4 * self.workers:
                        done, fut = window.popleft()
                        yield done, fut.result()
                while window:
                    done, fut = window.popleft()
                    yield done, fut.result()
            except BrokenProcessPool:
                raise ModerationError(
                    "a worker process died (out of memory or killed); the run stopped at its last "
                    "checkpoint: run the same command with --resume to continue"
                ) from None
            except BaseException:
                for _, fut in window:
                    fut.cancel()
                raise
