"""The URL score's calibration: a monotone map from the checker's total log-odds to a probability.

Fitted by isotonic regression on a held split (``moderation train-urls``, ``train/url_model.py``) and
stored as its knots with the model's weights (``url_cal_z``, ``url_cal_p``): linear between knots, flat
outside them, so a score means the same share of bad URLs whatever the source. Without knots (a model
fitted but not calibrated) the map is the logistic function.
"""

from __future__ import annotations

import math
from bisect import bisect_right

import numpy as np


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


class Calibrated:
    """Isotonic knots and the map they define (``UrlModel`` carries one: the knots travel with the
    weights in the same ``.npz``)."""

    cal_z_: tuple[float, ...] = ()
    cal_p_: tuple[float, ...] = ()

    def set_calibration(self, z: np.ndarray, p: np.ndarray) -> None:
        """Knots ``z`` (increasing) and their probabilities ``p``."""
        if len(z) != len(p) or len(z) < 2 or np.any(np.diff(z) < 0):
            raise ValueError("calibration knots must be increasing and at least two")
        self.cal_z_ = tuple(float(x) for x in z)
        self.cal_p_ = tuple(float(x) for x in p)

    def probability(self, z: float) -> float:
        """The calibrated probability of a total log-odds (linear between knots, flat outside them);
        the logistic function when there are no knots."""
        knots = self.cal_z_
        if not knots:
            return _logistic(z)
        i = bisect_right(knots, z)
        if i == 0:
            return self.cal_p_[0]
        if i == len(knots):
            return self.cal_p_[-1]
        z0, z1 = knots[i - 1], knots[i]
        p0, p1 = self.cal_p_[i - 1], self.cal_p_[i]
        return p0 + (p1 - p0) * (z - z0) / (z1 - z0) if z1 > z0 else p1

    def probabilities(self, z: np.ndarray) -> np.ndarray:
        """``probability`` for an array of log-odds."""
        if not self.cal_z_:
            return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))))
        return np.interp(z, self.cal_z_, self.cal_p_)

    def calibration_arrays(self) -> dict[str, np.ndarray]:
        """The knots as the model file stores them (nothing when there are none)."""
        if not self.cal_z_:
            return {}
        return {"url_cal_z": np.array(self.cal_z_), "url_cal_p": np.array(self.cal_p_)}

    def load_calibration(self, arrays: dict[str, np.ndarray]) -> None:
        """The knots from a model file's arrays, if it has them."""
        if "url_cal_z" in arrays:
            self.set_calibration(arrays["url_cal_z"], arrays["url_cal_p"])
