"""The URL training rows from the data pack, with the leak guards (see ``url_model.py``'s docstring).

Split: by registered domain (crc32): 70% fit, 15% validation (calibration and thresholds), 15% test (the
reported scores; the same domains as before the validation share grew). A synthetic platform row is split
by the domain its name was taken from, so a name never straddles fit and test.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..urls.suffixes import registered_domain

BAD_UT1 = {"malicious", "gambling", "cryptojacking", "fakenews", "stalkerware", "ddos"}
_WORDS = (
    "news world business sport politics economy health science culture local city weather market "
    "report interview update review guide travel food music film football election police court "
    "energy climate school family money tech video photo story opinion analysis live today week"
).split()
_SECTIONS = "news world business sport politics economy tech blog article story category en de id pt".split()
SUBDOMAIN_PLATFORMS = (
    "blogspot.com wordpress.com weebly.com wixsite.com github.io firebaseapp.com web.app pages.dev "
    "vercel.app netlify.app herokuapp.com substack.com tumblr.com"
).split()
_ID = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
# Ordinary host names under a registered domain (``m.``, ``news.``, ``shop.`` ...), none of them a phishing
# word: what a site's own pages are served from, on either side.
_SUBDOMAINS = (
    "m mobile news blog shop store en de fr es app web video videos media live www2 info community events "
    "support help docs forum portal online home my go get about careers jobs sport tv radio"
).split()
# Share of domain-only list entries given a synthetic subdomain (both labels): about the share of the
# block lists' entries that name a host below their registered domain (~20%).
SUBDOMAIN_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class Example:
    """One training URL: its reduced form, label (1 = bad), where it came from, and its split.
    ``popular``: the popularity tier the model may see for it (0 for a popular-list row: its own
    membership is not evidence), or None to ask the snapshot."""

    url: str
    label: int
    origin: str
    split: str
    popular: int | None = None


def reduce_form(entry: str) -> str:
    """The one form every entry is reduced to: no scheme, no ``www.``, lower case, no trailing slash."""
    s = entry.strip().lower()
    for prefix in ("https://", "http://", "ftp://"):
        if s.startswith(prefix):
            s = s[len(prefix) :]
    if s.startswith("www."):
        s = s[4:]
    return s.rstrip("/")


def synthetic_path(rng: random.Random) -> str:
    """A realistic path for a domain-only entry (the same generator for both labels)."""
    w = lambda k: "-".join(rng.choice(_WORDS) for _ in range(k))  # noqa: E731
    kind = rng.randrange(10)
    if kind == 0:
        date = f"{rng.randint(2015, 2026)}/{rng.randint(1, 12):02d}"
        return f"/{rng.choice(_SECTIONS)}/{date}/{w(rng.randint(3, 7))}"
    if kind == 1:
        return f"/{rng.choice(_SECTIONS)}/{w(rng.randint(3, 8))}-{rng.randint(10000, 99999999)}"
    if kind == 2:
        return f"/article/{rng.randint(100000, 9999999)}.html"
    if kind == 3:
        return f"/search?q={rng.choice(_WORDS)}"
    if kind == 4:
        return f"/products/{w(2)}"
    if kind == 5:
        return rng.choice(["/login", "/signin", "/account", "/contact", "/about", "/help"])
    if kind == 6:
        return f"/{rng.choice(_SECTIONS)}/"
    if kind == 7:
        return f"/index.{rng.choice(['html', 'php', 'htm'])}"
    if kind == 8:
        return f"/{w(1)}/{w(1)}?id={rng.randint(1, 99999)}"
    return f"/{w(rng.randint(1, 3))}"


def synthetic_subdomain(rng: random.Random) -> str:
    """A host name for a domain-only entry's synthetic page (the same generator for both labels)."""
    return rng.choice(_SUBDOMAINS)


def platform_url(rng: random.Random, label: str, path: str) -> str:
    """A page on a user-content platform under ``label`` (the same templates for both labels)."""
    ident = "".join(rng.choice(_ID) for _ in range(rng.randint(10, 33)))
    kind = rng.randrange(12)
    if kind < 5:
        return f"{label}.{rng.choice(SUBDOMAIN_PLATFORMS)}{path}"
    return [
        f"docs.google.com/document/d/{ident}/edit",
        f"drive.google.com/file/d/{ident}/view",
        f"github.com/{label}/{path.strip('/').split('/')[0][:30] or label}",
        f"t.me/{label}",
        f"facebook.com/{label}/posts/{rng.randint(10**9, 10**15)}",
        f"twitter.com/{label}/status/{rng.randint(10**17, 10**19)}",
        f"sites.google.com/view/{label}{path}",
    ][kind - 5]


def split_of(registered: str) -> str:
    bucket = zlib.crc32(registered.encode("utf-8")) % 100
    return "train" if bucket < 70 else "validation" if bucket < 85 else "test"


def tsv(path: Path) -> Iterator[dict[str, str]]:
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            yield dict(zip(header, line.rstrip("\n").split("\t"), strict=False))


def registered(url: str) -> str:
    """The registered domain of a reduced-form entry (``host[:port]/path``)."""
    return registered_domain(url.split("/", 1)[0].split("?", 1)[0].split(":", 1)[0])
