"""The URL model's per-host share of the log-odds: one host in plain Python (``host_share``) and many
new hosts at once with numpy (``host_shares``), bit for bit the same.

A new host costs the one-host path ~30 crc32 calls over its character n-grams, a gather of their weights,
the label's entropy, vowel share and consonant runs: ~20 us of Python per host, the bulk of a first-seen
URL's cost. Here the n-gram CRCs run as table-driven CRC-32 over every n-gram of the batch at once (zlib's
polynomial and seeding, so the indices are the same), and the counts behind the dense features come
from one pass over the concatenated labels.

Identical, not merely close: every float sum is taken in the order the one-host path takes it (``bincount``
with weights adds in input order, as Python's ``sum`` does left to right), logarithms come from tables filled
by ``math`` (numpy's own ``log`` may differ in the last bit), and each remaining term is the same IEEE
operation on the same operands. Labels that are not ASCII (none a parsed URL has: hosts are punycode)
go through the one-host path. A test holds the two equal (``tests/test_url_batch.py``).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import repeat
from typing import Any, TypeVar

import numpy as np

from ._url_features import _host_features, _knowledge

T = TypeVar("T")

# (host, subdomain, domain, suffix, is_ip, tld_prior, popularity, platform, spam_words): the host's part
# of a ``UrlParts``, the key the model's host cache is indexed by
HostKey = tuple[str, str, str, str, bool, float, int, int, bool]
_HOST_CACHE = 65536


def _remember(shares: dict[HostKey, float], key: HostKey, share: float) -> float:
    """Cache a host's share (emptied when full, like the checker's report cache: hosts of a stream come
    and go, and an LRU's bookkeeping costs more than the odd recomputation)."""
    if len(shares) >= _HOST_CACHE:
        shares.clear()
    shares[key] = share
    return share


def host_share(
    coef: Any,
    w: Sequence[float],
    host: str,
    subdomain: str,
    domain: str,
    suffix: str,
    is_ip: bool,
    tld_prior: float,
    popularity: int,
    platform: int,
    spam_words: bool,
) -> float:
    """The host's part of the log-odds, one host in plain Python (``_url_hosts.host_shares`` is the
    batch form and must agree with this bit for bit). The features' own cache is skipped: the model
    caches this sum (url_matrix still uses that cache)."""
    idx, hd = _host_features.__wrapped__(host, subdomain, domain, suffix, is_ip)
    return (
        sum(map(coef.__getitem__, idx))
        + w[0] * tld_prior
        + w[1] * hd[0]
        + w[3] * hd[1]
        + w[4] * hd[2]
        + w[5] * hd[3]
        + w[6] * hd[4]
        + w[10] * is_ip
        + w[13] * hd[5]
        + w[14] * hd[6]
        + w[15] * hd[7]
        + sum(a * b for a, b in zip(w[16:21], _knowledge(popularity, platform), strict=True))
        + spam_words * (w[23] + w[24] * tld_prior)
    )


_MASK = np.uint32((1 << 18) - 1)
_SEED_G = zlib.crc32(b"g:")
_SEED_D = zlib.crc32(b"d:")
_SEED_T = zlib.crc32(b"t:")
_SEED_S = zlib.crc32(b"s:")
_SUB_DEPTH = tuple(zlib.crc32(f"sd:{n}".encode()) & int(_MASK) for n in range(5))


@lru_cache(maxsize=1)
def _crc_table() -> np.ndarray:
    """zlib's CRC-32 (reflected polynomial 0xEDB88320) byte table."""
    t = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        t = np.where(t & np.uint32(1), (t >> np.uint32(1)) ^ np.uint32(0xEDB88320), t >> np.uint32(1))
    return t.astype(np.uint32)


@lru_cache(maxsize=1)
def _byte_classes() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per byte value: ASCII digit, hyphen, vowel (aeiou), consonant (``[bcdfghjklmnpqrstvwxz]``)."""
    codes = np.arange(256)
    digit = (codes >= 48) & (codes <= 57)
    hyphen = codes == ord("-")
    vowel = np.isin(codes, [ord(c) for c in "aeiou"])
    consonant = np.isin(codes, [ord(c) for c in "bcdfghjklmnpqrstvwxz"])
    return digit, hyphen, vowel, consonant


def _tables(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For 0..n (at least): c*log2(c), log2(c) and log1p(c)/4, each computed by ``math`` as the one-host
    path does."""
    return _tables_upto(max(256, 1 << n.bit_length()))


@lru_cache(maxsize=4)
def _tables_upto(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    c_log2_c = np.array([c * math.log2(c) if c else 0.0 for c in range(n + 1)])
    log2 = np.array([math.log2(c) if c else 0.0 for c in range(n + 1)])
    log1p4 = np.array([math.log1p(c) / 4.0 for c in range(n + 1)])
    return c_log2_c, log2, log1p4


def _crc_step(state: np.ndarray, byte: np.ndarray) -> np.ndarray:
    """One byte of zlib's CRC-32 for every running state."""
    return _crc_table()[(state ^ byte) & np.uint32(0xFF)] ^ (state >> np.uint32(8))


def _ngram_tokens(
    buf: np.ndarray, offsets: np.ndarray, lengths: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    """For n = 3, 4, 5: (host of each n-gram, its token index
    ``zlib.crc32(gram, crc32(b"g:")) & MASK``), n-grams in order. A 4-gram's CRC state is its 3-gram's
    state run one byte further, and a 5-gram's its 4-gram's: five CRC steps for all three sizes."""
    everyone = np.arange(len(lengths))
    count = np.maximum(lengths - 2, 0)
    host = np.repeat(everyone, count)
    starts_in_host = np.cumsum(count) - count
    pos = np.arange(len(host)) - starts_in_host[host]
    start = offsets[host] + pos
    state = np.full(len(host), _SEED_G ^ 0xFFFFFFFF, dtype=np.uint32)
    for k in range(3):
        state = _crc_step(state, buf[start + k])
    out = []
    for n in (3, 4, 5):
        if n > 3:
            more = pos < lengths[host] - n + 1  # the (n-1)-grams that extend to an n-gram
            host, pos, start = host[more], pos[more], start[more]
            state = _crc_step(state[more], buf[start + n - 1])
        out.append((host, ((state ^ np.uint32(0xFFFFFFFF)) & _MASK).astype(np.int64)))
    return out


def _ordered_sums(rows: np.ndarray, values: np.ndarray, n_rows: int) -> np.ndarray:
    """Per row, the sum of its values in the order given, added left to right from 0 (Python's ``sum``):
    ``bincount`` with weights adds each value to its row's total in input order, one after another
    (numpy's C loop; a test holds the result equal to ``sum`` bit for bit)."""
    return np.bincount(rows, weights=values, minlength=n_rows)


_SUFFIX_TOKEN: dict[str, int] = {}


def _suffix_token(suffix: str) -> int:
    token = _SUFFIX_TOKEN.get(suffix)
    if token is None:
        token = zlib.crc32(suffix.encode("utf-8", "surrogatepass"), _SEED_T) & int(_MASK)
        if len(_SUFFIX_TOKEN) < 65536:
            _SUFFIX_TOKEN[suffix] = token
    return token


def _subdomain_tokens(subdomain: str) -> list[int]:
    """The last four subdomain labels' tokens, then the depth token."""
    subs = [x for x in subdomain.split(".") if x]
    m = int(_MASK)
    tail = [zlib.crc32(x.encode("utf-8", "surrogatepass"), _SEED_S) & m for x in subs[-4:]]
    tail.append(_SUB_DEPTH[min(len(subs), 4)])
    return tail


def host_shares(
    keys: Sequence[HostKey],
    gather: np.ndarray,
    w: Sequence[float],
    one_host: Callable[..., float],
) -> list[float]:
    """The model's per-host log-odds share of each key (see the module docstring).

    Args:
        keys: the hosts' parts, in ``HostKey`` order.
        gather: the hashed-token weights as float64 (the values the one-host path reads), indexed by
            token index.
        w: the engineered features' weights (``coef_[N_HASH:]`` as Python floats).
        one_host: the one-host path, for the keys this one leaves to it (non-ASCII labels).
    """
    if not keys:
        return []
    hosts, subdomains, domains, suffixes, ips, tlds, pops, plats, spams = zip(*keys, strict=True)
    labels = [h if ip else d for h, d, ip in zip(hosts, domains, ips, strict=True)]
    if "".join(labels).isascii() and "".join(hosts).isascii():
        return _ascii_shares(hosts, subdomains, labels, suffixes, ips, tlds, pops, plats, spams, gather, w)
    out: list[float] = [0.0] * len(keys)
    ascii_at = [
        i for i, (h, lb) in enumerate(zip(hosts, labels, strict=True)) if h.isascii() and lb.isascii()
    ]
    for i in set(range(len(keys))).difference(ascii_at):
        out[i] = one_host(*keys[i])
    if ascii_at:

        def pick(column: Sequence[T]) -> list[T]:
            return [column[i] for i in ascii_at]

        shares = _ascii_shares(
            pick(hosts), pick(subdomains), pick(labels), pick(suffixes), pick(ips), pick(tlds), pick(pops),
            pick(plats), pick(spams), gather, w,
        )  # fmt: skip
        for i, share in zip(ascii_at, shares, strict=True):
            out[i] = share
    return out


def _ascii_shares(
    hosts: Sequence[str],
    subdomains: Sequence[str],
    labels: Sequence[str],
    suffixes: Sequence[str],
    ips: Sequence[bool],
    tlds: Sequence[float],
    pops: Sequence[int],
    plats: Sequence[int],
    spams: Sequence[bool],
    gather: np.ndarray,
    w: Sequence[float],
) -> list[float]:
    """``host_shares`` for hosts and labels that are ASCII, one column of the batch at a time."""
    n_hosts = len(labels)
    lengths = np.fromiter(map(len, labels), dtype=np.int64, count=n_hosts) + 2  # ^label$
    offsets = np.zeros(n_hosts, dtype=np.int64)
    np.cumsum(lengths[:-1], out=offsets[1:])
    buf = np.frombuffer(("^" + "$^".join(labels) + "$").encode("ascii"), dtype=np.uint8).astype(np.uint32)
    host_len = np.fromiter(map(len, hosts), dtype=np.int64, count=n_hosts)

    # token indices in the one-host path's order: label, suffix, 3-, 4-, 5-grams, subdomain labels, depth
    everyone = np.arange(n_hosts)
    crc32 = zlib.crc32
    rows = [everyone, everyone]
    idx = [
        np.fromiter(map(crc32, map(str.encode, labels), repeat(_SEED_D)), dtype=np.int64, count=n_hosts)
        & int(_MASK),
        np.fromiter(map(_suffix_token, suffixes), dtype=np.int64, count=n_hosts),
    ]
    for host_of, tokens in _ngram_tokens(buf, offsets, lengths):
        rows.append(host_of)
        idx.append(tokens)
    depth = np.zeros(n_hosts, dtype=np.int64)
    with_sub = [i for i, sub in enumerate(subdomains) if sub]
    if with_sub:
        tails = [_subdomain_tokens(subdomains[i]) for i in with_sub]
        tail_len = np.fromiter(map(len, tails), dtype=np.int64, count=len(tails))
        depth[with_sub] = tail_len - 1
        rows.append(np.repeat(np.array(with_sub, dtype=np.int64), tail_len))
        idx.append(
            np.fromiter((t for tail in tails for t in tail), dtype=np.int64, count=int(tail_len.sum()))
        )
        bare = np.ones(n_hosts, dtype=bool)
        bare[with_sub] = False
        rows.append(everyone[bare])  # hosts without a subdomain: the depth-0 token
        idx.append(np.full(int(bare.sum()), _SUB_DEPTH[0], dtype=np.int64))
    else:
        rows.append(everyone)
        idx.append(np.full(n_hosts, _SUB_DEPTH[0], dtype=np.int64))
    # each host's tokens come in its order (label, suffix, grams by size and position, subdomain, depth)
    token_sum = _ordered_sums(np.concatenate(rows), gather[np.concatenate(idx)], n_hosts)

    # counts over the label's own bytes (the padding ^ and $ left out)
    byte_host = np.repeat(everyone, lengths)
    pos = np.arange(len(buf)) - offsets[byte_host]
    inner = (pos > 0) & (pos < lengths[byte_host] - 1)
    label_bytes, label_host = buf[inner], byte_host[inner]
    digit, hyphen, vowel, consonant = _byte_classes()
    n_label = lengths - 2
    digits = np.bincount(label_host[digit[label_bytes]], minlength=n_hosts)
    hyphens = np.bincount(label_host[hyphen[label_bytes]], minlength=n_hosts)
    vowels = np.bincount(label_host[vowel[label_bytes]], minlength=n_hosts)
    n_letters = n_label - hyphens
    vowel_share = np.where(n_letters > 0, vowels / np.maximum(n_letters, 1), 0.0)
    # longest consonant run of the label with its hyphens removed (runs join across a hyphen)
    keep = ~hyphen[label_bytes]
    letters, letter_host = label_bytes[keep], label_host[keep]
    cons = consonant[letters]
    run_start = cons.copy()
    run_start[1:] &= ~cons[:-1] | (letter_host[1:] != letter_host[:-1])
    run_id = np.cumsum(run_start) - 1
    run_len = np.bincount(run_id[cons], minlength=int(run_start.sum()))
    longest = np.zeros(n_hosts, dtype=np.int64)
    np.maximum.at(longest, letter_host[run_start], run_len)
    # entropy: character counts in order of first appearance (the one-host path's dict order)
    c_log2_c, log2, log1p4 = _tables(max(int(lengths.max()), int(host_len.max())))
    key = label_host.astype(np.int64) * 256 + label_bytes
    distinct, first, counts = np.unique(key, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    char_host = distinct[order] // 256
    terms = _ordered_sums(char_host, c_log2_c[counts[order]], n_hosts)
    entropy = np.where(n_label > 0, log2[n_label] - terms / np.maximum(n_label, 1), 0.0)

    hd = (
        log1p4[host_len],
        np.minimum(digits, 8) / 8.0,
        np.minimum(hyphens, 5) / 5.0,
        entropy / 4.0,
        depth / 4.0,
        np.minimum(n_label, 30) / 30.0,
        vowel_share,
        np.minimum(longest, 10) / 10.0,
    )
    tld = np.array(tlds, dtype=np.float64)
    is_ip = np.array(ips, dtype=np.float64)
    popularity = np.array(pops)
    platform = np.array(plats)
    spam = np.array(spams, dtype=np.float64)
    knowledge = (popularity == 1, popularity == 2, popularity == 3, platform == 1, platform == 2)
    known = np.zeros(n_hosts)
    for weight, feature in zip(w[16:21], knowledge, strict=True):
        known = known + weight * feature.astype(np.float64)
    share = (
        token_sum
        + w[0] * tld
        + w[1] * hd[0]
        + w[3] * hd[1]
        + w[4] * hd[2]
        + w[5] * hd[3]
        + w[6] * hd[4]
        + w[10] * is_ip
        + w[13] * hd[5]
        + w[14] * hd[6]
        + w[15] * hd[7]
        + known
        + spam * (w[23] + w[24] * tld)
    )
    result: list[float] = share.tolist()
    return result
