"""Offline public-suffix parsing (tldextract's bundled snapshot; never fetches anything).

``split_host`` answers from tldextract's own suffix list, walked here for the common host shape
(lower-case ASCII labels, no punycode): tldextract's ``extract_str`` first takes a whole URL apart
(scheme, user-info, port, brackets, Unicode dots) and decodes every label: ~10 us per new host where the
walk here takes 3.5 us, and the host here is already clean. The walk is tldextract's (longest matching
rule; ``*`` wildcards and ``!`` exceptions), and anything else (punycode labels, IPs, bare names, odd
characters) goes to tldextract itself; a test holds the two to the same answers.

The walk's rules are read from tldextract's bundled suffix-list snapshot file, parsed as tldextract
parses it, without importing tldextract: its import pulls in ``requests`` and urllib3 (~0.15 s), and
building its extractor (its own tries) another ~0.1 s, a third of a URL-only process's cold start. If the
file is not where this tldextract keeps it, the rules come from the extractor (a test holds the two equal).
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._caches import per_key_cache

if TYPE_CHECKING:
    import tldextract

# host names the walk answers for: lower-case ASCII labels, none empty, none punycode (``xn--``)
_PLAIN_HOST = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*", re.ASCII)

_Node = list[Any]  # [children by label (dict), a rule ends here (bool)]


@lru_cache(maxsize=1)
def extractor() -> tldextract.TLDExtract:
    """The one shared extractor: bundled suffix list, private suffixes on, no cache dir, no network."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


# tldextract's own parse of the list (suffix_list.py): a rule is a line's first word that starts with
# optional ``.*!`` and a word character; the private section follows the separator
_RULE = re.compile(r"^(?P<suffix>[.*!]*\w[\S]*)", re.UNICODE | re.MULTILINE)
_SNAPSHOT = ".tld_set_snapshot"


def snapshot_rules() -> list[str] | None:
    """The public and private rules of tldextract's bundled snapshot, read from the file without
    importing tldextract; ``None`` when the file is not there."""
    spec = importlib.util.find_spec("tldextract")
    locations = spec.submodule_search_locations if spec is not None else None
    if not locations:
        return None
    path = Path(next(iter(locations))) / _SNAPSHOT
    if not path.is_file():
        return None
    public, _, private = path.read_text(encoding="utf-8").partition("// ===BEGIN PRIVATE DOMAINS===")
    return [m.group("suffix") for text in (public, private) for m in _RULE.finditer(text)]


@lru_cache(maxsize=1)
def _suffix_trie() -> _Node:
    """The suffix rules (public and private) as a trie of reversed labels, built once."""
    root: _Node = [{}, False]
    rules = snapshot_rules()
    for suffix in rules if rules is not None else extractor().tlds:
        node = root
        for label in reversed(suffix.split(".")):
            node = node[0].setdefault(label, [{}, False])
        node[1] = True
    return root


def _suffix_start(labels: list[str]) -> int:
    """Index of the first suffix label (``len(labels)`` when no rule matches): tldextract's walk."""
    node = _suffix_trie()
    n = i = len(labels)
    start = n
    for label in reversed(labels):
        child = node[0].get(label)
        if child is not None:
            i -= 1
            node = child
            if node[1]:
                start = i
            continue
        if "*" in node[0]:
            return i if "!" + label in node[0] else i - 1
        break
    return start


@per_key_cache(maxsize=65536)
def split_host(host: str) -> tuple[str, str, str]:
    """``(subdomain, domain, suffix)`` of a lower-case host name."""
    if "xn--" not in host and _PLAIN_HOST.fullmatch(host):
        labels = host.split(".")
        start = _suffix_start(labels)
        if start < len(labels):
            return (
                ".".join(labels[: start - 1]) if start >= 2 else "",
                labels[start - 1] if start > 0 else "",
                ".".join(labels[start:]),
            )
    r = extractor().extract_str(host)  # punycode, IPs, bare names: tldextract's own answer
    return r.subdomain, r.domain, r.suffix


def registered_domain(host: str) -> str:
    """``domain.suffix`` of a host (``example.co.uk``, ``spam.github.io``); the host itself when it has no
    public suffix (IPs, bare names)."""
    _, domain, suffix = split_host(host)
    return join_registered(host, domain, suffix)


def join_registered(host: str, domain: str, suffix: str) -> str:
    """The registered domain from a host's split parts: ``domain.suffix``, or the host itself when either
    is missing (IPs, bare names, a host that is a suffix). Every place that has the parts calls this."""
    return f"{domain}.{suffix}" if domain and suffix else host
