"""Optional online reputation providers behind one interface. Off by default: nothing here touches the
network unless a provider is built and handed to ``UrlChecker`` (or configured through the environment
and asked for with ``moderation check-url --online``).

Each provider has a timeout, a TTL cache (answers and "no match" alike), and fails *open*: a timeout, an
HTTP error or an unreadable answer counts as "no verdict" (``lookup`` returns None), is counted in
``failures``, and is logged, so an outage never blocks scanning or flags a clean link.

- ``SafeBrowsingProvider``: Google Safe Browsing v4 Lookup API (``threatMatches:find``).
- ``UrlhausProvider``: abuse.ch URLhaus host lookup (``/v1/host/``).

Both take an ``endpoint``, so tests run them against a local server on 127.0.0.1 that speaks the subset.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Protocol

from .parse import ParsedUrl

log = logging.getLogger("moderation.providers")


class Provider(Protocol):
    """An online source of verdicts about URLs."""

    name: str

    def lookup(self, url: ParsedUrl) -> str | None:
        """A short verdict when the provider lists the URL (``"MALWARE"``), else None (also on failure)."""
        ...


class _TtlCache:
    def __init__(self, ttl: float, size: int = 100_000) -> None:
        self.ttl, self.size = ttl, size
        self._data: dict[str, tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[bool, str | None]:
        with self._lock:
            hit = self._data.get(key)
            if hit is None or hit[0] < time.monotonic():
                return False, None
            return True, hit[1]

    def put(self, key: str, value: str | None) -> None:
        with self._lock:
            if len(self._data) >= self.size:
                self._data.clear()
            self._data[key] = (time.monotonic() + self.ttl, value)


class _HttpProvider:
    name = "provider"

    def __init__(self, endpoint: str, timeout: float, ttl: float) -> None:
        if not endpoint.startswith(("https://", "http://")):
            raise ValueError(f"{self.name}: endpoint must be an http(s) URL, not {endpoint!r}")
        self.endpoint = endpoint.rstrip("/")
        self.timeout = timeout
        self.cache = _TtlCache(ttl)
        self.failures = 0
        self.requests = 0

    def _key(self, url: ParsedUrl) -> str:
        return url.url

    def _ask(self, url: ParsedUrl) -> str | None:
        raise NotImplementedError

    def lookup(self, url: ParsedUrl) -> str | None:
        key = self._key(url)
        cached, value = self.cache.get(key)
        if cached:
            return value
        try:
            self.requests += 1
            value = self._ask(url)
        except (OSError, ValueError, KeyError, TypeError, urllib.error.URLError) as exc:
            self.failures += 1
            log.warning("%s lookup failed (fail open): %s: %s", self.name, type(exc).__name__, exc)
            return None
        self.cache.put(key, value)
        return value

    def _post(self, url: str, body: bytes, headers: dict[str, str]) -> Any:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.loads(response.read(1 << 20) or b"{}")


class SafeBrowsingProvider(_HttpProvider):
    """Google Safe Browsing v4 Lookup API."""

    name = "Google Safe Browsing"
    THREATS = ("MALWARE", "SOCIAL_ENGINEERING", "UNWANTED_SOFTWARE", "POTENTIALLY_HARMFUL_APPLICATION")

    def __init__(
        self,
        api_key: str,
        endpoint: str = "https://safebrowsing.googleapis.com",
        timeout: float = 2.0,
        ttl: float = 300.0,
    ) -> None:
        super().__init__(endpoint, timeout, ttl)
        self.api_key = api_key

    def _ask(self, url: ParsedUrl) -> str | None:
        body = {
            "client": {"clientId": "moderation", "clientVersion": "0.1.0"},
            "threatInfo": {
                "threatTypes": list(self.THREATS),
                "platformTypes": ["ANY_PLATFORM"],
                "threatEntryTypes": ["URL"],
                "threatEntries": [{"url": url.url}],
            },
        }
        target = f"{self.endpoint}/v4/threatMatches:find?key={urllib.parse.quote(self.api_key)}"
        answer = self._post(target, json.dumps(body).encode(), {"Content-Type": "application/json"})
        matches = answer.get("matches") or []
        if not isinstance(matches, list):
            raise ValueError("unexpected 'matches'")
        types = sorted({str(m.get("threatType", "THREAT")) for m in matches if isinstance(m, dict)})
        return f"listed as {', '.join(types)}" if types else None


class UrlhausProvider(_HttpProvider):
    """abuse.ch URLhaus host lookup (the host has served malware)."""

    name = "URLhaus"

    def __init__(
        self,
        endpoint: str = "https://urlhaus-api.abuse.ch",
        auth_key: str | None = None,
        timeout: float = 2.0,
        ttl: float = 300.0,
    ) -> None:
        super().__init__(endpoint, timeout, ttl)
        self.auth_key = auth_key

    def _key(self, url: ParsedUrl) -> str:
        return url.host

    def _ask(self, url: ParsedUrl) -> str | None:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.auth_key:
            headers["Auth-Key"] = self.auth_key
        answer = self._post(
            f"{self.endpoint}/v1/host/", urllib.parse.urlencode({"host": url.host}).encode(), headers
        )
        status = answer.get("query_status")
        if status == "ok" and int(answer.get("url_count", 0) or 0) > 0:
            return f"host served malware ({answer.get('url_count')} URLs)"
        if status in ("ok", "no_results", "invalid_host"):
            return None
        raise ValueError(f"query_status {status!r}")


def providers_from_env() -> list[Provider]:
    """Providers configured by environment variables (none unless set):

    ``MODERATION_GSB_API_KEY`` (+ ``MODERATION_GSB_ENDPOINT``), ``MODERATION_URLHAUS_ENDPOINT`` or
    ``MODERATION_URLHAUS_AUTH_KEY``; ``MODERATION_PROVIDER_TIMEOUT`` (seconds, default 2).
    """
    timeout = float(os.environ.get("MODERATION_PROVIDER_TIMEOUT", "2") or 2)
    out: list[Provider] = []
    if os.environ.get("MODERATION_GSB_API_KEY"):
        out.append(
            SafeBrowsingProvider(
                os.environ["MODERATION_GSB_API_KEY"],
                os.environ.get("MODERATION_GSB_ENDPOINT", "https://safebrowsing.googleapis.com"),
                timeout,
            )
        )
    if os.environ.get("MODERATION_URLHAUS_ENDPOINT") or os.environ.get("MODERATION_URLHAUS_AUTH_KEY"):
        out.append(
            UrlhausProvider(
                os.environ.get("MODERATION_URLHAUS_ENDPOINT", "https://urlhaus-api.abuse.ch"),
                os.environ.get("MODERATION_URLHAUS_AUTH_KEY"),
                timeout,
            )
        )
    return out
