"""The URL checker's hot-path shortcuts must give what the plain forms give: the spam-word regex grouped by
first letter, the ASCII look-alike skeleton, the shared "no look-alike" answer, and reasons built without
the code check (every code the checker names that way is a real one)."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from moderation._reasons import CODES, Reason, known_reason
from moderation.urls import lookalike, rules

_WORDS = [*re.sub(r"\(\?:[a-z]+\)\?", "", rules._SPAM_WORD_PATTERN).split("|"), "betting", "winner"]
_PLAIN = re.compile(rules._SPAM_WORD_PATTERN)


def test_every_spam_word_is_found_alone_and_glued():
    for word in _WORDS:
        for host in (word, f"x{word}y", f"{word}{word}", f"a-{word}.{word}s"):
            assert rules._SPAM_WORDS_LOWER.findall(host) == _PLAIN.findall(host), host


_PIECE = st.one_of(st.sampled_from(_WORDS), st.text(alphabet="abcdefgilmnoprstvwxy0-.", max_size=6))


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECE, max_size=8))
def test_grouped_spam_words_match_the_plain_alternation(pieces):
    host = "".join(pieces)
    assert rules._SPAM_WORDS_LOWER.findall(host) == _PLAIN.findall(host)


def _plain_skeleton(label: str) -> str:
    return label.translate(lookalike._CONFUSABLES).replace("rn", "m").replace("vv", "w").replace("-", "")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", max_size=30))
def test_ascii_skeleton_is_the_tables(label):
    assert lookalike._skeleton(label) == _plain_skeleton(label)


def test_non_ascii_skeleton_still_maps_look_alikes():
    assert lookalike._skeleton("раураl") == "paypal"
    assert lookalike._skeleton("paypa1") == "paypal"


def test_no_look_alike_is_the_shared_answer():
    look = lookalike._host_look("news.example.org", "example.org", "org", "news", "example")
    assert look is lookalike._NOTHING
    assert look == lookalike.LookAlike(None, None, False)


def test_known_reason_equals_the_checked_constructor():
    assert known_reason("URL_MODEL_BAD", {"score": 0.5}) == Reason("URL_MODEL_BAD", {"score": 0.5})


def test_every_code_the_checker_builds_unchecked_is_a_real_code():
    source = (Path(rules.__file__).parent / "checker.py").read_text(encoding="utf-8")
    codes = re.findall(r'known_reason\(\s*"([A-Z_]+)"', source)
    codes += re.findall(r'"(URL_MODEL_[A-Z]+)"', source)
    assert codes and set(codes) <= set(CODES)
