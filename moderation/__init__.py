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

from typing import TYPE_CHECKING, Any

from ._errors import ConfigurationError, InputError, ModerationError, ResumeError

if TYPE_CHECKING:
    from ._clean_run import CleanReport, clean_files
    from ._cleaning import cut_spans
    from ._cleanup import CleanOptions, CleanStats
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

# name -> (submodule, attribute): imported on first use, so that ``from moderation import UrlChecker``
# does not load the text models' stack (scikit-learn, scipy) and a URL check starts fast.
_LAZY: dict[str, tuple[str, str]] = {
    "CleanOptions": ("_cleanup", "CleanOptions"),
    "CleanReport": ("_clean_run", "CleanReport"),
    "CleanStats": ("_cleanup", "CleanStats"),
    "Document": ("_scanner", "Document"),
    "FoundLink": ("_links", "FoundLink"),
    "Link": ("_types", "Link"),
    "ListHit": ("_lists", "ListHit"),
    "ListStore": ("_lists", "ListStore"),
    "NormalizedText": ("_normalize", "NormalizedText"),
    "ParsedUrl": ("_urlparse", "ParsedUrl"),
    "SafeBrowsingProvider": ("_providers", "SafeBrowsingProvider"),
    "ScanResult": ("_types", "ScanResult"),
    "Scanner": ("_scanner", "Scanner"),
    "Segment": ("_types", "Segment"),
    "Settings": ("_settings", "Settings"),
    "Span": ("_types", "Span"),
    "UrlChecker": ("_url_checker", "UrlChecker"),
    "UrlError": ("_urlparse", "UrlError"),
    "UrlReport": ("_url_checker", "UrlReport"),
    "UrlhausProvider": ("_providers", "UrlhausProvider"),
    "check_url": ("_urls", "check_url"),
    "clean_files": ("_clean_run", "clean_files"),
    "cut_spans": ("_cleaning", "cut_spans"),
    "find_links": ("_links", "find_links"),
    "json_dumps": ("_jsonl", "dumps"),
    "normalize": ("_normalize", "normalize"),
    "parse_url": ("_urlparse", "parse_url"),
    "segment": ("_segment", "segment"),
}


def __getattr__(name: str) -> Any:
    """Import a public name's submodule when the name is first used (PEP 562)."""
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'moderation' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"moderation.{target[0]}"), target[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
