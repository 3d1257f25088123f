"""The ``moderation`` command: a thin layer over the library, one module per group of commands.

::

    scan.py    scan, eval, demo        clean.py   clean          urls.py   check-url, lists
    train.py   train, train-urls       serve.py   serve (supervisor.py: several workers, one port)

Each module registers its own subcommands (``register(sub)``) with their help text. Library errors
become messages and exit codes here and only here:

- 0: every document was scanned;
- 2: usage error (bad arguments, unreadable input file);
- 3: some records were rejected (each has an error record in the output);
- 1: the models could not be loaded (the message says how to fix it) or another failure.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._errors import ConfigurationError, InputError, ModerationError, ResumeError
from . import clean, scan, serve, train, urls
from ._common import EXIT_FAILURE, EXIT_OK, EXIT_REJECTED, EXIT_USAGE, UsageError

__all__ = ["EXIT_FAILURE", "EXIT_OK", "EXIT_REJECTED", "EXIT_USAGE", "UsageError", "build_parser", "main"]

COMMAND_GROUPS = (scan, clean, urls, train, serve)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="moderation", description="Find spam injected into scraped news text, explain it, remove it."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in COMMAND_GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name in ("batch_size", "workers", "chunk_size", "checkpoint_every"):
        if getattr(args, name, 1) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    threshold = getattr(args, "threshold", None)
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        parser.error("--threshold must be between 0 and 1")
    try:
        return int(args.func(args))
    except (UsageError, InputError, ConfigurationError, ResumeError) as exc:
        print(f"moderation: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ModerationError as exc:
        print(f"moderation: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:
        from classifiers import ClassifierError

        if isinstance(exc, ClassifierError):
            print(f"moderation: error: {exc}", file=sys.stderr)
            return EXIT_FAILURE
        raise
    except KeyboardInterrupt:
        return 130
