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
    """Held-out quality: AUC, ECE and the reliability curve, FPR per benign source and recall per bad
    source at the malicious threshold (popular-list rows scored with their own membership masked)."""
    from sklearn.metrics import roc_auc_score

    from ..train.url_model import _parse_all, load_examples, per_origin, reliability
    from ..urls.checker import UrlChecker
    from ..urls.parse import UrlError

    checker = UrlChecker.default()
    if checker.model is None:
        raise SystemExit("no URL model in the model directory; run `make model` first")
    model = checker.model
    examples, dev_news, _ = load_examples(data)
    test = [e for e in examples if e.split == "test"]
    parsed, y, kept = _parse_all(test)
    z = np.array([checker.log_odds(p, e.popular) for p, e in zip(parsed, kept, strict=True)])
    scores = model.probabilities(z)
    origins = np.array([e.origin for e in kept])
    threshold = checker.thresholds["malicious"]
    news = []
    for u in dev_news:
        with contextlib.suppress(UrlError):
            news.append(checker.check(u).score)
    ece, curve = reliability(scores, y)
    rates = per_origin(scores, origins, threshold)
    benign = sorted(set(origins[y == 0]))
    return {
        "test_urls": len(parsed),
        "roc_auc": round(float(roc_auc_score(y, scores)), 4),
        "ece": ece,
        "reliability": curve,
        "thresholds": dict(checker.thresholds),
        "fpr": {o: rates[o] for o in benign},
        "recall": {o: rates[o] for o in sorted(set(origins[y == 1]))},
        "counts": {str(o): int((origins == o).sum()) for o in sorted(set(origins))},
        "fpr_news_urls": round(float((np.array(news) >= threshold).mean()), 4) if news else None,
        "news_urls": len(news),
        "recall_at_malicious": round(float((scores[y == 1] >= threshold).mean()), 4),
    }


FAMOUS_KINDS = (
    ("embedded_social", 40),
    ("embedded_link", 40),
    ("health_news_or_gov", 40),
    ("news_article", 80),
)


def famous_links(data: Path) -> list[str]:
    """200 famous embedded-link URLs assembled from the pack's benign path source: links found inside
    news articles (social embeds, other links), health and government pages, and news articles, each on
    a domain of the popularity snapshot's top 10,000, at most one URL per domain and kind (picked by a
    stable hash), shortener links left out (the checker calls those ``unknown``)."""
    import zlib

    from ..train.url_sources import tsv
    from ..urls.knowledge import platform_of, popularity_tier
    from ..urls.parse import UrlError, parse_url
    from ..urls.rules import shorteners

    short = shorteners()
    by_kind: dict[str, dict[str, str]] = {k: {} for k, _ in FAMOUS_KINDS}
    for row in tsv(data / "urls" / "benign_urls_with_paths.tsv"):
        kind = row["kind"]
        if kind not in by_kind:
            continue
        try:
            p = parse_url(row["url"])
        except UrlError:
            continue
        famous = 1 <= popularity_tier(p.registered_domain) <= 2 or platform_of(p.host) is not None
        if not famous or p.registered_domain in short or p.host in short:
            continue
        key = p.host if kind == "embedded_social" else p.registered_domain
        best = by_kind[kind].get(key)
        if best is None or zlib.crc32(row["url"].encode()) < zlib.crc32(best.encode()):
            by_kind[kind][key] = row["url"]
    out: list[str] = []
    spare: list[str] = []
    for kind, n in FAMOUS_KINDS:
        picked = sorted(by_kind[kind].values(), key=lambda u: zlib.crc32(u.encode()))
        if kind == "embedded_social":  # several per platform host: the embeds are mostly on a few hosts
            picked = _spread(data, n)
        out.extend(picked[:n])
        spare.extend(picked[n:])
    # a kind with fewer famous domains than its share leaves room: filled from the others' spares
    return out + [u for u in spare if u not in out][: max(0, 200 - len(out))]


def _spread(data: Path, n: int) -> list[str]:
    """``n`` embedded social links spread over their hosts (round robin in a stable order)."""
    import zlib

    from ..train.url_sources import tsv

    hosts: dict[str, list[str]] = {}
    for row in tsv(data / "urls" / "benign_urls_with_paths.tsv"):
        if row["kind"] == "embedded_social":
            hosts.setdefault(row["url"].split("/")[2], []).append(row["url"])
    lanes = [sorted(v, key=lambda u: zlib.crc32(u.encode())) for _, v in sorted(hosts.items())]
    out: list[str] = []
    while len(out) < n and any(lanes):
        for lane in lanes:
            if lane and len(out) < n:
                out.append(lane.pop(0))
    return out


def famous(data: Path) -> dict[str, Any]:
    from ..urls.checker import UrlChecker

    checker = UrlChecker.default()
    urls = famous_links(data)
    verdicts = [checker.check(u).verdict for u in urls]
    worst = [(u, v) for u, v in zip(urls, verdicts, strict=True) if v in ("malicious", "suspicious")]
    return {
        "urls": len(urls),
        "malicious": verdicts.count("malicious"),
        "suspicious_share": round(verdicts.count("suspicious") / max(len(urls), 1), 4),
        "trusted": verdicts.count("trusted"),
        "neutral": verdicts.count("neutral"),
        "unknown": verdicts.count("unknown"),
        "flagged_hosts": sorted({u.split("/")[2] for u, _ in worst}),
    }


def lists(data: Path) -> tuple[dict[str, Any], Any]:
    from ..train.url_sources import tsv as _tsv
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
    for i in range(0, len(unseen), 1000):
        fresh.check_many(unseen[i : i + 1000])
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
    t = q["thresholds"]
    print(
        f"held-out URLs ({q['test_urls']:,}, registrable domains disjoint from training): "
        f"ROC AUC {q['roc_auc']} (bar 0.95); ECE {q['ece']} (bar 0.05); thresholds malicious "
        f"{t['malicious']}, suspicious {t['suspicious']} (chosen on the validation split)"
    )
    print(
        "reliability (test): "
        + ", ".join(f"{c['score']:.2f}->{c['bad']:.2f} ({c['n']})" for c in q["reliability"])
    )
    print(
        "benign marked malicious per source (bar <= 0.01): "
        + ", ".join(f"{o} {v} ({q['counts'][o]})" for o, v in q["fpr"].items())
        + f", dev news-article URLs {q['fpr_news_urls']} ({q['news_urls']})"
    )
    print(
        f"recall at malicious {q['recall_at_malicious']}; per source: "
        + ", ".join(f"{o} {v} ({q['counts'][o]})" for o, v in q["recall"].items())
    )
    f = famous(data)
    print(
        f"famous embedded links ({f['urls']}): malicious {f['malicious']} (bar 0), suspicious "
        f"{f['suspicious_share']:.1%} (bar <= 2%), trusted {f['trusted']}, neutral {f['neutral']}, "
        f"unknown {f['unknown']}; flagged hosts {f['flagged_hosts']}"
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
        print(json.dumps({"quality": q, "famous": f, "lists": lq, "speed": s}, indent=2))
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("urls", help="URL checker: held-out AUC and FPR, list exactness, checks/s, cold start")
    p.add_argument("--data", default="../shared/data", help="the data pack")
    p.add_argument("--json", action="store_true", help="also print JSON")
    p.set_defaults(func=run)
