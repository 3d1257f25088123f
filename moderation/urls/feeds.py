"""``moderation lists update``: fetch one feed, refuse what is not a list, and only then replace the list.

A feed that answers with an error page is the common failure, not an exotic one: a captive portal, an
expired mirror, a CDN's "403" page. Before, such an answer replaced a 1,000-entry list with 0 entries (an
HTML page) or 169 junk ones (random bytes) and said ``ok``. Like the feed updaters of rspamd and
SpamAssassin (``sa-update`` checks each download before it installs it), a download is checked first and
the last good copy stays in place unless every check passes:

- size: the body is read in chunks and parsed as it arrives; more than ``max_bytes`` stops the download
  (a 200 MB feed is never held whole: the parsed entries are what stays in memory);
- format: UTF-8 text without NUL bytes, not an HTML page (a body that starts with ``<``, or a
  ``text/html`` answer), at least one entry, and no more lines that are not entries than lines that are;
- sanity: a list that shrank to less than half its last good copy is refused unless ``force``.

Each refusal is reported in the feed's result (``refused``: why; ``kept``: the entries of the copy kept).
"""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING, Any

from .._errors import ModerationError

if TYPE_CHECKING:
    from .lists import ListStore, ParsedList

MAX_FEED_BYTES = 64 * 1024 * 1024  # the largest public block lists are ~30 MB of text
_CHUNK = 64 * 1024


class FeedRefused(ModerationError):
    """A feed answered, but not with a list this store should take."""


def update_feed(
    store: ListStore, feed: dict[str, str], timeout: float, max_bytes: int, force: bool = False
) -> dict[str, Any]:
    """Fetch, check and store one feed; the result says what happened (never raises for one feed)."""
    name, kind, url = feed["name"], feed["kind"], feed["url"]
    kept = int(store.index().get(f"{kind}/{name}", {}).get("entries", 0))
    try:
        parsed = fetch(url, timeout, max_bytes)
        check(parsed, kept, force)
        result = store.store(parsed, kind, name, origin=url)
    except FeedRefused as exc:
        return {"name": name, "kind": kind, "ok": False, "refused": str(exc), "kept": kept,
                "error": f"refused: {exc}"}  # fmt: skip
    except (OSError, ValueError, ModerationError) as exc:
        return {
            "name": name,
            "kind": kind,
            "ok": False,
            "kept": kept,
            "error": f"{type(exc).__name__}: {exc}",
        }
    return {"name": name, "kind": kind, "ok": True, "entries": result.entries, "skipped": result.skipped}


def fetch(url: str, timeout: float, max_bytes: int) -> ParsedList:
    """Download and parse at once, chunk by chunk; raises FeedRefused for a body that is not a list."""
    import urllib.request

    from .lists import ParsedList

    parsed = ParsedList()
    decoder = codecs.getincrementaldecoder("utf-8-sig")()  # strict: random bytes are refused, not mended
    pending, size, first = "", 0, True
    with urllib.request.urlopen(url, timeout=timeout) as response:
        kind = (response.headers.get("Content-Type") or "").lower()
        if kind.startswith(("text/html", "application/xhtml")):
            raise FeedRefused(f"the feed answered with an HTML page ({kind}), not a list")
        while True:
            chunk = response.read(_CHUNK)
            size += len(chunk)
            if size > max_bytes:
                raise FeedRefused(f"the feed is larger than the cap of {max_bytes:,} bytes (--max-bytes)")
            if b"\0" in chunk:
                raise FeedRefused("the feed holds NUL bytes: binary data, not a text list")
            try:
                text = pending + decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise FeedRefused(
                    f"the feed is not UTF-8 text (byte {size - len(chunk) + exc.start:,})"
                ) from None
            if first and text.strip():
                first = False
                if text.lstrip().startswith("<"):
                    raise FeedRefused("the feed is an HTML or XML page, not a list")
            lines = text.split("\n")
            pending = lines.pop()
            for line in lines:
                parsed.add(line.rstrip("\r"))
            if not chunk:
                break
    if pending:
        parsed.add(pending.rstrip("\r"))
    return parsed


def check(parsed: ParsedList, kept: int, force: bool) -> None:
    """The format and sanity checks on a whole parsed feed (FeedRefused says which failed)."""
    entries = len(parsed.entries)
    if not entries:
        raise FeedRefused("the feed has no entries")
    if parsed.skipped > entries:
        raise FeedRefused(
            f"most lines are not list entries ({parsed.skipped:,} unreadable, {entries:,} entries)"
        )
    if kept and entries * 2 < kept and not force:
        raise FeedRefused(
            f"the list would shrink from {kept:,} to {entries:,} entries (more than half); "
            "--force takes it anyway"
        )
