"""Prometheus metrics, one registry per app (so several apps in one process do not collide)."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram


@dataclass
class Metrics:
    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    documents: Counter
    spans: Counter
    span_reasons: Counter
    errors: Counter

    @classmethod
    def create(cls) -> Metrics:
        reg = CollectorRegistry()
        return cls(
            registry=reg,
            requests=Counter(
                "moderation_http_requests", "HTTP requests", ["route", "method", "status"], registry=reg
            ),
            latency=Histogram(
                "moderation_http_request_seconds",
                "Request latency",
                ["route"],
                registry=reg,
                buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
            ),
            documents=Counter("moderation_documents_scanned", "Documents scanned", registry=reg),
            spans=Counter("moderation_spans_flagged", "Spam spans flagged", registry=reg),
            span_reasons=Counter(
                "moderation_span_reasons",
                "Flagged spans by reason code (once per span)",
                ["code"],
                registry=reg,
            ),
            errors=Counter("moderation_errors", "Error responses by type", ["type"], registry=reg),
        )
