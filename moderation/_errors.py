"""The exceptions of the ``moderation`` package.

One base, translated to exit codes and messages only at the edges (the CLI, the HTTP API)::

    ModerationError
    ├── InputError          a record or file the caller gave us is unusable (names the line/record)
    │   ├── UrlError        a string that cannot be read as a web URL (moderation.urls.parse)
    │   ├── HtmlError       a page that cannot be scanned: too large, not text (moderation.text.html)
    │   └── DocumentTooLargeError  a text over ``Settings.max_document_chars`` (never cut silently)
    ├── ConfigurationError  settings or arguments that cannot work together
    └── ResumeError         ``clean --resume`` and the work directory disagree (nothing to resume,
                            a run to resume, or inputs/options/models changed since)

Model-loading failures come from ``classifiers.ClassifierError`` (``ArtifactError``) and are re-raised
unchanged: they already name the fix (``make model``).
"""

from __future__ import annotations


class ModerationError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(ModerationError):
    """Unusable input; the message names the record (line number or id) and what is wrong."""

    def __init__(self, message: str, *, line: int | None = None, record_id: object = None) -> None:
        self.line = line
        self.record_id = record_id
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{where}{message}")


class HtmlError(InputError):
    """A page that cannot be scanned (too large, not text); the message says which and why."""


class DocumentTooLargeError(InputError):
    """A document longer than ``Settings.max_document_chars``: refused whole, never truncated.

    Why a limit at all: time and memory grow with the text (linearly, see ``make bench``), so one huge
    record would hold a worker for minutes and gigabytes; the default is far above any real article.
    """

    def __init__(self, chars: int, limit: int, *, line: int | None = None, record_id: object = None) -> None:
        self.chars = chars
        self.limit = limit
        super().__init__(
            f"document too large ({chars:,} characters; the limit is {limit:,}, max_document_chars)",
            line=line,
            record_id=record_id,
        )


class ConfigurationError(ModerationError):
    """Settings or arguments that cannot work together."""


class ResumeError(ModerationError):
    """A cleanup run cannot start or resume as asked; the message says what to do."""
