"""The polynomial substring hash and the splitmix64 finalizer behind every hashed feature.

Prefix sums of ``(code + 1) * B**-i`` give the hash of any substring in O(1), for a whole batch at once
(uint64 wrap-around, identical on every platform). The power tables do not depend on the text, so they are
built once and grown by doubling instead of per batch.
"""

from __future__ import annotations

import numpy as np

_B = np.uint64(0x100000001B3)
_B_INV = np.uint64(pow(0x100000001B3, -1, 2**64))


def _mix(h: np.ndarray, salt: int | np.ndarray) -> np.ndarray:
    """splitmix64 finalizer: spreads polynomial hashes evenly over the buckets (``salt``: one number,
    or one per hash)."""
    with np.errstate(over="ignore"):
        z = h + np.asarray(salt, dtype=np.uint64)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)


_POWERS: tuple[np.ndarray, np.ndarray] = (np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64))


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """B**k and B**-k (mod 2**64) for k <= n, cached across batches and grown by doubling (the tables
    do not depend on the text, and rebuilding them was a visible share of a small batch's cost)."""
    global _POWERS
    if len(_POWERS[0]) <= n:
        size = max(n + 1, 2 * len(_POWERS[0]), 4096)
        pw = np.empty(size, dtype=np.uint64)
        inv = np.empty(size, dtype=np.uint64)
        pw[0] = inv[0] = 1
        with np.errstate(over="ignore"):
            np.cumprod(np.full(size - 1, _B, dtype=np.uint64), out=pw[1:])
            np.cumprod(np.full(size - 1, _B_INV, dtype=np.uint64), out=inv[1:])
        _POWERS = (pw, inv)  # one rebinding: a concurrent reader sees the old pair or the new one
    return _POWERS


class _Poly:
    """Polynomial hashes of arbitrary substrings of one code array, from prefix sums."""

    def __init__(self, codes: np.ndarray) -> None:
        n = len(codes)
        pw, inv = _powers(n)
        self.pow = pw
        with np.errstate(over="ignore"):
            self.prefix = np.zeros(n + 1, dtype=np.uint64)
            np.cumsum((codes + np.uint64(1)) * inv[:n], out=self.prefix[1:])

    def __call__(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return (self.prefix[end] - self.prefix[start]) * self.pow[end - 1]
