"""What the command modules share: exit codes, the usage error, opening inputs and outputs, the scanner."""

from __future__ import annotations

import argparse
import errno
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from .._atomic import named

#: The exit statuses every command follows (the README's table; ``cli/__init__.py`` says which error is
#: which). 130 and 141 are the shell's own for a process ended by SIGINT or SIGPIPE.
EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_REJECTED = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141

#: An input that is not there is the command's fault (usage); any other I/O error is a failure.
_NOT_THERE = (errno.ENOENT, errno.ENOTDIR, errno.EISDIR)


class UsageError(Exception):
    """Raised inside command handlers for problems the user can fix by changing the command."""


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, where the platform has one; a container's
    cpuset shows here, the host's core count does not)."""
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def io_message(exc: OSError) -> str:
    """An I/O error in one line: the path, then what went wrong (``out.jsonl: No space left on device``)."""
    where = f"{exc.filename}: " if exc.filename is not None else ""
    return f"{where}{exc.strerror or exc}"


def add_model_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model-dir", help="use models from this directory instead of the shipped ones")


def scanner(args: argparse.Namespace) -> Any:
    """``Scanner.default`` over ``--model-dir`` (or the shipped models)."""
    from .._settings import Settings
    from ..text.scanner import Scanner

    settings = Settings(model_dir=Path(args.model_dir)) if getattr(args, "model_dir", None) else Settings()
    return Scanner.default(settings)


def open_input(path: str, stack: ExitStack) -> IO[bytes]:
    """A binary input (``-``: stdin), closed with ``stack``: a usage error naming the path if it is not
    there; any other ``OSError`` (permissions, a read error) goes on, naming it (an I/O failure)."""
    if path == "-":
        return sys.stdin.buffer
    try:
        return stack.enter_context(open(path, "rb"))
    except OSError as exc:
        if exc.errno in _NOT_THERE:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
        raise


def open_output(path: str | None, stack: ExitStack) -> NamedText:
    """A text output (None or ``-``: stdout), closed with ``stack``; an error opening or writing it is an
    ``OSError`` naming the path (the CLI's one-line I/O message, exit status 1)."""
    if path in (None, "-"):
        return NamedText(sys.stdout, "<stdout>")
    out = NamedText(open(path, "w", encoding="utf-8", newline="\n"), path)  # noqa: SIM115 - closed below
    stack.callback(out.close)
    return out


class NamedText:
    """A text stream whose write errors name it: ``f.write`` on a full disk raises an ``OSError`` without a
    file name, and the message must say which file. Anything else is the stream's own (``buffer``,
    ``isatty``)."""

    def __init__(self, stream: IO[str], name: str) -> None:
        self.stream = stream
        self.name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.stream, attr)

    def write(self, text: str) -> int:
        with named(self.name):
            return self.stream.write(text)

    def flush(self) -> None:
        with named(self.name):
            self.stream.flush()

    def close(self) -> None:
        with named(self.name):
            self.stream.close()
