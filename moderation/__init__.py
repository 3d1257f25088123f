"""Find spam injected into scraped news text, say why, and return the cleaned text.

>>> from moderation import Scanner                                   # doctest: +SKIP
>>> result = Scanner.default().scan(article_text)                    # doctest: +SKIP
>>> result.verdict, [s.text for s in result.spans], result.cleaned_text  # doctest: +SKIP

Exceptions::

    ModerationError
    ├── InputError
    │   └── UrlError
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
from ._lists import ListHit, ListStore
from ._normalize import NormalizedText, normalize
from ._providers import SafeBrowsingProvider, UrlhausProvider
from ._scanner import Document, Scanner
from ._segment import segment
from ._settings import Settings
from ._types import Link, ScanResult, Segment, Span
from ._url_checker import UrlChecker, UrlReport
from ._urlparse import ParsedUrl, UrlError, parse_url
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
    "ListHit",
    "ListStore",
    "ModerationError",
    "NormalizedText",
    "ParsedUrl",
    "ResumeError",
    "SafeBrowsingProvider",
    "ScanResult",
    "Scanner",
    "Segment",
    "Settings",
    "Span",
    "UrlChecker",
    "UrlError",
    "UrlReport",
    "UrlhausProvider",
    "__version__",
    "check_url",
    "clean_files",
    "cut_spans",
    "find_links",
    "json_dumps",
    "normalize",
    "parse_url",
    "segment",
]
