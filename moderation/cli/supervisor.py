"""Run the HTTP service in several worker processes, each with its own listening socket (SO_REUSEPORT).

Why not ``uvicorn.run(workers=N)``: there every worker accepts from one shared socket, and whichever
process is idle at that moment takes the new connection. Clients that open a pool of keep-alive
connections at once (scrapers, load balancers) can land 39 on one worker and 89 on the other, and keep
them: measured here at half load, p99 went from 92-106 ms (balanced) to 147-231 ms (lopsided). With one
socket per worker and SO_REUSEPORT, the kernel spreads connections by a hash of their addresses, whatever
each worker is doing.

The parent only supervises: it reserves the port (binding without listening, so a taken port fails here
with a clear message and port 0 is resolved once), starts the workers, restarts one that dies, and on
SIGINT/SIGTERM asks every worker to finish its requests and exit. Off Linux (no balancing SO_REUSEPORT),
the caller falls back to uvicorn's own workers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import sys
import time
from multiprocessing.connection import wait
from typing import Any

from .._errors import ConfigurationError
from .._orphans import watch_parent

BACKOFF_FIRST = 0.5  # seconds before the first restart of a worker that died; doubled after each death
BACKOFF_MAX = 30.0  # ... up to this
STABLE_AFTER = 60.0  # a worker that served this long resets its backoff
START_ATTEMPTS = 3  # a worker that dies before it is ready this many times in a row cannot start: give up


def reuse_port_supported() -> bool:
    """Linux balances connections across SO_REUSEPORT listeners; macOS and the BSDs accept the option but
    do not spread connections that way, so there uvicorn's own workers stay."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _bound_socket(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    if family == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    sock.bind(address)
    return sock


def check_address(host: str, port: int) -> None:
    """Fail as the several-worker path does (``ConfigurationError``, exit status 2, the same message) when
    ``host:port`` cannot be bound, before uvicorn's single worker tries and exits with its own words."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
    except OSError as exc:
        raise ConfigurationError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _worker(host: str, port: int, uvicorn_options: dict[str, Any], parent: int, ready: Any) -> None:
    """One worker process: its own socket on the shared port, one uvicorn server (which handles SIGINT and
    SIGTERM itself: it stops accepting, finishes open requests, runs the app's shutdown). ``ready`` is set
    once the app has started and the socket listens: the supervisor tells a crash from a failed start
    by it."""
    import uvicorn

    class ReadyServer(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                ready.set()

    # Its own process group: a Ctrl-C in the terminal reaches only the supervisor, which passes one
    # SIGTERM on (two signals would make uvicorn skip the graceful part). If the supervisor is killed
    # outright, the worker shuts itself down instead of holding the port.
    os.setpgrp()
    watch_parent(parent, lambda: os.kill(os.getpid(), signal.SIGTERM))  # parent: the supervisor's own pid
    sock = _bound_socket(host, port)
    ReadyServer(uvicorn.Config(**uvicorn_options)).run(sockets=[sock])


class _Slot:
    """One worker's place: the process, whether it became ready, and its restart schedule."""

    def __init__(self) -> None:
        self.proc: Any = None
        self.ready: Any = None
        self.born = 0.0
        self.backoff = BACKOFF_FIRST
        self.failed_starts = 0
        self.restart_at: float | None = None

    def died(self, now: float) -> str:
        """Schedule the restart of a worker that exited; returns why the service must stop, or ''."""
        if self.ready.is_set():
            self.failed_starts = 0
            if now - self.born >= STABLE_AFTER:
                self.backoff = BACKOFF_FIRST
        else:
            self.failed_starts += 1
            if self.failed_starts >= START_ATTEMPTS:
                return (
                    f"a worker could not start ({START_ATTEMPTS} attempts; last exit code "
                    f"{self.proc.exitcode}; see its log above)"
                )
        self.restart_at = now + self.backoff
        self.backoff = min(self.backoff * 2, BACKOFF_MAX)
        return ""


def serve_workers(host: str, port: int, workers: int, uvicorn_options: dict[str, Any]) -> None:
    """Serve ``uvicorn_options["app"]`` from ``workers`` processes on ``host:port`` until SIGINT/SIGTERM.

    A worker that dies is restarted, after a pause that doubles with each death (``BACKOFF_FIRST`` up to
    ``BACKOFF_MAX``, reset once it has served ``STABLE_AFTER`` seconds), for as long as the service runs.
    Only a worker that dies before it is ready ``START_ATTEMPTS`` times in a row stops the service: then
    restarting will not help (models, settings, the port).

    Raises ``ConfigurationError`` when the address cannot be bound or a worker cannot start.
    """
    try:
        reservation = _bound_socket(host, port)
    except OSError as exc:
        raise ConfigurationError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    port = reservation.getsockname()[1]
    ctx = multiprocessing.get_context("spawn")
    stopping = False
    failed = ""
    slots = [_Slot() for _ in range(workers)]

    def start(slot: _Slot) -> None:
        slot.ready = ctx.Event()
        slot.proc = ctx.Process(
            target=_worker,
            args=(host, port, uvicorn_options, os.getpid(), slot.ready),
            name="moderation-api-worker",
        )
        slot.proc.start()
        slot.born, slot.restart_at = time.monotonic(), None

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for slot in slots:
            if slot.proc is not None and slot.proc.is_alive():
                slot.proc.terminate()  # SIGTERM: uvicorn's graceful shutdown

    for slot in slots:
        start(slot)
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stopping:
            alive = [slot.proc.sentinel for slot in slots if slot.restart_at is None]
            wait(alive, timeout=0.25)
            now = time.monotonic()
            for slot in slots:
                if stopping:
                    break
                if slot.restart_at is None and not slot.proc.is_alive():
                    failed = slot.died(now)
                    if failed:
                        stop(signal.SIGTERM, None)
                elif slot.restart_at is not None and now >= slot.restart_at:
                    start(slot)
        for slot in slots:
            slot.proc.join(timeout=30)
            if slot.proc.is_alive():
                slot.proc.kill()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        reservation.close()
    if failed:
        raise ConfigurationError(failed)
