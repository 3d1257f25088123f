"""``moderation serve``: the HTTP service (the ``api`` package, by name) under uvicorn; several workers
run under ``supervisor.py`` (one socket per worker)."""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ._common import EXIT_OK, UsageError, add_model_dir


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the HTTP service (the ``api`` package) under uvicorn."""
    try:
        import uvicorn
    except ImportError:
        raise UsageError("the HTTP service needs the api extra: pip install 'moderation[api]'") from None
    if args.model_dir:
        os.environ["MODERATION_MODEL_DIR"] = str(Path(args.model_dir).resolve())
    import functools

    from ._http import LimitedHttpToolsProtocol, ServerLimits

    limits = ServerLimits()
    # uvloop + httptools: the plain asyncio loop with several workers stalls ~44 ms on keep-alive
    # requests here (Nagle on the inherited socket, uvicorn issue #3149). httptools with a cap on request
    # heads and a deadline for receiving requests (see _http.py).
    options: dict[str, Any] = {
        "app": "api.main:create_app",  # by name: moderation never imports api
        "factory": True,
        "loop": "uvloop",
        "http": functools.partial(LimitedHttpToolsProtocol, limits=limits),
        "log_config": _log_config(args.access_log),
        "access_log": False,
        **limits.uvicorn_options(),
    }
    from .supervisor import check_address, reuse_port_supported, serve_workers

    check_address(args.host, args.port)  # the same message and exit status for one worker or several

    with _shared_rate_state(args.workers):
        if args.workers > 1 and reuse_port_supported():  # one socket per worker: see supervisor.py
            serve_workers(args.host, args.port, args.workers, options)
        else:
            uvicorn.run(host=args.host, port=args.port, workers=args.workers, **options)
    return EXIT_OK


@contextmanager
def _shared_rate_state(workers: int) -> Iterator[None]:
    """With several workers, a file for the rate limits they share (``api/_ratelimit.py``), named to them
    in ``MODERATION_API_RATE_STATE`` (inherited: the workers are this process's children) and removed
    when the service stops. One worker keeps its buckets in memory."""
    if workers <= 1 or os.environ.get("MODERATION_API_RATE_STATE"):
        yield
        return
    folder = tempfile.mkdtemp(prefix="moderation-serve-")
    path = os.path.join(folder, "rate-limits")
    open(path, "wb").close()
    os.environ["MODERATION_API_RATE_STATE"] = path
    try:
        yield
    finally:
        del os.environ["MODERATION_API_RATE_STATE"]
        shutil.rmtree(folder, ignore_errors=True)


def _log_config(access_log: bool) -> dict[str, Any]:
    """uvicorn's logging: plain lines on stderr; the JSON access log only when asked for."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(message)s"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}
        },
        "loggers": {
            "moderation.api.access": {
                "handlers": ["stderr"],
                "level": "INFO" if access_log else "WARNING",
            },
            "moderation.api.error": {"handlers": ["stderr"], "level": "INFO"},
            "uvicorn.error": {"handlers": ["stderr"], "level": "INFO"},
        },
    }


def register(sub: Any) -> None:
    """The ``serve`` subcommand."""
    p = sub.add_parser(
        "serve",
        help="run the HTTP scoring API (uvicorn)",
        description="Serve /v1/scan, /v1/scan/batch, /v1/urls/check, health, version and metrics.",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes; each loads the models once")
    p.add_argument("--access-log", action="store_true", help="write one JSON access-log line per request")
    add_model_dir(p)
    p.set_defaults(func=cmd_serve)
