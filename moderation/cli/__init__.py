"""The ``moderation`` command: a thin layer over the library, one module per group of commands.

::

    scan.py    scan, eval, demo        clean.py   clean          urls.py   check-url, lists
    train.py   train, train-urls,      serve.py   serve (supervisor.py: several workers, one port)
               train-lang

Each module registers its own subcommands (``register(sub)``) with their help text. Library errors
become messages and exit statuses here and only here, the same for every command (the README's table):

- 0: done (every document, record or URL handled);
- 1: a failure: the models cannot be loaded (the message says how to fix it), an I/O error (one line
  naming the path: a full disk, a file that cannot be written or read), a worker that died, a feed that
  could not be fetched;
- 2: usage: bad arguments, an input that does not exist, settings that cannot work together, a
  ``--resume`` that does not match the work directory;
- 3: some records (or URLs) were rejected; each has an error record, the others were handled;
- 130: interrupted (Ctrl-C); 141: the reader of the output went away (``| head``): no message, no
  traceback, like a tool that SIGPIPE ended.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence

from .._errors import ConfigurationError, InputError, ModerationError, ResumeError
from . import clean, scan, serve, train, urls
from ._common import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_USAGE,
    NamedText,
    UsageError,
    io_message,
    usable_cpus,
)

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_FAILURE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_REJECTED",
    "EXIT_USAGE",
    "UsageError",
    "build_parser",
    "main",
]

COMMAND_GROUPS = (scan, clean, urls, train, serve)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="moderation", description="Find spam injected into scraped news text, explain it, remove it."
    )
    parser.add_argument(
        "--version", action=_VersionAction, help="print the package and model versions, then exit"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in COMMAND_GROUPS:
        group.register(sub)
    return parser


class _VersionAction(argparse.Action):
    """``--version``: read only when asked (the model sidecars, not the models)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)  # type: ignore[arg-type]

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        print(version_text())
        parser.exit()


def version_text() -> str:
    """``moderation 0.x.y`` and the version tag of each shipped model (from its sidecar)."""
    import json
    from importlib.metadata import PackageNotFoundError, version

    from classifiers import default_model_dir

    try:
        package = version("moderation")
    except PackageNotFoundError:
        package = "unknown (not installed)"
    lines = [f"moderation {package}"]
    directory = default_model_dir()
    for label, sidecar in (("text model", "manifest.json"), ("URL model", "url-model.json"),
                           ("language model", "lang-model.json")):  # fmt: skip
        try:
            tag = str(json.loads((directory / sidecar).read_text(encoding="utf-8")).get("model_version"))
        except (OSError, ValueError):
            tag = "missing"
        lines.append(f"{label}: {tag}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    stdout = sys.stdout
    sys.stdout = NamedText(stdout, "<stdout>")  # its write errors name it
    try:
        return _run(argv)
    except BrokenPipeError:
        return _reader_gone()
    finally:
        sys.stdout = stdout


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name in ("batch_size", "workers", "chunk_size", "checkpoint_every"):
        if getattr(args, name, 1) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    cpus = usable_cpus()
    if getattr(args, "workers", 1) > cpus:  # each worker is a CPU-bound process holding the models
        parser.error(f"--workers {args.workers} is more than the {cpus} CPUs this process may use")
    threshold = getattr(args, "threshold", None)
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        parser.error("--threshold must be between 0 and 1")
    try:
        status = int(args.func(args))
        _flush_stdout(status)
        return status
    except (UsageError, InputError, ConfigurationError, ResumeError) as exc:
        return _error(exc, EXIT_USAGE)
    except BrokenPipeError:
        raise
    except OSError as exc:
        return _error(io_message(exc), EXIT_FAILURE)
    except ModerationError as exc:
        return _error(exc, EXIT_FAILURE)
    except Exception as exc:
        from classifiers import ClassifierError

        if isinstance(exc, ClassifierError):
            return _error(exc, EXIT_FAILURE)
        raise
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _flush_stdout(status: int) -> None:
    """Flush now, not at exit, so that a full disk or a reader that went away shows as the table says.
    After a failure already reported (``clean`` names the file it could not write), what is left in the
    buffer is dropped quietly."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError:
        if status != EXIT_FAILURE:
            raise
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _error(message: object, status: int) -> int:
    print(f"moderation: error: {message}", file=sys.stderr)
    return status


def _reader_gone() -> int:
    """The reader of our output closed it (``moderation scan ... | head``): stop quietly. Both standard
    streams go to /dev/null so that nothing, not even the interpreter's final flush, complains (the
    Python documentation's recipe for SIGPIPE)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # not a real file (a test's capture): nothing to quiet
            os.dup2(devnull, stream.fileno())
    return EXIT_BROKEN_PIPE
