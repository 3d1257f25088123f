"""URL lists as data: a local store of block, allow and shortener lists, imported from files or feeds.

Layout under the data directory (``Settings.data_dir``; default ``$MODERATION_DATA_DIR``, else
``$XDG_DATA_HOME/moderation`` or ``~/.local/share/moderation``)::

    lists/<kind>/<source>.txt   normalized entries, one per line, sorted (domains/hosts, or host/path
                                prefixes for URL entries)
    lists/index.json            per list: entries, sha256, origin, when imported
    feeds.toml                  feeds for ``moderation lists update``

Every write is a temp file + rename, so a reader sees the old list or the new one, never half of one;
a feed that fails to download or parse leaves its last good copy in place.

Lookups (``ListIndex.lookup``) check the host and its parent names down to the registered domain
(``a.b.evil.top``, ``b.evil.top``, ``evil.top``, never the bare suffix, so listing ``spam.github.io``
does not list ``github.io`` or the reverse), then URL prefixes of that host. Each list is a Python set,
so a lookup is a handful of hash probes (microseconds) and 500k entries load in a fraction of a second.
Allow lists are the deployment's override: a hit there wins over everything (see ``UrlChecker``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._atomic import write_atomic
from .._errors import ConfigurationError, InputError
from .parse import ParsedUrl, UrlError, parse_url

KINDS = ("block", "allow", "shortener")
_SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_PLAIN_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$")
_HOSTS_FILE = re.compile(r"^(?:0\.0\.0\.0|127\.0\.0\.1|::1?)\s+(\S+)")
_ADBLOCK = re.compile(r"^\|\|([^\^/$]+)\^?")


def default_data_dir() -> Path:
    """``$MODERATION_DATA_DIR``, else ``$XDG_DATA_HOME/moderation``, else ``~/.local/share/moderation``."""
    if os.environ.get("MODERATION_DATA_DIR"):
        return Path(os.environ["MODERATION_DATA_DIR"])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "moderation"


@dataclass(frozen=True, slots=True)
class ListHit:
    """A list entry that matched a URL.

    Attributes:
        kind: ``block`` | ``allow`` | ``shortener``.
        source: the list's name (as imported).
        entry: the entry that matched (a domain/host, or ``host/path`` prefix).
        match: ``host`` (the host itself), ``parent`` (a parent domain) or ``prefix`` (a URL prefix).
    """

    kind: str
    source: str
    entry: str
    match: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "source": self.source, "entry": self.entry, "match": self.match}


@dataclass
class ImportResult:
    """What an import did: entries kept, lines skipped (with the first few reasons), where it went."""

    kind: str
    source: str
    entries: int
    skipped: int
    path: str
    problems: list[str] = field(default_factory=list)


def normalize_entry(line: str) -> str | None:
    """A list line -> a normalized entry (``host`` or ``host/path``), or None for comments and blanks.

    Understands plain domains, URLs, hosts-file lines (``0.0.0.0 example.com``), adblock rules
    (``||example.com^``) and TSV rows (first column that looks like a host or URL). Raises UrlError.
    """
    s = line.strip()
    if not s or s.startswith(("#", "!", "[")):
        return None
    m = _HOSTS_FILE.match(s) or _ADBLOCK.match(s)
    if m:
        s = m.group(1)
    if "\t" in s:
        s = next((c for c in s.split("\t") if "." in c), s.split("\t")[0])
    s = s.split(" #", 1)[0].strip()
    low = s.lower()
    if _PLAIN_HOST.match(low) and low.rsplit(".", 1)[-1].isalpha():  # a name, not an IP in any spelling
        return low[4:] if low.startswith("www.") and low.count(".") >= 2 else low
    parsed = parse_url(s)
    host = parsed.host[4:] if parsed.host.startswith("www.") and parsed.host.count(".") >= 2 else parsed.host
    path = parsed.path.lower().rstrip("/")
    return f"{host}{path}" if path else host


@dataclass
class ParsedList:
    """Lines of a list file read into entries: the entries, how many lines could not be read (with the
    first few reasons), and how many lines held anything at all (not blank, not a comment)."""

    entries: set[str] = field(default_factory=set)
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    content_lines: int = 0


def parse_lines(lines: Iterable[str]) -> ParsedList:
    """Read list lines one at a time (a feed is never held whole) into normalized entries."""
    out = ParsedList()
    for n, line in enumerate(lines, 1):
        if n == 1 and line.lower().startswith(("label\t", "domain\t", "url\t", "host\t")):
            continue  # a TSV header
        try:
            entry = normalize_entry(line)
        except UrlError as exc:
            out.skipped += 1
            out.content_lines += 1
            if len(out.problems) < 5:
                out.problems.append(f"line {n}: {exc}")
            continue
        if entry:
            out.content_lines += 1
            out.entries.add(entry)
    return out


_PREFIX_END = re.compile(r"[/?&#]")


class ListIndex:
    """Lists loaded in memory for lookups. Build with ``ListStore.load()`` (or from sets, for tests). The
    lookup indexes are built from ``lists`` once, here: build a new index rather than changing the sets."""

    def __init__(self, lists: dict[tuple[str, str], set[str]] | None = None) -> None:
        self.lists: dict[tuple[str, str], set[str]] = lists or {}
        # URL-prefix entries: host -> prefix path -> [(kind, source)]. A lookup lists the URL path's own
        # prefixes (cut where a segment or parameter ends) and looks each up, so it costs the same for a
        # host with one listed URL as for one with thousands.
        self._prefixes: dict[str, dict[str, list[tuple[str, str]]]] = {}
        self._has_allow: bool | None = None
        # Every name -> the lists holding it, in list order: one dict lookup per candidate name instead
        # of one per name and list. The tuples are shared (one per combination of lists), so the index
        # costs a dict slot per name, the names themselves are the sets' strings.
        self._by_name: dict[str, tuple[tuple[str, str], ...]] = {}
        combos: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}
        by_name = self._by_name
        for key, entries in self.lists.items():
            held_before = {name: by_name[name] for name in by_name.keys() & entries}
            by_name.update(dict.fromkeys(entries, (key,)))  # set and dict work in C: 500k names in ~0.1 s
            for name, held in held_before.items():
                both = (*held, key)
                by_name[name] = combos.setdefault(both, both)
            joined = "\n".join(entries)  # one C-level scan says whether any entry is a URL prefix
            if "/" not in joined and "?" not in joined:
                continue
            for entry in entries:
                if "/" in entry or "?" in entry:
                    host, sep, _ = entry.partition("/")
                    if not sep:
                        host = entry.partition("?")[0]
                    by_path = self._prefixes.setdefault(host, {})
                    by_path.setdefault(entry[len(host) :], []).append(key)

    def __len__(self) -> int:
        return sum(len(v) for v in self.lists.values())

    @property
    def has_allow_lists(self) -> bool:
        if self._has_allow is None:  # asked for every suspicious URL: answer once
            self._has_allow = any(kind == "allow" for kind, _ in self.lists)
        return self._has_allow

    def names(self, parsed: ParsedUrl) -> list[tuple[str, str]]:
        """The host and its parents down to the registered domain, with how each would match."""
        host, registered = parsed.host, parsed.registered_domain
        names = [(host, "host")]
        if host.startswith("www."):
            names.append((host[4:], "host"))
        if host != registered and host.endswith("." + registered):
            rest = host[: -len(registered) - 1].split(".")
            for i in range(1, len(rest)):
                names.append((".".join(rest[i:]) + "." + registered, "parent"))
            names.append((registered, "parent"))
        return names

    def lookup(self, parsed: ParsedUrl) -> list[ListHit]:
        """Every list entry that covers this URL (host, parent domains, URL prefixes)."""
        hits: list[ListHit] = []
        names = self.names(parsed)
        by_name = self._by_name
        for name, how in names:
            held = by_name.get(name)
            if held is None:
                continue
            for kind, source in held:  # a list's first (closest) name is its hit, in list order
                if not any(h.kind == kind and h.source == source for h in hits):
                    hits.append(ListHit(kind, source, name, how))
        if len(hits) > 1:
            order = {key: i for i, key in enumerate(self.lists)}
            hits.sort(key=lambda h: order[(h.kind, h.source)])
        if self._prefixes:
            path = parsed.path.lower()
            for name, _ in names:
                by_path = self._prefixes.get(name)
                if by_path is None:
                    continue
                ends = [m.start() for m in _PREFIX_END.finditer(path, 1)]
                for end in [*ends, len(path)]:
                    prefix = path[:end]
                    for kind, source in by_path.get(prefix, ()):
                        hits.append(ListHit(kind, source, name + prefix, "prefix"))
        return hits


class ListStore:
    """The lists on disk under ``data_dir/lists``."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.root = self.data_dir / "lists"

    # -- reading -----------------------------------------------------------------------------------------

    def index(self) -> dict[str, Any]:
        try:
            return dict(json.loads((self.root / "index.json").read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"unreadable list index {self.root / 'index.json'}: {exc}") from None

    def load(self) -> ListIndex:
        """Every list in the store (an empty store gives an empty index: the checker works without lists)."""
        lists: dict[tuple[str, str], set[str]] = {}
        for key in self.index():
            kind, source = key.split("/", 1)
            path = self.root / kind / f"{source}.txt"
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigurationError(
                    f"list {key} is in the index but {path} is unreadable: {exc}"
                ) from None
            entries = set(text.split("\n"))
            entries.discard("")
            lists[(kind, source)] = entries
        return ListIndex(lists)

    # -- writing -----------------------------------------------------------------------------------------

    def import_lines(self, lines: Iterable[str], kind: str, source: str, origin: str = "") -> ImportResult:
        """Normalize and store one list (replacing a list of the same kind and source atomically)."""
        parsed = parse_lines(lines)
        return self.store_entries(parsed, kind, source, origin)

    def store_entries(self, parsed: ParsedList, kind: str, source: str, origin: str = "") -> ImportResult:
        """Store entries already parsed (``parse_lines``) as one list, atomically, and index it."""
        if kind not in KINDS:
            raise InputError(f"list kind {kind!r} is not one of {', '.join(KINDS)}")
        if not _SOURCE_NAME.match(source):
            raise InputError(f"list name {source!r}: use letters, digits, '.', '_' or '-' (max 64)")
        body = "\n".join(sorted(parsed.entries)) + "\n"
        path = self.root / kind / f"{source}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, body.encode("utf-8"))
        index = self.index()
        index[f"{kind}/{source}"] = {
            "entries": len(parsed.entries),
            "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
            "origin": origin,
            "imported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        write_atomic(self.root / "index.json", json.dumps(index, indent=2, sort_keys=True).encode("utf-8"))
        return ImportResult(kind, source, len(parsed.entries), parsed.skipped, str(path), parsed.problems)

    def import_file(self, path: str | Path, kind: str, source: str) -> ImportResult:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return self.import_lines(f, kind, source, origin=f"file://{Path(path).resolve()}")
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror}") from None

    def remove(self, kind: str, source: str) -> bool:
        index = self.index()
        if index.pop(f"{kind}/{source}", None) is None:
            return False
        write_atomic(self.root / "index.json", json.dumps(index, indent=2, sort_keys=True).encode("utf-8"))
        (self.root / kind / f"{source}.txt").unlink(missing_ok=True)
        return True

    # -- feeds -------------------------------------------------------------------------------------------

    @property
    def feeds_file(self) -> Path:
        return self.data_dir / "feeds.toml"

    def feeds(self, config: Path | None = None) -> list[dict[str, str]]:
        """Feeds from the config file: ``[[feed]]`` tables with ``name``, ``kind`` and ``url``."""
        path = config or self.feeds_file
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigurationError(
                f"no feeds file at {path}; write [[feed]] name/kind/url tables there"
            ) from None
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigurationError(f"feeds file {path} is not valid TOML: {exc}") from None
        feeds = data.get("feed", [])
        for i, feed in enumerate(feeds, 1):
            missing = [k for k in ("name", "kind", "url") if not isinstance(feed.get(k), str)]
            if missing:
                raise ConfigurationError(f"{path}: feed {i} lacks {', '.join(missing)}")
            if feed["kind"] not in KINDS or not _SOURCE_NAME.match(feed["name"]):
                raise ConfigurationError(
                    f"{path}: feed {i}: kind must be one of {', '.join(KINDS)} and name letters, digits, "
                    "'.', '_' or '-'"
                )
            if not feed["url"].startswith(("https://", "http://", "file://")):
                raise ConfigurationError(
                    f"{path}: feed {feed['name']}: only https://, http:// and file:// URLs"
                )
        return list(feeds)

    def update(
        self,
        config: Path | None = None,
        timeout: float = 30.0,
        max_bytes: int | None = None,
        force: bool = False,
    ) -> Iterator[dict[str, Any]]:
        """Fetch every feed, check what came, and swap its list in; a feed that fails or is refused keeps
        its last good copy (see ``feeds.update_feed`` for the checks). Yields one outcome per feed."""
        from .feeds import DEFAULT_MAX_BYTES, update_feed

        for feed in self.feeds(config):
            yield update_feed(self, feed, timeout, max_bytes or DEFAULT_MAX_BYTES, force)
