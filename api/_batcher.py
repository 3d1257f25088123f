"""Micro-batching: concurrent single-document requests are scanned together.

One ``scan`` call has a fixed cost of a few milliseconds (array set-up, model calls) that a batch of 64
documents shares, so under load a worker gathers whatever requests are pending when the previous batch
finishes and scans them in one ``scan_many`` call in a thread. There is no waiting window: a lone request
is scanned at once, so latency at low load is that of a single scan.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool

from moderation import Document

Job = tuple[list[Document], "asyncio.Future[list[dict[str, Any]]]"]


class Batcher:
    """Queue of scan jobs drained by one background task per event loop.

    The queue and task belong to the loop that first submits; if the app is later driven from another
    loop (test clients do that), a fresh queue and task are made for it.
    """

    def __init__(self, scan: Callable[[list[Document]], list[dict[str, Any]]], max_documents: int = 64):
        self.scan = scan
        self.max_documents = max_documents
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queue: asyncio.Queue[Job] | None = None
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        if self.loop is not loop or self.task is None or self.task.done():
            self.loop = loop
            self.queue = asyncio.Queue()
            self.task = loop.create_task(self._run(self.queue))

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            if self.loop is asyncio.get_running_loop():
                with contextlib.suppress(asyncio.CancelledError):
                    await self.task
            self.task = None

    async def submit(self, items: list[Document]) -> list[dict[str, Any]]:
        """Scan ``items`` (possibly together with other requests' items); results in order."""
        self.start()
        assert self.queue is not None
        future: asyncio.Future[list[dict[str, Any]]] = asyncio.get_running_loop().create_future()
        await self.queue.put((items, future))
        return await future

    async def _run(self, queue: asyncio.Queue[Job]) -> None:
        while True:
            jobs = [await queue.get()]
            total = len(jobs[0][0])
            while total < self.max_documents and not queue.empty():
                job = queue.get_nowait()
                jobs.append(job)
                total += len(job[0])
            live = [(items, fut) for items, fut in jobs if not fut.cancelled()]
            flat = [doc for items, _ in live for doc in items]
            try:
                results = await run_in_threadpool(self.scan, flat) if flat else []
            except Exception as exc:  # delivered to every waiting request
                for _, fut in live:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            pos = 0
            for items, fut in live:
                if not fut.done():
                    fut.set_result(results[pos : pos + len(items)])
                pos += len(items)
