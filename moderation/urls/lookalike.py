"""Look-alike hosts: homoglyphs, mixed alphabets, and brand names outside the brand's own domain.

The lexical model never met look-alikes of these brands in training, so the checker adds this evidence
to its log-odds (``HARD_WEIGHTS`` in ``checker.py``). Brands and their own domains:
``moderation/resources/brands.txt``. What depends on the host alone is cached per host, the path check
per path.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .._caches import per_key_cache
from .parse import ParsedUrl

# Letters from other scripts that look like Latin ones (the common phishing set), and digit look-alikes.
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
        "ԁ": "d", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ν": "v", "ο": "o", "α": "a", "ρ": "p", "τ": "t",
        "ι": "i", "κ": "k", "η": "n", "μ": "u", "0": "o", "1": "l", "3": "e", "5": "s", "ı": "i",
    }
)  # fmt: skip


@lru_cache(maxsize=1)
def brands() -> dict[str, frozenset[str]]:
    """brand name -> its own registered domains (resources/brands.txt)."""
    text = resources.files("moderation").joinpath("resources/brands.txt").read_text(encoding="utf-8")
    out: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, *domains = line.split()
            out[name] = frozenset(domains)
    return out


# The ASCII part of the table, as a bytes table (bytes.translate runs in C; str.translate with a dict
# looks every character up in Python's dict): what ``_CONFUSABLES`` does to an ASCII label.
_ASCII_CONFUSABLES = bytes.maketrans(
    bytes(k for k in _CONFUSABLES if k < 128), bytes(ord(str(v)) for k, v in _CONFUSABLES.items() if k < 128)
)


def _skeleton(label: str) -> str:
    """The label with look-alike letters replaced by the Latin ones they imitate and accents dropped."""
    if label.isascii():
        plain = label.encode("ascii").translate(_ASCII_CONFUSABLES).decode("ascii")
        return plain.replace("rn", "m").replace("vv", "w").replace("-", "")
    plain = label.translate(_CONFUSABLES)
    if not plain.isascii():  # ASCII has nothing to decompose
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.replace("rn", "m").replace("vv", "w").replace("-", "")


def _scripts(label: str) -> set[str]:
    out = set()
    for ch in label:
        if ch.isalpha():
            out.add(unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0])
    return out


@dataclass(frozen=True, slots=True)
class LookAlike:
    """Brand and homoglyph evidence about a host.

    Attributes:
        brand_outside: a brand named outside its own domain (subdomain, path, or a hyphenated label).
        imitates: the brand domain this host's name imitates (``paypal.com`` for ``paypa1.com``).
        mixed_script: a label mixes scripts (Latin with Cyrillic or Greek).
        brand_in_path: the brand was named in the path only (weaker: news paths name brands too).
    """

    brand_outside: str | None
    imitates: str | None
    mixed_script: bool
    brand_in_path: bool = False


_NOTHING = LookAlike(None, None, False)


@lru_cache(maxsize=1)
def _brand_tables() -> tuple[dict[str, frozenset[str]], frozenset[str], frozenset[str]]:
    """(brand -> own domains, every brand-owned domain, brand names of 5+ letters for path checks)."""
    table = brands()
    owned = frozenset(d for own in table.values() for d in own)
    return table, owned, frozenset(name for name in table if len(name) >= 5)


@per_key_cache(maxsize=65536)
def _host_look(host_unicode: str, registered: str, suffix: str, subdomain: str, domain: str) -> LookAlike:
    table, owned, _ = _brand_tables()
    mixed = not host_unicode.isascii() and any(len(_scripts(x)) > 1 for x in host_unicode.split("."))
    label = (
        host_unicode[: -len(suffix) - 1] if suffix and host_unicode.endswith("." + suffix) else host_unicode
    )
    label = label.rsplit(".", 1)[-1]
    imitates = None
    if registered not in owned:
        skel = _skeleton(label)
        own = table.get(skel)
        if own is not None and (label != skel or not host_unicode.isascii()):
            imitates = sorted(own)[0]
    outside = None
    if imitates is None and registered not in owned:
        words = set(subdomain.replace("-", ".").split(".")) | set(domain.split("-"))
        for name in sorted(w for w in words if w in table):  # not words & table: that walks the table
            if name != domain:
                outside = name
                break
    if outside is None and imitates is None and not mixed:
        return _NOTHING  # the common answer, shared (frozen): building one costs ~1 us per new host
    return LookAlike(outside, imitates, mixed)


def look_alike(p: ParsedUrl) -> LookAlike:
    """Brand and homoglyph checks on a parsed URL (host part cached per host)."""
    host = _host_look(p.host_unicode, p.registered_domain, p.suffix, p.subdomain, p.domain)
    if host.imitates or host.brand_outside or not p.path:
        return host
    if p.registered_domain in _brand_tables()[1]:
        return host
    brand = _brand_in_path(p.path)
    return LookAlike(brand, None, host.mixed_script, brand_in_path=True) if brand else host


@per_key_cache(maxsize=16384)
def _brand_in_path(path: str) -> str | None:
    """The first (alphabetical) brand name of 5+ letters that is a whole word of the path, if any
    (cached: link paths recur, the empty one most)."""
    _, _, long_names = _brand_tables()
    path_words = set(path.lower().replace("-", "/").replace(".", "/").replace("?", "/").split("/"))
    hit = sorted(path_words.intersection(long_names))
    return hit[0] if hit else None
