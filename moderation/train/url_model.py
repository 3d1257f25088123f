"""Training and measuring the lexical URL model from ``../shared/data/urls`` (``moderation train-urls``).

Labels:
- bad (1): URLhaus (malware), UT1 ``malicious``, ``gambling``, ``cryptojacking``, ``fakenews``,
  ``stalkerware``, ``ddos``, and the Block List Project (phishing, scam, malware, crypto);
- good (0): the popular-domain list, UT1 ``press`` (legitimate news sites), and the article URLs of the
  ``train``-split news (the ``dev`` split's article URLs are kept for measuring only).
UT1 ``ads`` and ``shortener`` are left out: ad servers and shorteners are not spam by themselves (the
shortener list is its own signal). A domain on both sides is dropped from the good side ("popular is
not the same as benign").

Leak guards: the lists differ in form (URLhaus lower-cases paths and stores no scheme; others are bare
domains), so every entry is reduced to the same form: no scheme, no ``www.``, lower case, no trailing
slash. Domain-only entries on *both* sides get the same synthetic paths half of the time (news-like
slugs, product and search pages, logins), so "has a path" says nothing about the label.

Split: by registered domain (crc32), so train and test never share a registrable domain: 80% fit,
5% validation (thresholds), 15% test (the reported scores).
"""

from __future__ import annotations

import json
import logging
import random
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..urls.checker import UrlChecker, look_alike, url_parts
from ..urls.parse import ParsedUrl, UrlError, parse_url
from ..urls.suffixes import registered_domain

log = logging.getLogger(__name__)

BAD_UT1 = {"malicious", "gambling", "cryptojacking", "fakenews", "stalkerware", "ddos"}
_WORDS = (
    "news world business sport politics economy health science culture local city weather market "
    "report interview update review guide travel food music film football election police court "
    "energy climate school family money tech video photo story opinion analysis live today week"
).split()
_SECTIONS = "news world business sport politics economy tech blog article story category en de id pt".split()


@dataclass(frozen=True, slots=True)
class Example:
    """One training URL: its reduced form, label (1 = bad), where it came from, and its split."""

    url: str
    label: int
    origin: str
    split: str


def reduce_form(entry: str) -> str:
    """The common form every list entry is reduced to (see the module docstring)."""
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


def split_of(registered_domain: str) -> str:
    bucket = zlib.crc32(registered_domain.encode("utf-8")) % 100
    return "train" if bucket < 80 else "validation" if bucket < 85 else "test"


def _tsv(path: Path) -> Iterator[dict[str, str]]:
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            yield dict(zip(header, line.rstrip("\n").split("\t"), strict=False))


def load_examples(data: Path, seed: int = 13) -> tuple[list[Example], list[str], dict[str, int]]:
    """(examples, dev-split news article URLs, counts) from the data pack."""
    urls = data / "urls"
    bad: dict[str, str] = {}
    good: dict[str, str] = {}
    for row in _tsv(urls / "urlhaus_2022-03-14.tsv"):
        bad.setdefault(reduce_form(row["url"]), "urlhaus")
    for row in _tsv(urls / "ut1_blacklists.tsv"):
        if row["label"] in BAD_UT1:
            bad.setdefault(reduce_form(row["url"]), f"ut1-{row['label']}")
        elif row["label"] == "press":
            good.setdefault(reduce_form(row["url"]), "press")
    for row in _tsv(urls / "blocklistproject.tsv"):
        bad.setdefault(reduce_form(row["domain"]), f"blp-{row['label']}")
    for row in _tsv(urls / "tranco_top.tsv"):
        good.setdefault(reduce_form(row["domain"]), "popular")
    dev_news: list[str] = []
    for file in sorted((data / "news").glob("*.jsonl")):
        with open(file, encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                if isinstance(row.get("url"), str) and row["url"]:
                    if row.get("split") == "train":
                        good.setdefault(reduce_form(row["url"]), "news")
                    else:
                        dev_news.append(row["url"])
    bad_domains = {_registered(u) for u in bad}
    conflicts = [u for u in good if _registered(u) in bad_domains]
    for u in conflicts:
        del good[u]
    rng = random.Random(seed)
    examples = []
    for label, table in ((1, bad), (0, good)):
        for url, origin in sorted(table.items()):
            if "/" not in url and rng.random() < 0.5:
                url += synthetic_path(rng)
            examples.append(Example(url, label, origin, split_of(_registered(url))))
    counts = {"bad": len(bad), "good": len(good), "good_dropped_as_also_bad": len(conflicts)}
    return examples, dev_news, counts


def _registered(url: str) -> str:
    """The registered domain of a reduced-form entry (``host[:port]/path``)."""
    return registered_domain(url.split("/", 1)[0].split("?", 1)[0].split(":", 1)[0])


def _parse_all(examples: list[Example]) -> tuple[list[ParsedUrl], np.ndarray, list[Example]]:
    parsed, labels, kept = [], [], []
    for ex in examples:
        try:
            parsed.append(parse_url(ex.url))
        except UrlError:
            continue
        labels.append(ex.label)
        kept.append(ex)
    return parsed, np.array(labels), kept


def _fpr_at(scores: np.ndarray, threshold: float) -> float:
    return float((scores >= threshold).mean()) if len(scores) else 0.0


def train_url_model(data: Path, out: Path, seed: int = 13, C: float = 0.1) -> dict[str, Any]:
    """Fit, choose thresholds on validation, measure on the domain-disjoint test split, save."""
    from sklearn.metrics import roc_auc_score

    from classifiers import UrlModel, save_url_model

    started = time.time()
    examples, dev_news, counts = load_examples(data, seed)
    parsed, y, kept = _parse_all(examples)
    log.info("URL examples: %s (parsed %d)", counts, len(parsed))
    parts = [url_parts(p, look_alike(p)) for p in parsed]
    split = np.array([ex.split for ex in kept])
    fit = split == "train"
    model = UrlModel(C=C, random_state=0).fit([pt for pt, f in zip(parts, fit, strict=True) if f], y[fit])
    log.info("fitted on %d URLs in %.0f s", int(fit.sum()), time.time() - started)

    checker = UrlChecker(model)
    scores = np.array([checker.judge(p).score for p in parsed])
    val = split == "validation"
    benign_val = np.sort(scores[val & (y == 0)])
    malicious = float(np.quantile(benign_val, 0.995)) if len(benign_val) else 0.85
    suspicious = float(np.quantile(benign_val, 0.95)) if len(benign_val) else 0.5
    thresholds = {
        "malicious": round(max(malicious, 0.5), 4),
        "suspicious": round(min(max(suspicious, 0.3), malicious), 4),
    }

    test = split == "test"
    origins = np.array([ex.origin for ex in kept])
    dev_scores = []
    for u in dev_news:
        try:
            dev_scores.append(checker.judge(parse_url(u)).score)
        except UrlError:
            continue
    metrics = {
        "test_urls": int(test.sum()),
        "test_bad": int((test & (y == 1)).sum()),
        "roc_auc": round(float(roc_auc_score(y[test], scores[test])), 4),
        "fpr_at_malicious": {
            name: round(_fpr_at(scores[test & (origins == name)], thresholds["malicious"]), 4)
            for name in ("popular", "press", "news")
        },
        "fpr_dev_news_urls": round(_fpr_at(np.array(dev_scores), thresholds["malicious"]), 4),
        "dev_news_urls": len(dev_scores),
        "tpr_at_malicious": round(_fpr_at(scores[test & (y == 1)], thresholds["malicious"]), 4),
        "by_origin_recall": {
            str(name): round(_fpr_at(scores[test & (origins == name)], thresholds["malicious"]), 4)
            for name in sorted(set(origins[y == 1]))
        },
    }
    log.info("URL model: %s, thresholds %s", metrics, thresholds)
    fingerprint = {
        f"{p.parent.name}/{p.name}": _sha256(p)
        for p in [*sorted((data / "urls").glob("*.tsv")), *sorted((data / "news").glob("*.jsonl"))]
    }
    manifest = save_url_model(
        model,
        out,
        {
            "thresholds": thresholds,
            "test": metrics,
            "data": {"files": fingerprint, "counts": counts, "seed": seed},
            "training_seconds": round(time.time() - started, 1),
        },
    )
    return manifest


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
