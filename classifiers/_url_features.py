"""What the lexical URL model reads: hashed host and path tokens plus engineered features.

The caller (``moderation``'s URL checker) parses and normalizes the URL and supplies two pieces of domain
knowledge it owns: the TLD's abuse prior and whether a brand name appears outside its own registered
domain. Everything else is computed here from the strings:

- hashed tokens: the registered-domain label and its character 3-5-grams, the suffix, subdomain labels,
  path words (digits folded to ``0``) and path shapes (file extension, long numeric or hex ids, query
  parameter names);
- engineered features (``URL_FEATURES``): TLD abuse prior (and its products with "has a path" and
  "long numeric id"), popularity tier and platform kind (the caller's knowledge), host and path length,
  digit and hyphen counts, the label's character entropy, vowel share and longest consonant run,
  subdomain depth, brand words outside the registered domain, spam words in the host (the caller's rule;
  also times the TLD prior), long numeric ids, affiliate parameters, IP host, query size.

Hashing is crc32 (the same on every platform and process); no vocabulary is stored, so the model file
holds only weights. The estimator is ``_url_model.UrlModel``.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

N_HASH = 1 << 18
URL_FEATURES = (
    "tld_abuse_prior",
    "host_length",
    "path_length",
    "domain_digits",
    "domain_hyphens",
    "domain_entropy",
    "subdomain_depth",
    "brand_outside_domain",
    "long_numeric_id",
    "affiliate_parameter",
    "ip_host",
    "has_path",
    "query_parameters",
    "label_length",
    "vowel_share",
    "consonant_run",
    "popular_top_1k",
    "popular_top_10k",
    "popular_listed",
    "platform_subdomain",
    "platform_path",
    "abused_tld_with_path",
    "abused_tld_numeric_id",
    "spam_words_host",
    "abused_tld_spam_words",
)
_WORD = re.compile(r"[a-z0-9]+")
_DIGITS = re.compile(r"\d")
_LONG_NUMBER = re.compile(r"\d{6,}")
# a hex id: a run of 12+ hex characters with a digit and a letter in it. Found as whole runs, then tested
# (the lookaheads of one regex re-read the run from every position: quadratic in the run's length); a run
# qualifies exactly when one of its suffixes would.
_HEX_RUN = re.compile(r"[a-f0-9]{12,}")
_HEX_LETTER = re.compile(r"[a-f]")


def _has_hex_id(s: str) -> bool:
    """What ``(?=[a-f0-9]*\\d)(?=[a-f0-9]*[a-f])[a-f0-9]{12,}`` finds, in one pass: the digit may also be
    the (non-ASCII) digit right after the run."""
    for m in _HEX_RUN.finditer(s):
        run, after = m.group(), s[m.end() : m.end() + 1]
        if _HEX_LETTER.search(run) and (_DIGITS.search(run) or _DIGITS.match(after)):
            return True
    return False


_AFFILIATE = re.compile(r"[?&](?:ref|aff|aff_id|affid|affiliate|clickid|subid|sub_id|tracking|src|uid|id)=")
_CONSONANTS = re.compile(r"[bcdfghjklmnpqrstvwxz]+")


@dataclass(slots=True)
class UrlParts:
    """The normalized pieces of one URL that the model reads (all lower case). Not frozen: one is built
    for every URL checked, and a frozen dataclass costs several times more to build.

    Attributes:
        host, subdomain, domain, suffix: the host and its public-suffix split (``domain`` without suffix).
        path: path and query.
        is_ip: the host is an IP address.
        tld_prior: 0..1, how heavily the TLD is abused (from the caller's curated table).
        brand_outside: a well-known brand name appears outside its own registered domain.
        popularity: the registered domain's popularity tier (1 = top 1,000, 2 = top 10,000, 3 = listed,
            0 = not listed; the caller's snapshot).
        platform: 0, or the host is a user-content platform where the user controls the subdomain (1) or
            the path (2) (the caller's curated table).
        spam_words: the caller's rules found spam words in the host (casino, earn, loan ...).
    """

    host: str
    subdomain: str
    domain: str
    suffix: str
    path: str
    is_ip: bool
    tld_prior: float
    brand_outside: bool
    popularity: int = 0
    platform: int = 0
    spam_words: bool = False


def _knowledge(popularity: int, platform: int) -> tuple[float, float, float, float, float]:
    """The five knowledge features (popularity tier one-hot, platform kind one-hot)."""
    return (
        float(popularity == 1),
        float(popularity == 2),
        float(popularity == 3),
        float(platform == 1),
        float(platform == 2),
    )


def _h(token: str) -> int:
    return zlib.crc32(token.encode("utf-8", "surrogatepass")) & (N_HASH - 1)


_C_LOG2_C = tuple(c * math.log2(c) if c else 0.0 for c in range(64))


def _entropy(s: str) -> float:
    """Shannon entropy of the characters of ``s`` in bits: log2(n) - sum(c * log2(c)) / n over the
    character counts c (table lookups for the short strings host labels are)."""
    if not s:
        return 0.0
    n = len(s)
    counts = map(s.count, dict.fromkeys(s))
    if n < len(_C_LOG2_C):
        return math.log2(n) - sum(map(_C_LOG2_C.__getitem__, counts)) / n
    return math.log2(n) - sum(c * math.log2(c) for c in counts) / n


_MASK = N_HASH - 1
# crc32(prefix + token) == crc32(token, crc32(prefix)): hashing a token under a prefix without building
# the prefixed string gives the same index as ``_h(prefix + token)``
_SEED_G = zlib.crc32(b"g:")
_SEED_D = zlib.crc32(b"d:")
_SEED_T = zlib.crc32(b"t:")
_SEED_S = zlib.crc32(b"s:")
_SUB_DEPTH = tuple(zlib.crc32(f"sd:{n}".encode()) & _MASK for n in range(5))


@lru_cache(maxsize=65536)
def _host_features(
    host: str, subdomain: str, domain: str, suffix: str, is_ip: bool
) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """The host's token indices and dense values (cached: hosts repeat far more than paths)."""
    label = host if is_ip else domain
    crc32 = zlib.crc32
    indices = [
        crc32(label.encode("utf-8", "surrogatepass"), _SEED_D) & _MASK,
        crc32(suffix.encode("utf-8", "surrogatepass"), _SEED_T) & _MASK,
    ]
    padded = f"^{label}$"
    if padded.isascii():
        raw = padded.encode("ascii")
        indices += [
            crc32(raw[i : i + n], _SEED_G) & _MASK for n in (3, 4, 5) for i in range(len(raw) - n + 1)
        ]
    else:
        for n in (3, 4, 5):
            indices.extend(_h(f"g:{padded[i : i + n]}") for i in range(len(padded) - n + 1))
    sub_labels = [x for x in subdomain.split(".") if x]
    indices.extend(crc32(x.encode("utf-8", "surrogatepass"), _SEED_S) & _MASK for x in sub_labels[-4:])
    indices.append(_SUB_DEPTH[min(len(sub_labels), 4)])
    letters = label.replace("-", "")
    vowels = sum(map(letters.count, "aeiou"))
    runs = _CONSONANTS.findall(letters)
    dense = (
        math.log1p(len(host)) / 4.0,
        min(len(_DIGITS.findall(label)), 8) / 8.0,
        min(label.count("-"), 5) / 5.0,
        _entropy(label) / 4.0,
        min(len(sub_labels), 4) / 4.0,
        min(len(label), 30) / 30.0,
        vowels / len(letters) if letters else 0.0,
        min(max((len(r) for r in runs), default=0), 10) / 10.0,
    )
    return tuple(indices), dense


_SEED_P = zlib.crc32(b"p:")
_SHAPE_NUMID = zlib.crc32(b"shape:numid") & _MASK
_SHAPE_HEXID = zlib.crc32(b"shape:hexid") & _MASK
_PATH_DEPTH = tuple(zlib.crc32(f"pn:{n}".encode()) & _MASK for n in range(7))


@lru_cache(maxsize=16384)
def _path_features(path: str) -> tuple[tuple[int, ...], float, bool, bool, bool, float]:
    """What the model reads from the (lower-case) path and query: (token indices, path length, long
    numeric id, affiliate parameter, has a path, query size). Cached too: the empty path and the common
    ones (``/index.php``, ``/login``) make up most URLs in link lists."""
    path_only, _, query = path.partition("?")
    indices: list[int] = []
    if path_only:
        # words are [a-z0-9]+: crc32 continues from the prefix's CRC, the same index as _h("p:" + word)
        words = _WORD.findall(_DIGITS.sub("0", path_only))[:24]
        indices.extend(zlib.crc32(w.encode("ascii"), _SEED_P) & _MASK for w in words)
    parts = path_only.split("/")
    depth = len(parts) - parts.count("")  # non-empty segments
    indices.append(_PATH_DEPTH[min(depth, 6)])
    if depth:
        last = parts[-1] or next(s for s in reversed(parts) if s)
        if "." in last:
            indices.append(_h(f"ext:{last.rsplit('.', 1)[1][:8]}"))
    long_number = bool(_LONG_NUMBER.search(path_only))
    if long_number:
        indices.append(_SHAPE_NUMID)
    if _has_hex_id(path_only):
        indices.append(_SHAPE_HEXID)
    if query:
        indices.extend(_h(f"q:{kv.split('=', 1)[0][:20]}") for kv in query.split("&")[:8])
    return (
        tuple(indices),
        math.log1p(len(path)) / 5.0,
        long_number,
        bool(query) and bool(_AFFILIATE.search(path)),
        bool(path_only.strip("/")) or bool(query),
        min(query.count("&") + 1 if query else 0, 5) / 5.0,
    )


def url_features(u: UrlParts) -> tuple[list[int], np.ndarray]:
    """Hashed token indices (with repeats) and the dense engineered features of one URL."""
    host_idx, hd = _host_features(u.host, u.subdomain, u.domain, u.suffix, u.is_ip)
    path_idx, path_length, long_number, affiliate, has_path, query_size = _path_features(u.path.lower())
    dense = np.array(
        [
            u.tld_prior,
            hd[0],
            path_length,
            hd[1],
            hd[2],
            hd[3],
            hd[4],
            float(u.brand_outside),
            float(long_number),
            float(affiliate),
            float(u.is_ip),
            float(has_path),
            query_size,
            hd[5],
            hd[6],
            hd[7],
            *_knowledge(u.popularity, u.platform),
            u.tld_prior * has_path,
            u.tld_prior * long_number,
            float(u.spam_words),
            u.tld_prior * u.spam_words,
        ],
        dtype=np.float64,
    )
    return [*host_idx, *path_idx], dense


def url_matrix(parts: list[UrlParts]) -> Any:
    """A CSR matrix (hashed token counts, then the dense features) for training and batch scoring."""
    import scipy.sparse as sp

    indptr = [0]
    indices: list[int] = []
    dense = np.zeros((len(parts), len(URL_FEATURES)))
    for i, u in enumerate(parts):
        idx, d = url_features(u)
        indices.extend(idx)
        indices.extend(range(N_HASH, N_HASH + len(URL_FEATURES)))
        indptr.append(len(indices))
        dense[i] = d
    data = np.ones(len(indices))
    # overwrite the dense slots with their values
    mask = np.asarray(indices) >= N_HASH
    data[mask] = dense.ravel()
    return sp.csr_matrix(
        (data, np.asarray(indices), np.asarray(indptr)), shape=(len(parts), N_HASH + len(URL_FEATURES))
    )
