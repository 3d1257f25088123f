"""The decision's vectorized steps hold the numbers of the loops they replaced."""

from __future__ import annotations

import numpy as np

from moderation import Scanner
from moderation.text.results import Segment
from moderation.text.scanner import _runs


def _runs_reference(indices):
    runs: list[list[int]] = []
    for j in indices:
        if runs and runs[-1][-1] == j - 1:
            runs[-1].append(int(j))
        else:
            runs.append([int(j)])
    return runs


def _extend_reference(flagged, proba, segments, extend):
    queue = [int(j) for j in np.flatnonzero(flagged)]
    while queue:
        j = queue.pop()
        for k in (j - 1, j + 1):
            ok = 0 <= k < len(flagged) and not flagged[k] and proba[k] >= extend
            if ok and segments[k].paragraph == segments[j].paragraph:
                flagged[k] = True
                queue.append(k)


def test_runs_and_extension_match_the_loops():
    scanner = Scanner.default()
    assert scanner.extend_threshold < scanner.span_threshold  # the shipped model extends
    rng = np.random.default_rng(11)
    for _ in range(300):
        n = int(rng.integers(0, 40))
        segments = [
            Segment(i, i + 1, int(p), "sentence") for i, p in enumerate(np.sort(rng.integers(0, 4, n)))
        ]
        proba = rng.choice([0.0, 0.1, scanner.extend_threshold, 0.4, scanner.span_threshold, 0.95], size=n)
        flagged = proba >= scanner.span_threshold
        want = flagged.copy()
        _extend_reference(want, proba, segments, scanner.extend_threshold)
        scanner._extend(flagged, proba, segments)
        assert flagged.tolist() == want.tolist()
        indices = np.flatnonzero(flagged)
        assert _runs(indices) == _runs_reference(indices)
