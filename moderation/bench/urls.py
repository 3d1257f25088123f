"""``python -m moderation.bench urls`` (run by ``make bench-urls``): the URL checker's bars.

1. Quality on the held-out split of ``../shared/data/urls`` (registrable domains disjoint from training;
   the split is ``_url_training.split_of``): ROC AUC of the checker's score, and the false-positive rate
   at the ``malicious`` threshold on popular domains, press domains and news-article URLs (the ``dev``
   news split's article URLs, which training never saw).
2. Lists: every list file imported into a temporary store; every listed entry must be found (exact),
   and every allowlisted domain must come out no worse than ``neutral``.
3. Speed: URL checks per second on one core after a warm-up (offline, lists loaded): distinct URLs
   with the per-host and per-path caches warm, distinct URLs with them emptied, repeated URLs; and the
   cold start of a fresh process (import + load the model + first check).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np


def quality(data: Path) -> dict[str, Any]:
    from sklearn.metrics import roc_auc_score

    from ..train.url_model import _parse_all, load_examples
    from ..urls.checker import UrlChecker
    from ..urls.parse import UrlError, parse_url

    checker = UrlChecker.default()
    if checker.model is None:
        raise SystemExit("no URL model in the model directory; run `make model` first")
    examples, dev_news, _ = load_examples(data)
    test = [e for e in examples if e.split == "test"]
    parsed, y, kept = _parse_all(test)
    scores = np.array([checker.judge(p).score for p in parsed])
    origins = np.array([e.origin for e in kept])
    threshold = checker.thresholds["malicious"]
    news = []
    for u in dev_news:
        with contextlib.suppress(UrlError):
            news.append(checker.judge(parse_url(u)).score)
    return {
        "test_urls": len(parsed),
        "roc_auc": round(float(roc_auc_score(y, scores)), 4),
        "malicious_threshold": threshold,
        "fpr_popular": round(float((scores[origins == "popular"] >= threshold).mean()), 4),
        "fpr_press": round(float((scores[origins == "press"] >= threshold).mean()), 4),
        "fpr_news_urls": round(float((np.array(news) >= threshold).mean()), 4) if news else None,
        "news_urls": len(news),
        "recall_at_malicious": round(float((scores[y == 1] >= threshold).mean()), 4),
    }


def lists(data: Path) -> tuple[dict[str, Any], Any]:
    from ..train.url_model import _tsv
    from ..urls.checker import UrlChecker
    from ..urls.lists import ListStore
    from ..urls.parse import UrlError, parse_url

    urls = data / "urls"
    with tempfile.TemporaryDirectory(prefix="bench-urls-") as tmp:
        store = ListStore(Path(tmp))
        start = time.monotonic()
        plan = [
            ("urlhaus_2022-03-14.tsv", "block", "urlhaus", "url", None),
            ("blocklistproject.tsv", "block", "blocklistproject", "domain", None),
            ("ut1_blacklists.tsv", "block", "ut1", "url", lambda r: r["label"] not in ("press", "shortener")),
            ("ut1_blacklists.tsv", "allow", "ut1-press", "url", lambda r: r["label"] == "press"),
            ("url_shorteners.tsv", "shortener", "shorteners", "domain", None),
        ]
        listed: dict[str, list[str]] = {}
        for file, kind, source, column, keep in plan:
            entries = [r[column] for r in _tsv(urls / file) if keep is None or keep(r)]
            store.import_lines(entries, kind, source)
            listed[f"{kind}/{source}"] = entries
        imported = time.monotonic() - start
        start = time.monotonic()
        index = store.load()
        load_seconds = time.monotonic() - start
        checker = UrlChecker.default()
        checker = UrlChecker(checker.model, index, checker.thresholds)
        missing: dict[str, int] = {}
        unparsable = 0
        for key, entries in listed.items():
            kind, source = key.split("/")
            miss = 0
            for entry in entries:
                try:
                    hits = index.lookup(parse_url(entry))
                except UrlError:
                    unparsable += 1
                    continue
                if not any(h.kind == kind and h.source == source for h in hits):
                    miss += 1
            missing[key] = miss
        allow = listed["allow/ut1-press"]
        worse = 0
        for entry in allow:
            try:
                if checker.check(entry).verdict not in ("trusted", "neutral"):
                    worse += 1
            except UrlError:
                pass
        return {
            "entries": len(index),
            "import_seconds": round(imported, 1),
            "load_seconds": round(load_seconds, 3),
            "not_found": missing,
            "entries_that_are_not_urls": unparsable,
            "allowlisted": len(allow),
            "allowlisted_worse_than_neutral": worse,
        }, checker


def speed(checker: Any, sample: list[str], unseen: list[str]) -> dict[str, Any]:
    """Checks/s on distinct URLs (a fresh checker each pass: no report is reused; the per-host and
    per-path caches are warm, as in a stream where hosts recur), on other distinct URLs with those
    caches emptied first (each host and path is computed once, at its first URL), and on a stream where
    URLs repeat (each of 2,000 distinct URLs 10 times, as links repeat across scraped articles)."""
    from ..urls.checker import UrlChecker, clear_caches

    for url in sample[:2000]:
        checker.check(url)
    best = 0.0
    for _ in range(3):
        fresh = UrlChecker(checker.model, checker.lists, checker.thresholds)
        start = time.perf_counter()
        for url in sample:
            fresh.check(url)
        best = max(best, len(sample) / (time.perf_counter() - start))
    repeated = sample[:2000] * 10
    fresh = UrlChecker(checker.model, checker.lists, checker.thresholds)
    start = time.perf_counter()
    for url in repeated:
        fresh.check(url)
    repeats = len(repeated) / (time.perf_counter() - start)
    clear_caches(checker.model)
    fresh = UrlChecker(checker.model, checker.lists, checker.thresholds)
    fresh.check("https://example.com/")  # rebuild the model's scoring tables outside the clock
    start = time.perf_counter()
    for url in unseen:
        fresh.check(url)
    new_hosts = len(unseen) / (time.perf_counter() - start)
    code = "from moderation import UrlChecker; UrlChecker.default().check('https://example.com/x')"
    colds = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        colds.append(time.perf_counter() - start)
    return {
        "checks_per_second": round(best),
        "checks_per_second_new_hosts": round(new_hosts),
        "checks_per_second_repeated_urls": round(repeats),
        "cold_start_seconds": round(min(colds), 3),
    }


def run(args: argparse.Namespace) -> int:
    data = Path(args.data)
    if not (data / "urls").is_dir():
        print(f"no data pack at {data}; give --data", file=sys.stderr)
        return 2
    q = quality(data)
    print(
        f"held-out URLs ({q['test_urls']:,}, domains disjoint from training): "
        f"ROC AUC {q['roc_auc']} (bar 0.97); "
        f"at the malicious threshold {q['malicious_threshold']}: FPR popular {q['fpr_popular']}, press "
        f"{q['fpr_press']}, news-article URLs {q['fpr_news_urls']} ({q['news_urls']}) (bar <= 0.01); "
        f"recall {q['recall_at_malicious']}"
    )
    lq, checker = lists(data)
    print(
        f"lists: {lq['entries']:,} entries imported in {lq['import_seconds']} s, "
        f"loaded in {lq['load_seconds']} s; "
        f"listed entries not found: {lq['not_found']}; allowlisted worse than neutral: "
        f"{lq['allowlisted_worse_than_neutral']} of {lq['allowlisted']}"
    )
    from ..train.url_model import load_examples

    examples, _, _ = load_examples(data)
    rng = np.random.default_rng(0)
    picked = rng.choice(len(examples), 40_000, replace=False)
    sample = [examples[i].url for i in picked[:20_000]]
    unseen = [examples[i].url for i in picked[20_000:]]
    del examples  # 337k harness objects the garbage collector would otherwise walk during the timing
    gc.collect()
    s = speed(checker, sample, unseen)
    print(
        f"speed (one core, lists loaded): {s['checks_per_second']:,} URL checks/s on distinct URLs "
        f"(bar 20,000), {s['checks_per_second_new_hosts']:,}/s on 20,000 other URLs with the per-host and "
        f"per-path caches emptied first, "
        f"{s['checks_per_second_repeated_urls']:,}/s when each URL comes 10 times; "
        f"cold start {s['cold_start_seconds']} s (bar 1 s)"
    )
    if args.json:
        print(json.dumps({"quality": q, "lists": lq, "speed": s}, indent=2))
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("urls", help="URL checker: held-out AUC and FPR, list exactness, checks/s, cold start")
    p.add_argument("--data", default="../shared/data", help="the data pack")
    p.add_argument("--json", action="store_true", help="also print JSON")
    p.set_defaults(func=run)
