from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from moderation import normalize


def test_ascii_is_identity():
    n = normalize("plain text")
    assert n.is_identity and n.text == "plain text"
    assert n.to_original(2, 5) == (2, 5)


def test_full_width_and_invisible_characters():
    text = "see ｅｘａｍｐｌｅ．ｔｏｐ and a\u200bb"
    n = normalize(text)
    assert "example.top" in n.text
    assert "ab" in n.text
    s = n.text.index("example.top")
    start, end = n.to_original(s, s + len("example.top"))
    assert text[start:end] == "ｅｘａｍｐｌｅ．ｔｏｐ"


def test_expanding_characters_map_back_whole():
    text = "the ﬁnal word"  # the ligature becomes two characters
    n = normalize(text)
    assert n.text == "the final word"
    s = n.text.index("final")
    assert n.to_original(s, s + 5) == (4, 8)
    assert text[4:8] == "ﬁnal"


@given(st.text())
def test_every_normalized_range_maps_inside_the_original(text):
    n = normalize(text)
    for a in range(0, len(n.text), max(1, len(n.text) // 7)):
        for b in (a + 1, len(n.text)):
            if b <= len(n.text) and b > a:
                s, e = n.to_original(a, b)
                assert 0 <= s < e <= len(text)
