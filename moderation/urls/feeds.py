"""``moderation lists update``: fetch a feed, check that what came is a list, and only then swap it in.

A feed that answers with an HTML error page, random bytes, nothing, or a list a fraction of the size of the
last good copy must not replace that copy (an outage of the feed would otherwise empty the deployment's
block list). Every refusal carries a reason *key*, counted and shown by the CLI:

============  ==========================================================================================
key           refused when
============  ==========================================================================================
``fetch``     the feed could not be fetched (network, HTTP status, missing file)
``too_large`` it is larger than ``max_bytes`` (it is read as a stream and abandoned at the cap)
``not_text``  it holds NUL bytes or more than 1% of its lines are not UTF-8 (a binary file)
``html``      its first non-blank line is markup (``<!doctype``, ``<html``, ``<?xml`` ...): an error page
``empty``     it holds no entry
``invalid``   more than half of its lines are not a domain, host, URL or list rule
``shrank``    it has fewer than half the entries of the last good copy (``--force`` accepts it)
============  ==========================================================================================
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from .._errors import ModerationError

if TYPE_CHECKING:
    from .lists import ListStore

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
REFUSAL_KEYS = ("fetch", "too_large", "not_text", "html", "empty", "invalid", "shrank")
_MARKUP_STARTS = ("<!doctype", "<html", "<?xml", "<head", "<body", "<!--", "<meta", "<title")


class FeedRefused(ModerationError):
    """What a feed delivered is not a list to swap in; ``key`` is one of ``REFUSAL_KEYS``."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass
class _Stream:
    """Counts kept while a feed is read line by line."""

    bytes_read: int = 0
    lines: int = 0
    undecodable: int = 0
    seen_content: bool = False


def _lines(raw: IO[bytes], max_bytes: int, stats: _Stream) -> Iterator[str]:
    """Decoded lines of the feed, read as a stream; refuses as soon as a limit or a sign of non-list
    content shows, so a 200 MB page costs at most ``max_bytes`` of reading and one line of memory."""
    for line in raw:
        stats.bytes_read += len(line)
        if stats.bytes_read > max_bytes:
            raise FeedRefused("too_large", f"the feed is larger than {max_bytes:,} bytes (--max-bytes)")
        if b"\x00" in line:
            raise FeedRefused("not_text", "the feed holds NUL bytes: it is not a text list")
        stats.lines += 1
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            stats.undecodable += 1
            text = line.decode("utf-8", "replace")
        if not stats.seen_content and text.strip():
            stats.seen_content = True
            if text.lstrip().lower().startswith(_MARKUP_STARTS):
                raise FeedRefused("html", "the feed is an HTML/XML page, not a list (an error page?)")
        yield text.rstrip("\r\n")


def fetch_and_check(
    url: str, timeout: float, max_bytes: int, previous_entries: int | None, force: bool
) -> Any:
    """Fetch ``url`` and parse it into a ``ParsedList``, or raise ``FeedRefused`` naming why not."""
    from .lists import parse_lines

    stats = _Stream()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            parsed = parse_lines(_lines(response, max_bytes, stats))
    except FeedRefused:
        raise
    except (OSError, ValueError) as exc:
        raise FeedRefused("fetch", f"{type(exc).__name__}: {exc}") from None
    if stats.lines and stats.undecodable > stats.lines // 100:
        raise FeedRefused("not_text", f"{stats.undecodable:,} of {stats.lines:,} lines are not UTF-8")
    if not parsed.entries:
        raise FeedRefused("empty", "the feed holds no entry")
    if parsed.skipped * 2 > parsed.content_lines:
        raise FeedRefused(
            "invalid",
            f"{parsed.skipped:,} of {parsed.content_lines:,} lines are not domains, URLs or list rules",
        )
    if previous_entries and len(parsed.entries) * 2 < previous_entries and not force:
        raise FeedRefused(
            "shrank",
            f"{len(parsed.entries):,} entries against {previous_entries:,} in the last good copy "
            "(more than half gone; --force accepts it)",
        )
    return parsed


def update_feed(
    store: ListStore, feed: dict[str, str], timeout: float, max_bytes: int, force: bool
) -> dict[str, Any]:
    """One feed: fetched, checked, stored; or refused with the last good copy kept. The outcome is
    ``{"name", "kind", "ok", "entries", "skipped"}`` or ``{"name", "kind", "ok": False, "refused",
    "error", "kept_entries"}``."""
    name, kind, url = feed["name"], feed["kind"], feed["url"]
    previous = store.index().get(f"{kind}/{name}", {}).get("entries")
    try:
        parsed = fetch_and_check(url, timeout, max_bytes, previous, force)
        result = store.store_entries(parsed, kind, name, origin=url)
    except FeedRefused as exc:
        return {
            "name": name,
            "kind": kind,
            "ok": False,
            "refused": exc.key,
            "error": str(exc),
            "kept_entries": previous or 0,
        }
    return {"name": name, "kind": kind, "ok": True, "entries": result.entries, "skipped": result.skipped}
