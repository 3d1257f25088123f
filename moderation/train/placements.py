"""Training documents for detection v2: spam glued to its neighbours, link-free spam, chatty hard negatives.

Why: the first generator put spam only where a sentence splitter cuts anyway, so the models never saw
spam run into the next sentence, stuck to the one before after a lost space, wedged between two clauses or
set before a quotation, and the only legitimate text they saw was news prose: interviews, reader comments,
embedded posts and a publisher's own lines looked like spam to them. This module writes our own
documents of those shapes from train-split articles (never the benchmarks' code or lines):

- placements: ``run_on`` (no final punctuation, the next sentence follows), ``lost_space`` (the space
  before it lost too), ``glued_quote`` (before a quotation), ``mid_sentence`` (between two clauses, with
  its comma), ``glued_after`` (stuck after a sentence's end without a space); in every language;
- link-free spam: our own call-to-action and ad-widget headline lines (``spam_nolink.txt``), sometimes
  several on one line;
- hard negatives: our own chatty lines in four languages (``ham_chatty.txt``) and the train split of the
  data pack's ``chatty/`` file, put into articles where a scraper would leave them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from pathlib import Path

from .injection import TRAINING_LINES, Corpus, Injected, fill, read_jsonl, spam_instance

CHATTY_FILE = "chatty/conversational_news.jsonl"
_END = re.compile(r"[.!?]+[\"'”’]*$")
_STARTS = re.compile(r"(?<=[.!?\"'”’]) (?=[A-Z\"“])")
_COMMA = re.compile(r"(?<=[^\W\d_]), (?=[^\W\d_])")


def _lines(name: str) -> list[str]:
    text = (TRAINING_LINES / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def chatty_lines() -> list[str]:
    """Our own chatty legitimate lines (four languages), as hard negatives on their own too."""
    return _lines("ham_chatty.txt")


def chatty_train_rows(data_dir: Path) -> list[str]:
    """The train split of the pack's chatty file (legitimate, all of it), short enough to be a line."""
    path = data_dir / CHATTY_FILE
    if not path.exists():
        return []
    return [
        r["text"].strip() for r in read_jsonl(path) if r.get("split") == "train" and 0 < len(r["text"]) < 600
    ]


def _unpunctuated(spam: str) -> str:
    return _END.sub("", spam.rstrip()).rstrip(" ,;:")


def glue(article: dict, spam: str, mode: str, rng: random.Random) -> Injected | None:
    """Put one spam text into the article in the placement ``mode``; None when the article has no spot."""
    text: str = article["text"]
    if mode == "mid_sentence":
        spots = [m.start() for m in _COMMA.finditer(text)]
        if not spots:
            return None
        pos = rng.choice(spots)  # "the ministry, <spam>, said"
        piece = ", " + _unpunctuated(spam) + ","
        new = text[:pos] + piece + text[pos + 1 :]
        return _made(article, new, (pos + 2, pos + len(piece)))
    starts = [m.end() for m in _STARTS.finditer(text)]
    if mode == "glued_quote":
        starts = [s for s in starts if text[s] in '"“']
    if not starts:
        return None
    pos = rng.choice(starts)
    if mode in ("run_on", "glued_quote"):
        piece = _unpunctuated(spam)
        return _made(article, text[:pos] + piece + " " + text[pos:], (pos, pos + len(piece)))
    if mode == "lost_space":  # "said.Make money at x.top The minister"
        piece = _unpunctuated(spam) if rng.random() < 0.6 else spam
        return _made(article, text[: pos - 1] + piece + " " + text[pos:], (pos - 1, pos - 1 + len(piece)))
    piece = spam  # glued_after: "said.Make money at x.top. The minister"
    return _made(article, text[: pos - 1] + piece + " " + text[pos:], (pos - 1, pos - 1 + len(piece)))


def _made(article: dict, text: str, span: tuple[int, int]) -> Injected:
    s, e = span
    clean = text[:s] + text[e:]
    return Injected(article["id"], article["lang"], text, [(s, e)], clean, article["group"])


def with_hams(doc: Injected, hams: Sequence[str], rng: random.Random) -> Injected:
    """Legitimate lines added as paragraphs or sentences (shifting the spam spans)."""
    for ham in hams:
        cuts = [i + 2 for i in range(len(doc.text)) if doc.text.startswith("\n\n", i)]
        cuts = [c for c in cuts if all(not (s <= c <= e) for s, e in doc.spans)] + [len(doc.text)]
        pos = rng.choice(cuts)
        sep = "\n\n" if rng.random() < 0.6 else " "
        add = (ham + sep) if pos < len(doc.text) else (sep + ham)
        doc.text = doc.text[:pos] + add + doc.text[pos:]
        doc.spans = [(s + len(add), e + len(add)) if s >= pos else (s, e) for s, e in doc.spans]
        doc.clean_text = doc.text  # only used for restoration in validation: recomputed below
    s_text = doc.text
    for s, e in sorted(doc.spans, reverse=True):
        s_text = s_text[:s] + s_text[e:]
    doc.clean_text = s_text
    return doc


MODES = ("run_on", "lost_space", "glued_quote", "mid_sentence", "glued_after")


def v2_documents(
    corpus: Corpus, data_dir: Path, seed: int = 17, domains: list[str] | None = None, rate: float = 0.45
) -> list[Injected]:
    """Glued placements, link-free spam and chatty hard negatives over the train-split articles."""
    from .injection import group_of

    rng = random.Random(seed)
    nolink = [(line, group_of(line)) for line in _lines("spam_nolink.txt")]
    hams = [(line, group_of(line)) for line in [*_lines("ham_chatty.txt"), *chatty_train_rows(data_dir)]]
    spam_by_group: dict[int, list[tuple[str, str]]] = {0: [], 1: [], 2: []}
    for text, group, kind in corpus.spam:
        spam_by_group[group].append((text, kind))
    docs: list[Injected] = []
    for article in corpus.articles:
        if rng.random() > rate:
            continue
        group = article["group"]
        doc: Injected | None = None
        if rng.random() < 0.7:
            if rng.random() < 0.25:
                pool = [t for t, g in nolink if g == group] or [t for t, _ in nolink]
                spam = rng.choice(pool)
                if rng.random() < 0.3:
                    spam = " ".join(rng.sample(pool, k=min(3, len(pool))))
            else:
                text, kind = rng.choice(spam_by_group[group])
                spam = spam_instance(text, kind, rng, domains)
            doc = glue(article, spam, rng.choice(MODES), rng)
        if doc is None:
            doc = Injected(article["id"], article["lang"], article["text"], [], article["text"], group)
        if rng.random() < 0.6:
            pool_h = [t for t, g in hams if g == group] or [t for t, _ in hams]
            doc = with_hams(doc, [fill(rng.choice(pool_h), rng) for _ in range(rng.choice((1, 1, 2)))], rng)
        doc.id = f"{doc.id}#v2"
        docs.append(doc)
    return docs
