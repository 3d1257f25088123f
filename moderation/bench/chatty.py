"""``python -m moderation.bench chatty``: how often legitimate chatty lines make a clean article "spam".

Why: the benchmarks' false alarms are chatty journalism (reader comments, embedded posts, interview turns,
a publisher's own lines), and a validation slice of generated spam predicts span F1 well but the
false-positive rate not at all. This check puts one of the data pack's ``dev``-split chatty rows into a
``dev``-split news article of the same language (no spam anywhere; our own placement code, not the
benchmarks') and reports the share of articles flagged, per kind of line. It is a report, never a source of
thresholds: those come from the training validation group (``moderation/train/text_models.py``).
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any


def _articles(data: Path) -> dict[str, list[str]]:
    """The ``dev``-split news articles, by language."""
    from ..train.injection import NEWS_FILES, read_jsonl

    out: dict[str, list[str]] = {}
    for name in NEWS_FILES:
        for row in read_jsonl(data / "news" / name):
            if row.get("split") == "dev" and isinstance(row.get("text"), str):
                out.setdefault(row.get("lang", "en"), []).append(row["text"])
    return out


def chatty_documents(data: Path, seed: int = 7) -> list[tuple[str, str, str]]:
    """(kind, lang, text): each ``dev`` chatty row once, inside a ``dev`` article of its language."""
    from ..train.injection import Injected, read_jsonl
    from ..train.placements import CHATTY_FILE, with_hams

    rng = random.Random(seed)
    by_lang = _articles(data)
    out = []
    for row in read_jsonl(data / CHATTY_FILE):
        text = row.get("text")
        if row.get("split") != "dev" or not isinstance(text, str) or not text.strip():
            continue
        lang = row.get("lang", "en")
        pool = by_lang.get(lang, [])
        if not pool:
            continue
        article = rng.choice(pool)
        doc = with_hams(Injected("", lang, article, [], article, 2), [text.strip()], rng)
        out.append((str(row.get("kind", "?")), lang, doc.text))
    return out


def chatty(args: argparse.Namespace) -> int:
    from moderation import Scanner, Settings

    docs = chatty_documents(Path(args.data))
    scanner = Scanner.default(Settings(model_dir=Path(args.model_dir)) if args.model_dir else None)
    total: Counter[tuple[str, str]] = Counter()
    flagged: Counter[tuple[str, str]] = Counter()
    for (kind, lang, _), res in zip(docs, scanner.scan_many(t for _, _, t in docs), strict=True):
        total[(kind, lang)] += 1
        flagged[(kind, lang)] += res.verdict == "spam"
    rows: list[dict[str, Any]] = [
        {"kind": k, "lang": lang, "docs": n, "flagged": flagged[(k, lang)], "share": flagged[(k, lang)] / n}
        for (k, lang), n in sorted(total.items())
    ]
    n_all, f_all = sum(total.values()), sum(flagged.values())
    if args.json:
        print(json.dumps({"rows": rows, "docs": n_all, "flagged": f_all}, indent=2))
        return 0
    for r in rows:
        print(f"{r['kind']:>24} {r['lang']}: {r['flagged']:>4}/{r['docs']:<4} flagged = {r['share']:.3f}")
    print(f"{'all':>27}: {f_all:>4}/{n_all:<4} flagged = {f_all / max(n_all, 1):.3f}")
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("chatty", help="clean dev articles with one legitimate chatty line: share flagged")
    p.add_argument("--data", default="../shared/data", help="the data pack")
    p.add_argument("--model-dir", default=None, help="models to use (default: the shipped ones)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=chatty)
