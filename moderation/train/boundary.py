"""Training data and fitting for the boundary tagger (``classifiers/_boundary.py``).

The tagger only ever reads windows around runs of segments the engine flagged, so it is trained on the
same windows: each training document goes through the scanner's own decision step (``Scanner._plan``:
thresholds, link pull, legitimate shapes, the article gate), every segment that touches a gold span is
added to the flagged runs (so the windows of spam the models missed are learned too), and each token of
each window is labelled 1 when its middle lies inside a gold span. The segment probabilities come from
models that did not see the document (out-of-fold), as they would on new text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..text.boundary import inputs_array, windows_for_runs
from ..text.scanner import Featurized, Prepared, Scanner, _runs
from .injection import Injected


def _touches_gold(doc: Injected, p: Prepared) -> np.ndarray:
    out = np.zeros(len(p.segments), dtype=bool)
    for i, seg in enumerate(p.segments):
        s, e = p.norm.to_original(seg.start, seg.end)
        out[i] = any(s < ge and e > gs for gs, ge in doc.spans)
    return out


def boundary_examples(
    scanner: Scanner,
    docs: Sequence[Injected],
    prepared: Sequence[Prepared],
    feats: Featurized,
    proba: np.ndarray,
) -> tuple[Any, np.ndarray]:
    """The tagger's inputs (a ``TokenWindow``) and 0/1 labels for every window of ``docs``."""
    inputs: list[dict[str, list[int]]] = []
    labels: list[int] = []
    offset = 0
    for doc, p in zip(docs, prepared, strict=True):
        rows = slice(offset, offset + len(p.segments))
        offset = rows.stop
        if not p.segments:
            continue
        plan = scanner._plan(p, proba[rows], feats, rows)
        flagged = plan.flagged | _touches_gold(doc, p)
        runs = _runs(np.flatnonzero(flagged))
        if not runs:
            continue
        wins, ins = windows_for_runs(p.norm.text, p.segments, runs, flagged, plan.proba, p.links, len(inputs))
        inputs.extend(ins)
        for w in wins:
            for a, b in zip(w.starts, w.ends, strict=True):
                s, e = p.norm.to_original(a, b)
                mid = (s + e) / 2
                labels.append(int(any(gs <= mid < ge for gs, ge in doc.spans)))
    return inputs_array(inputs), np.array(labels, dtype=np.int8)


def fit_boundary(windows: Any, labels: np.ndarray, C: float = 0.5) -> Any:
    """Fit the tagger; spam tokens weigh as much in total as the news tokens beside them."""
    from classifiers import BoundaryModel, balanced_weights

    return BoundaryModel(C=C).fit(windows, labels, sample_weight=balanced_weights(labels))


def concat_windows(parts: Sequence[Any]) -> Any:
    """One ``TokenWindow`` from several (window ids made distinct, so neighbours never cross)."""
    from classifiers import TokenWindow

    offset, ids = 0, []
    for w in parts:
        ids.append(w.window + offset)
        offset += int(w.window.max()) + 1 if len(w.window) else 0
    return TokenWindow(
        **{
            k: np.concatenate([getattr(w, k) for w in parts])
            for k in ("word", "shape", "gap", "segment_bin", "link_distance", "affix")
        },
        window=np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64),
    )
