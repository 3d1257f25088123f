"""The learned models: exported trees agree with scikit-learn, the cascade learns, arrays round-trip."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers import CONTEXT_FEATURES, ContextModel, SegmentModel, char_matrix, featurize_texts


def test_exported_trees_predict_like_scikit_learn():
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, len(CONTEXT_FEATURES)))
    y = (x[:, 0] + 0.5 * x[:, 3] * x[:, 9] + rng.normal(scale=0.5, size=2000) > 0).astype(int)
    ours = ContextModel(max_iter=40, min_evidence=0.0).fit(x, y)
    ref = HistGradientBoostingClassifier(
        max_iter=40,
        learning_rate=0.1,
        max_leaf_nodes=31,
        max_depth=7,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=0,
    ).fit(x, y)
    np.testing.assert_allclose(ours.decision_function(x), ref.decision_function(x), rtol=1e-6, atol=1e-6)
    back = ContextModel.from_arrays(ours.get_params(), ours.to_arrays())
    np.testing.assert_allclose(back.decision_function(x), ours.decision_function(x))


def test_segment_model_learns_and_round_trips():
    spam = [f"Win a free prize now, claim at prize{i}.top/claim" for i in range(30)]
    ham = [f"The council met on day {i} to discuss the new budget for schools." for i in range(30)]
    texts = spam + ham
    y = np.array([1] * 30 + [0] * 30)
    model = SegmentModel(n_features=2**12).fit(texts, np.zeros((60, 0)), y)
    scores = model.score(
        ["Claim your free prize now at win.top", "The council discussed schools."], np.zeros((2, 0))
    )
    assert scores.score[0] > 0.5 > scores.score[1]
    back = SegmentModel.from_arrays(model.get_params(), model.to_arrays())
    again = back.score(["Claim your free prize now at win.top"], np.zeros((1, 0)))
    assert again.score[0] == pytest.approx(scores.score[0])


def test_hashing_is_deterministic_and_normalized():
    texts = ["Call 0800 123 4567 now!", "", "Grüße aus Wien", "\ud800 odd"]
    a = featurize_texts(texts, 2**16)
    b = featurize_texts(list(texts), 2**16)
    assert (a.words != b.words).nnz == 0
    norms = np.sqrt(np.asarray(a.words.multiply(a.words).sum(axis=1)).ravel())
    assert norms[0] == pytest.approx(1.0, abs=1e-5) and norms[1] == 0.0
    assert a.dense[0, 4] == 1.0  # phone number
    c = char_matrix(texts, 2**16)
    assert c.shape == (4, 2**16)


def _url_parts_examples():
    from classifiers import UrlParts

    hosts = [
        ("video-earn.makeup", "", "video-earn", "makeup", 1.0),
        ("news.bbc.co.uk", "news", "bbc", "co.uk", 0.0),
        ("a.b.spam.github.io", "a.b", "spam", "github.io", 0.0),
        ("xn--mnchen-3ya.de", "", "xn--mnchen-3ya", "de", 0.0),
        ("192.168.1.1", "", "", "", 0.0),
    ]
    paths = ["", "/", "/2963723185946817/", "/a/b/c.html?ref=1&x=2", "/Über/0xdeadbeef1234abcd", "/?q"]
    for host, sub, dom, suf, prior in hosts:
        for path in paths:
            for brand in (False, True):
                yield UrlParts(host, sub, dom, suf, path, not suf, prior, brand)


def test_url_model_fast_decision_matches_the_matrix_path():
    """``decision`` (host share cached, plain-Python sums) must give what training saw (``url_matrix``)."""
    from classifiers import UrlModel
    from classifiers._url_model import url_matrix

    parts = list(_url_parts_examples())
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, len(parts))
    model = UrlModel(C=10.0).fit(parts, y)
    model.decision(parts[0])  # scoring tables for the fitted weights, replaced next
    model.coef_ = rng.normal(size=model.coef_.shape)  # every weight matters, not just the fitted ones
    expected = url_matrix(parts) @ model.coef_ + model.intercept_
    got = np.array([model.decision(u) for u in parts])
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)
    again = np.array([model.decision(u) for u in parts])  # now from the host cache
    np.testing.assert_allclose(again, expected, rtol=1e-9, atol=1e-9)
    import pickle

    back = pickle.loads(pickle.dumps(model))
    assert "_fast" not in back.__dict__
    np.testing.assert_allclose([back.decision(u) for u in parts], expected, rtol=1e-9, atol=1e-9)
    # weights that float32 holds exactly (every saved model) are gathered from a float32 table
    model.coef_ = rng.normal(size=model.coef_.shape).astype(np.float32).astype(np.float64)
    expected = url_matrix(parts) @ model.coef_ + model.intercept_
    np.testing.assert_allclose([model.decision(u) for u in parts], expected, rtol=1e-9, atol=1e-9)
    assert model.__dict__["_fast"][1].typecode == "f"


def _char_ngrams_reference(texts, n_features, ngram_range):
    """The per-length loop the vectorized n-gram grid replaced (same pairs, same order)."""
    from classifiers._hashing import _join
    from classifiers._polyhash import _mix, _Poly

    j = _join(texts)
    poly, n = _Poly(j.codes), len(j.codes)
    pos = np.arange(n, dtype=np.int64)
    end_of = j.ends[j.seg_of] if n else np.zeros(0, dtype=np.int64)
    rows, cols = [], []
    for k in range(ngram_range[0], ngram_range[1] + 1):
        p = pos[pos + k <= end_of]
        rows.append(j.seg_of[p])
        cols.append(_mix(poly(p, p + k), 100 + k) & np.uint64(n_features - 1))
    return np.concatenate(rows), np.concatenate(cols)


@pytest.mark.parametrize("ngram_range", [(2, 5), (1, 4), (3, 3)])
def test_char_ngrams_match_the_per_length_loop_and_the_array_form(ngram_range):
    from classifiers._hashing import _char_ngrams, char_arrays

    texts = ["Call 0800 123 4567 now!", "", "Grüße aus Wien İ", "a", "ab cd"]
    rows, cols = _char_ngrams(texts, 2**16, ngram_range)
    ref_rows, ref_cols = _char_ngrams_reference(texts, 2**16, ngram_range)
    assert rows.tolist() == ref_rows.tolist() and cols.tolist() == ref_cols.tolist()
    m = char_matrix(texts, 2**16, ngram_range)
    data, indices, indptr = char_arrays(texts, 2**16, ngram_range)
    assert data.tobytes() == m.data.tobytes() and indices.tolist() == m.indices.tolist()
    assert indptr.tolist() == m.indptr.tolist()


def test_word_list_table_agrees_with_the_sorted_keys():
    from classifiers._hashing import _list_membership, _word_lookup

    keys, masks = _word_lookup()
    rng = np.random.default_rng(0)
    hashes = np.concatenate(
        [keys, rng.integers(0, 2**63, 5000, dtype=np.int64).astype(np.uint64), np.zeros(1, np.uint64)]
    )
    idx = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
    reference = np.where(keys[idx] == hashes, masks[idx], 0)
    assert _list_membership(hashes).tolist() == reference.tolist()


@pytest.mark.parametrize(
    "texts",
    [
        ["Pay $5 or Rp 10.000 now", "€", "R", "Rp", "£ 3", "x₹9", ""],
        ["\x00sep inside", "İstanbul ΑΣ", "plain"],
        [],
    ],
)
def test_text_signals_match_the_position_counts(texts):
    """Per-text counts from running sums, money signs found first, the one-string fold: the same
    columns as counting positions per text (the reference below)."""
    from classifiers._hashing import _join, _tables

    batch = featurize_texts(texts, 2**16)
    j = _join(texts)
    t = _tables()
    idx = np.minimum(j.raw, 0x3000).astype(np.int64)
    upper = np.bincount(j.seg_of[np.flatnonzero(t["upper"][idx])], minlength=len(texts))
    letters = np.maximum(np.bincount(j.seg_of[np.flatnonzero(t["alpha"][idx])], minlength=len(texts)), 1)
    assert batch.dense[:, 1].tolist() == (upper.astype(np.float32) / letters.astype(np.float32)).tolist()
    money = [any(c in s for c in "$€£₹") or "Rp" in s for s in texts]
    assert (batch.dense[:, 5] == 1).tolist() == [
        m and any(ch.isdigit() for ch in s) for m, s in zip(money, texts, strict=True)
    ]


def test_alike_rows_are_walked_once_with_the_same_sums():
    """Many rows between the same thresholds (a text of tiny, alike segments) take the shortcut; its
    scores equal the plain walk's bit for bit, NaN and infinities included."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3000, len(CONTEXT_FEATURES)))
    y = (x[:, 0] + rng.normal(scale=0.5, size=3000) > 0).astype(int)
    model = ContextModel(max_iter=30, min_evidence=0.0).fit(x, y)
    alike = np.repeat(np.round(x[:50], 1), 200, axis=0)
    alike[::7, 0] = np.nan
    alike[::11, 3] = np.inf
    alike[::13, 9] = -np.inf
    assert len(alike) >= model.DEDUPE_ROWS
    assert len(np.unique(model._path_keys(alike))) <= len(alike) // 2  # the shortcut is taken
    assert model.decision_function(alike).tobytes() == model._walk_rows(alike).tobytes()
    varied = rng.normal(size=(model.DEDUPE_ROWS, len(CONTEXT_FEATURES)))
    assert model.decision_function(varied).tobytes() == model._walk_rows(varied).tobytes()


def _document_products_reference(words, group, n_docs):
    """The ``np.unique`` form the argsort grouping replaced."""
    counts = np.diff(words.indptr)
    row = np.repeat(np.arange(words.shape[0]), counts)
    keys = group[row].astype(np.int64) * words.shape[1] + words.indices
    uniq, inverse = np.unique(keys, return_inverse=True)
    data = words.data.astype(np.float64)
    doc_value = np.bincount(inverse, weights=data, minlength=len(uniq))
    dot = np.bincount(row, weights=data * doc_value[inverse], minlength=words.shape[0])
    doc_sq = np.bincount(uniq // words.shape[1], weights=doc_value**2, minlength=n_docs)
    return dot, doc_sq


def test_document_products_match_the_unique_form_bit_for_bit():
    from classifiers._context_model import _document_products, _row_chunks

    texts = [
        "The council voted on the tram.",
        "The tram line runs north.",
        "Win cash now!!",
        "",
        "Tram tram.",
    ]
    words = featurize_texts(texts, 2**20).words
    group = np.array([0, 0, 0, 1, 2])
    got = _document_products(_row_chunks(words), group, 3, words.shape[1])
    want = _document_products_reference(words, group, 3)
    assert got[0].tobytes() == want[0].tobytes() and got[1].tobytes() == want[1].tobytes()


def test_blocks_match_the_row_loop():
    """Blocks by bisection on the running total: the rows the greedy loop put in each block."""
    from classifiers._segment_model import _blocks

    def reference(texts, limit):
        bounds, chars = [0], 0
        for i, t in enumerate(texts):
            if chars and chars + len(t) > limit:
                bounds.append(i)
                chars = 0
            chars += len(t)
        bounds.append(len(texts))
        return bounds

    rng = np.random.default_rng(2)
    for _ in range(300):
        texts = ["x" * int(k) for k in rng.choice([0, 0, 1, 3, 10, 50], size=rng.integers(0, 25))]
        limit = int(rng.choice([1, 5, 10, 40]))
        assert _blocks(texts, limit) == reference(texts, limit)


@pytest.mark.parametrize("block", [1, 3, 7, 1 << 16])
def test_document_products_in_row_blocks_match_the_unique_form_bit_for_bit(monkeypatch, block):
    """Summed a block of rows at a time (the memory bound of a large text), the numbers stay those of
    one pass over every non-zero, for any block size (blocks of one row each up to one block)."""
    import classifiers._context_model as cm

    monkeypatch.setattr(cm, "_NNZ_BLOCK", block)
    rng = np.random.default_rng(5)
    vocab = "tram council vote north win cash now the a of line city report euro".split()
    texts = [" ".join(rng.choice(vocab, size=rng.integers(0, 12))) for _ in range(60)]
    words = featurize_texts(texts, 2**20).words
    group = np.sort(rng.integers(0, 4, size=len(texts)))
    want = _document_products_reference(words, group, 4)
    data = words.data.astype(np.float64) ** 2
    rows = np.repeat(np.arange(len(texts)), np.diff(words.indptr))
    want_sq = np.bincount(rows, weights=data, minlength=len(texts))
    # whole, and as the row blocks the segment model hands over (blocks of 1, 17 and 42 rows)
    for given in (words, [words[:1], words[1:18], words[18:]]):
        chunks = cm._row_chunks(given)
        got = cm._document_products(chunks, group, 4, words.shape[1])
        assert got[0].tobytes() == want[0].tobytes() and got[1].tobytes() == want[1].tobytes()
        assert cm._row_sq(chunks, len(texts)).tobytes() == want_sq.tobytes()
