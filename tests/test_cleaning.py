from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from moderation import cut_spans


def test_removed_paragraph_leaves_one_paragraph_break():
    text = "First.\n\nSPAM HERE\n\nSecond."
    s = text.index("SPAM")
    assert cut_spans(text, [(s, s + 9)]) == "First.\n\nSecond."


def test_removed_sentence_leaves_one_space():
    text = "One. SPAM two. Three."
    assert cut_spans(text, [(5, 14)]) == "One. Three."


def test_cut_at_start_and_end():
    assert cut_spans("SPAM\n\nBody.", [(0, 4)]) == "Body."
    assert cut_spans("Body.\n\nSPAM\n", [(7, 11)]) == "Body.\n"


def test_whitespace_between_merged_spans_is_kept():
    # found by hypothesis: merging the two cuts must not glue the surrounding words together
    assert cut_spans("aa aa", [(1, 2), (3, 4)]) == "a a"


def test_adjacent_spans_are_cut_as_one():
    text = "A.\n\nS1\n\nS2\n\nB."
    assert cut_spans(text, [(4, 6), (8, 10)]) == "A.\n\nB."


@st.composite
def text_and_spans(draw):
    text = draw(st.text(alphabet=st.sampled_from(list("ab. \n")), max_size=80))
    points = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=6))))
    spans = [(a, b) for a, b in zip(points[::2], points[1::2], strict=False) if b > a]
    return text, spans


@given(text_and_spans())
def test_cleaned_text_is_the_text_without_the_spans_whitespace_mended(case):
    text, spans = case
    cleaned = cut_spans(text, spans)
    kept = "".join(c for i, c in enumerate(text) if not any(a <= i < b for a, b in spans))
    # every visible character outside the spans survives, in order, and nothing else
    assert [c for c in cleaned if not c.isspace()] == [c for c in kept if not c.isspace()]
    assert " ".join(cleaned.split()) == " ".join(kept.split())
    # the mending never adds whitespace runs: no run in the result is longer than the longest around a cut
    assert "\n\n\n" not in cleaned or "\n\n\n" in text
