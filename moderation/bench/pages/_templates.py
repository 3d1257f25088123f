"""Four news-page layouts: HTML5 semantic, an old table-and-div CMS with unclosed paragraphs, a blog with
threaded comments, and a heavy portal with widget rails. Each calls the plan's injections at fixed places
(``Plan``), so one layout yields clean pages and pages spammed in many ways."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

from . import _build as B
from . import _inject as I
from . import _words as W
from ._build import Builder

Inject = Callable[[Builder], None]


@dataclass
class Plan:
    """What goes where: injections per place, and the article's shape.

    Places: ``article_mid`` (between paragraphs), ``article_end``, ``after_article``, ``sidebar``,
    ``footer``, ``after_html`` (after ``</html>``, where hacked sites often append). ``comment_spam``: spam
    comments among the legitimate ones (0 = legitimate comments only); ``inline_anchor``: a link seller's
    anchor inside one paragraph.
    """

    topic: str
    places: dict[str, list[Inject]] = field(default_factory=dict)
    comment_spam: int = 0
    inline_anchor: bool = False
    links: int = 4

    def run(self, place: str, b: Builder) -> None:
        for inject in self.places.get(place, []):
            inject(b)


def _body(b: Builder, plan: Plan, tag: str = "p", close: bool = True) -> None:
    paras = B.article_paragraphs(b.rng, plan.topic, b.own, plan.links)
    anchor_at = b.rng.randrange(1, len(paras)) if plan.inline_anchor else -1
    for i, para in enumerate(paras):
        if i == len(paras) // 2:
            plan.run("article_mid", b)
        pieces: list[tuple[str, str | None]] = [(para, None)]
        if i == anchor_at:
            pieces.append((I.inline_anchor_piece(b.rng), "inline-anchor"))
        if close:
            b.paragraph(pieces, tag)
        else:  # an old CMS: <p> never closed (the next <p> closes it)
            b.add("<p>")
            for piece, kind in pieces:
                (b.spam(piece, kind) if kind else b.add(piece))
            b.add("\n")
            b.legit.append(B.strip_tags("".join(p for p, k in pieces if not k)))
    plan.run("article_end", b)


def semantic(b: Builder, plan: Plan, url: str, brand: str) -> None:
    title = W.ARTICLES[plan.topic][0]
    b.add(B.head(b.rng, title, url, b.own, heavy=5))
    b.add(f'<body class="article-page">\n<header class="site-header"><a class="logo" href="/">{brand}</a>')
    b.add(B.mega_menu(b.rng, b.own, 30) + "</header>\n" + B.mobile_menu(b.own, brand))
    b.add(f'<main id="content"><article class="story"><header><h1>{html.escape(title)}</h1>')
    b.add(
        '<p class="byline">By <a href="/authors/staff" rel="author">Staff reporter</a> &middot; '
        '<time datetime="2026-11-30">30 November 2026</time></p></header>\n'
    )
    b.legit.append(title)
    b.add('<div class="story-body" itemprop="articleBody">\n')
    _body(b, plan)
    b.add("</div>\n" + B.share(url, title))
    b.add(
        '<footer class="story-tags">Tags: <a href="/tags/council">Council</a>, <a '
        'href="/tags/local">Local</a>'
        "</footer></article>\n"
    )
    plan.run("after_article", b)
    b.add(
        '<aside class="sidebar">' + B.related(b.rng, b.own, 5) + B.ad_slot(1) + B.card_grid(b.rng, b.own, 24)
    )
    plan.run("sidebar", b)
    b.add("</aside></main>\n")
    I.comments(b, plan.comment_spam, "news")
    b.add(B.footer(b.rng, b.own, brand, 40))
    plan.run("footer", b)
    b.add(B.newsletter_modal() + "</body>\n</html>\n")
    plan.run("after_html", b)


def divsoup(b: Builder, plan: Plan, url: str, brand: str) -> None:
    title = W.ARTICLES[plan.topic][0]
    b.add(
        B.head(b.rng, title, url, b.own, heavy=5).replace(
            "<!DOCTYPE html>", '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">'
        )
    )
    b.add('<body bgcolor="#ffffff"><div id="wrapper"><div id="top"><table class="menu" width="100%"><tr>')
    b.add("".join(f'<td><a href="/{s.lower()}.html"><font size="2">{s}</font></a></td>' for s in B.SECTIONS))
    b.add("</tr></table></div>\n" + B.mobile_menu(b.own, brand))
    b.add('<table width="100%" cellpadding="0"><tr><td id="maincol" valign="top"><div class="content">')
    b.add(f'<h1 class="headline">{html.escape(title)}</h1><div class="date">Monday, 30 Nov 2026</div>\n')
    b.legit.append(title)
    b.add('<div id="articletext">\n')
    _body(b, plan, close=False)
    b.add("</div>" + B.share(url, title) + "</div>\n")
    plan.run("after_article", b)
    I.comments(b, plan.comment_spam, "news")
    b.add(
        '</td><td id="rightcol" width="300" valign="top">' + B.related(b.rng, b.own, 4, "box") + B.ad_slot(2)
    )
    plan.run("sidebar", b)
    b.add("</td></tr></table>\n")
    b.add(
        '<div id="bottom">'
        + B.footer(b.rng, b.own, brand, 24).replace("<footer", "<div").replace("</footer>", "</div>")
    )
    plan.run("footer", b)
    b.add("</div></div></body></html>\n")
    plan.run("after_html", b)


def blog(b: Builder, plan: Plan, url: str, brand: str) -> None:
    title = W.ARTICLES[plan.topic][0]
    b.add(B.head(b.rng, title, url, b.own, heavy=5))
    b.add(
        f'<body class="post-template-default single"><div id="page" class="site"><header id="masthead" '
        f'class="site-header">'
        f'<p class="site-title"><a href="/" rel="home">{brand}</a></p>'
        '<nav id="site-navigation" class="main-navigation">'
    )
    b.add(B.mega_menu(b.rng, b.own, 12) + "</nav></header>\n")
    b.add(
        '<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" '
        'class="site-main">'
    )
    b.add(
        f'<article id="post-4711" class="post type-post status-publish"><header class="entry-header"><h1 '
        f'class="entry-title">{html.escape(title)}</h1></header>\n'
    )
    b.legit.append(title)
    b.add('<div class="entry-content">\n')
    _body(b, plan)
    b.add(
        '</div><footer class="entry-footer"><span class="cat-links">Posted in <a href="/category/local/" '
        'rel="category tag">Local</a></span></footer></article>\n'
    )
    plan.run("after_article", b)
    I.comments(b, plan.comment_spam, "blog")
    b.add(
        '</main></div><aside id="secondary" class="widget-area"><section class="widget '
        'widget_recent_entries">'
    )
    b.add(B.related(b.rng, b.own, 5, "recent-posts") + "</section>" + B.card_grid(b.rng, b.own, 24))
    plan.run("sidebar", b)
    b.add(
        "</aside></div>\n"
        + B.footer(b.rng, b.own, brand, 16).replace(
            'class="site-footer"', 'id="colophon" class="site-footer"'
        )
    )
    plan.run("footer", b)
    b.add("</div></body></html>\n")
    plan.run("after_html", b)


def portal(b: Builder, plan: Plan, url: str, brand: str) -> None:
    title = W.ARTICLES[plan.topic][0]
    b.add(B.head(b.rng, title, url, b.own, heavy=5))
    b.add(
        '<body class="portal"><div class="topbar"><a href="/subscribe">Subscribe</a> <a href="/login">Log '
        "in</a></div>"
    )
    b.add(B.mega_menu(b.rng, b.own, 60) + B.mobile_menu(b.own, brand))
    b.add('<div class="breaking"><strong>Live:</strong> <a href="/live/storm">Storm updates</a></div>\n')
    b.add(f'<div class="layout"><div class="main-col"><h1 class="article-title">{html.escape(title)}</h1>\n')
    b.legit.append(title)
    b.add('<div class="article-content" data-component="article-body">\n')
    _body(b, plan)
    b.add(B.ad_slot(3) + "</div>\n" + B.share(url, title))
    plan.run("after_article", b)
    I.comments(b, plan.comment_spam, "news")
    b.add(
        '</div><div class="rail">'
        + B.related(b.rng, b.own, 6, "most-read")
        + B.ad_slot(4)
        + B.newsletter_modal()
    )
    plan.run("sidebar", b)
    b.add("</div></div>\n" + B.footer(b.rng, b.own, brand, 60))
    plan.run("footer", b)
    b.add("</body></html>\n")
    plan.run("after_html", b)


TEMPLATES: dict[str, Callable[[Builder, Plan, str, str], None]] = {
    "semantic": semantic,
    "divsoup": divsoup,
    "blog": blog,
    "portal": portal,
}
