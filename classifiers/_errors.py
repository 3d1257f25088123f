"""The exceptions of the ``classifiers`` package::

ClassifierError
└── ArtifactError     a model file is missing, altered, or built with other library versions
"""

from __future__ import annotations


class ClassifierError(Exception):
    """Base class of every error this package raises on purpose."""


class ArtifactError(ClassifierError):
    """A model artifact cannot be used; the message says how to fix it (usually ``make model``)."""
