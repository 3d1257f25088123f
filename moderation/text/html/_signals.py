"""What an element's markup says about it: hidden from readers, an ad widget, a comment section, page
furniture; and the words spam anchors are made of. Hand-written, because these are conventions of the web
(CSS that hides, class names of ad networks and comment systems), not something to learn from our data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ._attrs import attrs, parse_attrs, tokens
from ._parse import Element

# -- hidden ----------------------------------------------------------------------------------------------

_HIDING_STYLE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("display:none", re.compile(r"display\s*:\s*none", re.I)),
    ("visibility:hidden", re.compile(r"visibility\s*:\s*(?:hidden|collapse)", re.I)),
    ("font-size:0", re.compile(r"font-size\s*:\s*0*(?:\.0*)?(?:px|pt|em|rem|%)?\s*(?:;|!|$)", re.I)),
    ("opacity:0", re.compile(r"opacity\s*:\s*0*(?:\.0*)?\s*(?:;|!|$)", re.I)),
    (
        "off-screen",
        re.compile(
            r"(?:left|top|right|margin-left|margin-top|text-indent)\s*:\s*-(?:[5-9]\d{2,}|\d{4,})", re.I
        ),
    ),
    (
        "zero-size box",
        re.compile(
            r"(?:^|;|\s)(?:max-)?(?:height|width)\s*:\s*(?:0|1px)\b[^;]*(?:;|$)(?=.*overflow\s*:\s*hidden)",
            re.I,
        ),
    ),
)
_MEDIA = re.compile(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", re.I)
_SIMPLE_SELECTOR = re.compile(r"^\s*(?:[a-z]+)?([.#])([A-Za-z_][\w-]*)\s*$")


def hiding_style(style: str) -> str | None:
    """The way an inline ``style`` (or a CSS rule's declarations) hides content, or None."""
    if not style:
        return None
    for name, pattern in _HIDING_STYLE:
        if pattern.search(style):
            if name == "zero-size box" and "overflow" not in style.lower():
                continue
            return name
    return None


_HINT_WORDS = ("none", "visibility", "font-size", "opacity", "overflow")
_NEGATIVE = re.compile(r"-\d{3}")


def _hints(low: str) -> list[int]:
    """Positions in a lower-cased stylesheet where a hiding declaration may be (``str.find`` per word: a
    regex alternation over a large stylesheet is several times slower)."""
    out = []
    for word in _HINT_WORDS:
        i = low.find(word)
        while i >= 0:
            out.append(i)
            i = low.find(word, i + 1)
    out.extend(m.start() for m in _NEGATIVE.finditer(low))
    return sorted(out)


@lru_cache(maxsize=256)
def hidden_rules(css: str) -> dict[str, str]:
    """``{".cls": how, "#id": how}`` for simple selectors in a stylesheet whose rules hide content. Rules in
    ``@media`` blocks are left out (hiding on small screens is ordinary layout). Only rules around a hint
    of hiding are read. Cached: a site's pages share their stylesheets."""
    out: dict[str, str] = {}
    if "{" not in css:
        return out
    if "@media" in css or "@MEDIA" in css:
        css = _MEDIA.sub("", css)
    low = css.lower()
    if len(low) != len(css):  # a character whose lower case is longer: offsets would not line up
        low = css
    seen = set()
    for pos in _hints(low):
        brace = css.rfind("{", 0, pos)
        if brace < 0 or brace in seen or css.rfind("}", 0, pos) > brace:
            continue
        seen.add(brace)
        close = css.find("}", pos)
        how = hiding_style(css[brace + 1 : close if close >= 0 else len(css)])
        if how is None:
            continue
        head = css[css.rfind("}", 0, brace) + 1 : brace]
        for selector in head.split(","):
            m = _SIMPLE_SELECTOR.match(selector)
            if m:
                out[m.group(1) + m.group(2)] = how
    return out


@lru_cache(maxsize=8192)
def inline_hiding(raw: str) -> str | None:
    """How a start tag's own attributes hide the element (``hidden``, inline style, ``aria-hidden``)."""
    if not ("hid" in raw or "style" in raw):
        return None
    a = parse_attrs(raw)
    if "hidden" in a:
        return "hidden attribute"
    how = hiding_style(a.get("style", ""))
    if how:
        return how
    if a.get("aria-hidden", "").strip().lower() == "true":
        return "aria-hidden"
    return None


def hidden_how(el: Element, rules: dict[str, str]) -> str | None:
    """How the element itself is hidden (its own attributes, or a stylesheet rule on its class or id)."""
    raw = el.attrs
    if not raw:
        return None
    how = inline_hiding(raw)
    if how or not rules:
        return how
    a = parse_attrs(raw)
    for c in a.get("class", "").split():
        how = rules.get("." + c)
        if how:
            return f"{how} (stylesheet rule .{c})"
    ident = a.get("id", "").strip()
    if ident and "#" + ident in rules:
        return f"{rules['#' + ident]} (stylesheet rule #{ident})"
    return None


# -- what a container is ---------------------------------------------------------------------------------

_AD_TOKENS = frozenset(
    "ad ads adv advert adverts advertisement advertorial adunit adslot adbox sponsor sponsored sponsors "
    "sponsorship promoted promo paid partner partners outbrain taboola revcontent mgid zergnet chum "
    "chumbox native nativead dfp adsense".split()
)
AD_LABEL = re.compile(
    r"^\s*(?:sponsored(?: (?:stories|links|content|posts))?|promoted(?: (?:stories|content|links))?|"
    r"paid (?:content|post|partnership)|partner content|(?:from|around) the web|ads by \w+|"
    r"recommended by \w+|advertorial|anzeige|publicidade|iklan)\s*$",
    re.I,
)
_COMMENT_SECTION = frozenset("comments commentlist comment-list comments-area disqus respond".split())
_BOILERPLATE_TOKENS = frozenset(
    "nav navbar navigation menu submenu breadcrumb breadcrumbs footer sidebar share sharing social "
    "newsletter subscribe cookie cookies consent related recommended popular trending most masthead "
    "topbar toolbar pagination pager tags byline skip sr".split()
)
ARTICLE_ROOT = re.compile(
    r"(?:article|story|entry|post|news|main)[-_]?(?:body|content|text)|articlebody|articletext|"
    r"body[-_]?text|post[-_]?entry",
    re.I,
)
BOILERPLATE_TAGS = frozenset("nav form button select option label menu dialog".split())
NEVER_TEXT = frozenset(
    "head script style noscript template svg math iframe object embed canvas video audio textarea title "
    "select option button datalist map".split()
)


@dataclass(frozen=True, slots=True)
class Facts:
    """What a start tag's attributes say about the element (cached per attribute text)."""

    ad: bool
    comment_section: bool
    comment_item: bool
    boilerplate: bool
    root_score: int


@lru_cache(maxsize=16384)
def facts(tag: str, raw: str) -> Facts:
    """``Facts`` for an element with this tag and raw attribute text."""
    el = Element(0, tag, -1, 0, 0, 0, 0, raw)
    return Facts(
        is_ad_container(el),
        is_comment_section(el),
        is_comment_item(el),
        is_boilerplate(el),
        is_article_root(el),
    )


def is_ad_container(el: Element) -> bool:
    """Named like an ad widget (``sponsored``, ``promoted``, ``ad-unit``, ad-network names)."""
    return bool(el.attrs) and any(t in _AD_TOKENS for t in tokens(el))


def is_comment_section(el: Element) -> bool:
    """A comment section (``#comments``, ``.comment-list``, ``.comments-area``, Disqus)."""
    if not el.attrs:
        return False
    a = attrs(el)
    names = (a.get("id", "") + " " + a.get("class", "")).lower().split()
    return any(n in _COMMENT_SECTION or n.startswith("comments") or n == "disqus_thread" for n in names)


def is_comment_item(el: Element) -> bool:
    """One comment inside a section (``li.comment``, ``article.comment``, ``div.comment``)."""
    if not el.attrs:
        return False
    classes = attrs(el).get("class", "").lower().split()
    return any(
        c in ("comment", "comment-item", "commentitem", "reply")
        or (c.startswith("comment-") and c[8:].isdigit())
        for c in classes
    ) or attrs(el).get("id", "").lower().startswith("comment-")


def is_boilerplate(el: Element) -> bool:
    """Page furniture by tag or by name (menus, share bars, related-story lists, cookie banners)."""
    if el.tag in BOILERPLATE_TAGS:
        return True
    return bool(el.attrs) and any(t in _BOILERPLATE_TOKENS for t in tokens(el))


def is_article_root(el: Element) -> int:
    """How strongly the element looks like the article's body: 3 ``itemprop=articleBody``, 2 a body-like
    class or id, 1 ``<article>`` or ``<main>``, else 0."""
    if el.attrs:
        a = attrs(el)
        if a.get("itemprop", "").lower() == "articlebody":
            return 3
        if ARTICLE_ROOT.search(a.get("class", "") + " " + a.get("id", "")):
            return 2
    return 1 if el.tag in ("article", "main") else 0


# -- words ------------------------------------------------------------------------------------------------

SPAM_WORDS = re.compile(
    r"\b(?:casinos?|poker|slots?|gacor|togel|judi|betting|jackpot|free spins|roulette|viagra|cialis|"
    r"levitra|pharmacy|pills?|payday|loans?|replicas?|essays?|escorts?|porn|xxx|"
    r"followers|keto|weight loss|bitcoin doubler|crypto signals?|forex signals?|"
    r"make money|earn money|work from home)\b",
    re.I,
)


def spam_words(text: str) -> list[str]:
    """The commercial spam words in ``text`` (lower case, distinct, in order)."""
    seen: list[str] = []
    for m in SPAM_WORDS.finditer(text):
        w = m.group(0).lower()
        if w not in seen:
            seen.append(w)
    return seen
