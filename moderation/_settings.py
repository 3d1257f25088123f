"""The one settings object. Constructor arguments win; environment variables only supply defaults.

Environment: ``MODERATION_MODEL_DIR`` (model directory), ``MODERATION_SPAN_THRESHOLD``,
``MODERATION_DOCUMENT_THRESHOLD``, ``MODERATION_EXTEND_THRESHOLD`` (override the thresholds recorded with
the models),
``MODERATION_BATCH_SIZE``, ``MODERATION_DATA_DIR`` (the URL list store), ``MODERATION_MAX_DOCUMENT_CHARS``
(the per-document size limit).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ._errors import ConfigurationError

DEFAULT_MAX_DOCUMENT_CHARS = 4_000_000


def _env_float(name: str) -> float | None:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise ConfigurationError(f"{name}={raw!r} must be between 0 and 1")
    return value


def _env_path(name: str) -> Path | None:
    raw = os.environ.get(name)
    return Path(raw) if raw else None


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return max(1, int(raw))
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not an integer") from None


@dataclass(frozen=True)
class Settings:
    """How the engine runs.

    Attributes:
        model_dir: directory with the model files and their sidecar; ``None`` = the shipped models.
        span_threshold: context-model probability at which a segment is flagged; ``None`` = the value
            recorded with the models.
        document_threshold: the article gate: no span is reported unless some segment reaches it;
            ``None`` = the recorded value.
        extend_threshold: a neighbour (same paragraph) of a flagged segment joins the span at this
            probability; ``None`` = the recorded value.
        batch_size: documents per model call in ``scan_many``.
        max_document_chars: longest text scanned, in characters (default 4,000,000: a long news article
            is 10,000-50,000; a document at the limit takes seconds and under 15x its size in memory);
            a longer one is refused whole with ``DocumentTooLargeError`` (a reject record at the CLI and in
            ``clean``, 413 in the API), never truncated.
        data_dir: where the URL lists live (``lists/``, ``feeds.toml``); ``None`` = the per-user default
            (``$XDG_DATA_HOME/moderation`` or ``~/.local/share/moderation``).
    """

    model_dir: Path | None = field(default_factory=lambda: _env_path("MODERATION_MODEL_DIR"))
    span_threshold: float | None = field(default_factory=lambda: _env_float("MODERATION_SPAN_THRESHOLD"))
    document_threshold: float | None = field(
        default_factory=lambda: _env_float("MODERATION_DOCUMENT_THRESHOLD")
    )
    extend_threshold: float | None = field(default_factory=lambda: _env_float("MODERATION_EXTEND_THRESHOLD"))
    batch_size: int = field(default_factory=lambda: _env_int("MODERATION_BATCH_SIZE", 64))
    data_dir: Path | None = field(default_factory=lambda: _env_path("MODERATION_DATA_DIR"))
    max_document_chars: int = field(
        default_factory=lambda: _env_int("MODERATION_MAX_DOCUMENT_CHARS", DEFAULT_MAX_DOCUMENT_CHARS)
    )

    def __post_init__(self) -> None:
        for name in ("span_threshold", "document_threshold", "extend_threshold"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise ConfigurationError(f"{name}={value} must be between 0 and 1")
        if self.max_document_chars < 1:
            raise ConfigurationError(f"max_document_chars={self.max_document_chars} must be at least 1")
        if self.batch_size < 1:
            raise ConfigurationError(f"batch_size={self.batch_size} must be at least 1")
