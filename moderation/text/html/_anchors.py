"""The links of a page (``<a href>``): where they go, what their text says, how they are marked, and the
evidence each one carries on its own (``rel``, anchor text that does not match the target, spam words,
the URL checker's judgement)."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from ..._reasons import Reason
from ._attrs import attrs
from ._extract import emit
from ._parse import Tree
from ._signals import spam_words

if TYPE_CHECKING:
    from ...urls.checker import UrlChecker, UrlReport

# where every news page links, visibly or in hidden menus: never evidence on their own
PLATFORMS = frozenset(
    "facebook.com fb.com x.com twitter.com t.co instagram.com youtube.com youtu.be linkedin.com whatsapp.com "
    "wa.me pinterest.com reddit.com tiktok.com t.me telegram.org google.com apple.com flipboard.com "
    "threads.net bsky.app mastodon.social spotify.com soundcloud.com".split()
)
_TRACKING = re.compile(
    r"[?&](?:utm_[a-z]+|clickid|click_id|gclid|fbclid|obclid|tblci|campaign_id|aff(?:_id)?)=", re.I
)
_SHOWN_DOMAIN = re.compile(r"\b((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})\b", re.I)


@dataclass(slots=True)
class Anchor:
    """One ``<a href>``.

    Attributes:
        element: its element index.
        url: the absolute URL (resolved against the page).
        domain: the target's registered domain (``""`` for non-web links).
        external: the target is not one of the page's own domains.
        text: the anchor text as it reads (outside links only: the page's own links need none).
        rel: the ``rel`` keywords (lower case).
        tracked: the URL carries ad or campaign tracking parameters.
    """

    element: int
    url: str
    domain: str
    external: bool
    text: str
    rel: frozenset[str]
    tracked: bool

    @property
    def platform(self) -> bool:
        return self.domain in PLATFORMS


def _registered(host: str) -> str:
    from ...urls.suffixes import registered_domain

    return registered_domain(host.lower().rstrip(".")) if host else ""


def own_domains(tree: Tree, url: str | None) -> set[str]:
    """The page's own registered domains: its URL, ``<link rel=canonical>``, ``og:url``, ``<base href>``."""
    found = [url] if url else []
    for el in tree.elements:
        if el.tag in ("link", "meta", "base") and el.attrs:
            a = attrs(el)
            if el.tag == "link" and "canonical" in a.get("rel", "").lower():
                found.append(a.get("href", ""))
            elif el.tag == "meta" and a.get("property", "").lower() == "og:url":
                found.append(a.get("content", ""))
            elif el.tag == "base":
                found.append(a.get("href", ""))
        if el.tag == "body":
            break
    out = set()
    for u in found:
        try:
            host = urlsplit(u.strip()).hostname
        except ValueError:
            continue
        if host:
            out.add(_registered(host))
    return out


def anchor_text(tree: Tree, index: int, starts: list[int], blocks: list[int] | None = None) -> str:
    """The text inside element ``index`` as it reads (white space collapsed, entities decoded); with
    ``blocks`` (each element's block), text of different blocks is kept apart by a space."""
    el = tree.elements[index]
    k = bisect_left(starts, el.open_end)
    parts: list[str] = []
    last = -1
    while k < len(tree.texts) and tree.texts[k].start < el.end:
        node = tree.texts[k]
        if blocks is not None:
            b = blocks[node.parent]
            if b != last and parts:
                parts.append(" ")
            last = b
        parts.append(tree.source[node.start : node.end])
        k += 1
    return " ".join(emit("".join(parts)).split())


def anchors(tree: Tree, base: str | None, own: set[str]) -> list[Anchor]:
    """Every ``<a href>`` of the page that points to a web page (not ``#``, ``mailto:``, ``javascript:``)."""
    starts = [t.start for t in tree.texts]
    out = []
    for el in tree.elements:
        if el.tag != "a" or "href" not in el.attrs.lower():
            continue
        a = attrs(el)
        got = _resolve(a.get("href", ""), base, own)
        if got is None:
            continue
        url, domain, external = got
        rel = frozenset(a.get("rel", "").lower().split())
        out.append(
            Anchor(
                el.index,
                url,
                domain,
                external,
                anchor_text(tree, el.index, starts) if external else "",
                rel,
                bool(_TRACKING.search(url)),
            )
        )
    return out


_RAW_A = re.compile(r"""<a\b[^>]*?href\s*=\s*["']?([^"'\s>]+)[^>]*>(.*?)</a\s*>""", re.I | re.S)
_TAGS = re.compile(r"<[^>]*>")


_ABSOLUTE = re.compile(r"^(?:(https?):)?//([^/?#:@\\]+)(?::\d*)?(?=[/?#]|$)", re.I)


@lru_cache(maxsize=65536)
def _host_domain(host: str) -> str:
    return _registered(host)


def _resolve(href: str, base: str | None, own: set[str]) -> tuple[str, str, bool] | None:
    """``(url, registered domain, external)`` for an ``href``; None for links that are not to web pages.
    Relative links are the page's own (no parse); plain absolute ones are read by one regex; anything odd
    (user info, backslashes, other schemes) goes through ``urllib``."""
    href = href.strip()
    if not href or href[0] == "#" or href.startswith(("javascript:", "mailto:", "tel:", "sms:", "data:")):
        return None
    if href[0] != "/" or href.startswith("//"):
        m = _ABSOLUTE.match(href)
        if m is not None:
            domain = _host_domain(m.group(2).lower())
            url = href if m.group(1) else "https:" + href
            return url, domain, bool(domain) and domain not in own
        if ":" not in href.split("/", 1)[0] and not href.startswith("//"):
            return href, "", False  # relative ("page.html", "../x"): the page's own
    elif "\\" not in href:
        return href, "", False  # "/path": the page's own
    try:
        url = urljoin(base, href) if base else href
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return None
    if parts.scheme not in ("http", "https", "") or (not host and parts.scheme):
        return None
    domain = _host_domain(host)
    return url, domain, bool(domain) and domain not in own


def raw_anchors(markup: str, base: str | None, own: set[str]) -> list[tuple[str, str, bool, str]]:
    """``(url, domain, external, text)`` of the ``<a href>`` in a markup string that was not parsed (the
    content of ``<noscript>``)."""
    out = []
    for m in _RAW_A.finditer(markup):
        got = _resolve(m.group(1), base, own)
        if got is not None:
            out.append((*got, " ".join(emit(_TAGS.sub(" ", m.group(2))).split())))
    return out


def mismatch(anchor: Anchor) -> Reason | None:
    """Anchor text that shows another domain than the target, or names a brand the target is not."""
    if not anchor.external or not anchor.domain:
        return None
    for m in _SHOWN_DOMAIN.finditer(anchor.text):
        shown = _registered(m.group(1))
        if shown and "." in shown and shown != anchor.domain and not shown.endswith("." + anchor.domain):
            return Reason("HTML_ANCHOR_SHOWS_DOMAIN", {"shown": shown, "domain": anchor.domain})
    from ...urls.lookalike import brands

    words = set(re.findall(r"[a-z0-9]+", anchor.text.lower()))
    for brand, domains in brands().items():
        if brand in words and anchor.domain not in domains:
            return Reason("HTML_ANCHOR_NAMES_BRAND", {"brand": brand, "domain": anchor.domain})
    return None


# the checker's findings that are not rule evidence about the target: the lexical model's resemblance, and
# a well-known source (which speaks for the link), and the checker's knowledge (popularity, platforms)
_NOT_RULES = frozenset(
    {
        "URL_MODEL_BAD",
        "URL_MODEL_ORDINARY",
        "URL_TRUSTED_SOURCE",
        "URL_POPULAR_DOMAIN",
        "URL_USER_CONTENT_PLATFORM",
    }
)
_MODEL = frozenset({"URL_MODEL_BAD", "URL_MODEL_ORDINARY"})


def bad_link(report: UrlReport) -> bool:
    """The checker's verdict is suspicious or worse *and* it gives a reason beyond the lexical model's
    resemblance (the model alone misjudges many ordinary sites: see the README's URL checker section)."""
    if report.verdict not in ("malicious", "suspicious"):
        return False
    return any(r.code not in _NOT_RULES for r in report.reasons)


def link_reasons(anchor: Anchor, checker: UrlChecker | None) -> tuple[list[Reason], bool]:
    """The evidence one link carries on its own, and whether it is strong (enough for a comment or with
    ``rel=sponsored`` to flag what holds it): a bad target, spam words in the anchor, a mismatch."""
    reasons: list[Reason] = []
    strong = False
    if not anchor.external or anchor.platform:
        return reasons, strong
    for kw in ("sponsored", "ugc", "nofollow"):
        if kw in anchor.rel:
            reasons.append(Reason(f"HTML_REL_{kw.upper()}", {"domain": anchor.domain}))
    words = spam_words(anchor.text) + [
        w for w in spam_words(anchor.domain.replace("-", " ")) if w not in anchor.text.lower()
    ]
    if words:
        reasons.append(Reason("HTML_SPAM_ANCHOR", {"domain": anchor.domain, "words": words[:4]}))
        strong = True
    wrong = mismatch(anchor)
    if wrong:
        reasons.append(wrong)
        strong = True
    if checker is not None:
        report = checker.check(anchor.url)
        if bad_link(report):
            facts = {"domain": anchor.domain, "verdict": report.verdict, "score": round(report.score, 3)}
            rules = [r.with_params(link=anchor.domain) for r in report.reasons if r.code not in _MODEL]
            reasons.extend([Reason("HTML_BAD_LINK", facts), *rules[:3]])
            strong = True
    return reasons, strong
