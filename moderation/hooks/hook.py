"""The hook itself: ``Hook.decide`` (and ``adecide``) runs a scan within the policy's budget and turns the
result into a ``Decision``; ``decide`` uses one shared hook per process."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from .._reasons import Reason
from .policies import Article, Policies, Policy

if TYPE_CHECKING:
    from ..text.scanner import Scanner

Action = Literal["keep", "flag", "strip", "reject"]


@dataclass(frozen=True)
class Decision:
    """What the hook decided.

    Attributes:
        action: ``keep`` | ``flag`` | ``strip`` | ``reject`` (see ``moderation.hooks``).
        article: the article as given.
        body: the text that was judged (the body, or the text extracted from ``html``).
        cleaned_body: ``body`` without the spans at or above the policy's ``strip`` score.
        spans: the reported spans (offsets into ``body``; score >= the policy's ``flag``).
        reasons: why, each a ``Reason`` (for HTML pages, what the markup showed first: ``HTML_...``
            codes; for a kept article that was not scanned, ``HOOK_...``).
        policy: the policy's name.
        score: the highest span score (0 when nothing was reported).
        timed_out: the budget ran out before the scan did: kept unscanned (fail open).
        allowed: the source is always allowed (not scanned).
        elapsed_ms: time taken by the call.
        versions: package, text model, URL model, URL list entries and HTML rules versions.
        cleaned_html: for HTML articles, the page without its spam elements.
    """

    action: Action
    article: Article
    body: str
    cleaned_body: str
    spans: tuple[Any, ...]
    reasons: tuple[Reason, ...]
    policy: str
    score: float = 0.0
    timed_out: bool = False
    allowed: bool = False
    elapsed_ms: float = 0.0
    versions: Mapping[str, Any] = field(default_factory=dict)
    cleaned_html: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.article.id,
            "action": self.action,
            "policy": self.policy,
            "score": round(self.score, 4),
            "spans": [s.to_dict() for s in self.spans],
            "reasons": [r.to_dict() for r in self.reasons],
            "cleaned_body": self.cleaned_body,
            "timed_out": self.timed_out,
            "allowed": self.allowed,
            "elapsed_ms": round(self.elapsed_ms, 2),
            "versions": dict(self.versions),
        }


HTML_RULES_VERSION = "html-rules-1"


class Hook:
    """Decides articles with a scanner and policies. Thread-safe; build one per process.

    Args:
        policies: the desks' policies (``load_policies``), or one ``Policy`` for everything.
        scanner: the text engine (default ``Scanner.default()``, loaded now, not on the first article).
        workers: threads that run scans (the budget is enforced by waiting on them).
    """

    def __init__(
        self, policies: Policies | Policy | None = None, scanner: Scanner | None = None, workers: int = 2
    ) -> None:
        if isinstance(policies, Policy):
            policies = Policies(policies)
        self.policies = policies or Policies()
        if scanner is None:
            from ..text.scanner import Scanner

            scanner = Scanner.default()
        self.scanner = scanner
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=max(1, workers), thread_name_prefix="moderation-hook"
        )
        checker = scanner.url_checker
        from .. import __version__

        self.versions = {
            "package": __version__,
            "model": scanner.model_version,
            "url_model": checker.model_version,
            "url_list_entries": len(checker.lists),
            "html_rules": HTML_RULES_VERSION,
        }

    def decide(self, article: Article, policy: Policy | None = None) -> Decision:
        """Decide one article (the desk's policy unless one is given), within the policy's budget."""
        start = time.perf_counter()
        policy = policy or self.policies.for_article(article)
        allowed = policy.allows(article)
        if allowed:
            return self._keep(article, policy, start, allowed=allowed)
        future = self._pool.submit(self._judge, article, policy)
        try:
            decision = future.result(timeout=policy.budget_ms / 1000.0)
        except concurrent.futures.TimeoutError:
            return self._keep(article, policy, start, timed_out=True)
        return replace(decision, elapsed_ms=1000 * (time.perf_counter() - start))

    async def adecide(self, article: Article, policy: Policy | None = None) -> Decision:
        """``decide`` for asyncio code: the scan runs on the hook's threads, the loop keeps running."""
        start = time.perf_counter()
        policy = policy or self.policies.for_article(article)
        allowed = policy.allows(article)
        if allowed:
            return self._keep(article, policy, start, allowed=allowed)
        future = asyncio.wrap_future(self._pool.submit(self._judge, article, policy))
        try:
            decision = await asyncio.wait_for(asyncio.shield(future), policy.budget_ms / 1000.0)
        except TimeoutError:
            return self._keep(article, policy, start, timed_out=True)
        return replace(decision, elapsed_ms=1000 * (time.perf_counter() - start))

    def close(self) -> None:
        """Stop the hook's threads (scans in progress finish first)."""
        self._pool.shutdown(wait=True)

    def _keep(
        self,
        article: Article,
        policy: Policy,
        start: float,
        allowed: Reason | None = None,
        timed_out: bool = False,
    ) -> Decision:
        body = article.body
        why = allowed or Reason("HOOK_TIMED_OUT", {"budget_ms": policy.budget_ms})
        return Decision(
            "keep",
            article,
            body,
            body,
            (),
            (why,),
            policy.name,
            timed_out=timed_out,
            allowed=bool(allowed),
            elapsed_ms=1000 * (time.perf_counter() - start),
            versions=self.versions,
        )

    def _judge(self, article: Article, policy: Policy) -> Decision:
        from ..text.cut import cut_spans

        cleaned_html = None
        page_reasons: list[Reason] = []
        if article.html is not None:
            res = self.scanner.scan_html(article.html, url=article.url, id=article.id)
            body, spans, cleaned_html = res.text, res.spans, res.cleaned_html
            # what the markup showed (the text engine's own findings come with the reported spans)
            page_reasons = [
                r
                for p in res.page_spans
                for r in p.reasons
                if r.code.startswith("HTML_") and r.code != "HTML_TEXT_MODEL"
            ]
        else:
            res_t = self.scanner.scan(article.body, url=article.url, id=article.id)
            body, spans = article.body, res_t.spans
        reported = tuple(s for s in spans if s.score >= policy.flag)
        reasons = _unique([*page_reasons, *(r for s in reported for r in s.reasons)])
        strong = [(s.start, s.end) for s in reported if s.score >= policy.strip]
        cleaned = cut_spans(body, strong)
        if not reported and not page_reasons:
            action: Action = "keep"
        elif _share(body, reported) >= policy.reject_share:
            action = "reject"
        elif len(strong) == len(reported):
            action = "strip"
        else:
            action = "flag"
        score = max((s.score for s in reported), default=0.0)
        return Decision(
            action,
            article,
            body,
            cleaned,
            reported,
            reasons,
            policy.name,
            score=score,
            versions=self.versions,
            cleaned_html=cleaned_html,
        )


def _unique(reasons: list[Reason]) -> tuple[Reason, ...]:
    """Each reason once (by code and text), in order."""
    seen: dict[tuple[str, str], Reason] = {}
    for r in reasons:
        seen.setdefault((r.code, r.text), r)
    return tuple(seen.values())


def _share(body: str, spans: tuple[Any, ...]) -> float:
    total = len(body) - sum(ch.isspace() for ch in body)
    flagged = sum(len(s.text) - sum(ch.isspace() for ch in s.text) for s in spans)
    return flagged / total if total else 0.0


_shared: Hook | None = None
_shared_lock = threading.Lock()


def decide(article: Article, policy: Policy | None = None) -> Decision:
    """Decide one article with the process's shared hook (built on first use: ``Scanner.default()``)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Hook()
    return _shared.decide(article, policy)
