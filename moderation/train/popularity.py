"""Building the popularity snapshot (``moderation build-popularity``): the data pack's popular-domain list
-> ``moderation/resources/popularity.npz`` + ``popularity.json`` (see ``urls/knowledge.py``).

Each listed domain is reduced to its registered domain, given the tier of its best rank (the newer list's
rank, else the older one's), and stored as a 64-bit hash; domains that a block list of the pack names
(URLhaus, UT1's bad categories, the Block List Project) are left out. The sidecar records the command,
the source files' sha256, the counts and a version (the snapshot file's own sha256 prefix), so a rebuild
from the same pack gives the same file.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from ..urls.knowledge import POPULARITY_FILE, POPULARITY_SIDECAR, domain_hash, tier_of_rank
from ..urls.suffixes import registered_domain
from .url_sources import BAD_UT1, reduce_form, tsv

BUILD_COMMAND = "moderation build-popularity --data ../shared/data --out moderation/resources"


def _rank(row: dict[str, str]) -> int | None:
    for key in ("rank_2026_08_list", "rank_2025_06_list"):
        value = row.get(key, "").strip()
        if value.isdigit():
            return int(value)
    return None


def blocked_domains(urls: Path) -> set[str]:
    """Registered domains of every domain-kind entry on the pack's block lists."""
    out: set[str] = set()
    for row in tsv(urls / "urlhaus_2022-03-14.tsv"):
        if row.get("kind") == "domain":
            out.add(registered_domain(reduce_form(row["url"]).split("/", 1)[0]))
    for row in tsv(urls / "ut1_blacklists.tsv"):
        if row["label"] in BAD_UT1 and row.get("kind") == "domain":
            out.add(registered_domain(reduce_form(row["url"]).split("/", 1)[0]))
    for row in tsv(urls / "blocklistproject.tsv"):
        out.add(registered_domain(reduce_form(row["domain"]).split("/", 1)[0]))
    return out


def build_popularity(data: Path, out: Path) -> dict[str, Any]:
    """Write the snapshot and its sidecar into ``out``; returns the sidecar."""
    urls = data / "urls"
    blocked = blocked_domains(urls)
    tiers: dict[str, int] = {}
    skipped = 0
    for row in tsv(urls / "tranco_top.tsv"):
        rank = _rank(row)
        domain = registered_domain(reduce_form(row["domain"]).split("/", 1)[0])
        if rank is None or not domain:
            continue
        if domain in blocked:
            skipped += 1
            continue
        tier = tier_of_rank(rank)
        tiers[domain] = min(tier, tiers.get(domain, tier))
    pairs = sorted((domain_hash(d), t) for d, t in tiers.items())
    buf = io.BytesIO()
    np.savez_compressed(
        buf,
        hashes=np.array([h for h, _ in pairs], dtype=np.uint64),
        tiers=np.array([t for _, t in pairs], dtype=np.uint8),
    )
    out.mkdir(parents=True, exist_ok=True)
    (out / POPULARITY_FILE).write_bytes(buf.getvalue())
    digest = hashlib.sha256(buf.getvalue()).hexdigest()
    sidecar = {
        "version": f"popularity-{digest[:12]}",
        "built_by": BUILD_COMMAND,
        "hash": "blake2b-64 (little-endian) of the registered domain",
        "tiers": {"1": "rank <= 1000", "2": "rank <= 10000", "3": "listed"},
        "domains": len(pairs),
        "by_tier": {str(t): sum(1 for _, x in pairs if x == t) for t in (1, 2, 3)},
        "left_out_as_blocked": skipped,
        "sources": {
            f"urls/{name}": hashlib.sha256((urls / name).read_bytes()).hexdigest()
            for name in (
                "tranco_top.tsv",
                "urlhaus_2022-03-14.tsv",
                "ut1_blacklists.tsv",
                "blocklistproject.tsv",
            )
        },
        "sha256": digest,
    }
    (out / POPULARITY_SIDECAR).write_text(
        json.dumps(sidecar, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return sidecar
