"""Spam the way it reaches news pages: link blocks that hacked sites hide in the markup, call-to-action lines
in the article body, link sellers' anchors inside a sentence, ad networks' sponsored rows, comment spam."""

from __future__ import annotations

import html
import random

from . import _words as W
from ._build import Builder, strip_tags

# how hacked sites hide injected link blocks
HIDING = (
    ("display", ' style="display:none"'),
    ("visibility", ' style="visibility: hidden;"'),
    ("font-size", ' style="font-size:0px;line-height:0"'),
    ("offscreen", ' style="position:absolute; left:-9999px; top:-9999px"'),
    ("zero-box", ' style="height:0;width:0;overflow:hidden"'),
    ("hidden-attr", " hidden"),
    ("aria-hidden", ' aria-hidden="true" style="opacity:0"'),
    ("text-indent", ' style="text-indent:-10000px;overflow:hidden;height:1px"'),
    ("css-class", ""),  # hidden by a rule in an injected <style> block
)


def spam_anchors(rng: random.Random, count: int) -> str:
    picks = rng.sample(W.SPAM_LINK_ANCHORS, count)
    return " ".join(f'<a href="{href}">{html.escape(text)}</a>' for text, href in picks)


def hidden_block(b: Builder, method: str) -> None:
    """A hidden block of spam links (gold), hidden the way ``method`` says."""
    attr = dict(HIDING)[method]
    links = spam_anchors(b.rng, b.rng.randint(3, 6))
    if method == "css-class":
        cls = f"wp-{b.rng.randrange(16**6):06x}"
        b.spam(f'<style>.{cls}{{display:none!important}}</style><div class="{cls}">{links}</div>\n', "hidden")
        return
    b.spam(f"<div{attr}>{links}</div>\n", "hidden")


def spam_paragraph(b: Builder) -> None:
    """A visible call-to-action paragraph in the article body (what the text engine must find)."""
    line = W.SPAM_LINES[b.rng.randrange(len(W.SPAM_LINES))]
    b.spam(f"<p>{html.escape(line)}</p>\n", "visible-line")


def inline_anchor_piece(rng: random.Random) -> str:
    """A link seller's anchor appended inside a paragraph."""
    text, href = W.SPAM_LINK_ANCHORS[rng.randrange(len(W.SPAM_LINK_ANCHORS))]
    rel = ' rel="sponsored"' if rng.random() < 0.6 else ""
    return f' <a href="{href}"{rel}>{html.escape(text)}</a>'


def chumbox(b: Builder, labelled: bool) -> None:
    """An ad network's row of sponsored headlines (gold): labelled by class and heading, or only by its
    links' ``rel="sponsored"`` and tracking parameters."""
    items = b.rng.sample(W.CHUM_ITEMS, 4)
    cells = "".join(
        f'<div class="feed-item"><a href="{href}?utm_source=feed&amp;utm_medium=cpc&amp;utm_campaign=c{k}" '
        f'rel="nofollow sponsored" target="_blank"><img src="https://img.feed-cdn.example/{k}.jpg" alt="">'
        f'<span class="feed-title">{html.escape(text)}</span></a></div>'
        for k, (text, href) in enumerate(items)
    )
    if labelled:
        label = b.rng.choice(("Sponsored Stories", "Promoted Content", "Around the Web", "Paid Content"))
        cls = b.rng.choice(("sponsored-widget", "promoted-stories", "partner-content ad-unit"))
        b.spam(f'<div class="{cls}"><h3>{label}</h3><div class="feed-grid">{cells}</div></div>\n', "chumbox")
    else:
        b.spam(
            f'<div class="feed-grid" data-widget="recirculation"><h3>You may like</h3>{cells}</div>\n',
            "chumbox",
        )


def comments(b: Builder, spam: int, style: str) -> None:
    """A comment list with legitimate comments and ``spam`` spam comments (each spam item is gold)."""
    legit = b.rng.sample(W.LEGIT_COMMENTS, 3)
    bad = b.rng.sample(W.SPAM_COMMENTS, spam)
    order = [(c, False) for c in legit] + [(c, True) for c in bad]
    b.rng.shuffle(order)
    if style == "blog":
        b.add(
            '<div id="comments" class="comments-area"><h2 class="comments-title">Responses</h2>'
            '<ol class="comment-list">\n'
        )
    else:
        b.add('<section id="comments" class="comments"><h2>Comments</h2><ol class="comment-list">\n')
    for k, (c, is_spam) in enumerate(order):
        if is_spam:
            author, text, anchor, href = c  # type: ignore[misc]
            body = f'{html.escape(text)} <a href="{href}" rel="nofollow ugc">{html.escape(anchor)}</a>'
            name = f'<a href="{href}" rel="external nofollow ugc" class="url">{html.escape(author)}</a>'
        else:
            author, text, link = c  # type: ignore[misc]
            body = html.escape(text)
            if link:
                body += f' <a href="{link[1]}" rel="nofollow ugc">{html.escape(link[0])}</a>'
            name = html.escape(author)
        item = (
            f'<li id="comment-{k}" class="comment"><div class="comment-author"><b class="fn">{name}</b> '
            f'<time>2 hours ago</time></div><div class="comment-content"><p>{body}</p></div></li>\n'
        )
        if is_spam:
            b.spam(item, "comment")
        else:
            b.add(item)
            b.comments.append(strip_tags(body))
    b.add("</ol></div>\n" if style == "blog" else "</ol></section>\n")
