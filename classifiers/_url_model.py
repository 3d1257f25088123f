"""The learned lexical URL model: logistic regression over ``_url_features`` -> P(spam/malicious).

Its inputs (``UrlParts``, the hashed tokens and engineered features) are in ``_url_features.py``, the
host's share of the log-odds (one host, or a batch at once) in ``_url_hosts.py``, the calibration of the
checker's total log-odds in ``_url_calibration.py``. Scoring one URL is a gather-and-sum over its token
weights, the host's part cached per host (no scikit-learn: it is used only to fit).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import partial
from typing import Any

import numpy as np

from ._url_calibration import Calibrated
from ._url_features import (
    N_HASH,
    URL_FEATURES,
    UrlParts,
    _host_features,
    _path_features,
    url_features,
    url_matrix,
)
from ._url_hosts import HostKey, _remember, host_share, host_shares

__all__ = ["N_HASH", "URL_FEATURES", "UrlModel", "UrlParts", "clear_caches", "url_features", "url_matrix"]


def clear_caches(model: UrlModel | None = None) -> None:
    """Forget the per-host and per-path features (and ``model``'s per-host sums): for benchmarks of URLs
    seen for the first time."""
    _host_features.cache_clear()
    _path_features.cache_clear()
    if model is not None:
        model.__dict__.pop("_fast", None)


class UrlModel(Calibrated):
    """Logistic regression over ``url_matrix`` features (scikit-learn conventions: fit returns self),
    with the calibration of the checker's total log-odds (``_url_calibration.py``)."""

    def __init__(self, C: float = 1.0, random_state: int = 0) -> None:
        self.C = C
        self.random_state = random_state

    def fit(self, parts: list[UrlParts], y: np.ndarray) -> UrlModel:
        from sklearn.linear_model import LogisticRegression

        X = url_matrix(parts)
        lr = LogisticRegression(C=self.C, solver="liblinear", random_state=self.random_state, max_iter=200)
        lr.fit(X, y)
        self.coef_ = lr.coef_.ravel().astype(np.float64)
        self.intercept_ = float(lr.intercept_[0])
        return self

    def decision(self, u: UrlParts) -> float:
        """The log-odds for one URL: the host's share (cached per host; ``prime_hosts`` fills the cache
        for a batch) plus the path's tokens and the per-URL dense features, summed in plain Python
        (faster than numpy for a few dozen numbers)."""
        fast = self.__dict__.get("_fast")
        if fast is None or fast[0] is not self.coef_:
            fast = self._build_fast()
        _, coef, shares, w, _ = fast
        key = (
            u.host, u.subdomain, u.domain, u.suffix, u.is_ip, u.tld_prior, u.popularity, u.platform,
            u.spam_words,
        )  # fmt: skip
        share = shares.get(key)
        if share is None:
            share = _remember(shares, key, host_share(coef, w, *key))
        path_idx, path_length, long_number, affiliate, has_path, query_size = _path_features(u.path.lower())
        return (
            share
            + sum(map(coef.__getitem__, path_idx))
            + w[2] * path_length
            + w[7] * u.brand_outside
            + w[8] * long_number
            + w[9] * affiliate
            + w[11] * has_path
            + w[12] * query_size
            + u.tld_prior * (w[21] * has_path + w[22] * long_number)
            + self.intercept_
        )

    def prime_hosts(self, parts: Iterable[UrlParts]) -> None:
        """Compute the host shares of every new host among ``parts`` at once (numpy, ``_url_hosts``) and
        cache them: ``decision`` then gives, bit for bit, what it would have computed host by host."""
        fast = self.__dict__.get("_fast")
        if fast is None or fast[0] is not self.coef_:
            fast = self._build_fast()
        _, coef, shares, w, gather = fast
        new: dict[HostKey, None] = {}
        for u in parts:
            key = (
                u.host, u.subdomain, u.domain, u.suffix, u.is_ip, u.tld_prior, u.popularity, u.platform,
                u.spam_words,
            )  # fmt: skip
            if key not in shares:
                new[key] = None
        if not new:
            return
        keys = list(new)
        for key, share in zip(keys, host_shares(keys, gather, w, partial(host_share, coef, w)), strict=True):
            _remember(shares, key, share)

    def _build_fast(self) -> tuple[np.ndarray, Any, dict[HostKey, float], tuple[float, ...], np.ndarray]:
        """The scoring tables for the current ``coef_`` (rebuilt when it is replaced), built on first use;
        ``__getstate__`` leaves them out: (coef_, token weights as an array, the host-share cache, the
        engineered features' weights, the token weights as float64 numpy for ``prime_hosts``)."""
        from array import array

        # Weights stored as float32 (see to_arrays; every loaded model) are gathered from a float32
        # table: 1 MB instead of 2, fewer cache misses for the ~40 scattered weights a new host reads
        # (the values are the same). A list would hold 10 MB of float objects.
        as32 = self.coef_.astype(np.float32)
        exact32 = bool(np.array_equal(as32, self.coef_))
        coef = array("f" if exact32 else "d")
        coef.frombytes((as32 if exact32 else np.ascontiguousarray(self.coef_, dtype=np.float64)).tobytes())
        w = tuple(float(x) for x in self.coef_[N_HASH:])
        gather = (as32 if exact32 else self.coef_)[:N_HASH].astype(np.float64)
        shares: dict[HostKey, float] = {}
        fast = self.__dict__["_fast"] = (self.coef_, coef, shares, w, gather)
        return fast

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def score(self, u: UrlParts) -> float:
        """P(spam/malicious) for one URL, from the model alone (uncalibrated)."""
        z = self.decision(u)
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def score_many(self, parts: list[UrlParts]) -> np.ndarray:
        if not parts:
            return np.zeros(0)
        z = url_matrix(parts) @ self.coef_ + self.intercept_
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))))

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "url_coef": self.coef_.astype(np.float32),
            "url_intercept": np.array([self.intercept_]),
            **self.calibration_arrays(),
        }

    @classmethod
    def from_arrays(cls, params: dict[str, Any], arrays: dict[str, np.ndarray]) -> UrlModel:
        model = cls(**params)
        model.coef_ = arrays["url_coef"].astype(np.float64)
        model.intercept_ = float(arrays["url_intercept"][0])
        model.load_calibration(arrays)
        if model.coef_.shape != (N_HASH + len(URL_FEATURES),):
            raise ValueError(f"url_coef has shape {model.coef_.shape}")
        return model
