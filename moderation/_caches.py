"""Per-key caches that know each other, so a benchmark can empty them all at once.

The URL checker caches what depends only on a host or only on a path (parse, suffix split, rules,
look-alikes; the lexical model has its own in ``classifiers``): hosts and paths recur far more than URLs.
Every such cache is an ``functools.lru_cache`` made with ``per_key_cache``, or a dict a batch can fill
ahead of use made with ``bounded_dict``; both list it, and ``clear()`` empties the list: nobody has to
know where the caches live.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_CACHES: list[Any] = []


def per_key_cache(maxsize: int) -> Callable[[F], F]:
    """``functools.lru_cache(maxsize)``, listed for ``clear``. Use it only for pure functions of their
    arguments (an entry must never go stale)."""

    def wrap(fn: F) -> F:
        cached = lru_cache(maxsize=maxsize)(fn)
        _CACHES.append(cached)
        return cached  # type: ignore[return-value]

    return wrap


class BoundedDict(dict[Any, Any]):
    """A dict cache a batch can fill ahead of use (an ``lru_cache`` cannot be given entries): emptied
    when full, like the checker's report cache. Made with ``bounded_dict``, which lists it."""

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.maxsize = maxsize

    def put(self, key: Any, value: Any) -> Any:
        if len(self) >= self.maxsize:
            self.clear()
        self[key] = value
        return value

    def cache_clear(self) -> None:
        self.clear()


def bounded_dict(maxsize: int) -> BoundedDict:
    """A ``BoundedDict`` listed for ``clear``; its values must be pure functions of their keys."""
    cache = BoundedDict(maxsize)
    _CACHES.append(cache)
    return cache


def clear() -> None:
    """Empty every cache made with ``per_key_cache`` (for measuring first-sight costs)."""
    for cache in _CACHES:
        cache.cache_clear()
