"""Embedded posts and speaker turns are legitimate shapes (hand-written examples)."""

from __future__ import annotations

from moderation.text.structure import legit_shapes, wordless


def test_embedded_post_and_speaker_turns_are_recognised_per_paragraph():
    texts = [
        "Proud of the whole team tonight, what a season.",
        "pic.twitter.com/AbC123xYz — City FC (@cityfc) May 14, 2019",
        "Q: When did you start?",
        "A: At about nine, in my uncle's garage.",
        "The council met on Tuesday.",
    ]
    assert legit_shapes(texts, [0, 0, 1, 1, 2]).tolist() == [True, True, True, True, False]


def test_spam_signs_inside_the_shape_keep_it_open():
    texts = [
        "Win big tonight at lucky-spin.top/vip — Promo (@promo) May 14, 2019",
        "A: Call 0800 123 4567 now for your prize",
    ]
    assert legit_shapes(texts, [0, 1]).tolist() == [False, False]


def test_a_speaker_turn_with_a_path_link_is_not_a_shape_and_shapes_need_their_paragraph():
    # the speaker check must still see a link with a path (the no-slash shortcut must not hide it)
    texts = ["Q: see example.com/join now", "A: yes"]
    assert legit_shapes(texts, [0, 0]).tolist() == [False, True]
    assert legit_shapes(["A: yes", "plain text"], [0, 1]).tolist() == [True, False]


def test_wordless_segments_are_a_legitimate_shape():
    assert wordless(["09:40", "2-1", "12,5 %", "Win cash at x.top", "3 Tore"]).tolist() == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_a_live_blog_timestamp_line_is_not_spam():
    from moderation import Scanner

    text = (
        "Storm live: roads closed across the county\n\n09:12\n\nThe A40 is closed in both directions "
        "near Penholt, police said.\n\n09:40\n\nSchools in the north of the county will close at noon, "
        "the council said."
    )
    spans = Scanner.default().scan(text).spans
    assert not [s.text for s in spans if not any(c.isalpha() for c in s.text)]


def test_wordless_is_no_letter_at_all_for_every_character():
    """The search finds every letter (and a few numerals, then read one by one): the answer is
    ``not any(c.isalpha() ...)`` for every code point alone and next to a numeral or a letter."""
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    texts = chars + [c + "²" for c in chars[::97]] + ["½" + c for c in chars[::89]]
    assert wordless(texts).tolist() == [not any(c.isalpha() for c in t) for t in texts]
