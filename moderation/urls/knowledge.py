"""Domain knowledge the lexical model must not have to guess: popularity and user-content platforms.

- **Popularity** (``popularity_tier``): a versioned snapshot of the data pack's popular-domain list, shipped
  as 64-bit hashes of registered domains with a rank tier (``resources/popularity.npz``, its sidecar
  ``popularity.json`` records the build command, the source file's sha256 and the counts). Built by
  ``moderation build-popularity`` (``moderation/train/popularity.py``); domains on a block list of the
  pack are left out ("popular is not the same as benign"). Hashes, not names: the snapshot is knowledge,
  not a copy of the list. Tiers: 1 = top 1,000, 2 = top 10,000, 3 = the rest of the list, 0 = not listed.
- **User-content platforms** (``platform_of``, ``resources/platforms.txt``, curated): hosts where anyone
  can publish (``*.blogspot.com``, ``docs.google.com/...``, ``t.me/...``). The host's own reputation says
  nothing about a page there; the checker judges what the user controls (the subdomain or the path) and
  never calls such a link trusted for its host.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

import numpy as np

from .._caches import bounded_dict, per_key_cache

POPULARITY_FILE = "popularity.npz"
POPULARITY_SIDECAR = "popularity.json"
TIER_LIMITS = (1_000, 10_000)  # rank <= 1,000 -> tier 1, <= 10,000 -> tier 2, else tier 3
TIER_NAMES = {1: "top 1,000", 2: "top 10,000", 3: "top 100,000"}
# tiers whose (non-platform) domains are trusted unless the score reaches the malicious threshold or a
# list says otherwise: the top 10,000 are, in the main, editorial sites, stores and services
TRUSTED_TIER = 2


def domain_hash(registered: str) -> int:
    """The snapshot's key for a registered domain: the first 8 bytes of its blake2b digest (a collision
    among 100,000 names has odds of about 1 in 10^9)."""
    return int.from_bytes(hashlib.blake2b(registered.encode("utf-8"), digest_size=8).digest(), "little")


def tier_of_rank(rank: int) -> int:
    return 1 if rank <= TIER_LIMITS[0] else 2 if rank <= TIER_LIMITS[1] else 3


@lru_cache(maxsize=1)
def _popularity() -> tuple[np.ndarray, np.ndarray]:
    """(sorted hashes, their tiers) from the shipped snapshot (empty without one). Kept as arrays and
    searched per new host: building a 100,000-entry dict would cost ~0.1 s of every cold start."""
    ref = resources.files("moderation").joinpath(f"resources/{POPULARITY_FILE}")
    if not ref.is_file():
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint8)
    with ref.open("rb") as f, np.load(f, allow_pickle=False) as z:
        return z["hashes"], z["tiers"]


@lru_cache(maxsize=1)
def popularity_version() -> str:
    """The snapshot's version (its sidecar's ``version``), ``"none"`` without one."""
    ref = resources.files("moderation").joinpath(f"resources/{POPULARITY_SIDECAR}")
    if not ref.is_file():
        return "none"
    return str(json.loads(ref.read_text(encoding="utf-8")).get("version", "none"))


_TIERS = bounded_dict(65536)


def popularity_tier(registered: str) -> int:
    """0 (not in the snapshot) or the domain's tier 1-3 (see the module docstring)."""
    tier = _TIERS.get(registered)
    if tier is None:
        hashes, tiers = _popularity()
        key = np.uint64(domain_hash(registered))
        i = int(np.searchsorted(hashes, key))
        tier = _TIERS.put(registered, int(tiers[i]) if i < len(hashes) and hashes[i] == key else 0)
    return int(tier)


def prime_popularity(domains: Iterable[str]) -> None:
    """Look up every domain not yet cached at once (one ``searchsorted`` for the batch, not one numpy
    call per domain); ``popularity_tier`` then answers from the cache, the same tiers."""
    new = [d for d in dict.fromkeys(domains) if d not in _TIERS]
    if not new:
        return
    hashes, tiers = _popularity()
    if not len(hashes):
        for d in new:
            _TIERS.put(d, 0)
        return
    keys = np.fromiter(map(domain_hash, new), dtype=np.uint64, count=len(new))
    at = np.minimum(np.searchsorted(hashes, keys), len(hashes) - 1)
    found = np.where(hashes[at] == keys, tiers[at], 0).tolist()
    for d, tier in zip(new, found, strict=True):
        _TIERS.put(d, int(tier))


PlatformControl = Literal["subdomain", "path"]


@dataclass(frozen=True, slots=True)
class Platform:
    """A user-content platform a URL is on: its entry (``blogspot.com``) and what the user controls."""

    name: str
    controls: PlatformControl


@lru_cache(maxsize=1)
def _platforms() -> dict[str, PlatformControl]:
    text = resources.files("moderation").joinpath("resources/platforms.txt").read_text(encoding="utf-8")
    table: dict[str, PlatformControl] = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 2 and not line.startswith("#") and fields[1] in ("subdomain", "path"):
            table[fields[0]] = fields[1]  # type: ignore[assignment]
    return table


@per_key_cache(maxsize=65536)
def platform_of(host: str) -> Platform | None:
    """The platform ``host`` is on, or None. The most specific entry wins (``docs.google.com`` before
    ``google.com``); a ``subdomain`` platform matches its own subdomains only (``x.github.io``, not
    ``github.io`` itself), which is also how private public suffixes split them."""
    table = _platforms()
    labels = host.split(".")
    for i in range(len(labels) - 1):
        entry = ".".join(labels[i:])
        controls = table.get(entry)
        if controls is None:
            continue
        if controls == "subdomain" and i == 0:
            return None  # the platform's own front page
        return Platform(entry, controls)
    return None
