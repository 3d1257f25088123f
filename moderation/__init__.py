"""Find spam injected into scraped news text, say why, and return the cleaned text.

>>> from moderation import Scanner                                   # doctest: +SKIP
>>> result = Scanner.default().scan(article_text)                    # doctest: +SKIP
>>> result.verdict, [s.text for s in result.spans], result.cleaned_text  # doctest: +SKIP

The names below are the public API; the subpackages are the layers that build it (see ARCHITECTURE.md)::

    urls/    one URL string -> ParsedUrl -> UrlReport (rules, lists, lexical model, providers)
    text/    a document -> normalized view, links, segments, models, spans -> ScanResult
             (text/html/: an HTML page -> article text with an offset map, HTML evidence -> HtmlScanResult)
    clean/   dataset files -> records -> Cleaner -> output, drop log, rejects (local or Dask)
    train/   the data pack -> the shipped models          bench/  the benchmarks
    cli/     the ``moderation`` command

Importing them is cheap: each public name's module is imported when the name is first used (a URL-only
process never loads the text engine), the text models (numpy arrays, scipy for the sparse steps) load
only when a ``Scanner`` is built, and nothing here imports scikit-learn.

Exceptions::

    ModerationError
    ├── InputError
    │   ├── UrlError
    │   ├── HtmlError
    │   └── DocumentTooLargeError
    ├── ConfigurationError
    └── ResumeError
    (model files: classifiers.ArtifactError)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import (
    ConfigurationError,
    DocumentTooLargeError,
    HtmlError,
    InputError,
    ModerationError,
    ResumeError,
)
from ._jsonl import dumps as json_dumps
from ._settings import Settings

if TYPE_CHECKING:
    from .clean.cleaner import CleanOptions, CleanStats
    from .clean.report import CleanReport
    from .clean.runner import RunOptions, clean_files
    from .text.cut import cut_spans
    from .text.document import Document
    from .text.html import HtmlScanner, HtmlScanResult, PageSpan
    from .text.links import FoundLink, find_links
    from .text.normalize import NormalizedText, normalize
    from .text.results import Link, ScanResult, Segment, Span
    from .text.scanner import Scanner
    from .text.segment import segment
    from .urls.checker import UrlChecker, UrlReport
    from .urls.lists import ListHit, ListStore
    from .urls.parse import ParsedUrl, UrlError, parse_url
    from .urls.providers import SafeBrowsingProvider, UrlhausProvider

__version__ = "0.1.0"

__all__ = [
    "CleanOptions",
    "CleanReport",
    "CleanStats",
    "ConfigurationError",
    "Document",
    "DocumentTooLargeError",
    "FoundLink",
    "HtmlError",
    "HtmlScanResult",
    "HtmlScanner",
    "InputError",
    "Link",
    "ListHit",
    "ListStore",
    "ModerationError",
    "NormalizedText",
    "PageSpan",
    "ParsedUrl",
    "ResumeError",
    "RunOptions",
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
    "clean_files",
    "cut_spans",
    "find_links",
    "json_dumps",
    "normalize",
    "parse_url",
    "segment",
]

_LAZY = {
    "CleanOptions": "clean.cleaner",
    "CleanStats": "clean.cleaner",
    "CleanReport": "clean.report",
    "RunOptions": "clean.runner",
    "clean_files": "clean.runner",
    "cut_spans": "text.cut",
    "Document": "text.document",
    "HtmlScanner": "text.html",
    "HtmlScanResult": "text.html",
    "PageSpan": "text.html",
    "FoundLink": "text.links",
    "find_links": "text.links",
    "NormalizedText": "text.normalize",
    "normalize": "text.normalize",
    "Link": "text.results",
    "ScanResult": "text.results",
    "Segment": "text.results",
    "Span": "text.results",
    "Scanner": "text.scanner",
    "segment": "text.segment",
    "UrlChecker": "urls.checker",
    "UrlReport": "urls.checker",
    "ListHit": "urls.lists",
    "ListStore": "urls.lists",
    "ParsedUrl": "urls.parse",
    "UrlError": "urls.parse",
    "parse_url": "urls.parse",
    "SafeBrowsingProvider": "urls.providers",
    "UrlhausProvider": "urls.providers",
}


def __getattr__(name: str) -> Any:
    """Import a public name's module when the name is first used: ``from moderation import UrlChecker``
    then loads the URL checker alone, not the text engine, the cleaner and their dependencies (the cold
    start of a URL-only process)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'moderation' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"moderation.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
