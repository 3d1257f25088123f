"""Features of text segments: hashed word and character n-grams plus a few engineered signals.

Hashing (no vocabulary) keeps the model files free of data strings and the features stable across
languages. Digits are folded to ``0`` before hashing so that phone numbers, prices and tracking IDs
generalize by shape ("08000930705" and "09050002311" look alike).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

_DIGITS = str.maketrans("0123456789", "0000000000")


def fold(text: str) -> str:
    """Lower-case and fold every digit to ``0`` (the vectorizers' preprocessor)."""
    return text.lower().translate(_DIGITS)


def word_vectorizer(n_features: int = 2**20) -> HashingVectorizer:
    """Word unigrams and bigrams, plus the symbols spam leans on ($ £ € ! ? @)."""
    return HashingVectorizer(
        n_features=n_features,
        preprocessor=fold,
        token_pattern=r"(?u)\b\w+\b|[!?$£€@]",
        ngram_range=(1, 2),
        alternate_sign=False,
        norm="l2",
        dtype=np.float32,
    )


def char_vectorizer(n_features: int = 2**20, ngram_range: tuple[int, int] = (2, 5)) -> HashingVectorizer:
    """Character n-grams inside word boundaries: robust to spelling games and to the language."""
    return HashingVectorizer(
        n_features=n_features,
        preprocessor=fold,
        analyzer="char_wb",
        ngram_range=ngram_range,
        alternate_sign=False,
        norm="l2",
        dtype=np.float32,
    )


# Engineered signals. Each is scaled to about 0..1 so a linear model can weigh them directly.
_PHONE = re.compile(r"(?:\+?\d[\d .-]{6,}\d)")
_MONEY = re.compile(r"[$£€¥₹]\s?\d|\d\s?(?:usd|eur|gbp|dollars?|euro|reais|rupiah)\b|\bR\$\s?\d|\bRp\.?\s?\d",
                    re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_CTA = re.compile(
    r"\b(?:click|sign ?up|join|subscribe|sub|call|txt|text|reply|claim|win|won|winner|free|earn|register|"
    r"visit|check out|download|buy|order|contact|whatsapp|wa|dm|apply|bonus|offer|discount|cheap|"
    r"daftar|hubungi|gratis|klik|ganhe|cadastre|cadastro|acesse|jetzt|kostenlos|gewinnen|sichern|"
    r"anmelden|inscreva|compre|promo)\b",
    re.IGNORECASE,
)
_YOU = re.compile(r"\b(?:you|your|u|ur|yours|você|voce|vc|kamu|anda|du|dein|deine|euch)\b", re.IGNORECASE)
_REPORTING = re.compile(
    r"\b(?:said|says|told|according|reported|announced|added|sagte|sagt|berichtet|laut|disse|afirmou|"
    r"segundo|kata|ujar|ungkap|jelas|menurut|katanya)\b",
    re.IGNORECASE,
)
_QUOTES = re.compile(r"[\"“”„«»]")

TEXT_FEATURES: tuple[str, ...] = (
    "log_length",
    "upper_ratio",
    "digit_ratio",
    "exclamations",
    "phone_number",
    "money_amount",
    "email",
    "starts_lower",
    "no_final_punct",
    "cta_words",
    "second_person",
    "reporting_verb",
    "quotes",
)


def text_features(texts: Sequence[str]) -> np.ndarray:
    """One row of engineered signals (``TEXT_FEATURES``) per text, float32."""
    out = np.zeros((len(texts), len(TEXT_FEATURES)), dtype=np.float32)
    for i, t in enumerate(texts):
        n = len(t) or 1
        letters = sum(c.isalpha() for c in t) or 1
        out[i, 0] = min(np.log1p(n) / 8.0, 1.5)
        out[i, 1] = sum(c.isupper() for c in t) / letters
        out[i, 2] = sum(c.isdigit() for c in t) / n
        out[i, 3] = min(t.count("!"), 4) / 4.0
        out[i, 4] = 1.0 if _PHONE.search(t) else 0.0
        out[i, 5] = 1.0 if _MONEY.search(t) else 0.0
        out[i, 6] = 1.0 if _EMAIL.search(t) else 0.0
        out[i, 7] = 1.0 if t[:1].islower() else 0.0
        out[i, 8] = 0.0 if t.rstrip()[-1:] in ".!?\"”’)»:" else 1.0
        out[i, 9] = min(len(_CTA.findall(t)), 4) / 4.0
        out[i, 10] = min(len(_YOU.findall(t)), 3) / 3.0
        out[i, 11] = 1.0 if _REPORTING.search(t) else 0.0
        out[i, 12] = 1.0 if _QUOTES.search(t) else 0.0
    return out


# Function words per language: a cheap language guess for "is this segment in the article's language?"
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and of to in is that for it was on with as are at be by this have from or an not "
                    "but they his her has were which their will would been said".split()),
    "de": frozenset("der die das und ist nicht ein eine zu den mit von im auf für sich dem des auch es als "
                    "wird sind wurde noch nach bei aus wie oder aber".split()),
    "pt": frozenset("o a os as de do da dos das que e em um uma para com não por se na no mais como foi "
                    "ao pela pelo ser está também seu sua".split()),
    "id": frozenset("yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke karena ada oleh "
                    "sudah bisa atau kami mereka saat kata tersebut".split()),
    "es": frozenset("el la los las y en que del se por con para una es lo como más pero sus le ya".split()),
    "fr": frozenset("le la les et des du un une est pour que qui dans pas sur au avec ce il sont par".split()),
}
LANGUAGES: tuple[str, ...] = tuple(_STOPWORDS)
_WORD = re.compile(r"[^\W\d_]+")


def language_votes(texts: Sequence[str]) -> np.ndarray:
    """Count of function words per language (columns in ``LANGUAGES`` order) for each text."""
    out = np.zeros((len(texts), len(LANGUAGES)), dtype=np.float32)
    sets = [_STOPWORDS[lang] for lang in LANGUAGES]
    for i, t in enumerate(texts):
        words = _WORD.findall(t.lower())
        for j, s in enumerate(sets):
            out[i, j] = sum(1 for w in words if w in s)
    return out
