"""Vectorized feature hashing for a whole batch of texts, in numpy.

Why not scikit-learn's ``HashingVectorizer``: its analyzer runs in Python per text and per n-gram, which
made feature extraction most of the engine's time, and importing scikit-learn costs a second at every
start. Here a batch is joined into one string, folded once (lower case, every digit ``0``), turned into a
code-point array, and every token and character n-gram is hashed at once with a polynomial hash computed
from prefix sums (uint64 arithmetic wraps, so results are identical on every platform), then mixed with the
splitmix64 finalizer and reduced to ``n_features`` buckets. No vocabulary, so no data strings are stored.

From the same pass come the per-text counts the models also use: function words per language, spam
cue words, case, digits and punctuation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from ._polyhash import _codes, _mix, _Poly

_SEP = "\x00"
_DIGITS = str.maketrans("0123456789", "0000000000")
_TABLE_SIZE = 0x3000  # code points at or above this count as word characters (CJK, etc.)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SYMBOLS = "!?$£€@"


@lru_cache(maxsize=1)
def _tables() -> dict[str, np.ndarray]:
    chars = [chr(c) for c in range(_TABLE_SIZE + 1)]
    word = np.array([c.isalnum() or c == "_" for c in chars])
    word[_TABLE_SIZE] = True
    alpha = np.array([c.isalpha() for c in chars])
    alpha[_TABLE_SIZE] = True
    upper = np.array([c.isupper() for c in chars])
    lower = np.array([c.islower() for c in chars])
    digit = np.array([c.isdigit() for c in chars])
    symbol = np.zeros(_TABLE_SIZE + 1, dtype=bool)
    symbol[[ord(c) for c in _SYMBOLS]] = True
    quote = np.zeros(_TABLE_SIZE + 1, dtype=bool)
    quote[[ord(c) for c in '"“”„«»']] = True
    final = np.zeros(_TABLE_SIZE + 1, dtype=bool)
    final[[ord(c) for c in '.!?"”’)»:']] = True
    return {
        "word": word,
        "alpha": alpha,
        "upper": upper,
        "lower": lower,
        "digit": digit,
        "symbol": symbol,
        "quote": quote,
        "final": final,
    }


def hash_strings(words: Iterable[str]) -> np.ndarray:
    """Token hashes (``Tokens.hash``, before bucketing) of ``words``, folded as the featurizer folds."""
    out = []
    for w in words:
        codes = _codes(w.lower().translate(_DIGITS))
        out.append(_Poly(codes)(np.array([0]), np.array([len(codes)]))[0])
    return np.array(out, dtype=np.uint64)


@dataclass(frozen=True)
class _Joined:
    """A batch joined into one folded code array, with per-text boundaries."""

    codes: np.ndarray  # folded
    raw: np.ndarray  # not folded (for case counts); same length as ``codes``
    starts: np.ndarray  # start offset of each text in the joined array
    ends: np.ndarray
    seg_of: np.ndarray  # text index of each position (separators belong to the previous text)


def _join(texts: Sequence[str]) -> _Joined:
    joined = _SEP.join(texts)
    folded_joined = joined.lower() if joined.count(_SEP) == len(texts) - 1 else None
    if folded_joined is not None and len(folded_joined) == len(joined):
        # the common case, one string operation per batch: no text holds the separator, and lower()
        # kept every length (it never shortens a text, so an unchanged total means unchanged parts;
        # its one context rule, the final sigma, stops at the separator as at a text's end)
        clean: Sequence[str] = texts
        raw, codes = _codes(joined), _codes(folded_joined)
        # here the separators are the only NULs: the texts' lengths are the gaps between them
        edges = np.concatenate(([-1], np.flatnonzero(raw == 0), [len(raw)]))
        lengths = np.diff(edges) - 1 if texts else np.zeros(0, dtype=np.int64)
    else:
        clean = [t.replace(_SEP, " ") for t in texts]
        # fold character by character where lower() would change the length (rare: "İ" -> "i̇")
        folded = [t.lower() for t in clean]
        folded = [
            f if len(f) == len(t) else "".join(c.lower()[:1] or c for c in t)
            for f, t in zip(folded, clean, strict=True)
        ]
        raw = _codes(_SEP.join(clean))
        codes = _codes(_SEP.join(folded))
        lengths = np.array([len(t) for t in clean], dtype=np.int64)
    codes[(codes >= 48) & (codes <= 57)] = 48  # every digit folds to "0"
    starts = np.zeros(len(clean), dtype=np.int64)
    if len(clean) > 1:
        starts[1:] = np.cumsum(lengths[:-1] + 1)
    ends = starts + lengths
    seg_of = np.repeat(np.arange(len(clean)), lengths + 1)[: len(codes)]
    return _Joined(codes, raw, starts, ends, seg_of)


def _csr_arrays(
    rows: np.ndarray, cols: np.ndarray, n_rows: int, n_features: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(data, indices, indptr)`` of the count matrix of (row, bucket) pairs: rows L2-normalized,
    float32, canonical (sorted, no duplicates), from one sort of the combined keys."""
    keys = rows.astype(np.int64) * n_features + cols.astype(np.int64)
    keys.sort()  # np.unique(return_counts=True) by hand: the same arrays, without its fixed cost
    first = np.empty(len(keys), dtype=bool)
    first[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    uniq = keys[starts]
    counts = np.diff(np.append(starts, len(keys)))
    row_of = uniq // n_features
    data = counts.astype(np.float32)
    per_row = np.bincount(row_of, minlength=n_rows)
    sq = np.bincount(row_of, weights=data.astype(np.float64) ** 2, minlength=n_rows)
    norms = np.sqrt(sq).astype(np.float32)
    norms[norms == 0] = 1.0
    data /= norms[row_of]
    indptr = np.zeros(n_rows + 1, dtype=np.int32)
    np.cumsum(per_row, out=indptr[1:])
    return data, (uniq % n_features).astype(np.int32), indptr


def _rows_to_csr(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_features: int) -> sp.csr_matrix:
    """``_csr_arrays`` as a scipy matrix, filled in directly: scipy's COO-to-CSR path costs about a
    millisecond of fixed overhead per call, which dominated single-document scans."""
    data, indices, indptr = _csr_arrays(rows, cols, n_rows, n_features)
    m = sp.csr_matrix((n_rows, n_features), dtype=np.float32)
    m.data, m.indices, m.indptr = data, indices, indptr
    m.has_sorted_indices = True
    m.has_canonical_format = True
    return m


@dataclass(frozen=True)
class Tokens:
    """Tokens of a batch: the text each belongs to and its unigram hash (before bucketing)."""

    row: np.ndarray
    hash: np.ndarray


def tokenize(j: _Joined) -> Tokens:
    """Word tokens (runs of letters/digits/_) and single-symbol tokens, in text order."""
    t = _tables()
    idx = np.minimum(j.codes, _TABLE_SIZE).astype(np.int64)
    is_word = t["word"][idx]
    is_sym = t["symbol"][idx]
    n = len(idx)
    prev = _shifted(is_word, -1, False) if n else is_word
    nxt = _shifted(is_word, 1, False) if n else is_word
    w_start = np.flatnonzero(is_word & ~prev)
    w_end = np.flatnonzero(is_word & ~nxt) + 1
    s_start = np.flatnonzero(is_sym)
    starts = np.concatenate([w_start, s_start])
    ends = np.concatenate([w_end, s_start + 1])
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    poly = _Poly(j.codes)
    h = poly(starts, ends) if len(starts) else np.zeros(0, dtype=np.uint64)
    return Tokens(j.seg_of[starts] if len(starts) else np.zeros(0, dtype=np.int64), h)


def word_matrix(tokens: Tokens, n_rows: int, n_features: int) -> sp.csr_matrix:
    """Hashed word unigrams + bigrams, rows L2-normalized."""
    mask = np.uint64(n_features - 1)
    uni = _mix(tokens.hash, 1) & mask
    same = tokens.row[1:] == tokens.row[:-1] if len(tokens.row) else np.zeros(0, dtype=bool)
    with np.errstate(over="ignore"):
        bi_h = tokens.hash[:-1][same] * _GOLDEN + tokens.hash[1:][same]
    bi = _mix(bi_h, 2) & mask
    rows = np.concatenate([tokens.row, tokens.row[:-1][same]])
    cols = np.concatenate([uni, bi])
    return _rows_to_csr(rows, cols, n_rows, n_features)


def char_matrix(
    texts: Sequence[str], n_features: int, ngram_range: tuple[int, int] = (2, 5)
) -> sp.csr_matrix:
    """Hashed character n-grams (within each text, spaces included), rows L2-normalized."""
    rows, cols = _char_ngrams(texts, n_features, ngram_range)
    return _rows_to_csr(rows, cols, len(texts), n_features)


def char_arrays(
    texts: Sequence[str], n_features: int, ngram_range: tuple[int, int] = (2, 5)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``char_matrix`` as its ``(data, indices, indptr)`` arrays, for callers that read them directly
    (the language identifier: a scipy matrix costs more to build than a few short spans to hash)."""
    rows, cols = _char_ngrams(texts, n_features, ngram_range)
    return _csr_arrays(rows, cols, len(texts), n_features)


def _char_ngrams(
    texts: Sequence[str], n_features: int, ngram_range: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """(row, bucket) of every character n-gram, all lengths at once: the (length, position) grid is
    hashed in one pass, length-major, so the pairs come in the order a loop over lengths gave (one
    set of array operations instead of one per length: the fixed cost is what a short text pays)."""
    j = _join(texts)
    n = len(j.codes)
    lengths = np.arange(ngram_range[0], ngram_range[1] + 1, dtype=np.int64)
    if n == 0 or len(lengths) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    poly = _Poly(j.codes)
    pos = np.arange(n, dtype=np.int64)
    ends = pos[None, :] + lengths[:, None]
    valid = ends <= j.ends[j.seg_of][None, :]  # separators and text ends cannot start an n-gram
    starts = np.broadcast_to(pos, ends.shape)[valid]
    salts = np.broadcast_to((100 + lengths)[:, None].astype(np.uint64), ends.shape)[valid]
    cols = _mix(poly(starts, ends[valid]), salts) & np.uint64(n_features - 1)
    return j.seg_of[starts], cols


# -- word lists used as counted signals (hashed once, compared as integers) ---------------------------------

STOPWORDS: dict[str, str] = {
    "en": "the and of to in is that for it was on with as are at be by this have from or an not but they his "
    "her has were which their will would been said",
    "de": "der die das und ist nicht ein eine zu den mit von im auf für sich dem des auch es als wird sind "
    "wurde noch nach bei aus wie oder aber",
    "pt": "o a os as de do da dos das que e em um uma para com não por se na no mais como foi ao pela pelo "
    "ser está também seu sua",
    "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke karena ada oleh sudah bisa "
    "atau kami mereka saat kata tersebut",
    "es": "el la los las y en que del se por con para una es lo como más pero sus le ya",
    "fr": "le la les et des du un une est pour que qui dans pas sur au avec ce il sont par",
}
LANGUAGES: tuple[str, ...] = tuple(STOPWORDS)

_CTA = (
    "click signup join subscribe sub call txt text reply claim win won winner free earn register visit "
    "download buy order contact whatsapp wa dm apply bonus offer discount cheap daftar hubungi gratis klik "
    "ganhe cadastre cadastro acesse jetzt kostenlos gewinnen sichern anmelden inscreva compre promo"
)
_YOU = "you your u ur yours você voce vc kamu anda du dein deine euch"
_REPORTING = (
    "said says told according reported announced added sagte sagt berichtet laut disse afirmou segundo "
    "kata ujar ungkap jelas menurut katanya"
)

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


_CURRENCY = np.array([ord(c) for c in "$£€¥₹"], dtype=np.uint64)
_PHONE_GAP = np.array([ord(c) for c in " .-/"], dtype=np.uint64)


def _shifted(a: np.ndarray, k: int, fill: object) -> np.ndarray:
    """``out[i] = a[i + k]`` (``k`` may be negative), padded with ``fill`` where that falls outside."""
    out = np.full(len(a), fill, dtype=a.dtype)
    if 0 <= k < len(a):
        out[: len(a) - k] = a[k:]
    elif k < 0 and -k < len(a):
        out[-k:] = a[:k]
    return out


def _phone_positions(raw: np.ndarray, digit: np.ndarray) -> np.ndarray:
    """Start positions of runs of >= 7 digits separated by at most one space, dot, dash or slash."""
    pos = np.flatnonzero(digit)
    if len(pos) < 7:
        return np.zeros(0, dtype=np.int64)
    gap = np.diff(pos)
    joined = (gap == 1) | ((gap == 2) & np.isin(raw[pos[:-1] + 1], _PHONE_GAP))
    breaks = np.flatnonzero(~joined) + 1
    starts = np.concatenate((np.zeros(1, dtype=breaks.dtype), breaks))
    sizes = np.diff(np.concatenate((starts, np.array([len(pos)], dtype=starts.dtype))))
    return np.asarray(pos[starts[sizes >= 7]])


# bits of ``_flag_table``: one lookup per character gives every class the text signals count
_ALPHA, _UPPER, _DIGIT, _WORD, _QUOTE, _CURRENCY_SIGN = 1, 2, 4, 8, 16, 32


@lru_cache(maxsize=1)
def _flag_table() -> np.ndarray:
    """``_tables()``'s alpha, upper, digit, word and quote classes and the currency signs as bits of one
    byte per code point (clipped to ``_TABLE_SIZE``): one gather instead of one per class."""
    t = _tables()
    flags = np.zeros(_TABLE_SIZE + 1, dtype=np.uint8)
    for bit, name in (
        (_ALPHA, "alpha"),
        (_UPPER, "upper"),
        (_DIGIT, "digit"),
        (_WORD, "word"),
        (_QUOTE, "quote"),
    ):
        flags[t[name]] |= bit
    flags[np.asarray(_CURRENCY, dtype=np.int64)] |= _CURRENCY_SIGN
    return flags


def _money_positions(raw: np.ndarray, digit: np.ndarray, currency: np.ndarray) -> np.ndarray:
    """Positions of a currency sign (or "Rp") followed by a digit, possibly after a space or dot
    (``currency``: which characters are currency signs).

    The signs are rare: they are found first (``np.isin`` sorted the text every call), and only their
    next three characters are read."""
    sign = np.flatnonzero(currency)
    r = np.flatnonzero(raw[:-1] == ord("R"))
    rp = r[raw[r + 1] == ord("p")]
    cand = np.union1d(sign, rp) if len(rp) else sign
    n = len(digit)
    near = np.zeros(len(cand), dtype=bool)
    for k in (1, 2, 3):
        inside = cand + k < n
        near[inside] |= digit[cand[inside] + k]
    return cand[near].astype(np.int64)


def _email_positions(raw: np.ndarray, word: np.ndarray) -> np.ndarray:
    """Positions of an "@" between word characters (name@host), not a handle like " @name"."""
    at = raw == ord("@")
    return np.flatnonzero(at & _shifted(word, 1, False) & _shifted(word, -1, False))


_WORD_LISTS: tuple[str, ...] = (*LANGUAGES, "_cta", "_you", "_reporting")


@lru_cache(maxsize=1)
def _word_lookup() -> tuple[np.ndarray, np.ndarray]:
    """Sorted hashes of every listed word and, for each, a bit per list it belongs to (``_WORD_LISTS``)."""
    words = {**STOPWORDS, "_cta": _CTA, "_you": _YOU, "_reporting": _REPORTING}
    bits: dict[int, int] = {}
    for k, name in enumerate(_WORD_LISTS):
        for h in hash_strings(words[name].split()):
            bits[int(h)] = bits.get(int(h), 0) | (1 << k)
    keys = np.array(sorted(bits), dtype=np.uint64)
    return keys, np.array([bits[int(k)] for k in keys], dtype=np.int64)


# odd multipliers tried for the word table's slot function (multiplicative hashing: the top bits of
# hash * multiplier); the first that gives every listed word a slot of its own is used
_SLOT_MULTIPLIERS = (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93)


@lru_cache(maxsize=1)
def _word_table() -> tuple[np.uint64, np.uint64, np.ndarray, np.ndarray]:
    """A direct-address table of the listed words: (multiplier, shift, key per slot, bits per slot),
    with no two words in one slot, so a lookup is one multiply and one gather (a binary search over
    the sorted keys was a visible share of featurizing)."""
    keys, masks = _word_lookup()
    for size_bits in range(10, 20):
        shift = np.uint64(64 - size_bits)
        for mult in _SLOT_MULTIPLIERS:
            with np.errstate(over="ignore"):
                slots = (keys * np.uint64(mult)) >> shift
            if len(np.unique(slots)) == len(keys):
                table_keys = np.zeros(1 << size_bits, dtype=np.uint64)
                table_masks = np.zeros(1 << size_bits, dtype=np.int64)
                table_keys[slots.astype(np.intp)] = keys
                table_masks[slots.astype(np.intp)] = masks
                return np.uint64(mult), shift, table_keys, table_masks
    raise AssertionError("no collision-free word table")  # pragma: no cover (400 words, 2**19 slots)


def _list_membership(hashes: np.ndarray) -> np.ndarray:
    """For each token hash, the bitmask of the word lists it is in (0 for most tokens). An empty slot
    holds key 0 and bits 0, so a token hashing to 0 also gets 0."""
    mult, shift, table_keys, table_masks = _word_table()
    with np.errstate(over="ignore"):
        slots = ((hashes * mult) >> shift).astype(np.intp)
    return np.where(table_keys[slots] == hashes, table_masks[slots], 0)


def _count(rows: np.ndarray, n_rows: int) -> np.ndarray:
    return np.bincount(rows, minlength=n_rows).astype(np.float32)


@dataclass(frozen=True)
class TextBatch:
    """Features of a batch of texts.

    Attributes:
        words: hashed word unigrams+bigrams, rows L2-normalized.
        dense: the ``TEXT_FEATURES`` columns, each about 0..1.
        lang_votes: function-word counts per language (``LANGUAGES`` order).
    """

    words: sp.csr_matrix
    dense: np.ndarray
    lang_votes: np.ndarray


def featurize_texts(texts: Sequence[str], n_features: int) -> TextBatch:
    """Word features, text signals and language votes for a batch, in one pass."""
    n_rows = len(texts)
    j = _join(texts)
    tokens = tokenize(j)
    words = word_matrix(tokens, n_rows, n_features)
    member = _list_membership(tokens.hash)
    listed = np.flatnonzero(member)  # the tokens in any list (function words and cues): read once
    listed_rows, listed_bits = tokens.row[listed], member[listed]

    def in_list(name: str) -> np.ndarray:
        return _count(listed_rows[(listed_bits >> _WORD_LISTS.index(name)) & 1 == 1], n_rows)

    votes = np.zeros((n_rows, len(LANGUAGES)), dtype=np.float32)
    for k, lang in enumerate(LANGUAGES):
        votes[:, k] = in_list(lang)

    t = _tables()
    raw_idx = np.minimum(j.raw, _TABLE_SIZE).astype(np.int64)
    flags = _flag_table()[raw_idx]

    def has(bit: int) -> np.ndarray:
        return (flags & bit) != 0

    lengths = (j.ends - j.starts).astype(np.float32)
    safe = np.maximum(lengths, 1)

    # text r owns positions [starts[r], starts[r + 1]) (its separator too, as in ``seg_of``): counts
    # of a flag per text are differences of one running sum
    owned = np.append(j.starts, len(j.raw))

    def per_text(flags: np.ndarray) -> np.ndarray:
        running = np.zeros(len(flags) + 1, dtype=np.int64)
        np.cumsum(flags, out=running[1:])
        return (running[owned[1:]] - running[owned[:-1]]).astype(np.float32)

    letters = np.maximum(per_text(has(_ALPHA)), 1)
    dense = np.zeros((n_rows, len(TEXT_FEATURES)), dtype=np.float32)
    dense[:, 0] = np.minimum(np.log1p(lengths) / 8.0, 1.5)
    dense[:, 1] = per_text(has(_UPPER)) / letters
    digit = has(_DIGIT)
    word = has(_WORD)
    dense[:, 2] = per_text(digit) / safe
    dense[:, 3] = np.minimum(per_text(j.raw == ord("!")), 4) / 4.0
    for col, hits in (
        (4, _phone_positions(j.raw, digit)),
        (5, _money_positions(j.raw, digit, has(_CURRENCY_SIGN))),
        (6, _email_positions(j.raw, word)),
    ):
        dense[:, col] = np.minimum(_count(j.seg_of[hits], n_rows), 1)
    nonempty = lengths > 0
    first = np.where(nonempty, j.starts, 0)
    last = np.where(nonempty, j.ends - 1, 0)
    if len(raw_idx):
        dense[:, 7] = t["lower"][raw_idx[first]] & nonempty
        dense[:, 8] = ~t["final"][raw_idx[last]] & nonempty
    dense[:, 9] = np.minimum(in_list("_cta"), 4) / 4.0
    dense[:, 10] = np.minimum(in_list("_you"), 3) / 3.0
    dense[:, 11] = np.minimum(in_list("_reporting"), 1)
    dense[:, 12] = np.minimum(per_text(has(_QUOTE)), 1)
    return TextBatch(words, dense, votes)
