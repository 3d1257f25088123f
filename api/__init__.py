"""The HTTP service over the ``moderation`` engine (FastAPI). Build it with ``api.main.create_app``.

Nothing imports this package; it imports ``moderation`` (and so ``classifiers``), never the other way.

Errors are ``application/problem+json`` (RFC 9457)::

    ApiError (status, detail)  ->  400 bad JSON, 401/403 keys, 413 too large, 415 content type,
                                    422 validation, 429 rate limit, 503 not ready, 500 with a request id
"""

from __future__ import annotations

__all__ = ["create_app"]


def create_app(*args, **kwargs):  # forwards to api.main.create_app
    """Build the FastAPI app (imported lazily so ``import api`` stays light)."""
    from .main import create_app as factory

    return factory(*args, **kwargs)
