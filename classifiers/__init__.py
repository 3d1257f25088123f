"""Learned models for spotting injected spam: features, estimators, training helpers, artifacts.

This package knows nothing of documents, files or HTTP; ``moderation`` builds on it. Nothing heavy
happens at import time: scikit-learn is imported by the submodules that need it, when first used.

Exceptions::

    ClassifierError
    └── ArtifactError
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import ArtifactError, ClassifierError

if TYPE_CHECKING:
    from ._artifacts import ModelBundle, default_model_dir, load_bundle, save_bundle
    from ._context_model import CONTEXT_FEATURES, ContextModel, context_features
    from ._features import LANGUAGES, TEXT_FEATURES, language_votes, text_features
    from ._segment_model import SegmentModel, SegmentScores

__all__ = [
    "CONTEXT_FEATURES",
    "LANGUAGES",
    "TEXT_FEATURES",
    "ArtifactError",
    "ClassifierError",
    "ContextModel",
    "ModelBundle",
    "SegmentModel",
    "SegmentScores",
    "context_features",
    "default_model_dir",
    "language_votes",
    "load_bundle",
    "save_bundle",
    "text_features",
]

_LAZY = {
    "ModelBundle": "_artifacts",
    "default_model_dir": "_artifacts",
    "load_bundle": "_artifacts",
    "save_bundle": "_artifacts",
    "CONTEXT_FEATURES": "_context_model",
    "ContextModel": "_context_model",
    "context_features": "_context_model",
    "LANGUAGES": "_features",
    "TEXT_FEATURES": "_features",
    "language_votes": "_features",
    "text_features": "_features",
    "SegmentModel": "_segment_model",
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
