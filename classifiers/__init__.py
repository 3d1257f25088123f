"""Learned models for spotting injected spam: features, estimators, training helpers, artifacts.

This package knows nothing of documents, files or HTTP; ``moderation`` builds on it. Nothing heavy
happens at import time, and scanning never imports scikit-learn: it is used only to fit, and the fitted
models are stored and evaluated as plain numpy arrays.

Exceptions::

    ClassifierError
    └── ArtifactError
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import ArtifactError, ClassifierError

if TYPE_CHECKING:
    from ._artifacts import (
        ModelBundle,
        default_model_dir,
        load_bundle,
        load_lang_model,
        load_url_model,
        model_version,
        save_bundle,
        save_lang_model,
        save_url_model,
        write_manifest,
    )
    from ._boundary import TOKEN_INPUTS, BoundaryModel, TokenWindow, balanced_weights
    from ._context_model import CONTEXT_FEATURES, ContextModel, context_features
    from ._hashing import LANGUAGES, TEXT_FEATURES, TextBatch, char_matrix, featurize_texts
    from ._langid import LANGID_LANGUAGES, LangId
    from ._segment_model import SegmentModel, SegmentScores
    from ._url_features import URL_FEATURES, UrlParts, url_features
    from ._url_model import UrlModel

__all__ = [
    "CONTEXT_FEATURES",
    "LANGID_LANGUAGES",
    "LANGUAGES",
    "TEXT_FEATURES",
    "TOKEN_INPUTS",
    "URL_FEATURES",
    "ArtifactError",
    "BoundaryModel",
    "ClassifierError",
    "ContextModel",
    "LangId",
    "ModelBundle",
    "SegmentModel",
    "SegmentScores",
    "TextBatch",
    "TokenWindow",
    "UrlModel",
    "UrlParts",
    "balanced_weights",
    "char_matrix",
    "context_features",
    "default_model_dir",
    "featurize_texts",
    "load_bundle",
    "load_lang_model",
    "load_url_model",
    "model_version",
    "save_bundle",
    "save_lang_model",
    "save_url_model",
    "url_features",
    "write_manifest",
]

_LAZY = {
    "ModelBundle": "_artifacts",
    "default_model_dir": "_artifacts",
    "load_bundle": "_artifacts",
    "model_version": "_artifacts",
    "load_url_model": "_artifacts",
    "save_url_model": "_artifacts",
    "load_lang_model": "_artifacts",
    "save_lang_model": "_artifacts",
    "LangId": "_langid",
    "LANGID_LANGUAGES": "_langid",
    "URL_FEATURES": "_url_features",
    "UrlModel": "_url_model",
    "UrlParts": "_url_features",
    "url_features": "_url_features",
    "save_bundle": "_artifacts",
    "write_manifest": "_artifacts",
    "CONTEXT_FEATURES": "_context_model",
    "ContextModel": "_context_model",
    "context_features": "_context_model",
    "LANGUAGES": "_hashing",
    "TEXT_FEATURES": "_hashing",
    "TextBatch": "_hashing",
    "char_matrix": "_hashing",
    "featurize_texts": "_hashing",
    "SegmentModel": "_segment_model",
    "BoundaryModel": "_boundary",
    "TokenWindow": "_boundary",
    "TOKEN_INPUTS": "_boundary",
    "balanced_weights": "_boundary",
    "SegmentScores": "_segment_model",
}


def __getattr__(name: str) -> Any:
    """Import the heavy submodules (scikit-learn) only when one of their names is first used."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'classifiers' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"classifiers.{module}"), name)
    globals()[name] = value
    return value
