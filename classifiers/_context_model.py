"""The article-context pass: judge each segment by how it fits the article around it.

Injected spam is off-topic, often in another language than the article, and sits next to legitimate
sentences that score low. A segment model alone flags a few legitimate sentences in every thousand; across
an article of 20-40 segments that becomes several percent of clean articles. The context model sees, for
each segment, its own scores next to its neighbours', the article's, its similarity to the rest of the
article and whether it speaks the article's language, and decides again.

``context_features`` works on whole batches of documents at once (segments grouped by document, in text
order) so that one call serves hundreds of documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, TypeAlias

import numpy as np
import scipy.sparse as sp

KINDS: tuple[str, ...] = ("paragraph", "line", "sentence")

CONTEXT_FEATURES: tuple[str, ...] = (
    "logit_score",
    "logit_stage_a",
    "candidate",
    "logit_prev",
    "logit_next",
    "same_paragraph_prev",
    "same_paragraph_next",
    "logit_doc_max_other",
    "doc_mean_score",
    "similarity_to_article",
    "article_language_share",
    "function_words",
    "kind_paragraph",
    "kind_line",
    "kind_sentence",
    "first_segment",
    "last_segment",
    "position",
    "segments_in_paragraph",
    "log_doc_segments",
    "log_length",
)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _prepend(a: np.ndarray, value: object) -> np.ndarray:
    """``[value, *a]`` (``np.r_`` is slow for small arrays)."""
    return np.concatenate((np.array([value], dtype=a.dtype), a))


def _append(a: np.ndarray, value: object) -> np.ndarray:
    """``[*a, value]``."""
    return np.concatenate((a, np.array([value], dtype=a.dtype)))


# the products are summed a block of rows at a time, so no array the size of every non-zero is made in
# float64 (one 1 MB text has ~350,000 non-zeros; float64 copies of them were the peak of its memory)
_NNZ_BLOCK = 1 << 16

WordRows: TypeAlias = sp.csr_matrix | Sequence[sp.csr_matrix]
"""The hashed word rows of a batch: one matrix, or consecutive blocks of its rows (what
``SegmentModel.score`` makes: stacking them into one matrix would copy them all)."""


@dataclass(frozen=True, slots=True)
class _Rows:
    """Consecutive rows of the word matrix: the first row's index, each row's non-zero count, and
    the rows' bucket indices and values (views, not copies)."""

    first: int
    counts: np.ndarray
    indices: np.ndarray
    data: np.ndarray


def _row_blocks(indptr: np.ndarray) -> list[tuple[int, int]]:
    """``(first row, end row)`` blocks of whole rows holding about ``_NNZ_BLOCK`` non-zeros each (a row
    is never split, so each row's sum runs in one block, in the same order as over all rows)."""
    n_rows = len(indptr) - 1
    if n_rows <= 0:
        return []
    marks = np.arange(_NNZ_BLOCK, int(indptr[-1]), _NNZ_BLOCK)
    cuts = np.unique(np.searchsorted(indptr, marks, side="left"))
    edges = [0, *(int(c) for c in cuts if 0 < c < n_rows), n_rows]
    return list(pairwise(edges))


def _blocks_of(words: WordRows) -> list[sp.csr_matrix]:
    """``words`` as a list of row blocks (one matrix is one block)."""
    return [words] if isinstance(words, sp.csr_matrix) else list(words)


def _row_chunks(words: WordRows) -> list[_Rows]:
    """``words`` (one matrix or row blocks) as runs of whole rows of about ``_NNZ_BLOCK`` non-zeros."""
    out, first = [], 0
    for m in _blocks_of(words):
        indptr = m.indptr
        for a, b in _row_blocks(indptr):
            lo, hi = int(indptr[a]), int(indptr[b])
            out.append(_Rows(first + a, np.diff(indptr[a : b + 1]), m.indices[lo:hi], m.data[lo:hi]))
        first += m.shape[0]
    return out


def _row_sums(rows: _Rows, values: np.ndarray) -> np.ndarray:
    """Each row's sum of ``values`` (float64, one per non-zero of ``rows``), in the non-zeros' order."""
    local = np.repeat(np.arange(len(rows.counts), dtype=np.int32), rows.counts)
    return np.bincount(local, weights=values, minlength=len(rows.counts))


def _row_sq(chunks: Sequence[_Rows], n_rows: int) -> np.ndarray:
    """Squared L2 norm of every row."""
    out = np.zeros(n_rows)
    for c in chunks:
        squares = c.data.astype(np.float64)
        squares *= squares
        out[c.first : c.first + len(c.counts)] = _row_sums(c, squares)
    return out


def _document_products(
    chunks: Sequence[_Rows], group: np.ndarray, n_docs: int, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """For each row, its dot product with its document's summed vector; and each document's squared norm
    (``chunks``: the rows, ``_row_chunks``; ``width``: the hash space).

    Computed from the non-zeros (grouped by document and bucket), so the cost follows the text, not the
    size of the hash space, which keeps a single-document call cheap. Memory is what a large document
    pays for: the (document, bucket) keys are sorted in place in 32 bits when they fit, each non-zero's
    group is found in the distinct keys by bisection, and the float64 values and products are made a
    chunk of rows at a time. Every sum adds the same numbers in the same order as one ``bincount`` over
    all non-zeros did (``np.add.at`` accumulates in index order, as ``bincount`` does), so the results
    are bit for bit the same (``tests/test_models.py`` holds them to the ``np.unique`` form).
    """
    key_type = np.int32 if n_docs * width < 2**31 else np.int64
    group = group.astype(key_type)
    if len(chunks) > 1 and sum(len(c.data) for c in chunks) <= _NNZ_BLOCK:  # small blocks: as one
        chunks = [
            _Rows(
                0, *(np.concatenate([getattr(c, f) for c in chunks]) for f in ("counts", "indices", "data"))
            )
        ]
    if len(chunks) == 1:  # a batch of articles: one sort and one bincount each way are cheaper
        return _products_at_once(chunks[0], group, n_docs, width)

    def keys_of(c: _Rows) -> np.ndarray:
        keys = np.repeat(group[c.first : c.first + len(c.counts)], c.counts)
        keys *= width
        keys += c.indices
        return keys

    ordered = np.empty(sum(len(c.data) for c in chunks), dtype=key_type)
    pos = 0
    for c in chunks:
        ordered[pos : pos + len(c.data)] = keys_of(c)
        pos += len(c.data)
    ordered.sort()
    new_key = np.empty(len(ordered), dtype=bool)
    new_key[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new_key[1:])
    uniq = ordered[new_key]
    del ordered, new_key
    index_type = np.int32 if len(uniq) < 2**31 else np.int64
    inverse: list[np.ndarray[Any, np.dtype[np.signedinteger[Any]]]] = [
        np.searchsorted(uniq, keys_of(c)).astype(index_type) for c in chunks
    ]
    doc_value = np.zeros(len(uniq))
    for c, inv in zip(chunks, inverse, strict=True):
        np.add.at(doc_value, inv, c.data.astype(np.float64))
    n_rows = chunks[-1].first + len(chunks[-1].counts) if chunks else 0
    dot = np.zeros(n_rows)
    for c, inv in zip(chunks, inverse, strict=True):
        product = doc_value[inv]
        product *= c.data.astype(np.float64)
        dot[c.first : c.first + len(c.counts)] = _row_sums(c, product)
    doc_sq = np.bincount(uniq // width, weights=doc_value**2, minlength=n_docs)
    return dot, doc_sq


def _products_at_once(
    rows: _Rows, group: np.ndarray, n_docs: int, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """``_document_products`` for rows that make one chunk (what a batch of articles makes): the groups
    from one argsort of the keys, every sum one ``bincount`` over all non-zeros, the same numbers."""
    keys = np.repeat(group, rows.counts)
    keys *= width
    keys += rows.indices
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    new_key = np.empty(len(ordered), dtype=bool)
    new_key[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new_key[1:])
    uniq = ordered[new_key]
    inverse = np.empty(len(order), dtype=np.int32 if len(order) < 2**31 else np.int64)
    inverse[order] = np.cumsum(new_key, dtype=inverse.dtype) - 1
    data = rows.data.astype(np.float64)
    doc_value = np.bincount(inverse, weights=data, minlength=len(uniq))
    product = doc_value[inverse].astype(np.float64, copy=False)  # (no non-zeros: bincount gives ints)
    product *= data
    dot = _row_sums(rows, product)
    doc_sq = np.bincount(uniq // width, weights=doc_value**2, minlength=n_docs)
    return dot, doc_sq


def context_features(
    *,
    score: np.ndarray,
    stage_a: np.ndarray,
    candidate: np.ndarray,
    words: WordRows,
    doc_index: np.ndarray,
    paragraph_index: np.ndarray,
    kinds: Sequence[str],
    lang_votes: np.ndarray,
    lengths: np.ndarray,
) -> np.ndarray:
    """The ``CONTEXT_FEATURES`` matrix for a batch of segments grouped by document, in text order.

    Each column is written as soon as it is known and its intermediates are dropped: a large text has
    one row per segment and a few dozen per-row arrays alive at once were a visible share of its peak
    memory (the values are the same, computed the same way)."""
    n = len(score)
    out = np.zeros((n, len(CONTEXT_FEATURES)), dtype=np.float32)
    if n == 0:
        return out
    doc_index = np.asarray(doc_index)
    paragraph_index = np.asarray(paragraph_index)
    starts = np.flatnonzero(_prepend(doc_index[1:] != doc_index[:-1], True))
    sizes = np.diff(_append(starts, n))
    group = np.repeat(np.arange(len(starts)), sizes)
    pos = np.arange(n) - np.repeat(starts, sizes)
    first = pos == 0
    doc_sizes = np.repeat(sizes, sizes)
    last = pos == doc_sizes - 1
    out[:, 0] = _logit(score)
    out[:, 1] = _logit(stage_a)
    out[:, 2] = candidate
    out[:, 15] = first
    out[:, 16] = last
    out[:, 17] = pos / np.maximum(doc_sizes - 1, 1)
    out[:, 19] = np.log1p(doc_sizes)
    out[:, 20] = np.log1p(lengths)
    del pos, doc_sizes

    prev = _prepend(score[:-1], 0.0)
    prev[first] = 0.0
    out[:, 3] = _logit(np.where(first, 1e-6, prev))
    del prev
    nxt = _append(score[1:], 0.0)
    nxt[last] = 0.0
    out[:, 4] = _logit(np.where(last, 1e-6, nxt))
    del nxt
    out[:, 5] = _prepend(paragraph_index[1:] == paragraph_index[:-1], False) & ~first
    out[:, 6] = _append(paragraph_index[:-1] == paragraph_index[1:], False) & ~last
    del first, last

    # the document's highest score apart from the segment itself
    doc_max = np.maximum.reduceat(score, starts)
    masked = score.copy()
    order = np.lexsort((score, group))  # by document, then by score: each document's last is its maximum
    top = order[_append(starts[1:], n) - 1]
    del order
    masked[top] = -1.0
    second = np.maximum.reduceat(masked, starts)
    del masked
    other = np.repeat(doc_max, sizes)
    other[top] = np.maximum(second[group[top]], 0.0)
    out[:, 7] = _logit(np.maximum(other, 1e-6))
    del other
    out[:, 8] = np.repeat(np.add.reduceat(score, starts) / sizes, sizes)

    # cosine similarity between a segment and the rest of its document (hashed words, L2 rows)
    chunks = _row_chunks(words)
    width = _blocks_of(words)[0].shape[1]
    dot, doc_sq = _document_products(chunks, group, len(starts), width)
    self_sq = _row_sq(chunks, n)
    rest_sq = np.maximum(doc_sq[group] - 2 * dot + self_sq, 0.0)
    denom = np.sqrt(rest_sq * self_sq)
    del rest_sq
    out[:, 9] = np.divide(dot - self_sq, denom, out=np.zeros(n), where=denom > 1e-9)
    del dot, self_sq, denom

    # does the segment speak the article's language?
    doc_votes = np.add.reduceat(lang_votes, starts, axis=0)[group] - lang_votes
    doc_lang = np.argmax(doc_votes, axis=1)
    del doc_votes
    seg_total = lang_votes.sum(axis=1)
    share = np.divide(lang_votes[np.arange(n), doc_lang], seg_total, out=np.full(n, 0.5), where=seg_total > 0)
    out[:, 10] = share
    out[:, 11] = np.minimum(seg_total, 10) / 10
    del doc_lang, seg_total, share

    para_key = group.astype(np.int64) * 1_000_003 + paragraph_index
    _, inverse, counts = np.unique(para_key, return_inverse=True, return_counts=True)
    del para_key
    out[:, 18] = np.minimum(counts[inverse], 20) / 20
    del inverse
    kind_names = np.array(kinds)  # one conversion, then a vectorized comparison per kind
    for j, k in enumerate(KINDS):
        out[:, 12 + j] = kind_names == k
    return out


class ContextModel:
    """Gradient-boosted trees over ``CONTEXT_FEATURES``: is this segment injected spam, in its article?

    Fitted with scikit-learn's ``HistGradientBoostingClassifier``; the trees are then exported to flat
    arrays and evaluated here, vectorized over all rows and trees at once (no scikit-learn at scan time).

    Parameters:
        max_iter, learning_rate, max_leaf_nodes, max_depth, l2_regularization: passed to
            ``HistGradientBoostingClassifier``.
        random_state: fixed for reproducible builds.
        min_evidence: rows where neither the segment nor its neighbours score at least this much are
            given probability 0 without running the trees (almost every news sentence).
    """

    ARRAYS = ("feature_", "threshold_", "left_", "right_", "is_leaf_", "value_", "roots_")

    def __init__(
        self,
        max_iter: int = 200,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 31,
        max_depth: int = 7,
        l2_regularization: float = 1.0,
        random_state: int = 0,
        min_evidence: float = 0.02,
    ) -> None:
        self.min_evidence = min_evidence
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.max_depth = max_depth
        self.l2_regularization = l2_regularization
        self.random_state = random_state

    def get_params(self) -> dict[str, object]:
        """Constructor parameters (scikit-learn convention)."""
        return {
            k: getattr(self, k)
            for k in (
                "max_iter",
                "learning_rate",
                "max_leaf_nodes",
                "max_depth",
                "l2_regularization",
                "random_state",
                "min_evidence",
            )
        }

    def fit(self, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> ContextModel:
        """Fit on a ``context_features`` matrix and 0/1 labels, then export the trees."""
        from sklearn.ensemble import HistGradientBoostingClassifier

        model = HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            max_depth=self.max_depth,
            l2_regularization=self.l2_regularization,
            early_stopping=False,
            random_state=self.random_state,
        )
        model.fit(x, y, sample_weight=sample_weight)
        self._export(model)
        return self

    def _export(self, model: object) -> None:
        feature, threshold, left, right, leaf, value, roots = [], [], [], [], [], [], []
        offset = 0
        for (predictor,) in model._predictors:  # type: ignore[attr-defined]
            nodes = predictor.nodes
            roots.append(offset)
            feature.append(nodes["feature_idx"].astype(np.int32))
            threshold.append(nodes["num_threshold"].astype(np.float64))
            left.append(nodes["left"].astype(np.int32) + offset)
            right.append(nodes["right"].astype(np.int32) + offset)
            leaf.append(nodes["is_leaf"].astype(bool))
            value.append(nodes["value"].astype(np.float64))
            offset += len(nodes)
        self.feature_ = np.concatenate(feature)
        self.threshold_ = np.concatenate(threshold)
        self.left_ = np.concatenate(left)
        self.right_ = np.concatenate(right)
        self.is_leaf_ = np.concatenate(leaf)
        self.value_ = np.concatenate(value)
        self.roots_ = np.array(roots, dtype=np.int32)
        baseline = np.asarray(model._baseline_prediction).ravel()  # type: ignore[attr-defined]
        self.baseline_ = float(baseline[0])
        predictors = model._predictors  # type: ignore[attr-defined]
        self.depth_ = int(max((p[0].nodes["depth"].max() for p in predictors), default=0))

    def decision_function(self, x: np.ndarray) -> np.ndarray:
        """Raw score (log-odds) for each row.

        The trees are walked with leaves that lead to themselves (threshold +inf), so every row takes
        exactly ``depth_`` steps with no mask of active rows, on blocks of rows small enough for the
        cache, reading features from the flat row-major array: the same nodes and sums as a plain walk,
        about 3x faster. A text of many tiny segments has hundreds of thousands of rows, nearly all
        alike: from ``DEDUPE_ROWS`` rows on, rows with the same path key (``_path_keys``) are walked
        once (500,000 rows of ``'. ' * n``: 3.6 s -> 0.1 s, the same numbers)."""
        n = len(x)
        if n == 0:
            return np.zeros(0)
        x = np.asarray(x)
        if n >= self.DEDUPE_ROWS:
            # rows that fall between the same thresholds of every feature take the same path through
            # every tree, so one of them stands for all (a text of many tiny, alike segments has a few
            # hundred distinct rows in 500,000); the sums are the same numbers, row by row
            _, first, inverse = np.unique(self._path_keys(x), return_index=True, return_inverse=True)
            if len(first) <= n // 2:
                return self._walk_rows(x[first])[inverse.reshape(-1)]
        return self._walk_rows(x)

    DEDUPE_ROWS = 4096

    def _path_keys(self, x: np.ndarray) -> np.ndarray:
        """One integer per row, equal for two rows exactly when every feature falls at the same
        position among its split thresholds (``x <= t_k`` exactly when the position is ``<= k``), so
        equal keys take equal paths through every tree. NaN, which goes right at every split, has a
        position of its own past all of them. The positions are packed in mixed radix, renumbered
        densely whenever the next feature would overflow 62 bits."""
        key = np.zeros(len(x), dtype=np.int64)
        span = 1
        for f, cuts in self._cuts().items():
            col = x[:, f]
            pos = np.searchsorted(cuts, col, side="left")
            pos[np.isnan(col)] = len(cuts) + 1
            radix = len(cuts) + 2
            if span * radix >= 1 << 62:
                uniq, key = np.unique(key, return_inverse=True)
                key, span = key.reshape(-1).astype(np.int64), len(uniq)
            key = key * radix + pos
            span *= radix
        return key

    def _cuts(self) -> dict[int, np.ndarray]:
        """The sorted distinct thresholds of each feature's splits (built once per model)."""
        cached = getattr(self, "_cut_cache", None)
        if cached is None or cached[0] is not self.feature_:
            split = ~self.is_leaf_.astype(bool)
            cuts = {
                int(f): np.unique(self.threshold_[split & (self.feature_ == f)])
                for f in np.unique(self.feature_[split])
            }
            cached = (self.feature_, cuts)
            self._cut_cache = cached
        return cached[1]

    def _walk_rows(self, x: np.ndarray) -> np.ndarray:
        """The trees' summed values plus the baseline for each row of ``x`` (read as float64 one block
        at a time, so a large float32 matrix is never copied whole)."""
        n = len(x)
        feature, threshold, left, right = self._walk_tables()
        roots = self.roots_.astype(np.intp)
        out = np.empty(n)
        width = x.shape[1]
        for a in range(0, n, self.ROW_BLOCK):
            block = np.ascontiguousarray(x[a : a + self.ROW_BLOCK], dtype=np.float64)
            flat = block.ravel()
            base = (np.arange(len(block), dtype=np.intp) * width)[:, None]
            node = np.broadcast_to(roots, (len(block), len(roots))).copy()
            for _ in range(self.depth_):
                go_left = flat[base + feature[node]] <= threshold[node]
                node = np.where(go_left, left[node], right[node])
            out[a : a + len(block)] = self.baseline_ + self.value_[node].sum(axis=1)
        return out

    ROW_BLOCK = 1024

    def _walk_tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Feature, threshold, left and right per node, leaves made self-loops (built once per model)."""
        cached = getattr(self, "_walk", None)
        if cached is None or cached[0] is not self.feature_:
            own = np.arange(len(self.feature_), dtype=np.intp)
            leaf = self.is_leaf_.astype(bool)
            tables = (
                np.where(leaf, 0, self.feature_).astype(np.intp),
                np.where(leaf, np.inf, self.threshold_).astype(np.float64),
                np.where(leaf, own, self.left_).astype(np.intp),
                np.where(leaf, own, self.right_).astype(np.intp),
            )
            cached = (self.feature_, tables)
            self._walk = cached
        return cached[1]

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Probability of spam for each row (1-D); rows without evidence get 0 (see ``min_evidence``)."""
        x = np.asarray(x)
        out = np.zeros(len(x))
        if len(x) == 0:
            return out
        cols = [CONTEXT_FEATURES.index(c) for c in ("logit_score", "logit_prev", "logit_next")]
        gate = float(_logit(np.array([self.min_evidence]))[0])
        need = np.flatnonzero(x[:, cols].max(axis=1) >= gate)
        if need.size == len(x):  # every row (a text of tiny alike segments): no copy of the matrix
            out[:] = 1.0 / (1.0 + np.exp(-self.decision_function(x)))
        elif need.size:
            out[need] = 1.0 / (1.0 + np.exp(-self.decision_function(x[need])))
        return out

    # -- artifacts -------------------------------------------------------------------------------------

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The learned state as named arrays (for ``.npz``)."""
        out = {f"context.{k}": getattr(self, k) for k in self.ARRAYS}
        out["context.scalars"] = np.array([self.baseline_, self.depth_], dtype=np.float64)
        return out

    @classmethod
    def from_arrays(cls, params: dict[str, object], arrays: dict[str, np.ndarray]) -> ContextModel:
        """Rebuild a fitted model from ``get_params()`` and ``to_arrays()`` output."""
        model = cls(**params)  # type: ignore[arg-type]
        for k in cls.ARRAYS:
            setattr(model, k, np.asarray(arrays[f"context.{k}"]))
        baseline, depth = arrays["context.scalars"]
        model.baseline_, model.depth_ = float(baseline), int(depth)
        return model
