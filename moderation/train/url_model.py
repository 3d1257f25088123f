"""Training and measuring the lexical URL model from ``../shared/data/urls`` (``moderation train-urls``).

Labels:
- bad (1): URLhaus (malware), UT1 ``malicious``, ``gambling``, ``cryptojacking``, ``fakenews``,
  ``stalkerware``, ``ddos``, the Block List Project (phishing, scam, malware, crypto), and the phishing
  and malware URLs *with paths* (``malicious_urls_with_paths.tsv``, including abused platforms and IPs);
- good (0): the popular-domain list, UT1 ``press``, the benign URLs *with paths*
  (``benign_urls_with_paths.tsv``: news articles in 11 languages, health/government pages, fact-checks,
  links embedded in articles) and the ``train``-split news article URLs (``dev``'s are kept for measuring).
UT1 ``ads`` and ``shortener`` and every shortener link are left out: the checker calls a shortener
``unknown``. A good domain that a block list names leaves the good side ("popular is not the same as
benign"). Pages on user-content platforms are synthesized for both sides with the same templates, named
after that side's own domains (``url_sources.platform_url``): the real data has bad platform pages only.

Leak guards (``url_leaks.py`` measures them: a classifier on the form of the URL must fail):
- one normalized form: no scheme, no ``www.``, lower case, no trailing slash;
- domain-only entries on both sides get the same synthetic paths half of the time, and both sides now
  have real paths, so "has a path" says nothing about the label;
- domain-only entries that are a registered domain get one of the same ordinary subdomains (``news.``,
  ``m.``, ``shop.`` ...) a fifth of the time on both sides: the popular list names registered domains
  only, the block lists often name hosts, so without it "has a subdomain" reads as "bad" (a benign
  ``give.<charity>.com`` or ``video.<outlet>.com`` link scored near 1);
- the split keeps registrable domains disjoint (``url_sources.split_of``: 70% fit / 15% validation / 15%
  test);
- the popularity prior: a popular-list row never sees its own membership (its tier is 0), so the prior is
  learned from the other sources' rows only; training reads the raw list's tiers (the shipped snapshot
  leaves blocked domains out, which would make "popular" look cleaner than it is).

Calibration: isotonic regression of the label on the checker's total log-odds, on the validation split;
the reliability curve and the expected calibration error are measured on the test split, and the two
verdict thresholds are chosen on the calibrated validation scores (``choose_thresholds``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import time
from pathlib import Path
from typing import Any

import numpy as np

from ..urls.checker import UrlChecker, look_alike, url_parts
from ..urls.knowledge import tier_of_rank
from ..urls.parse import ParsedUrl, UrlError, parse_url
from ..urls.rules import shorteners
from .url_leaks import source_discrimination
from .url_sources import (
    BAD_UT1,
    SUBDOMAIN_SHARE,
    Example,
    platform_url,
    reduce_form,
    registered,
    split_of,
    synthetic_path,
    synthetic_subdomain,
    tsv,
)

log = logging.getLogger(__name__)


def _add(table: dict[str, tuple[str, str]], url: str, origin: str, split_domain: str = "") -> None:
    table.setdefault(url, (origin, split_domain))


def _list_rows(urls: Path, bad: dict[str, tuple[str, str]], good: dict[str, tuple[str, str]]) -> None:
    """The domain lists: URLhaus, UT1 (bad categories; ``press`` good), Block List Project, popular."""
    for row in tsv(urls / "urlhaus_2022-03-14.tsv"):
        _add(bad, reduce_form(row["url"]), "urlhaus")
    for row in tsv(urls / "ut1_blacklists.tsv"):
        if row["label"] in BAD_UT1:
            _add(bad, reduce_form(row["url"]), f"ut1-{row['label']}")
        elif row["label"] == "press":
            _add(good, reduce_form(row["url"]), "press")
    for row in tsv(urls / "blocklistproject.tsv"):
        _add(bad, reduce_form(row["domain"]), f"blp-{row['label']}")
    for row in tsv(urls / "tranco_top.tsv"):
        _add(good, reduce_form(row["domain"]), "popular")


def _path_rows(urls: Path, bad: dict[str, tuple[str, str]], good: dict[str, tuple[str, str]]) -> int:
    """The URLs with real paths (benign articles and embeds; phishing and malware pages). Shortener
    links are left out on both sides: the checker calls them ``unknown``. Returns the rows left out."""
    short = shorteners()
    skipped = 0
    for row in tsv(urls / "benign_urls_with_paths.tsv"):
        url = reduce_form(row["url"])
        host = url.split("/", 1)[0]
        if row["kind"] == "embedded_shortlink" or host in short or registered(url) in short:
            skipped += 1
            continue
        _add(good, url, f"benign-{row['kind']}")
    for row in tsv(urls / "malicious_urls_with_paths.tsv"):
        kind = "ip" if row.get("host_kind") == "ip" else row["category"]
        if row.get("host_kind") == "abused_platform":
            kind = "abused-platform"
        _add(bad, reduce_form(row["url"]), f"{kind}-paths")
    return skipped


def _news_rows(data: Path, good: dict[str, tuple[str, str]]) -> list[str]:
    """Train-split news article URLs go in; the dev split's are returned for measuring."""
    dev_news: list[str] = []
    for file in sorted((data / "news").glob("*.jsonl")):
        with open(file, encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                if isinstance(row.get("url"), str) and row["url"]:
                    if row.get("split") == "train":
                        _add(good, reduce_form(row["url"]), "news")
                    else:
                        dev_news.append(row["url"])
    return dev_news


def _platform_rows(rng: random.Random, table: dict[str, tuple[str, str]], origin: str, n: int) -> None:
    """``n`` synthetic pages on user-content platforms, named after this side's own domains and with
    this side's own real paths (benign: article slugs; bad: phishing paths), split by the name's domain."""
    names = sorted({registered(u) for u, (o, _) in table.items() if not o.startswith("platform")})
    paths = sorted({"/" + u.split("/", 1)[1] for u in table if "/" in u})
    for _ in range(n):
        domain = rng.choice(names)
        label = domain.split(".", 1)[0]
        if not label or label.isdigit():
            continue
        _add(table, platform_url(rng, label, rng.choice(paths)), origin, domain)


def _raw_tiers(urls: Path) -> dict[str, int]:
    """Registered domain -> popularity tier from the raw popular list (the snapshot leaves out blocked
    domains; training must see that popular domains can be bad)."""
    tiers: dict[str, int] = {}
    for row in tsv(urls / "tranco_top.tsv"):
        rank = next(
            (int(row[k]) for k in ("rank_2026_08_list", "rank_2025_06_list") if row.get(k, "").isdigit()), 0
        )
        if rank:
            d = registered(reduce_form(row["domain"]))
            tiers[d] = min(tier_of_rank(rank), tiers.get(d, 9))
    return tiers


def load_examples(data: Path, seed: int = 13) -> tuple[list[Example], list[str], dict[str, int]]:
    """(examples, dev-split news article URLs, counts) from the data pack."""
    urls = data / "urls"
    bad: dict[str, tuple[str, str]] = {}
    good: dict[str, tuple[str, str]] = {}
    _list_rows(urls, bad, good)
    short_skipped = _path_rows(urls, bad, good)
    dev_news = _news_rows(data, good)
    # a good domain that a block list names is dropped ("popular is not the same as benign"); pages on
    # hosts abused by phishing (docs.google.com ...) do not make the host's own pages bad
    bad_domains = {registered(u) for u, (o, _) in bad.items() if not o.endswith("-paths")}
    conflicts = [u for u in good if registered(u) in bad_domains]
    for u in conflicts:
        del good[u]
    rng = random.Random(seed)
    _platform_rows(rng, good, "platform-benign", 3000)
    _platform_rows(rng, bad, "platform-bad", 3000)
    tiers = _raw_tiers(urls)
    examples = []
    sub_rng = random.Random(seed + 1)  # its own stream: the synthetic paths stay what they were
    for label, table in ((1, bad), (0, good)):
        for url, (origin, split_domain) in sorted(table.items()):
            domain = registered(url)
            if "/" not in url and url == domain and sub_rng.random() < SUBDOMAIN_SHARE:
                url = f"{synthetic_subdomain(sub_rng)}.{url}"
            if "/" not in url and rng.random() < 0.5:
                url += synthetic_path(rng)
            popular = 0 if origin == "popular" else tiers.get(domain, 0)
            examples.append(Example(url, label, origin, split_of(split_domain or domain), popular))
    counts = {
        "bad": len(bad),
        "good": len(good),
        "good_dropped_as_also_bad": len(conflicts),
        "shortener_links_left_out": short_skipped,
    }
    return examples, dev_news, counts


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


def _log_odds(checker: UrlChecker, parsed: list[ParsedUrl], kept: list[Example]) -> np.ndarray:
    return np.array([checker.log_odds(p, ex.popular) for p, ex in zip(parsed, kept, strict=True)])


def calibrate(z: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Isotonic regression of the label on the total log-odds: its knots (z increasing, p)."""
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.001, y_max=0.999, out_of_bounds="clip").fit(z, y)
    return np.asarray(iso.X_thresholds_, dtype=np.float64), np.asarray(iso.y_thresholds_, dtype=np.float64)


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 10) -> tuple[float, list[dict[str, float]]]:
    """(expected calibration error, the reliability curve: per equal-width bin the mean score, the
    observed share of bad URLs and the count)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    curve, ece = [], 0.0
    for b in range(bins):
        m = which == b
        if not m.any():
            continue
        mean_p, share = float(p[m].mean()), float(y[m].mean())
        ece += m.sum() / len(p) * abs(mean_p - share)
        curve.append(
            {"bin": round(edges[b], 1), "score": round(mean_p, 4), "bad": round(share, 4), "n": int(m.sum())}
        )
    return round(float(ece), 4), curve


def choose_thresholds(p: np.ndarray, y: np.ndarray, origins: np.ndarray) -> dict[str, float]:
    """On the validation split: the lowest ``malicious`` threshold at which every benign source (with
    100 or more URLs) has a false-positive rate <= 0.5%, and the lowest ``suspicious`` one at which each
    has <= 2% (never below 0.5 and 0.3: a probability under one half is not "malicious")."""
    groups = [p[(origins == o) & (y == 0)] for o in sorted(set(origins[y == 0]))]
    groups = [g for g in groups if len(g) >= 100]
    malicious = max(0.5, *(float(np.quantile(g, 0.995)) for g in groups))
    suspicious = max(0.3, *(float(np.quantile(g, 0.98)) for g in groups))
    malicious = min(malicious + 1e-6, 0.999)
    return {"malicious": round(malicious, 4), "suspicious": round(min(suspicious + 1e-6, malicious), 4)}


def per_origin(p: np.ndarray, origins: np.ndarray, threshold: float) -> dict[str, float]:
    """The share at or above ``threshold`` per origin (FPR for benign origins, recall for bad ones)."""
    return {str(o): round(_fpr_at(p[origins == o], threshold), 4) for o in sorted(set(origins))}


def train_url_model(data: Path, out: Path, seed: int = 13, C: float = 0.1) -> dict[str, Any]:
    """Fit on the train split, calibrate and choose thresholds on validation, measure on test, save."""
    from sklearn.metrics import roc_auc_score

    from classifiers import UrlModel, save_url_model

    started = time.time()
    examples, dev_news, counts = load_examples(data, seed)
    parsed, y, kept = _parse_all(examples)
    log.info("URL examples: %s (parsed %d)", counts, len(parsed))
    split = np.array([ex.split for ex in kept])
    fit = split == "train"
    parts = [url_parts(p, look_alike(p), ex.popular) for p, ex, f in zip(parsed, kept, fit, strict=True) if f]
    model = UrlModel(C=C, random_state=0).fit(parts, y[fit])
    log.info("fitted on %d URLs in %.0f s", int(fit.sum()), time.time() - started)

    checker = UrlChecker(model)
    z = _log_odds(checker, parsed, kept)
    val, test = split == "validation", split == "test"
    model.set_calibration(*calibrate(z[val], y[val]))
    scores = model.probabilities(z)
    origins = np.array([ex.origin for ex in kept])
    thresholds = choose_thresholds(scores[val], y[val], origins[val])
    ece, curve = reliability(scores[test], y[test])
    dev_scores = []
    for u in dev_news:
        with contextlib.suppress(UrlError):
            dev_scores.append(model.probability(checker.log_odds(parse_url(u))))
    metrics = {
        "test_urls": int(test.sum()),
        "test_bad": int((test & (y == 1)).sum()),
        "roc_auc": round(float(roc_auc_score(y[test], scores[test])), 4),
        "roc_auc_validation": round(float(roc_auc_score(y[val], scores[val])), 4),
        "ece": ece,
        "reliability": curve,
        "at_malicious": per_origin(scores[test], origins[test], thresholds["malicious"]),
        "at_suspicious": per_origin(scores[test], origins[test], thresholds["suspicious"]),
        "fpr_dev_news_urls": round(_fpr_at(np.array(dev_scores), thresholds["malicious"]), 4),
        "dev_news_urls": len(dev_scores),
        "tpr_at_malicious": round(_fpr_at(scores[test & (y == 1)], thresholds["malicious"]), 4),
    }
    log.info("URL model: %s, thresholds %s", metrics, thresholds)
    fingerprint = {
        f"{p.parent.name}/{p.name}": _sha256(p)
        for p in [*sorted((data / "urls").glob("*.tsv")), *sorted((data / "news").glob("*.jsonl"))]
    }
    extra = {
        "thresholds": thresholds,
        "test": metrics,
        "leak_check": source_discrimination(data),
        "data": {"files": fingerprint, "counts": counts, "seed": seed},
        # the build is deterministic (fixed seeds, liblinear with random_state 0, sorted inputs): this
        # command on the same data and library versions rebuilds url-model.npz bit for bit
        "rebuild": "moderation train-urls --data ../shared/data --out classifiers/models",
        "training_seconds": round(time.time() - started, 1),
    }
    return save_url_model(model, out, extra)


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
