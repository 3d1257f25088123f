"""``python -m moderation.bench adversarial`` (part of ``make bench``): time and memory on hostile inputs.

Why: a scanner that is fast on news text can still be quadratic on a text built to hit one regular
expression or one loop (issue 14 measured 8-19 s on 100 KB of ``'a.'``, ``'\\u2026'`` or ``'x.com '``).
Every pattern here is scanned at 10 KB, 100 KB and 1 MB; the bars are: no pattern over 1 s per MB, and
1 MB takes at most 12x the time of 100 KB. ``check-url`` gets one long URL of each size too. Peak memory
(tracemalloc, Python allocations incl. numpy) of news-like text at 1, 5 and 20 MB is reported as a
multiple of the text's size (bar: 15x).

``PATTERNS`` is also what ``tests/test_adversarial.py`` scales (a ratio check, not absolute seconds).
"""

from __future__ import annotations

import argparse
import gc
import json
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

KB = 1000
SIZES = (10 * KB, 100 * KB, 1000 * KB)
SECONDS_PER_MB = 1.0
MAX_RATIO = 12.0
MEMORY_FACTOR = 15.0

_NEWS = (
    "The city council voted on Tuesday to extend the tram line to the northern suburbs, a project that "
    "has been debated for more than a decade. Mayor Ana Silva said the first trains could run in 2029. "
    "Critics, including the opposition leader Dr. J. Meyer, argued the cost of 1.2 billion euros was too "
    "high. Details are on www.city-example.org/tram and in the report (p. 14).\n\n"
)


def _repeat(unit: str) -> Callable[[int], str]:
    def build(size: int) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    return build


def _url_then(tail: str) -> Callable[[int], str]:
    def build(size: int) -> str:
        head = "Visit https://example.com/path "
        return head + (tail * size)[: size - len(head)]

    return build


def _mixed_scripts(size: int) -> str:
    return _repeat("Москва paypal.com ΑΘΗΝΑ ｅｘａｍｐｌｅ．ｃｏｍ 東京 ")(size)


def _long_token(size: int) -> str:
    return "Start " + "a" * (size - 12) + ".com x"


PATTERNS: dict[str, Callable[[int], str]] = {
    "a-dot": _repeat("a."),
    "dots": _repeat("."),
    "ellipsis": _repeat("\u2026"),
    "www-dot": _repeat("www."),
    "url-bangs": _url_then("!"),
    "x-com-space": _repeat("x.com "),
    "punct-run": _repeat(".!?…\"')]"),
    "dot-space": _repeat(". "),
    "brackets": _repeat("([{<"),
    "long-token": _long_token,
    "many-links": _repeat("See https://a.example.com/p?q=1 and b.example.org now. "),
    "dense-links": _repeat("a.io "),
    "many-lines": _repeat("word\n"),
    "blank-lines": _repeat("\n\n"),
    "tiny-segments": _repeat("A. "),
    "mixed-scripts": _mixed_scripts,
    "defanged": _repeat("hxxp[://]ex[.]com "),
    "spelled": _repeat("shop dot com "),
    "abbrev": _repeat("Mr. Dr. U.S. e.g. "),
    "hex-path": _url_then("0a"),
    "news": _repeat(_NEWS),
}


def time_scan(scan: Callable[[str], Any], text: str) -> float:
    """Seconds for one scan of ``text`` (best of two for short texts, to keep timer noise out)."""
    best = float("inf")
    for _ in range(2 if len(text) <= 100 * KB else 1):
        gc.collect()
        t0 = time.perf_counter()
        scan(text)
        best = min(best, time.perf_counter() - t0)
    return best


def _long_url(size: int) -> str:
    return "https://" + ("ab." * 20) + "example.com/" + ("a1b2c3/" * size)[:size]


class _FreshUrls:
    """``check`` on a new long URL at every call (the checker caches reports per URL string)."""

    def __init__(self, check: Callable[[str], Any]) -> None:
        self.check, self.calls = check, 0

    def __call__(self, url: str) -> None:
        self.calls += 1
        self.check(f"https://v{self.calls}.{url[len('https://') :]}")


def run_patterns(scan: Callable[[str], Any], sizes: tuple[int, ...] = SIZES) -> dict[str, dict[str, float]]:
    """Per pattern: seconds at each size, seconds per MB at the largest, and the last/previous ratio."""
    out: dict[str, dict[str, float]] = {}
    for name, build in PATTERNS.items():
        row: dict[str, float] = {}
        for size in sizes:
            row[f"s_{size // KB}kb"] = round(time_scan(scan, build(size)), 4)
        big, prev = row[f"s_{sizes[-1] // KB}kb"], row[f"s_{sizes[-2] // KB}kb"]
        row["s_per_mb"] = round(big * (1000 * KB) / sizes[-1], 3)
        row["ratio"] = round(big / max(prev, 1e-4), 2)
        out[name] = row
    return out


def memory(scan: Callable[[str], Any], sizes_mb: tuple[int, ...] = (1, 5, 20)) -> dict[str, float]:
    """Peak traced memory of one scan of news-like text, as a multiple of the text's size in bytes."""
    out = {}
    for mb in sizes_mb:
        text = PATTERNS["news"](mb * 1000 * KB)
        gc.collect()
        tracemalloc.start()
        scan(text)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out[f"{mb}mb_x"] = round(peak / len(text), 2)
    return out


def run(args: argparse.Namespace) -> int:
    from .. import Scanner, Settings

    scanner = Scanner.default(Settings(max_document_chars=50_000_000))
    checker = scanner.url_checker
    table = run_patterns(scanner.scan)
    table["check-url"] = run_patterns_url(checker.check)
    mem = memory(scanner.scan) if not args.no_memory else {}
    failed = [n for n, r in table.items() if r["s_per_mb"] > SECONDS_PER_MB or r["ratio"] > MAX_RATIO] + [
        k for k, v in mem.items() if v > MEMORY_FACTOR
    ]
    print(json.dumps({"patterns": table, "memory": mem, "failed": failed}, indent=2))
    return 1 if failed else 0


def run_patterns_url(check: Callable[[str], Any]) -> dict[str, float]:
    """``check-url`` on one long URL at each size (over ``MAX_URL_CHARS`` it is an error report)."""
    row: dict[str, float] = {}
    for size in SIZES:
        url = _long_url(size)
        row[f"s_{size // KB}kb"] = round(time_scan(_FreshUrls(check), url), 4)
    row["s_per_mb"] = row[f"s_{SIZES[-1] // KB}kb"]
    row["ratio"] = round(row[f"s_{SIZES[-1] // KB}kb"] / max(row[f"s_{SIZES[-2] // KB}kb"], 1e-4), 2)
    return row


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("adversarial", help="hostile inputs at 10 KB/100 KB/1 MB; peak memory vs text size")
    p.add_argument("--no-memory", action="store_true", help="skip the 1/5/20 MB memory runs")
    p.set_defaults(func=run)
