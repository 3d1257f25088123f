"""Spam injection for training keeps exact offsets and the original article."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from moderation.train.injection import fill, inject, link_block, synth_link


@given(
    st.lists(
        st.sampled_from(["Para one. Next one.", "Short.", "Zwei Sätze. Noch einer."]), min_size=1, max_size=5
    ),
    st.integers(0, 10_000),
    st.integers(1, 3),
)
def test_injected_spans_point_at_the_spam_and_the_rest_is_the_article(paras, seed, k):
    rng = random.Random(seed)
    article = {"id": "a", "text": "\n\n".join(paras), "lang": "en", "group": 0}
    spams = [fill("Win big at {link} today", rng) for _ in range(k)]
    doc = inject(article, spams, rng)
    assert sorted(doc.text[s:e] for s, e in doc.spans) == sorted(spams)
    rest = doc.text
    for s, e in sorted(doc.spans, reverse=True):
        rest = rest[:s] + rest[e:]
    assert " ".join(rest.split()) == " ".join(article["text"].split())


def test_synthesized_links_look_like_links():
    from moderation import find_links

    rng = random.Random(3)
    for _ in range(200):
        link = synth_link(rng)
        found = find_links(f"Go to {link} now")
        assert found, link
    assert "\n" in link_block(random.Random(1), None) or " | " in link_block(random.Random(1), None)
