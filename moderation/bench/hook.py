"""``python -m moderation.bench hook``: the newsroom hook's latency per article, in process.

Articles of about 3 KB are built from the HTML page set's hand-written sentences (a third with a spam line
from the same set); each is decided ``--calls`` times in a row from one thread after a warm-up, and the
p50/p99/max of ``Hook.decide`` are reported, with the actions taken. A second run decides the same
articles from 4 threads at once (the hook is shared) and reports the same percentiles.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def articles(count: int, seed: int = 3) -> list[Any]:
    from ..hooks import Article
    from .pages import _words as W
    from .pages._build import sentences

    rng = random.Random(seed)
    out = []
    topics = list(W.ARTICLES)
    for k in range(count):
        topic = topics[k % len(topics)]
        paras: list[str] = []
        while sum(len(p) for p in paras) < 2900:
            paras.append(" ".join(sentences(rng, topic, 3)))
        if k % 3 == 0:
            paras.insert(rng.randrange(1, len(paras)), W.SPAM_LINES[k % len(W.SPAM_LINES)])
        out.append(
            Article(
                body="\n\n".join(paras), url=f"https://www.example-paper.com/{k}", source="stringer", id=k
            )
        )
    return out


def _percentiles(ms: list[float]) -> dict[str, float]:
    ms = sorted(ms)
    return {
        "p50_ms": round(statistics.median(ms), 2),
        "p99_ms": round(ms[min(len(ms) - 1, int(0.99 * len(ms)))], 2),
        "max_ms": round(ms[-1], 2),
    }


def run(args: argparse.Namespace) -> int:
    from collections import Counter

    from ..hooks import Hook, Policy

    arts = articles(args.articles)
    hook = Hook(Policy(budget_ms=1000.0))
    for a in arts[:20]:
        hook.decide(a)
    times: list[float] = []
    actions: Counter[str] = Counter()
    for _ in range(args.calls):
        for a in arts:
            t = time.perf_counter()
            d = hook.decide(a)
            times.append(1000 * (time.perf_counter() - t))
            actions[d.action] += 1
    report: dict[str, Any] = {
        "articles": len(arts),
        "average_chars": round(sum(len(a.body) for a in arts) / len(arts)),
        "calls": len(times),
        "one_thread": _percentiles(times),
        "actions": dict(actions),
    }
    threaded: list[float] = []

    def timed(a: Any) -> float:
        t = time.perf_counter()
        hook.decide(a)
        return 1000 * (time.perf_counter() - t)

    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(timed, arts * args.calls))
    report["four_threads"] = _percentiles(threaded)
    hook.close()
    print(json.dumps(report, indent=2))
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("hook", help="newsroom hook: latency per 3 KB article in process (p50/p99)")
    p.add_argument("--articles", type=int, default=200, help="distinct articles (default 200)")
    p.add_argument("--calls", type=int, default=5, help="passes over them (default 5)")
    p.set_defaults(func=run)
