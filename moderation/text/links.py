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
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from .._disguise import DEFANGED_DOT, DOT, SCHEME, SCHEME_SEPARATOR, refang
from ..urls.parse import MAX_URL_CHARS, ParsedUrl, UrlError, parse_url

_LABEL = r"[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?"
_PATH_CHARS = r"[^\s<>\"'“”‘’«»|\\^`{}]"

_SCHEME_URL = re.compile(
    rf"(?<![\w.])(?P<scheme>{SCHEME})(?P<sep>{SCHEME_SEPARATOR})"
    rf"(?P<rest>{_PATH_CHARS}{{1,{MAX_URL_CHARS}}})",
    re.IGNORECASE,
)
_HOST_URL = re.compile(
    rf"(?<![\w.@/:-])(?P<host>(?:{_LABEL}{DOT})+(?P<tld>[a-z\u00a1-\uffff]{{2,24}}|xn--[a-z0-9-]{{2,59}}))"
    rf"(?![\w@-])(?P<port>:\d{{2,5}})?(?P<path>[/?#]{_PATH_CHARS}{{0,{MAX_URL_CHARS}}})?",
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
_PATH_RUN = re.compile(rf"{_PATH_CHARS}*")
_SPELLED_HINTS = (" dot ", "(dot)", "[dot]", " punkt ", " ponto ", " titik ")
_SPELLED_WORDS = ("dot", "punkt", "ponto", "titik")
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
    """Drop sentence punctuation glued to the end of a link, keeping balanced brackets.

    The bracket counts are taken once and kept as closers are dropped (counting again at every dropped
    character, and copying the string, made a URL followed by ``'!' * n`` quadratic)."""
    end = len(s)
    if not end or s[-1] not in _TRAILING:  # nothing to drop (most links): no counting
        return s
    opens = {")": s.count("("), "]": s.count("[")}
    closes = {")": s.count(")"), "]": s.count("]")}
    while end and s[end - 1] in _TRAILING:
        c = s[end - 1]
        if c in opens:
            if opens[c] >= closes[c]:
                break
            closes[c] -= 1
        end -= 1
    return s[:end]


class _Taken:
    """The links accepted so far, for the overlap test: sorted, disjoint intervals per finder pass.

    Each pass (scheme URLs, host names, spelled-out names) accepts links in text order, so each list stays
    sorted by appending and one bisection answers "does [s, e) overlap an accepted link?" (testing every
    earlier link made texts with many links quadratic). Only the passes that accepted a link are
    searched (a text of 200,000 host names asked two empty lists per candidate otherwise)."""

    def __init__(self) -> None:
        self.starts: list[list[int]] = [[], [], []]
        self.ends: list[list[int]] = [[], [], []]
        self.active: list[tuple[list[int], list[int]]] = []

    def free(self, s: int, e: int) -> bool:
        for starts, ends in self.active:
            # [s, e) begins after the last one ends (the ends rise with the starts, the intervals
            # being disjoint): the usual case inside a pass, answered without a search
            if s >= ends[-1]:
                continue
            i = bisect_right(starts, s)
            if i and e > starts[i - 1] and s < ends[i - 1]:
                return False
            if i < len(starts) and e > starts[i] and s < ends[i]:
                return False
        return True

    def add(self, finder: int, s: int, e: int) -> None:
        starts, ends = self.starts[finder], self.ends[finder]
        if not starts:
            self.active.append((starts, ends))
        starts.append(s)
        ends.append(e)


class _LongRuns:
    """The true end of a match whose path hit the regexes' cap (``MAX_URL_CHARS``), found once per run.

    A link's path runs to the next character no path may hold. Unbounded, a run of path characters with
    many possible link starts in it (``'http://' * n``, ``'a.bc?' * n``) was read to its end once per
    start. The regexes stop at the cap; a capped match asks here for the run's end and for where the
    punctuation at the end of the run begins, both computed once per run: a match that is still longer
    than the cap without that punctuation is refused by the parser anyway, so it is no link."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lo = self.end = self.trail = -1

    def whole_end(self, start: int, capped_end: int) -> int | None:
        """The end of the uncapped match at ``start``, or None when it cannot be a link (too long)."""
        text = self.text
        if not self.lo <= capped_end <= self.end:
            self.lo = capped_end
            run = _PATH_RUN.match(text, capped_end)  # `*`: always matches
            self.end = run.end() if run else capped_end
            trail = self.end
            while trail > 0 and text[trail - 1] in _TRAILING:
                trail -= 1
            self.trail = trail
        if self.trail - start > MAX_URL_CHARS:
            return None
        return self.end


def _parsed(candidate: str) -> ParsedUrl | None:
    """The URL a match names, or None when the parser refuses it (then it is not a link)."""
    try:
        return parse_url(candidate)
    except UrlError:
        return None


def _scheme_match(text: str, sep: int) -> re.Match[str] | None:
    """The scheme URL whose separator starts at ``sep`` (https/hxxps, http/hxxp, ftp), if any."""
    for k in (5, 4, 3):
        if sep - k >= 0:
            m = _SCHEME_URL.match(text, sep - k)
            if m and m.end("scheme") == sep:
                return m
    return None


def _host_begins(text: str, dots: Iterator[re.Match[str]]) -> Iterator[tuple[re.Match[str], int]]:
    """Each host dot with where its host may begin: the start of the run of letters, digits, "-" and "."
    that ends just before the dot (the dot itself when there is none).

    The run is walked back from each dot, but never past the previous dot: when the walk reaches it
    inside one run, the previous answer holds (``'a.' * n`` walked to the run's start from every dot
    was quadratic). So each character is read at most once, and only near host dots (reading every
    word of the text for the few dots it has cost more than finding the links)."""
    prev, prev_begin = -1, -1
    for dot in dots:
        p = dot.start()
        j = p - 1
        while j > prev and (text[j].isalnum() or text[j] in "-."):  # _run_char, inlined
            j -= 1
        begin = prev_begin if j == prev >= 0 and _run_char(text[prev]) else j + 1
        prev, prev_begin = p, begin
        yield dot, begin


def _run_char(c: str) -> bool:
    """What a host run holds: ``str.isalnum`` characters, "-" and "."."""
    return c.isalnum() or c == "-" or c == "."


def find_links(text: str) -> list[FoundLink]:
    """Every link in ``text``, sorted by offset, non-overlapping.

    Linear in the text: each candidate is read once (see ``_Taken``, ``_LongRuns``, ``_host_begins``)."""
    found: list[FoundLink] = []
    taken = _Taken()
    long_runs = _LongRuns(text)
    seen: dict[str, ParsedUrl | None] = {}  # one parse per distinct link string (texts repeat links)

    def parsed_once(raw: str) -> ParsedUrl | None:
        if raw not in seen:
            seen[raw] = _parsed(raw)
        return seen[raw]

    for sep in _SCHEME_SEP.finditer(text):
        m = _scheme_match(text, sep.start())
        if m is None or not taken.free(m.start(), m.end()):
            continue
        match_end: int | None = m.end()
        if m.end() - m.start("rest") >= MAX_URL_CHARS:
            match_end = long_runs.whole_end(m.start(), m.end())
            if match_end is None or not taken.free(m.start(), match_end):
                continue
        raw = _strip_trailing(text[m.start() : match_end])
        if len(raw) <= len(m.group("scheme")) + len(m.group("sep")):
            continue
        start, end = m.start(), m.start() + len(raw)
        scheme = m.group("scheme").lower()
        obfuscated = "xx" in scheme or m.group("sep") != "://" or bool(DEFANGED_DOT.search(raw))
        parsed = parsed_once(raw)
        if parsed is None:
            continue
        found.append(FoundLink(start, end, raw, obfuscated, parsed))
        taken.add(0, start, end)

    tried = -1  # a host start already matched: every later dot that walks back to it gets the same answer
    hosts: dict[str, tuple[bool, bool]] = {}  # host as written -> (disguised, may be a link): texts repeat
    host_links: dict[str, ParsedUrl | None] = {}  # a match -> its URL when it is a host link, else None
    for dot, begin in _host_begins(text, _HOST_DOT.finditer(text)):
        at = dot.start()
        if begin == tried or not taken.free(at, at + 1):
            continue
        tried = begin
        m = _HOST_URL.match(text, begin)
        if m is None:
            continue
        match_end = m.end()
        if m.end("path") - m.start("path") > MAX_URL_CHARS:  # (-1 - -1 without a path)
            match_end = long_runs.whole_end(m.start(), m.end())
            if match_end is None:
                continue
        if match_end <= at:
            continue
        start = m.start()
        raw = _strip_trailing(text[start:match_end])
        end = start + len(raw)
        if not taken.free(start, end):
            continue
        host_raw = m.group("host")
        shape = hosts.get(host_raw)
        if shape is None:
            host = refang(host_raw).lower()
            obfuscated = host != host_raw.lower()
            # bare domains must have a lower-case, real public suffix ("market.In" is a missing space)
            bare_ok = host.startswith("www") or obfuscated or m.group("tld").islower()
            shape = hosts[host_raw] = (obfuscated, bare_ok)
        obfuscated, bare_ok = shape
        if not bare_ok:
            continue
        if raw in host_links:
            parsed = host_links[raw]
        else:
            parsed = parsed_once(raw)
            if parsed is not None and not (parsed.suffix and parsed.domain):
                parsed = None
            host_links[raw] = parsed
        if parsed is None:
            continue
        found.append(FoundLink(start, end, raw, obfuscated, parsed))
        taken.add(1, start, end)

    lowered = text.lower()
    # every hint holds one of these words: four substring tests rule out almost every text at once
    hinted = any(w in lowered for w in _SPELLED_WORDS) and any(h in lowered for h in _SPELLED_HINTS)
    spelled = _SPELLED.finditer(text) if hinted else ()
    named: dict[tuple[str, ...], ParsedUrl | None] = {}  # (name, tld) as written -> its URL, if a link
    for m in spelled:
        start, end = m.span()
        if not taken.free(start, end):
            continue
        written = m.group("name", "tld")
        if written in named:
            parsed = named[written]
        else:
            name, tld = written
            parsed = None if name.lower() in _SPELLED_STOP else parsed_once(f"{name}.{tld}".lower())
            if parsed is not None and (parsed.suffix != tld.lower() or not parsed.domain):
                parsed = None
            named[written] = parsed
        if parsed is None:
            continue
        found.append(FoundLink(start, end, m.group(), True, parsed))
        taken.add(2, start, end)

    found.sort(key=lambda lk: lk.start)
    return found
