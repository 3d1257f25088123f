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

RESTART_PAUSE = 1.0  # seconds before a worker that died is replaced
EARLY_EXIT = 60.0  # a worker that exits this soon after starting failed to start: stop, do not loop


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


def _worker(host: str, port: int, uvicorn_options: dict[str, Any], parent: int) -> None:
    """One worker process: its own socket on the shared port, one uvicorn server (which handles SIGINT and
    SIGTERM itself: it stops accepting, finishes open requests, runs the app's shutdown)."""
    import uvicorn

    # Its own process group: a Ctrl-C in the terminal reaches only the supervisor, which passes one
    # SIGTERM on (two signals would make uvicorn skip the graceful part). If the supervisor is killed
    # outright, the worker shuts itself down instead of holding the port.
    os.setpgrp()
    watch_parent(parent, lambda: os.kill(os.getpid(), signal.SIGTERM))  # parent: the supervisor's own pid
    sock = _bound_socket(host, port)
    uvicorn.Server(uvicorn.Config(**uvicorn_options)).run(sockets=[sock])


def serve_workers(
    host: str, port: int, workers: int, uvicorn_options: dict[str, Any], early_exit: float = EARLY_EXIT
) -> None:
    """Serve ``uvicorn_options["app"]`` from ``workers`` processes on ``host:port`` until SIGINT/SIGTERM.
    A worker that exits within ``early_exit`` seconds of starting stops the service; a later exit is
    replaced.

    Raises ``ConfigurationError`` when the address cannot be bound or a worker fails while starting.
    """
    try:
        reservation = _bound_socket(host, port)
    except OSError as exc:
        raise ConfigurationError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    port = reservation.getsockname()[1]
    ctx = multiprocessing.get_context("spawn")
    stopping = False
    failed = ""

    def start() -> tuple[Any, float]:
        """A new worker and when it started."""
        proc = ctx.Process(
            target=_worker, args=(host, port, uvicorn_options, os.getpid()), name="moderation-api-worker"
        )
        proc.start()
        return proc, time.monotonic()

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for proc, _ in procs:
            if proc.is_alive():
                proc.terminate()  # SIGTERM: uvicorn's graceful shutdown

    procs = [start() for _ in range(workers)]
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stopping:
            wait([proc.sentinel for proc, _ in procs], timeout=1.0)
            for i, (proc, born) in enumerate(procs):
                if proc.is_alive() or stopping:
                    continue
                if time.monotonic() - born < early_exit:
                    stop(signal.SIGTERM, None)  # it cannot start (models, settings): restarting will not help
                    failed = f"a worker exited with code {proc.exitcode} while starting (see its log above)"
                    break
                time.sleep(RESTART_PAUSE)
                if not stopping:
                    procs[i] = start()
        for proc, _ in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        reservation.close()
    if failed:
        raise ConfigurationError(failed)
