"""Run the HTTP service in several worker processes, each with its own listening socket (SO_REUSEPORT).

Why not ``uvicorn.run(workers=N)``: there every worker accepts from one shared socket, and whichever
process is idle at that moment takes the new connection. Clients that open a pool of keep-alive
connections at once (scrapers, load balancers) can land 39 on one worker and 89 on the other, and keep
them: measured here at half load, p99 went from 92-106 ms (balanced) to 147-231 ms (lopsided). With one
socket per worker and SO_REUSEPORT, the kernel spreads connections by a hash of their addresses, whatever
each worker is doing.

The parent only supervises: it reserves the port (binding without listening, so a taken port fails here
with a clear message and port 0 is resolved once), starts the workers, restarts one that dies, and on
SIGINT/SIGTERM asks every worker to finish its requests and exit. A worker that dies after it served
(it told the parent so, through a pipe, once uvicorn had started) is replaced for as long as the service
runs, after a pause that doubles with each crash in a row (1 s up to 30 s; a worker that lived a
minute resets it), like systemd's restart back-off: a crash twice a minute is not a reason to stop
answering. Only a worker that dies before it ever started (models that cannot load, bad settings) stops
the service: restarting it would fail the same way. Off Linux (no balancing SO_REUSEPORT),
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

RESTART_PAUSE = 1.0  # seconds before a worker that died is replaced; doubled per crash in a row
MAX_PAUSE = 30.0  # the longest pause between restarts
STABLE = 60.0  # a worker that served this long resets the pause


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


def _worker(host: str, port: int, uvicorn_options: dict[str, Any], parent: int, ready: Any) -> None:
    """One worker process: its own socket on the shared port, one uvicorn server (which handles SIGINT and
    SIGTERM itself: it stops accepting, finishes open requests, runs the app's shutdown). ``ready`` (a
    pipe's end) gets one byte once the server listens: from then on a crash is restarted."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if not self.should_exit:
                ready.send_bytes(b"1")

    # Its own process group: a Ctrl-C in the terminal reaches only the supervisor, which passes one
    # SIGTERM on (two signals would make uvicorn skip the graceful part). If the supervisor is killed
    # outright, the worker shuts itself down instead of holding the port.
    os.setpgrp()
    watch_parent(parent, lambda: os.kill(os.getpid(), signal.SIGTERM))  # parent: the supervisor's own pid
    sock = _bound_socket(host, port)
    Server(uvicorn.Config(**uvicorn_options)).run(sockets=[sock])


class _Slot:
    """One worker's place: the process, its readiness pipe, and the crashes in a row that set its pause."""

    def __init__(self) -> None:
        self.proc: Any = None
        self.ready: Any = None
        self.served = False  # it reported ready at least once (this process or an earlier one)
        self.born = 0.0
        self.crashes = 0
        self.due = 0.0  # when a dead worker is replaced

    def check_ready(self) -> None:
        if self.ready is not None and self.ready.poll():
            self.served = True
            self.ready.close()
            self.ready = None


def serve_workers(host: str, port: int, workers: int, uvicorn_options: dict[str, Any]) -> None:
    """Serve ``uvicorn_options["app"]`` from ``workers`` processes on ``host:port`` until SIGINT/SIGTERM.
    A worker that dies after it started is replaced (with back-off); one that dies before it ever
    started stops the service.

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
        receive, send = ctx.Pipe(duplex=False)
        slot.proc = ctx.Process(
            target=_worker,
            args=(host, port, uvicorn_options, os.getpid(), send),
            name="moderation-api-worker",
        )
        slot.proc.start()
        send.close()
        slot.ready, slot.born = receive, time.monotonic()

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
            failed = _supervise_once(slots, start, stop)
        for slot in slots:
            if slot.proc is None:
                continue
            slot.proc.join(timeout=30)
            if slot.proc.is_alive():
                slot.proc.kill()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        reservation.close()
    if failed:
        raise ConfigurationError(failed)


def _supervise_once(slots: list[_Slot], start: Any, stop: Any) -> str:
    """One round: wait for a death or a due restart; replace what died; "" or why the service stops."""
    now = time.monotonic()
    dues = [slot.due - now for slot in slots if slot.proc is None]
    waits = [slot.proc.sentinel for slot in slots if slot.proc is not None]
    waits += [slot.ready for slot in slots if slot.ready is not None]
    wait(waits, timeout=max(0.05, min([1.0, *dues])))
    for slot in slots:
        slot.check_ready()
        if slot.proc is None:
            if time.monotonic() >= slot.due:
                start(slot)
            continue
        if slot.proc.is_alive():
            continue
        code = slot.proc.exitcode
        if slot.ready is not None:  # it died before it ever listened
            slot.ready.close()
            slot.ready = None
            if not slot.served:  # models, settings: a restart would fail the same way
                stop(signal.SIGTERM, None)
                return f"a worker exited with code {code} while starting (see its log above)"
        lived = time.monotonic() - slot.born
        slot.crashes = 1 if lived >= STABLE else slot.crashes + 1
        pause = min(MAX_PAUSE, RESTART_PAUSE * 2 ** (slot.crashes - 1))
        print(
            f"moderation: a worker exited with code {code}; restarting it in {pause:.0f} s", file=sys.stderr
        )
        slot.proc, slot.due = None, time.monotonic() + pause
    return ""
