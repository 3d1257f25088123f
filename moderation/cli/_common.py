"""What the command modules share: the usage error, opening inputs and outputs, the scanner, settings."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_REJECTED = 0, 1, 2, 3


class UsageError(Exception):
    """Raised inside command handlers for problems the user can fix by changing the command."""


def add_model_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model-dir", help="use models from this directory instead of the shipped ones")


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="the list store's data directory (default: per-user)")


def scanner(args: argparse.Namespace) -> Any:
    """``Scanner.default`` over ``--model-dir`` (or the shipped models)."""
    from .._settings import Settings
    from ..text.scanner import Scanner

    settings = Settings(model_dir=Path(args.model_dir)) if getattr(args, "model_dir", None) else Settings()
    return Scanner.default(settings)


def url_settings(args: argparse.Namespace) -> Any:
    """Settings with ``--model-dir`` and ``--data-dir`` when given."""
    from .._settings import Settings

    kwargs: dict[str, Any] = {}
    if getattr(args, "model_dir", None):
        kwargs["model_dir"] = Path(args.model_dir)
    if getattr(args, "data_dir", None):
        kwargs["data_dir"] = Path(args.data_dir)
    return Settings(**kwargs)


def open_input(path: str, stack: ExitStack) -> IO[bytes]:
    """A binary input (``-``: stdin), closed with ``stack``; a usage error naming the path if unreadable."""
    if path == "-":
        return sys.stdin.buffer
    try:
        return stack.enter_context(open(path, "rb"))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


def open_output(path: str | None, stack: ExitStack) -> IO[str]:
    """A text output (None or ``-``: stdout), closed with ``stack``."""
    if path in (None, "-"):
        return sys.stdout
    try:
        return stack.enter_context(open(path, "w", encoding="utf-8", newline="\n"))
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
