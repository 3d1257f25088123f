"""Find links in text, with exact offsets, including defanged and disguised forms.

Recognized: full URLs (``http``, ``https``, ``ftp`` and the defanged ``hxxp``/``hxxps``, also with
``[://]``/``[:]//``), ``www.`` hosts, bare domains with a real public suffix (``example.top/join``;
checked against tldextract's bundled list, so "Mr.Smith" and "e.g." are not links) and spelled-out forms
(``example dot com``). ``[.]``, ``(.)`` and ``{.}`` stand for a dot anywhere in the host. Full-width and
zero-width tricks are handled by running on the normalized view (see ``_normalize``).

Obfuscation is recorded (``FoundLink.obfuscated``) as evidence, not proof: security reporting quotes
defanged indicators on purpose.

Finding is only about *where* a link is: each match is handed to ``urls.parse.parse_url``, the one URL
parser, and ``FoundLink.parsed`` is what the URL checker judges. A match the parser refuses (a host IDNA
rejects, a bad port) is not a link. The disguises (invisible characters, defanged dots and schemes) are
the table in ``moderation/_disguise.py`` that the parser reads too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .._disguise import DEFANGED_DOT, DOT, SCHEME, SCHEME_SEPARATOR, refang
from ..urls.parse import ParsedUrl, UrlError, parse_url

_LABEL = r"[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?"
_PATH_CHARS = r"[^\s<>\"'“”‘’«»|\\^`{}]"

_SCHEME_URL = re.compile(
    rf"(?<![\w.])(?P<scheme>{SCHEME})(?P<sep>{SCHEME_SEPARATOR})"
    rf"(?P<rest>{_PATH_CHARS}+)",
    re.IGNORECASE,
)
_HOST_URL = re.compile(
    rf"(?<![\w.@/:-])(?P<host>(?:{_LABEL}{DOT})+(?P<tld>[a-z\u00a1-\uffff]{{2,24}}|xn--[a-z0-9-]{{2,59}}))"
    rf"(?![\w@-])(?P<port>:\d{{2,5}})?(?P<path>[/?#]{_PATH_CHARS}*)?",
    re.IGNORECASE,
)
_SPELLED = re.compile(
    r"(?<![\w.@-])(?P<name>[a-z0-9][a-z0-9-]{2,62})\s+(?:dot|\(dot\)|\[dot\]|punkt|ponto|titik)\s+"
    r"(?P<tld>[a-z]{2,24})(?![\w-])",
    re.IGNORECASE,
)
_SCHEME_SEP = re.compile(SCHEME_SEPARATOR)
# a dot (plain or defanged) directly followed by a letter: where a host name can be
_HOST_DOT = re.compile(rf"{DOT}(?=[^\W\d_])", re.IGNORECASE)
_SPELLED_HINTS = (" dot ", "(dot)", "[dot]", " punkt ", " ponto ", " titik ")
_TRAILING = ".,;:!?)]}>'\"”’»*"
# words that precede " dot com" in ordinary prose ("the dot com boom")
_SPELLED_STOP = frozenset("the a an this that their his her its our your dot and or of in on at".split())


@dataclass(frozen=True, slots=True)
class FoundLink:
    """A link found in text: where it is, how it was written, and the URL it names.

    Attributes:
        start, end: offsets into the searched text.
        raw: the link as written (``text[start:end]``).
        obfuscated: written in a defanged or spelled-out form.
        parsed: the URL, parsed and normalized once (what the URL checker judges).
    """

    start: int
    end: int
    raw: str
    obfuscated: bool
    parsed: ParsedUrl


def _strip_trailing(s: str) -> str:
    """Drop sentence punctuation glued to the end of a link, keeping balanced brackets."""
    while s and s[-1] in _TRAILING:
        if s[-1] == ")" and s.count("(") >= s.count(")"):
            break
        if s[-1] == "]" and s.count("[") >= s.count("]"):
            break
        s = s[:-1]
    return s


def _parsed(candidate: str) -> ParsedUrl | None:
    """The URL a match names, or None when the parser refuses it (then it is not a link)."""
    try:
        return parse_url(candidate)
    except UrlError:
        return None


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
        obfuscated = "xx" in scheme or m.group("sep") != "://" or bool(DEFANGED_DOT.search(raw))
        parsed = _parsed(raw)
        if parsed is None:
            continue
        found.append(FoundLink(start, end, raw, obfuscated, parsed))
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
        host = refang(host_raw).lower()
        obfuscated = host != host_raw.lower()
        is_www = host.startswith("www")
        tld = m.group("tld")
        # bare domains must have a lower-case, real public suffix ("market.In" is a missing space)
        if not is_www and not obfuscated and not tld.islower():
            continue
        parsed = _parsed(raw)
        if parsed is None or not parsed.suffix or not parsed.domain:
            continue
        found.append(FoundLink(start, end, raw, obfuscated, parsed))
        taken.append((start, end))

    lowered = text.lower()
    spelled = _SPELLED.finditer(text) if any(h in lowered for h in _SPELLED_HINTS) else ()
    for m in spelled:
        if not free(m.start(), m.end()) or m.group("name").lower() in _SPELLED_STOP:
            continue
        parsed = _parsed(f"{m.group('name')}.{m.group('tld')}".lower())
        if parsed is None or parsed.suffix != m.group("tld").lower() or not parsed.domain:
            continue
        found.append(FoundLink(m.start(), m.end(), m.group(), True, parsed))
        taken.append((m.start(), m.end()))

    found.sort(key=lambda lk: lk.start)
    return found
