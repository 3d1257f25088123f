"""Building blocks of the test pages: a builder that records where the injected spam sits (the gold) and
which paragraphs are legitimate, and the parts every news page has (head assets, menus, footers)."""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field

from . import _words as W


@dataclass(frozen=True)
class Page:
    """One test page.

    Attributes:
        name: ``template-variant`` (stable).
        html: the page source.
        url: the page's own URL.
        gold: source ranges of the injected spam elements, with how each was injected.
        legit: the legitimate article paragraphs, as plain text (each must survive cleaning).
        template: which layout built it.
        comments: the legitimate comments, as plain text (they must survive cleaning too).
    """

    name: str
    html: str
    url: str
    gold: tuple[tuple[int, int, str], ...]
    legit: tuple[str, ...]
    template: str
    comments: tuple[str, ...] = ()

    @property
    def clean(self) -> bool:
        return not self.gold


@dataclass
class Builder:
    """Appends HTML and remembers the offsets of spam parts and the text of legitimate paragraphs."""

    rng: random.Random
    own: str
    parts: list[str] = field(default_factory=list)
    pos: int = 0
    gold: list[tuple[int, int, str]] = field(default_factory=list)
    legit: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)

    def spam(self, s: str, kind: str) -> None:
        self.gold.append((self.pos, self.pos + len(s), kind))
        self.add(s)

    def paragraph(self, pieces: list[tuple[str, str | None]], tag: str = "p") -> None:
        """A legitimate paragraph from (html, spam-kind or None) pieces; spam pieces are gold and are not
        part of the paragraph's legitimate text."""
        self.add(f"<{tag}>")
        plain = []
        for piece, kind in pieces:
            if kind:
                self.spam(piece, kind)
            else:
                self.add(piece)
                plain.append(piece)
        self.add(f"</{tag}>\n")
        self.legit.append(strip_tags("".join(plain)))

    def page(self, name: str, template: str, url: str) -> Page:
        return Page(
            name,
            "".join(self.parts),
            url,
            tuple(self.gold),
            tuple(self.legit),
            template,
            tuple(self.comments),
        )


def strip_tags(s: str) -> str:
    import re

    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", s)).split())


def sentences(rng: random.Random, topic: str, count: int) -> list[str]:
    """``count`` article sentences of a topic with numbers and names filled in."""
    pool = list(W.ARTICLES[topic][1])
    rng.shuffle(pool)
    out = []
    for i in range(count):
        s = pool[i % len(pool)]
        out.append(
            s.format(n=rng.randint(3, 19), m=rng.randint(2, 9), who=W.NAMES[rng.randrange(len(W.NAMES))])
        )
    return out


def article_paragraphs(rng: random.Random, topic: str, own: str, links: int) -> list[str]:
    """Paragraph HTML for an article: 2-3 sentences each, ``links`` legitimate inline links spread in."""
    sents = sentences(rng, topic, 14)
    paras = [" ".join(sents[i : i + 2]) for i in range(0, len(sents), 2)]
    choices = rng.sample(W.LEGIT_INLINE_LINKS, min(links, len(W.LEGIT_INLINE_LINKS)))
    for k, (text, href) in enumerate(choices):
        i = k % len(paras)
        rel = ' rel="noopener"' if rng.random() < 0.3 else (' rel="nofollow"' if rng.random() < 0.2 else "")
        paras[i] += f' More details are in <a href="{href.format(own=own)}"{rel}>{html.escape(text)}</a>.'
    return paras


def head(rng: random.Random, title: str, url: str, own: str, heavy: int) -> str:
    """A realistic <head>: meta tags, JSON-LD, preloads, a stylesheet and inline scripts whose URLs and
    words must never count as article text. ``heavy`` scales the inline CSS/JS (page size)."""
    css = "\n".join(
        f".c{i}{{margin:{i % 7}px {i % 5}px;padding:{i % 3}px;color:#{(i * 2654435761) % 0xFFFFFF:06x}}}"
        for i in range(60 * heavy)
    )
    js = "\n".join(
        f"window.cfg{i}={{slot:'div-gpt-ad-{1000 + i}',sizes:[[300,250],[728,90]],"
        f"src:'https://securepubads.g.doubleclick.net/tag/js/gpt.js?v={i}'}};"
        for i in range(25 * heavy)
    )
    ld = (
        '{"@context":"https://schema.org","@type":"NewsArticle","headline":' + f'"{title}",'
        '"publisher":{"@type":"Organization","name":"' + own + '","url":"https://www.' + own + '/"}}'
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)} | {own}</title>\n"
        f'<link rel="canonical" href="{url}">\n<meta property="og:url" content="{url}">\n'
        f'<meta name="description" content="{html.escape(title)}">\n'
        '<link rel="preload" href="https://fonts.gstatic.example/s/inter.woff2" as="font">\n'
        f"<style>\n{css}\n.sr-only{{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}}\n"
        ".mobile-only{display:none}\n</style>\n"
        f'<script type="application/ld+json">{ld}</script>\n'
        f"<script>\n{js}\nfunction track(u){{navigator.sendBeacon('https://stats.example-cdn.net/hit?u='+u)}}\n"
        "</script>\n"
        '<script async src="https://www.googletagmanager.com/gtag/js?id=G-12345"></script>\n'
        "</head>\n"
    )


SECTIONS = ("News", "Local", "Politics", "Business", "Sport", "Culture", "Weather", "Opinion", "Video")


def mega_menu(rng: random.Random, own: str, per_section: int) -> str:
    """A navigation menu with many same-site links (link-rich, never spam)."""
    out = ['<nav class="main-nav" aria-label="Sections"><ul>']
    for sec in SECTIONS:
        sub = "".join(
            f'<li><a href="/{sec.lower()}/{k}">{sec} {k}</a></li>' for k in ("today", "archive", "in-depth")
        )
        out.append(
            f'<li class="menu-item"><a href="/{sec.lower()}/">{sec}</a><ul class="sub-menu">{sub}</ul></li>'
        )
    for k in range(per_section):
        out.append(f'<li><a href="/topics/{k}">Topic {k}</a></li>')
    out.append("</ul></nav>\n")
    return "".join(out)


def mobile_menu(own: str, brand: str) -> str:
    """A menu hidden on desktop: hidden content with the site's own and social links (never spam)."""
    social = "".join(f'<a href="{href.format(brand=brand)}">{name}</a> ' for name, href in W.SOCIAL)
    items = "".join(f'<a href="/{s.lower()}/">{s}</a> ' for s in SECTIONS)
    return (
        f'<div class="mobile-only" id="drawer" hidden><p>{items}</p><p>Follow us: {social}</p></div>\n'
        '<a class="sr-only" href="#content">Skip to content</a>\n'
    )


def footer(rng: random.Random, own: str, brand: str, links: int) -> str:
    cols = []
    for c in range(4):
        cols.append(
            "<ul>"
            + "".join(
                f'<li><a href="/about/page-{c}-{k}">About page {c}.{k}</a></li>' for k in range(links // 4)
            )
            + "</ul>"
        )
    social = " ".join(f'<a href="{href.format(brand=brand)}" rel="me">{n}</a>' for n, href in W.SOCIAL)
    return (
        '<footer class="site-footer"><div class="cols">' + "".join(cols) + "</div>"
        f"<p>Follow us: {social}</p><p>&copy; 2026 {own}. All rights reserved. "
        '<a href="/privacy">Privacy</a> &middot; <a href="/cookies">Cookies</a></p></footer>\n'
    )


def related(rng: random.Random, own: str, count: int, cls: str = "related-articles") -> str:
    heads = rng.sample(W.RELATED_HEADLINES, count)
    items = "".join(
        f'<li><a href="https://www.{own}/news/{k}-{h.lower().replace(" ", "-")[:30]}">'
        f"{html.escape(h)}</a></li>"
        for k, h in enumerate(heads)
    )
    return f'<section class="{cls}"><h3>Related stories</h3><ul>{items}</ul></section>\n'


def share(url: str, title: str) -> str:
    from urllib.parse import quote

    u, t = quote(url, safe=""), quote(title, safe="")
    return (
        '<div class="share-buttons">Share: '
        f'<a href="https://www.facebook.com/sharer/sharer.php?u={u}" rel="nofollow noopener">Facebook</a> '
        f'<a href="https://twitter.com/intent/tweet?url={u}&amp;text={t}" rel="nofollow noopener">X</a> '
        f'<a href="https://api.whatsapp.com/send?text={u}" rel="nofollow noopener">WhatsApp</a> '
        '<button type="button" aria-label="Copy link"><span '
        'aria-hidden="true">&#128279;</span></button></div>\n'
    )


def ad_slot(k: int) -> str:
    """An empty ad slot the way publishers' pages carry them (filled by script; not injected spam)."""
    return (
        f'<div class="ad-slot ad-mpu" id="div-gpt-ad-{1000 + k}"><span class="ad-label">Advertisement</span>'
        "<script>googletag.cmd.push(function(){"
        f"googletag.display('div-gpt-ad-{1000 + k}')}});</script></div>\n"
    )


def newsletter_modal() -> str:
    """A hidden sign-up dialog: hidden text, no external link (not spam)."""
    return (
        '<div class="modal" id="newsletter" style="display:none" role="dialog">'
        "<h4>Get the morning briefing</h4><p>Sign up for our free daily newsletter with the top local "
        'stories.</p><form action="/newsletter"><input type="email" name="e"><button>Sign up</button></form>'
        "</div>\n"
    )


def card_grid(rng: random.Random, own: str, count: int) -> str:
    """Teaser cards for more of the site's stories, marked up the way page builders do (nested wrappers,
    icons, images): link-rich, same-site, never spam."""
    cards = []
    for k in range(count):
        h = W.RELATED_HEADLINES[k % len(W.RELATED_HEADLINES)]
        slug = h.lower().replace(" ", "-")[:40]
        cards.append(
            f'<div class="card card--teaser" data-position="{k}"><div class="card__inner">'
            f'<a class="card__link" href="/news/{k}/{slug}"><div class="card__media">'
            f'<img src="https://img.{own}/{k}/thumb.jpg" alt="" loading="lazy" width="320" '
            f'height="180"></div>'
            f'<div class="card__body"><span class="card__kicker">Local</span>'
            f'<h4 class="card__title">{html.escape(h)}</h4></div></a>'
            '<div class="card__meta"><svg class="icon" viewBox="0 0 16 16" aria-hidden="true"><path d="M8 '
            "0a8 8 0 1"
            '0 0 16A8 8 0 0 0 8 0z"/></svg><time>3 h</time></div></div></div>'
        )
    return (
        '<section class="more-stories"><h3>More from the site</h3><div class="grid">'
        + "".join(cards)
        + "</div></section>\n"
    )
