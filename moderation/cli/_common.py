"""What the command modules share: exit codes, the usage error, opening inputs and outputs, the scanner."""

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


def scanner(args: argparse.Namespace) -> Any:
    """``Scanner.default`` over ``--model-dir`` (or the shipped models)."""
    from .._settings import Settings
    from ..text.scanner import Scanner

    settings = Settings(model_dir=Path(args.model_dir)) if getattr(args, "model_dir", None) else Settings()
    return Scanner.default(settings)


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
