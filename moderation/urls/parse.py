"""One URL string -> its normalized parts, for the URL checker. Offline, bounded, never raises anything
but ``UrlError`` (an ``InputError``) with a message that says what is wrong.

Normalization (each step is recorded in ``ParsedUrl.notes`` when it changed something):

- refanging (``hxxp://``, ``[.]``, ``(.)``, ``[dot]``, ``[:]//``), full-width and invisible characters
  (the one table in ``moderation/_disguise.py``, shared with the text view and the link finder);
- scheme and host lower-cased, ``http://`` added when missing, default ports dropped, trailing dot removed;
- IDNA both ways: ``host`` is ASCII (punycode), ``host_unicode`` the readable form (homoglyph checks);
- IP hosts in every spelling browsers accept (``3232235777``, ``0xC0A80001``, ``0300.0250.0.1``,
  ``[::1]``) -> canonical form;
- user-info (``paypal.com@evil.top``) split off: the host is what comes after the ``@``;
- ``%``-escapes of unreserved characters decoded, at most three rounds (no loops on ``%2525...``);
- tracking parameters (``utm_*``, ``fbclid``, ``gclid``, ...) removed; affiliate parameters kept (they
  are evidence); the fragment dropped.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from .._caches import per_key_cache
from .._disguise import DEFANGED_DOT, INVISIBLE_RE, SCHEME, SCHEME_SEPARATOR, refang_scheme
from .._errors import InputError
from .suffixes import join_registered, split_host

MAX_URL_CHARS = 100_000
DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}
_SCHEMES = ("http", "https", "ftp")
_SCHEME_FORMS = re.compile(rf"^({SCHEME})({SCHEME_SEPARATOR})", re.IGNORECASE)
_TRACKING = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_eid|mc_cid|igshid|_ga|_gl|"
    r"ocid|cmpid|spm|si)$",
    re.IGNORECASE,
)
_UNRESERVED_ESCAPE = re.compile(r"%(?:4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a]|3[0-9]|2[de]|5f|7e)", re.IGNORECASE)
_IP_LIKE = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.IGNORECASE)
_HOST_OK = re.compile(r"^[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?$")
_OTHER_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_HOST_PORT = re.compile(r"^[^:/]+:\d")
_CONTROL = re.compile(r"[\r\n\t]")
# ``k=v&k=v`` whose names and values urlencode(safe="/:,") writes back unchanged (no +, %, or blanks).
_PLAIN_PAIR = r"[A-Za-z0-9_.~/:,-]+=[A-Za-z0-9_.~/:,-]*"
_PLAIN_QUERY = re.compile(rf"{_PLAIN_PAIR}(?:&{_PLAIN_PAIR})*")
# ``[http[s]://]host[/path][?query][#fragment]`` with nothing to refang, decode, strip or split off (no
# user-info, port, %-escape in host or path, backslash, bracket or whitespace): ASCII input only.
_SIMPLE = re.compile(
    r"(?:(https?)://)?([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+)(/[^?#%\s\\\[\](){}]*)?"
    r"(?:\?([^#\s\\\[\](){}]*))?(?:#[^\s\[\](){}]*)?",
    re.ASCII,
)


class UrlError(InputError):
    """A string that cannot be read as a web URL; the message says why."""


@dataclass(slots=True)
class ParsedUrl:
    """A URL taken apart and normalized. Treat it as read-only; it is not frozen because one is built for
    every URL checked and a frozen dataclass costs several times more to build (none is shared or cached).

    Attributes:
        input: the string as given.
        url: the normalized URL (``scheme://host[:port]path[?query]``), tracking parameters and fragment
            removed.
        scheme: ``http`` | ``https`` | ``ftp``.
        host: lower-case ASCII host (punycode for internationalized names; canonical for IPs).
        host_unicode: the host with punycode decoded (what a reader sees).
        port: a non-default port, else ``None``.
        path: the path and query (``/a/b?x=1``), ``""`` when there is none.
        subdomain, domain, suffix: the host split on the public suffix list (private suffixes included).
        is_ip: the host is an IPv4 or IPv6 address.
        userinfo: the text before ``@`` in the authority (``""`` when none): a classic disguise.
        notes: the normalization steps that changed something (``refanged``, ``punycode``, ...).
        registered_domain: ``domain.suffix`` (``example.co.uk``, ``spam.github.io``); the host for IPs and
            bare names.
    """

    input: str
    url: str
    scheme: str
    host: str
    host_unicode: str
    port: int | None
    path: str
    subdomain: str
    domain: str
    suffix: str
    is_ip: bool
    userinfo: str
    notes: tuple[str, ...] = ()
    registered_domain: str = ""  # parse_url fills it from its per-host cache

    def __post_init__(self) -> None:
        if not self.registered_domain:  # built by hand
            self.registered_domain = join_registered(self.host, self.domain, self.suffix)

    @property
    def query(self) -> str:
        return self.path.split("?", 1)[1] if "?" in self.path else ""


def _decode_escapes(s: str, notes: list[str]) -> str:
    """Decode %-escapes of unreserved characters, at most three rounds (``%2541`` -> ``%41`` -> ``A``)."""
    for _ in range(3):
        decoded = _UNRESERVED_ESCAPE.sub(lambda m: chr(int(m.group()[1:], 16)), s)
        if decoded == s:
            break
        s = decoded
        if "percent-decoded" not in notes:
            notes.append("percent-decoded")
    return s


def _ip(host: str) -> str | None:
    """The canonical form of an IP host in any accepted spelling, else None."""
    if host.startswith("[") and host.endswith("]"):
        try:
            return f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
        except ValueError:
            raise UrlError(f"invalid IPv6 address {host}") from None
    if _IP_LIKE.match(host):
        try:
            return socket.inet_ntoa(socket.inet_aton(host))  # BSD rules: decimal, hex, octal, short forms
        except OSError:
            return None
    return None


def _idna(host: str, notes: list[str]) -> tuple[str, str]:
    """(ASCII host, Unicode host); raises UrlError for labels that IDNA rejects."""
    labels = host.split(".")
    if host.isascii() and "xn--" not in host and all(labels) and max(map(len, labels)) <= 63:
        return host, host  # the common case: nothing to encode or decode
    ascii_labels, unicode_labels = [], []
    for label in labels:
        if not label:
            raise UrlError(f"empty label in host {host!r}")
        if label.isascii():
            ascii_label = label
            if label.startswith("xn--"):
                try:
                    unicode_label = label.encode("ascii").decode("idna")
                except UnicodeError:
                    raise UrlError(f"invalid punycode label {label!r}") from None
                notes.append("punycode decoded")
            else:
                unicode_label = label
        else:
            try:
                ascii_label = label.encode("idna").decode("ascii")
            except UnicodeError:
                raise UrlError(f"host label {label!r} is not a valid internationalized name") from None
            unicode_label = label
            notes.append("punycode encoded")
        if len(ascii_label) > 63:
            raise UrlError(f"host label longer than 63 characters ({len(ascii_label)})")
        ascii_labels.append(ascii_label)
        unicode_labels.append(unicode_label)
    return ".".join(ascii_labels), ".".join(unicode_labels)


@per_key_cache(maxsize=65536)
def _host(host: str) -> tuple[str, str, bool, tuple[str, ...], str, str, str, str]:
    """(ASCII host, Unicode host, is IP, notes, subdomain, domain, suffix, registered domain) of a
    lower-case host; cached, since hosts repeat far more than URLs (errors are raised, not cached)."""
    notes: list[str] = []
    ip = _ip(host)
    if ip is not None:
        if ip != host:
            notes.append("IP address canonicalized")
        return ip, ip, True, tuple(notes), "", "", "", ip
    host_ascii, host_unicode = _idna(host, notes)
    if not _HOST_OK.match(host_ascii):
        raise UrlError(f"host {host_ascii[:80]!r} has characters a host name cannot have")
    sub, dom, suf = split_host(host_ascii)
    return host_ascii, host_unicode, False, tuple(notes), sub, dom, suf, join_registered(host_ascii, dom, suf)


def parse_url(text: str) -> ParsedUrl:
    """Take ``text`` apart (see the module docstring); raises ``UrlError`` naming the problem."""
    if not isinstance(text, str):
        raise UrlError(f"a URL must be a string, not {type(text).__name__}")
    if len(text) > MAX_URL_CHARS:
        raise UrlError(f"URL longer than {MAX_URL_CHARS:,} characters ({len(text):,})")
    if text.isascii():
        simple = _SIMPLE.fullmatch(text)
        if simple is not None:  # the common shape, taken apart by one regex: same result, half the time
            scheme, host, raw_path, raw_query = simple.groups()
            return _assemble(
                text, scheme or "http", host.lower(), None, "", raw_path or "", raw_query or "",
                [] if scheme else ["scheme added"],
            )  # fmt: skip
    return _parse_general(text)


def _parse_general(text: str) -> ParsedUrl:
    """Every shape ``parse_url`` accepts, step by step (the fast path must agree with this)."""
    s = text.strip()
    if not s:
        raise UrlError("empty URL")
    notes: list[str] = []
    if not s.isascii():
        cleaned = INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", s))
        if cleaned != s:
            notes.append("unicode normalized")
        s = cleaned
    m = _SCHEME_FORMS.match(s)
    if m:
        scheme = m.group(1).lower()
        if "xx" in scheme or "fxp" in scheme or m.group(2) != "://":
            notes.append("refanged")
        scheme = refang_scheme(scheme)
        s = f"{scheme}://{s[m.end() :]}"
    elif _OTHER_SCHEME.match(s) and not _HOST_PORT.match(s):
        raise UrlError(f"not a web URL (scheme {s.split(':', 1)[0]!r}); http, https and ftp are checked")
    else:
        s = "http://" + s.lstrip("/")
        notes.append("scheme added")
    if ("[" in s or "(" in s or "{" in s) and DEFANGED_DOT.search(s):
        s = DEFANGED_DOT.sub(".", s)
        if "refanged" not in notes:
            notes.append("refanged")
    if "\r" in s or "\n" in s or "\t" in s:
        s = _CONTROL.sub("", s)
    scheme, _, rest = s.partition("://")
    scheme = scheme.lower()
    if scheme not in _SCHEMES:
        raise UrlError(f"not a web URL (scheme {scheme!r})")
    rest = rest.split("#", 1)[0]  # the fragment never reaches the server
    cut = len(rest)
    for ch in "/?\\":
        i = rest.find(ch)
        if i != -1 and i < cut:
            cut = i
    netloc, tail_raw = rest[:cut], rest[cut:].replace("\\", "/")
    raw_path, _, raw_query = tail_raw.partition("?")
    userinfo = ""
    if "@" in netloc:
        userinfo, netloc = netloc.rsplit("@", 1)
        notes.append("user-info removed")
    hostport = netloc
    port: int | None = None
    if hostport.startswith("["):
        host, _, rest = hostport.partition("]")
        host += "]"
        if rest.startswith(":") and rest[1:]:
            port = _port(rest[1:])
    elif ":" in hostport:
        host, _, port_text = hostport.rpartition(":")
        port = _port(port_text) if port_text else None
    else:
        host = hostport
    if port == DEFAULT_PORTS.get(scheme):
        port = None
    if "%" in host:
        host = _decode_escapes(host, notes)
    host = host.lower().rstrip(".")
    if "%" in host:
        raise UrlError(f"host {host[:80]!r} holds %-escapes that are not a name")
    if not host:
        raise UrlError("no host name")
    return _assemble(text, scheme, host, port, userinfo, raw_path, raw_query, notes)


def _assemble(
    text: str,
    scheme: str,
    host: str,
    port: int | None,
    userinfo: str,
    raw_path: str,
    raw_query: str,
    notes: list[str],
) -> ParsedUrl:
    """The host checked and split, the path decoded, the query cleaned: the ``ParsedUrl``."""
    host_ascii, host_unicode, is_ip, host_notes, sub, dom, suf, registered = _host(host)
    notes.extend(host_notes)
    if not is_ip and "." not in host_ascii and "scheme added" in notes:
        raise UrlError(f"not a URL or domain name: {text.strip()[:80]!r} (no scheme and no dot)")
    path = _decode_escapes(raw_path, notes) if "%" in raw_path else raw_path
    query = _clean_query(raw_query, notes) if raw_query else ""
    tail = path + (f"?{query}" if query else "")
    url = f"{scheme}://{host_ascii}{f':{port}' if port else ''}{tail}"
    # positional, in field order (keywords cost ~1 us more for every URL parsed)
    return ParsedUrl(
        text, url, scheme, host_ascii, host_unicode, port, tail, sub, dom, suf, is_ip, userinfo, tuple(notes),
        registered,
    )  # fmt: skip


def _clean_query(raw_query: str, notes: list[str]) -> str:
    """The query re-encoded one way (``urlencode`` of ``parse_qsl``) without tracking parameters."""
    if _PLAIN_QUERY.fullmatch(raw_query):  # already in the form urlencode writes: only drop parameters
        pairs = raw_query.split("&")
        kept_plain = [kv for kv in pairs if not _TRACKING.match(kv.partition("=")[0])]
        if len(kept_plain) != len(pairs):
            notes.append("tracking parameters removed")
        return "&".join(kept_plain)
    return _clean_query_general(raw_query, notes)


def _clean_query_general(raw_query: str, notes: list[str]) -> str:
    """Any query: parsed, tracking parameters dropped, written back by ``urlencode``."""
    parsed = parse_qsl(raw_query, keep_blank_values=True)
    kept = [(k, v) for k, v in parsed if not _TRACKING.match(k)]
    if len(kept) != len(parsed):
        notes.append("tracking parameters removed")
    return _decode_escapes(urlencode(kept, safe="/:,"), notes) if kept else ""


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise UrlError(f"invalid port {text[:20]!r}")
    return int(text)
