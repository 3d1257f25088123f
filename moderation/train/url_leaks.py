"""The source-discrimination check: can a classifier tell the benign and malicious path sources apart from
the *form* of a URL alone (scheme, ``www.``, case, trailing slash, query style, path depth)?

On the raw rows it can (the sources were collected differently); on the form the model reads (after
``reduce_form`` and the checker's own normalization) the form features must carry nothing (AUC ~0.5).
Path depth and query style survive normalization: they are reported separately (``shape``), since they
are partly real evidence (phishing kits use deep paths) and partly collection habit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..urls.checker import look_alike, url_parts
from ..urls.parse import UrlError, parse_url
from .url_sources import reduce_form, tsv


def _form(url: str) -> list[float]:
    """Scheme, ``www.``, upper case, trailing slash of a string."""
    host_and_path = url.split("://", 1)[-1]
    return [
        float(url.startswith("https://")),
        float(url.startswith("http://")),
        float(host_and_path.startswith("www.")),
        float(any(c.isupper() for c in url)),
        float(url.endswith("/")),
    ]


def _shape(path: str) -> list[float]:
    path_only, _, query = path.partition("?")
    return [
        float(min(len([x for x in path_only.split("/") if x]), 8)),
        float(bool(query)),
        float(min(query.count("&") + 1 if query else 0, 6)),
    ]


def _model_view(url: str) -> tuple[str, str] | None:
    """What the model reads of ``url`` (host as given to it, path), or None when unparsable."""
    try:
        p = parse_url(reduce_form(url))
    except UrlError:
        return None
    u = url_parts(p, look_alike(p))
    return u.host, u.path


def _cv_auc(X: np.ndarray, y: np.ndarray) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    if np.all(X[0] == X):
        return 0.5  # constant features: nothing to tell the sources apart with
    from sklearn.metrics import roc_auc_score

    p = cross_val_predict(LogisticRegression(max_iter=500), X, y, cv=5, method="predict_proba")[:, 1]
    return round(float(roc_auc_score(y, p)), 4)


def source_discrimination(data: Path, limit: int = 6000) -> dict[str, Any]:
    """ROC AUC of telling ``benign_urls_with_paths`` from ``malicious_urls_with_paths`` by form: on the raw
    strings, on the model's view, and by path shape on the model's view."""
    rows: list[tuple[int, str]] = []
    for label, name in ((0, "benign_urls_with_paths.tsv"), (1, "malicious_urls_with_paths.tsv")):
        for i, row in enumerate(tsv(data / "urls" / name)):
            if i % 3 == 0 and len([r for r in rows if r[0] == label]) < limit:
                rows.append((label, row["url"]))
    raw_x, view_x, shape_x, y = [], [], [], []
    for label, url in rows:
        view = _model_view(url)
        if view is None:
            continue
        host, path = view
        raw_x.append(_form(url))
        view_x.append(_form(host + path))
        shape_x.append(_shape(path))
        y.append(label)
    ya = np.array(y)
    return {
        "urls": len(y),
        "form_auc_raw": _cv_auc(np.array(raw_x), ya),
        "form_auc_model_view": _cv_auc(np.array(view_x), ya),
        "shape_auc_model_view": _cv_auc(np.array(shape_x), ya),
    }
