"""Find spam injected into scraped news text, say why, and return the cleaned text.

>>> from moderation import Scanner                                   # doctest: +SKIP
>>> result = Scanner.default().scan(article_text)                    # doctest: +SKIP
>>> result.verdict, [s.text for s in result.spans], result.cleaned_text  # doctest: +SKIP

Exceptions::

    ModerationError
    ├── InputError
    ├── ConfigurationError
    └── ResumeError
    (model files: classifiers.ArtifactError)
"""

from __future__ import annotations

from ._clean_run import CleanReport, clean_files
from ._cleaning import cut_spans
from ._cleanup import CleanOptions, CleanStats
from ._errors import ConfigurationError, InputError, ModerationError, ResumeError
from ._jsonl import dumps as json_dumps
from ._links import FoundLink, find_links
from ._normalize import NormalizedText, normalize
from ._scanner import Document, Scanner
from ._segment import segment
from ._settings import Settings
from ._types import Link, ScanResult, Segment, Span
from ._urls import check_url

__version__ = "0.1.0"

__all__ = [
    "CleanOptions",
    "CleanReport",
    "CleanStats",
    "ConfigurationError",
    "Document",
    "FoundLink",
    "InputError",
    "Link",
    "ModerationError",
    "NormalizedText",
    "ResumeError",
    "ScanResult",
    "Scanner",
    "Segment",
    "Settings",
    "Span",
    "__version__",
    "check_url",
    "clean_files",
    "cut_spans",
    "find_links",
    "json_dumps",
    "normalize",
    "segment",
]
