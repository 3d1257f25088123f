"""The boundary tagger's pieces: the best-stretch decoder, token windows, link distances, the model's
arrays, and what the shipped tagger does to glued spam."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from classifiers import BoundaryModel, TokenWindow
from classifiers._boundary import _shift, edge_labels, feature_columns
from moderation.text.boundary import (
    _link_distances,
    _tokens,
    best_stretch,
    edges,
    merge_overlaps,
    windows_for_runs,
)
from moderation.text.links import find_links
from moderation.text.segment import segment


def _brute(z, core, can_start, can_end) -> float:
    best = 0.0
    for a in range(len(z)):
        for b in range(a, len(z)):
            if a <= core[1] and b >= core[0] and can_start[a] and can_end[b]:
                best = max(best, sum(z[a : b + 1]))
    return best


@given(
    st.lists(
        st.tuples(st.floats(-5, 5, allow_nan=False), st.booleans(), st.booleans()), min_size=1, max_size=30
    ),
    st.data(),
)
def test_best_stretch_is_the_best_allowed_overlapping_stretch(cells, data):
    z = [c[0] for c in cells]
    can_start, can_end = [c[1] for c in cells], [c[2] for c in cells]
    lo = data.draw(st.integers(0, len(z) - 1))
    hi = data.draw(st.integers(lo, len(z) - 1))
    got = best_stretch(np.array(z), (lo, hi), can_start, can_end)
    want = _brute(z, (lo, hi), can_start, can_end)
    if got is None:
        assert want <= 1e-9
    else:
        a, b = got
        assert a <= b and a <= hi and b >= lo and can_start[a] and can_end[b]
        assert sum(z[a : b + 1]) == pytest.approx(want, abs=1e-6)


def test_best_stretch_without_masks_may_start_and_end_anywhere():
    assert best_stretch(np.array([-1.0, 2.0, 3.0, -4.0]), (2, 2)) == (1, 2)
    assert best_stretch(np.array([-1.0, -2.0]), (0, 1)) is None


def test_edges_keep_glued_runs_whole_and_allow_a_lost_space():
    text = "The U.S.Ummm... said.Make money T&C's now!Call"
    toks = _tokens(text, 0, len(text), [])
    can_start, can_end = edges(text, toks)
    starts = [text[a:b] for (a, b, _), ok in zip(toks, can_start, strict=True) if ok]
    ends = [text[a:b] for (a, b, _), ok in zip(toks, can_end, strict=True) if ok]
    assert starts == ["The", "U", "said", "Make", "money", "T", "now", "Call"]
    assert ends == ["The", ".", ".", "Make", "money", "C's", "!", "Call"]


@given(st.lists(st.booleans(), min_size=1, max_size=40))
def test_link_distances_match_brute_force(flags):
    got = _link_distances(flags)
    links = [i for i, f in enumerate(flags) if f]
    for k, d in enumerate(got):
        assert d == (min(min(abs(k - j) for j in links), 8) if links else 9)


def test_a_link_is_one_token_and_tokens_cover_the_text():
    text = "He said.Make money at https://x.top/go?a=1 The minister, Earn cash, said."
    links = find_links(text)
    toks = _tokens(text, 0, len(text), links)
    link_toks = [text[a:b] for a, b, is_link in toks if is_link]
    assert link_toks == ["https://x.top/go?a=1"]
    covered = {i for a, b, _ in toks for i in range(a, b)}
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())


def test_windows_take_one_unflagged_neighbour_each_side_in_the_paragraph():
    text = "First news line here. Win cash now at x.top. Last news line here.\n\nOther paragraph."
    links = find_links(text)
    segs = segment(text, [lk.end for lk in links], [(lk.start, lk.end) for lk in links])
    assert len(segs) == 4
    flagged = np.array([False, True, False, False])
    wins, ins = windows_for_runs(text, segs, [[1]], flagged, np.array([0.1, 0.9, 0.1, 0.1]), links)
    (w,) = wins
    assert text[w.starts[0] : w.ends[-1]] == text[: segs[2].end]  # not into the next paragraph
    assert text[w.starts[w.core[0]] : w.ends[w.core[1]]] == text[segs[1].start : segs[1].end]
    assert ins[0]["segment_bin"][w.core[0]] == 9 and ins[0]["segment_bin"][0] == 1


def test_merge_overlaps_joins_runs_whose_bounds_touch():
    runs, bounds = merge_overlaps([[1], [3], [6]], [(10, 30), (25, 40), (50, 60)])
    assert runs == [[1, 3], [6]] and bounds == [(10, 40), (50, 60)]


def test_shift_never_reads_across_windows():
    a = np.array([1, 2, 3, 4], dtype=np.int64)
    win = np.array([0, 0, 1, 1])
    assert _shift(a, win, 1).tolist()[1] == 1 and _shift(a, win, 1).tolist()[2] < 0
    assert _shift(a, win, -1).tolist()[1] < 0 and _shift(a, win, -1).tolist()[2] == 4


def _window(n: int) -> TokenWindow:
    rng = np.random.default_rng(0)
    cols = {
        k: rng.integers(0, 9, n) for k in ("word", "shape", "gap", "segment_bin", "link_distance", "affix")
    }
    return TokenWindow(**cols, window=np.zeros(n, dtype=np.int64))


def test_model_round_trips_through_arrays():
    w = _window(200)
    y = (w.segment_bin > 4).astype(int)
    m = BoundaryModel(n_features=2**10, C=1.0, max_iter=50).fit(w, y)
    again = BoundaryModel.from_arrays(m.get_params(), m.to_arrays())
    assert np.allclose(m.logits(w), again.logits(w))
    assert feature_columns(w, 2**10).max() < 2**10


def test_arrays_that_do_not_match_the_params_are_refused():
    m = BoundaryModel(n_features=2**10, max_iter=20).fit(_window(50), np.arange(50) % 2)
    with pytest.raises(ValueError):
        BoundaryModel.from_arrays({"n_features": 2**11}, m.to_arrays())


def _best_stretch_reference(z, core, can_start=None, can_end=None):
    """The scan the running extrema replaced."""
    n = len(z)
    if n == 0:
        return None
    s = np.concatenate([[0.0], np.cumsum(z)])
    arg_min, m = [-1] * n, -1
    for k in range(n):
        if (can_start is None or can_start[k]) and (m < 0 or s[k] < s[m]):
            m = k
        arg_min[k] = m
    arg_max, m = [-1] * n, -1
    for k in range(n - 1, -1, -1):
        if (can_end is None or can_end[k]) and (m < 0 or s[k + 1] > s[m + 1]):
            m = k
        arg_max[k] = m
    best, best_ab = 0.0, None
    for k in range(core[0], core[1] + 1):
        a, b = arg_min[k], arg_max[k]
        if a >= 0 and b >= 0 and s[b + 1] - s[a] > best:
            best, best_ab = s[b + 1] - s[a], (a, b)
    return best_ab


def test_best_stretch_matches_the_scan_ties_included():
    rng = np.random.default_rng(7)
    for _ in range(2000):
        n = int(rng.integers(1, 14))
        z = rng.choice([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0], size=n)  # many ties
        lo = int(rng.integers(0, n))
        core = (lo, int(rng.integers(lo, n)))
        masks = [None, (rng.random(n) < 0.6).tolist()]
        for can_start in masks:
            for can_end in masks:
                want = _best_stretch_reference(z, core, can_start, can_end)
                assert best_stretch(z, core, can_start, can_end) == want


def _brute_bonus(z, core, start, end) -> float:
    best = 0.0
    for a in range(len(z)):
        for b in range(a, len(z)):
            if a <= core[1] and b >= core[0]:
                best = max(best, sum(z[a : b + 1]) + start[a] + end[b])
    return best


@given(
    st.lists(
        st.tuples(
            st.floats(-5, 5, allow_nan=False),
            st.floats(-3, 3, allow_nan=False),
            st.floats(-3, 3, allow_nan=False),
        ),
        min_size=1,
        max_size=25,
    ),
    st.data(),
)
def test_best_stretch_with_edge_bonuses_matches_brute_force(cells, data):
    z, start, end = (np.array(c) for c in zip(*cells, strict=True))
    lo = data.draw(st.integers(0, len(z) - 1))
    hi = data.draw(st.integers(lo, len(z) - 1))
    got = best_stretch(z, (lo, hi), start_bonus=start, end_bonus=end)
    want = _brute_bonus(z, (lo, hi), start, end)
    if got is None:
        assert want <= 1e-9
    else:
        a, b = got
        assert a <= hi and b >= lo
        assert abs(z[a : b + 1].sum() + start[a] + end[b] - want) < 1e-6


def test_edge_labels_mark_the_first_and_last_spam_token_of_each_window():
    y = np.array([0, 1, 1, 0, 1, 1, 1, 0])
    win = np.array([0, 0, 0, 0, 0, 0, 1, 1])  # the second stretch is cut by a window change
    starts, ends = edge_labels(y, win)
    assert starts.tolist() == [0, 1, 0, 0, 1, 0, 1, 0]
    assert ends.tolist() == [0, 0, 1, 0, 0, 1, 1, 0]


def test_edge_heads_round_trip_and_old_models_read_without_them():
    w = _window(300)
    y = (w.segment_bin > 4).astype(int)
    m = BoundaryModel(n_features=2**10, max_iter=50).fit(w, y)
    assert m.edge_coef_ is not None and m.edge_coef_.shape == (2, 2**10)
    again = BoundaryModel.from_arrays(m.get_params(), m.to_arrays())
    for x, x2 in zip(m.all_logits(w), again.all_logits(w), strict=True):
        assert np.allclose(x, x2)
    old = {k: v for k, v in m.to_arrays().items() if "edge" not in k}
    token, start, end = BoundaryModel.from_arrays(m.get_params(), old).all_logits(w)
    assert np.allclose(token, m.logits(w)) and not start.any() and not end.any()
