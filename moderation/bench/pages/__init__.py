"""The HTML test page set: news pages built by our own templates, clean ones rich in links and hidden
markup that is not spam, and spammed ones (hidden link blocks, call-to-action lines, link sellers' anchors,
sponsored rows, comment spam), each with its gold: where the spam elements are and which paragraphs are
legitimate. Deterministic for a seed. ``build_pages()`` -> 48 pages (4 layouts x 12 variants).

Used by the tests and by ``python -m moderation.bench html``.
"""

from __future__ import annotations

import random
from functools import partial

from . import _inject as I
from ._build import Builder, Page
from ._templates import TEMPLATES, Plan

__all__ = ["Page", "build_pages"]

SITES = (
    ("riverside-gazette.com", "RiversideGazette"),
    ("alderbrook-echo.co.uk", "AlderbrookEcho"),
    ("eastfield-post.net", "EastfieldPost"),
    ("harbourtimes.org", "HarbourTimes"),
)
TOPICS = ("bridge", "school", "weather", "museum", "football", "budget")
METHODS = tuple(m for m, _ in I.HIDING)


def _plan(variant: int, t: int, topic: str) -> Plan:
    """Variant 0-3: clean; 4-11: spammed in different ways (the layout index ``t`` rotates the details)."""
    plan = Plan(topic, links=3 + (variant + t) % 6)
    method = METHODS[(variant * 4 + t) % len(METHODS)]
    other = METHODS[(variant * 4 + t + 5) % len(METHODS)]
    if variant == 4:
        plan.places["footer"] = [partial(I.hidden_block, method=method)]
    elif variant == 5:
        plan.places["article_mid"] = [partial(I.hidden_block, method=other)]
    elif variant == 6:
        plan.places["article_mid"] = [I.spam_paragraph]
    elif variant == 7:
        plan.places["after_article"] = [partial(I.chumbox, labelled=True)]
    elif variant == 8:
        plan.comment_spam = 2
    elif variant == 9:
        plan.inline_anchor = True
    elif variant == 10:
        plan.places["after_html"] = [partial(I.hidden_block, method="offscreen")]
        plan.places["article_end"] = [I.spam_paragraph]
    elif variant == 11:
        plan.places["sidebar"] = [partial(I.chumbox, labelled=False)]
        plan.comment_spam = 1
    return plan


def build_pages(seed: int = 7) -> list[Page]:
    """All test pages, in a stable order."""
    pages = []
    for t, (template, render) in enumerate(TEMPLATES.items()):
        for variant in range(12):
            rng = random.Random(f"{seed}-{template}-{variant}")
            own, brand = SITES[(t + variant) % len(SITES)]
            topic = TOPICS[(variant + t) % len(TOPICS)]
            url = f"https://www.{own}/news/2026/11/30/{topic}-story"
            b = Builder(rng, own)
            render(b, _plan(variant, t, topic), url, brand)
            pages.append(b.page(f"{template}-{variant:02d}", template, url))
    return pages
