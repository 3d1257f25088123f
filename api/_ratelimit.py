"""Per-key rate limits: token buckets in this process, or in a file every worker of the service maps.

With several workers each process used to keep its own buckets, so ``MODERATION_API_RATE_PER_MINUTE=5``
with 2 workers let 10 requests a minute through. ``moderation serve --workers N`` creates a small file and
names it in ``MODERATION_API_RATE_STATE``; every worker maps it (``SharedRateLimiter``) and keeps one slot
per key in it (two float64s: tokens left, last update on the system-wide monotonic clock), updated under
a POSIX record lock on that slot alone, so requests with different keys never wait for each other. The
key names (from the settings every worker reads alike) give the slots, sorted.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import struct
import time
from collections.abc import Iterable


def take(tokens: float, last: float, now: float, rate: int) -> tuple[float, float]:
    """One request against a bucket of ``rate`` tokens a minute (bursts up to ``rate``) holding
    ``tokens`` at ``last``: the tokens left at ``now``, and 0 when allowed, else the seconds to wait."""
    tokens = min(float(rate), tokens + (now - last) * rate / 60.0)
    if tokens >= 1.0:
        return tokens - 1.0, 0.0
    return tokens, (1.0 - tokens) * 60.0 / rate


class RateLimiter:
    """Token bucket per API key, in this process: ``rate`` requests per minute, bursts up to ``rate``."""

    def __init__(self, rate_per_minute: int) -> None:
        self.rate = rate_per_minute
        self.buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> float:
        """0 when allowed, else the seconds to wait."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        tokens, last = self.buckets.get(key, (float(self.rate), now))
        tokens, wait = take(tokens, last, now, self.rate)
        self.buckets[key] = (tokens, now)
        return wait


_SLOT = struct.Struct("dd")  # tokens, last update (0.0: never used, a full bucket)


class SharedRateLimiter:
    """The same buckets in a file shared by the workers (see the module docstring).

    Args:
        rate_per_minute: requests per minute per key.
        path: the file (created by ``moderation serve``; grown here to one slot per key).
        keys: every key name the settings know.
    """

    def __init__(self, rate_per_minute: int, path: str, keys: Iterable[str]) -> None:
        self.rate = rate_per_minute
        self.slots = {name: i * _SLOT.size for i, name in enumerate(sorted(keys))}
        size = _SLOT.size * max(1, len(self.slots))
        self._fd = os.open(path, os.O_RDWR)
        if os.fstat(self._fd).st_size < size:
            os.ftruncate(self._fd, size)  # every worker asks for the same size: no race to lose
        self._map = mmap.mmap(self._fd, size)

    def allow(self, key: str) -> float:
        """0 when allowed, else the seconds to wait (the bucket every worker shares)."""
        if self.rate <= 0:
            return 0.0
        offset = self.slots[key]
        fcntl.lockf(self._fd, fcntl.LOCK_EX, _SLOT.size, offset)
        try:
            tokens, last = _SLOT.unpack_from(self._map, offset)
            now = time.monotonic()
            if last == 0.0:
                tokens, last = float(self.rate), now
            tokens, wait = take(tokens, last, now, self.rate)
            _SLOT.pack_into(self._map, offset, tokens, now)
        finally:
            fcntl.lockf(self._fd, fcntl.LOCK_UN, _SLOT.size, offset)
        return wait

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)
