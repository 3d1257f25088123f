"""Find links in text, with exact offsets, including defanged and disguised forms.

Recognized: full URLs (``http``, ``https``, ``ftp`` and the defanged ``hxxp``/``hxxps``, also with
``[://]``/``[:]//``), ``www.`` hosts, bare domains with a real public suffix (``example.top/join``;
checked against tldextract's bundled list, so "Mr.Smith" and "e.g." are not links) and spelled-out forms
(``example dot com``). ``[.]``, ``(.)`` and ``{.}`` stand for a dot anywhere in the host. Full-width and
zero-width tricks are handled by running on the normalized view (see ``_normalize``).

Obfuscation is recorded (``FoundLink.obfuscated``) as evidence, not proof: security reporting quotes
defanged indicators on purpose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..urls.suffixes import join_registered, split_host

_DOT = r"(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\))"
_LABEL = r"[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?"
_PATH_CHARS = r"[^\s<>\"'“”‘’«»|\\^`{}]"

_SCHEME_URL = re.compile(
    r"(?<![\w.])(?P<scheme>h(?:tt|xx)ps?|ftp|fxp)(?P<sep>://|\[://\]|\[:\]//|\[:\]\[/\]\[/\])"
    rf"(?P<rest>{_PATH_CHARS}+)",
    re.IGNORECASE,
)
_HOST_URL = re.compile(
    rf"(?<![\w.@/:-])(?P<host>(?:{_LABEL}{_DOT})+(?P<tld>[a-z\u00a1-\uffff]{{2,24}}|xn--[a-z0-9-]{{2,59}}))"
    rf"(?![\w@-])(?P<port>:\d{{2,5}})?(?P<path>[/?#]{_PATH_CHARS}*)?",
    re.IGNORECASE,
)
_SPELLED = re.compile(
    r"(?<![\w.@-])(?P<name>[a-z0-9][a-z0-9-]{2,62})\s+(?:dot|\(dot\)|\[dot\]|punkt|ponto|titik)\s+"
    r"(?P<tld>[a-z]{2,24})(?![\w-])",
    re.IGNORECASE,
)
_SCHEME_SEP = re.compile(r"://|\[://\]|\[:\]//|\[:\]\[/\]\[/\]")
# a dot (plain or defanged) directly followed by a letter: where a host name can be
_HOST_DOT = re.compile(r"(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\))(?=[^\W\d_])", re.IGNORECASE)
_SPELLED_HINTS = (" dot ", "(dot)", "[dot]", " punkt ", " ponto ", " titik ")
_DEFANG = re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)", re.IGNORECASE)
_TRAILING = ".,;:!?)]}>'\"”’»*"
# words that precede " dot com" in ordinary prose ("the dot com boom")
_SPELLED_STOP = frozenset("the a an this that their his her its our your dot and or of in on at".split())


@dataclass(frozen=True, slots=True)
class FoundLink:
    """A link as found, before any reputation is attached.

    Attributes:
        start, end: offsets into the searched text.
        raw: the link as written.
        url: normalized URL (refanged; lower-case scheme and host; ``http://`` added when missing).
        host: normalized host.
        subdomain, domain, suffix: the host split on the public suffix list (domain without suffix).
        obfuscated: written in a defanged or spelled-out form.
    """

    start: int
    end: int
    raw: str
    url: str
    host: str
    subdomain: str
    domain: str
    suffix: str
    obfuscated: bool

    @property
    def registered_domain(self) -> str:
        """``domain.suffix`` (``example.co.uk``); the host itself when there is no suffix (IPs)."""
        return join_registered(self.host, self.domain, self.suffix)

    @property
    def path(self) -> str:
        """Everything after the host (path, query, fragment)."""
        rest = self.url.split("://", 1)[-1]
        cut = len(rest)
        for ch in "/?#":
            i = rest.find(ch)
            if i != -1:
                cut = min(cut, i)
        return rest[cut:]


def _strip_trailing(s: str) -> str:
    """Drop sentence punctuation glued to the end of a link, keeping balanced brackets."""
    while s and s[-1] in _TRAILING:
        if s[-1] == ")" and s.count("(") >= s.count(")"):
            break
        if s[-1] == "]" and s.count("[") >= s.count("]"):
            break
        s = s[:-1]
    return s


def _split_authority(rest: str) -> tuple[str, str]:
    """Split ``host[:port]/path...`` (after the scheme) into ``(host, tail)``; drops userinfo."""
    cut = len(rest)
    for ch in "/?#":
        i = rest.find(ch)
        if i != -1:
            cut = min(cut, i)
    authority, tail = rest[:cut], rest[cut:]
    if "@" in authority:
        authority = authority.rsplit("@", 1)[1]
    if authority.startswith("["):  # IPv6 literal
        host = authority.split("]", 1)[0] + "]"
    else:
        host = authority.split(":", 1)[0]
    return host, tail


def _refang(s: str) -> str:
    return _DEFANG.sub(".", s)


def _make(text: str, start: int, end: int, host: str, tail: str, scheme: str, obfuscated: bool) -> FoundLink:
    host = host.lower().strip(".")
    sub, dom, suf = split_host(host)
    url = f"{scheme}://{host}{tail}"
    return FoundLink(start, end, text[start:end], url, host, sub, dom, suf, obfuscated)


def find_links(text: str) -> list[FoundLink]:
    """Every link in ``text``, sorted by offset, non-overlapping."""
    found: list[FoundLink] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for sep in _SCHEME_SEP.finditer(text):
        m = None
        for k in (5, 4, 3):  # https/hxxps, http/hxxp, ftp
            if sep.start() - k >= 0:
                m = _SCHEME_URL.match(text, sep.start() - k)
                if m and m.end("scheme") == sep.start():
                    break
                m = None
        if m is None or not free(m.start(), m.end()):
            continue
        raw = _strip_trailing(m.group())
        if len(raw) <= len(m.group("scheme")) + len(m.group("sep")):
            continue
        start, end = m.start(), m.start() + len(raw)
        scheme = m.group("scheme").lower()
        obfuscated = "xx" in scheme or m.group("sep") != "://" or bool(_DEFANG.search(raw))
        scheme = scheme.replace("xx", "tt").replace("fxp", "ftp")
        rest = _refang(raw[len(m.group("scheme")) + len(m.group("sep")) :])
        host, tail = _split_authority(rest)
        if not host:
            continue
        found.append(_make(text, start, end, host, tail, scheme, obfuscated))
        taken.append((start, end))

    for dot in _HOST_DOT.finditer(text):
        if not free(dot.start(), dot.start() + 1):
            continue
        begin = dot.start()
        while begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] in "-."):
            begin -= 1
        m = _HOST_URL.match(text, begin)
        if m is None or m.end() <= dot.start():
            continue
        start = m.start()
        raw = _strip_trailing(m.group())
        end = start + len(raw)
        if not free(start, end):
            continue
        host_raw = m.group("host")
        host = _refang(host_raw).lower()
        obfuscated = host != host_raw.lower()
        is_www = host.startswith("www")
        tld = m.group("tld")
        # bare domains must have a lower-case, real public suffix ("market.In" is a missing space)
        if not is_www and not obfuscated and not tld.islower():
            continue
        sub, dom, suf = split_host(host)
        if not suf or not dom:
            continue
        tail = _refang(raw[len(host_raw) :])
        found.append(FoundLink(start, end, raw, f"http://{host}{tail}", host, sub, dom, suf, obfuscated))
        taken.append((start, end))

    lowered = text.lower()
    spelled = _SPELLED.finditer(text) if any(h in lowered for h in _SPELLED_HINTS) else ()
    for m in spelled:
        if not free(m.start(), m.end()) or m.group("name").lower() in _SPELLED_STOP:
            continue
        host = f"{m.group('name')}.{m.group('tld')}".lower()
        sub, dom, suf = split_host(host)
        if not suf or suf != m.group("tld").lower() or not dom:
            continue
        found.append(_make(text, m.start(), m.end(), host, "", "http", True))
        taken.append((m.start(), m.end()))

    found.sort(key=lambda lk: lk.start)
    return found
