"""Train the language identifier (``moderation train-lang``, run by ``make model``) deterministically.

Training text: sentences of the train split of the four news files (en, de, pt, id), the train split of
the chatty file (en, de, pt: comments write without accents, so the model must not lean on them) and
the Indonesian SMS train split, plus English SMS spam (spam is what the reason is shown on). Validation:
sentences of the dev split of the news files, never the benchmarks. The sidecar keeps per-language
accuracy on it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from typing import Any

from classifiers import LANGID_LANGUAGES, LangId, save_lang_model

from .injection import data_fingerprint, group_of, read_jsonl

log = logging.getLogger("moderation.train")

NEWS = {
    "news/bbc_news.jsonl": "en",
    "news/reuters21578.jsonl": "en",
    "news/gnad10k_de.jsonl": "de",
    "news/ptbr_news_500.jsonl": "pt",
    "news/detik_id.jsonl": "id",
}
EXTRA = ("chatty/conversational_news.jsonl", "spam/id_sms_spam.jsonl")
_SENT = re.compile(r"(?<=[.!?])\s+")
PER_LANG = 6000


def _pieces(text: str) -> list[str]:
    """Sentences of at least 20 characters, and their pairs (so short and long inputs both occur)."""
    sents = [s.strip() for s in _SENT.split(text) if len(s.strip()) >= 20]
    return sents + [a + " " + b for a, b in zip(sents[::2], sents[1::2], strict=False)]


def _collect(data: Path, split: str) -> dict[str, list[str]]:
    by_lang: dict[str, list[str]] = {k: [] for k in LANGID_LANGUAGES}
    for rel, lang in NEWS.items():
        for row in read_jsonl(data / rel):
            if row.get("split") == split and isinstance(row.get("text"), str):
                by_lang[lang].extend(_pieces(row["text"]))
    if split == "train":
        for rel in EXTRA:
            for row in read_jsonl(data / rel):
                lang, text = str(row.get("lang")), row.get("text")
                if row.get("split") == "train" and lang in by_lang and isinstance(text, str):
                    by_lang[lang].append(text.strip()[:400])
        for row in read_jsonl(data / "spam/sms_spam_collection.jsonl"):
            if isinstance(row.get("text"), str) and group_of(row["text"]) != 2:
                by_lang["en"].append(row["text"].strip())
    for lang, texts in by_lang.items():  # a stable, balanced subsample per language
        by_lang[lang] = sorted(set(texts), key=group_hash)[:PER_LANG]
    return by_lang


def group_hash(text: str) -> str:
    """A stable order (not Python's salted hash) so the subsample and the model are reproducible."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def train_lang_model(data: Path, out: Path, seed: int = 13) -> dict[str, Any]:
    """Fit, validate on dev-split sentences, save with a sidecar; returns the sidecar."""
    train = _collect(data, "train")
    texts = [t for lang in LANGID_LANGUAGES for t in train[lang]]
    labels = [lang for lang in LANGID_LANGUAGES for _ in train[lang]]
    log.info("language identifier: %d training texts", len(texts))
    model = LangId.fit(texts, labels, seed=seed)
    dev = _collect(data, "dev")
    scores: dict[str, Any] = {}
    for lang, items in dev.items():
        said = model.identify(items[:2000], min_proba=0.0, min_letters=0)
        scores[lang] = {
            "sentences": len(said),
            "accuracy": round(sum(s == lang for s in said) / max(1, len(said)), 4),
        }
    files = [*NEWS, *EXTRA, "spam/sms_spam_collection.jsonl"]
    extra = {
        "data_fingerprint": data_fingerprint(data, files),
        "validation": scores,
        "training_texts": len(texts),
    }
    return save_lang_model(model, out, extra)
