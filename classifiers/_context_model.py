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


def _row_sq(m: sp.csr_matrix) -> np.ndarray:
    """Squared L2 norm of every row."""
    counts = np.diff(m.indptr)
    squares = m.data.astype(np.float64)
    squares *= squares
    return np.bincount(
        np.repeat(np.arange(m.shape[0], dtype=np.int32), counts), weights=squares, minlength=m.shape[0]
    )


def _document_products(words: sp.csr_matrix, group: np.ndarray, n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """For each row, its dot product with its document's summed vector; and each document's squared norm.

    Computed from the non-zeros (sorted by document and bucket), so the cost follows the text, not the
    size of the hash space, which keeps a single-document call cheap. The grouping is one argsort of
    the (document, bucket) keys, in 32 bits when they fit, instead of ``np.unique``'s copies (the step
    was the peak of a large document's memory); every sum runs in the same order as before.
    """
    n_rows, width = words.shape
    counts = np.diff(words.indptr)
    row = np.repeat(np.arange(n_rows, dtype=np.int32 if n_rows < 2**31 else np.int64), counts)
    small = n_docs * width < 2**31
    keys = group.astype(np.int32 if small else np.int64)[row]
    keys *= width
    keys += words.indices
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    del keys
    new_key = np.empty(len(ordered), dtype=bool)
    new_key[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new_key[1:])
    uniq = ordered[new_key]
    del ordered
    inverse = np.empty(len(order), dtype=np.int32 if len(order) < 2**31 else np.int64)
    inverse[order] = np.cumsum(new_key, dtype=inverse.dtype) - 1
    del order, new_key
    data = words.data.astype(np.float64)
    doc_value = np.bincount(inverse, weights=data, minlength=len(uniq))
    product = doc_value[inverse].astype(np.float64, copy=False)
    del inverse
    product *= data
    del data
    dot = np.bincount(row, weights=product, minlength=n_rows)
    doc_sq = np.bincount(uniq // width, weights=doc_value**2, minlength=n_docs)
    return dot, doc_sq


def context_features(
    *,
    score: np.ndarray,
    stage_a: np.ndarray,
    candidate: np.ndarray,
    words: sp.csr_matrix,
    doc_index: np.ndarray,
    paragraph_index: np.ndarray,
    kinds: Sequence[str],
    lang_votes: np.ndarray,
    lengths: np.ndarray,
) -> np.ndarray:
    """The ``CONTEXT_FEATURES`` matrix for a batch of segments grouped by document, in text order."""
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
    last = pos == np.repeat(sizes, sizes) - 1
    lg = _logit(score)

    prev = _prepend(score[:-1], 0.0)
    nxt = _append(score[1:], 0.0)
    prev[first] = 0.0
    nxt[last] = 0.0
    same_prev = _prepend(paragraph_index[1:] == paragraph_index[:-1], False) & ~first
    same_next = _append(paragraph_index[:-1] == paragraph_index[1:], False) & ~last

    # the document's highest score apart from the segment itself
    doc_max = np.maximum.reduceat(score, starts)
    masked = score.copy()
    order = np.lexsort((score, group))  # by document, then by score: each document's last is its maximum
    top = order[_append(starts[1:], n) - 1]
    masked[top] = -1.0
    second = np.maximum.reduceat(masked, starts)
    other = np.repeat(doc_max, sizes)
    other[top] = np.maximum(second[group[top]], 0.0)
    doc_mean = np.add.reduceat(score, starts) / sizes

    # cosine similarity between a segment and the rest of its document (hashed words, L2 rows)
    dot, doc_sq = _document_products(words, group, len(starts))
    self_sq = _row_sq(words)
    rest_sq = np.maximum(doc_sq[group] - 2 * dot + self_sq, 0.0)
    denom = np.sqrt(rest_sq * self_sq)
    sim = np.divide(dot - self_sq, denom, out=np.zeros(n), where=denom > 1e-9)

    # does the segment speak the article's language?
    doc_votes = np.add.reduceat(lang_votes, starts, axis=0)[group] - lang_votes
    doc_lang = np.argmax(doc_votes, axis=1)
    seg_total = lang_votes.sum(axis=1)
    share = np.divide(lang_votes[np.arange(n), doc_lang], seg_total, out=np.full(n, 0.5), where=seg_total > 0)

    para_key = group.astype(np.int64) * 1_000_003 + paragraph_index
    _, inverse, counts = np.unique(para_key, return_inverse=True, return_counts=True)

    out[:, 0] = lg
    out[:, 1] = _logit(stage_a)
    out[:, 2] = candidate
    out[:, 3] = _logit(np.where(first, 1e-6, prev))
    out[:, 4] = _logit(np.where(last, 1e-6, nxt))
    out[:, 5] = same_prev
    out[:, 6] = same_next
    out[:, 7] = _logit(np.maximum(other, 1e-6))
    out[:, 8] = np.repeat(doc_mean, sizes)
    out[:, 9] = sim
    out[:, 10] = share
    out[:, 11] = np.minimum(seg_total, 10) / 10
    kind_names = np.array(kinds)  # one conversion, then a vectorized comparison per kind
    for j, k in enumerate(KINDS):
        out[:, 12 + j] = kind_names == k
    out[:, 15] = first
    out[:, 16] = last
    out[:, 17] = pos / np.maximum(np.repeat(sizes, sizes) - 1, 1)
    out[:, 18] = np.minimum(counts[inverse], 20) / 20
    out[:, 19] = np.log1p(np.repeat(sizes, sizes))
    out[:, 20] = np.log1p(lengths)
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
