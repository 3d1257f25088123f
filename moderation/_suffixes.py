"""Offline public-suffix parsing (tldextract's bundled snapshot; never fetches anything)."""

from __future__ import annotations

from functools import lru_cache

import tldextract


@lru_cache(maxsize=1)
def extractor() -> tldextract.TLDExtract:
    """The one shared extractor: bundled suffix list, private suffixes on, no cache dir, no network."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


@lru_cache(maxsize=65536)
def split_host(host: str) -> tuple[str, str, str]:
    """``(subdomain, domain, suffix)`` of a lower-case host name."""
    r = extractor().extract_str(host)
    return r.subdomain, r.domain, r.suffix


def registered_domain(host: str) -> str:
    """``domain.suffix`` of a host (``example.co.uk``, ``spam.github.io``); the host itself when it has no
    public suffix (IPs, bare names). ``FoundLink`` and ``ParsedUrl`` say the same of their stored parts."""
    _, domain, suffix = split_host(host)
    return f"{domain}.{suffix}" if domain and suffix else host
