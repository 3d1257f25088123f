"""A newsroom's ingest hook: one article in, a decision it can act on out.

>>> from moderation.hooks import Article, Hook, load_policies           # doctest: +SKIP
>>> hook = Hook(load_policies("newsroom.toml"))                          # doctest: +SKIP
>>> d = hook.decide(Article(body=text, url=url, source="stringer", desk="sport"))  # doctest: +SKIP
>>> d.action, d.cleaned_body, d.reasons                                  # doctest: +SKIP

``decide(article, policy)`` is the same for one policy and the process's shared hook.

**Actions** (``Decision.action``):

- ``keep``: nothing reported; or the source is always allowed (wire services, the newsroom's own domains:
  never scanned); or the time budget ran out (``timed_out`` is set: fail open, the article is not held up);
- ``strip``: every reported span scores at least the policy's ``strip`` threshold: publish
  ``cleaned_body``;
- ``flag``: something was reported below the ``strip`` threshold: a person decides (``cleaned_body`` has
  the strong spans cut);
- ``reject``: the reported spans cover at least ``reject_share`` of the body: it is spam, not an article.

**Policies** come from one TOML settings file (``load_policies``)::

    [policy]                  # every desk's defaults
    flag = 0.5                # a span scoring at least this is reported
    strip = 0.8               # ... and cut without review at this score
    reject_share = 0.5        # reported share of the body (non-space characters) that rejects the article
    budget_ms = 40            # answer within this, or keep the article with timed_out = true

    [sources]
    allow = ["reuters", "ap", "afp"]         # always kept, matched against Article.source (case-insensitive)
    own_domains = ["dailyherald.example"]    # the newsroom's own sites: articles from them are kept

    [desks.sport]             # a desk's own thresholds (any [policy] key)
    strip = 0.9

**Threads and async**: ``Hook`` is thread-safe (the scanner is; calls run on a small thread pool so the
budget can be enforced); ``adecide`` is the same for asyncio code and never blocks the event loop. The
budget is kept as well as Python threads allow: a scan holds the interpreter lock while it computes, so
the waiting caller may wake a few milliseconds late, and takes the result if it is there by then.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from ._errors import ConfigurationError
from ._reasons import Reason

if TYPE_CHECKING:
    from .text.scanner import Scanner

Action = Literal["keep", "flag", "strip", "reject"]
POLICY_KEYS = ("flag", "strip", "reject_share", "budget_ms")


@dataclass(frozen=True)
class Article:
    """An article as an ingest pipeline holds it.

    Attributes:
        body: the article text (ignored when ``html`` is given: the text is extracted from the page).
        headline: the headline (kept as is; not scanned).
        url: where it came from.
        source: who sent it (a wire service's name, a stringer, a feed).
        desk: the desk it is for; picks the desk's policy.
        id: the pipeline's own id, echoed.
        html: the page, when the pipeline holds HTML rather than text.
    """

    body: str = ""
    headline: str = ""
    url: str | None = None
    source: str | None = None
    desk: str | None = None
    id: Any = None
    html: str | bytes | None = None


@dataclass(frozen=True)
class Policy:
    """How one desk decides (see the module docstring for the file format).

    Attributes:
        name: the desk, or ``default``.
        flag, strip: span score thresholds (0..1; ``strip`` >= ``flag``).
        reject_share: reported share of the body at which the article is rejected.
        budget_ms: time budget per call; past it the article is kept with ``timed_out``.
        allow_sources: sources that are always kept (lower case).
        own_domains: the newsroom's own registered domains.
    """

    name: str = "default"
    flag: float = 0.5
    strip: float = 0.8
    reject_share: float = 0.5
    budget_ms: float = 40.0
    allow_sources: frozenset[str] = frozenset()
    own_domains: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for key in ("flag", "strip", "reject_share"):
            value = getattr(self, key)
            if not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
                raise ConfigurationError(f"policy {self.name}: {key} = {value!r} must be between 0 and 1")
        if self.strip < self.flag:
            raise ConfigurationError(f"policy {self.name}: strip ({self.strip}) is below flag ({self.flag})")
        if not isinstance(self.budget_ms, int | float) or self.budget_ms <= 0:
            raise ConfigurationError(f"policy {self.name}: budget_ms = {self.budget_ms!r} must be positive")

    def allows(self, article: Article) -> Reason | None:
        """Why the article is always allowed, or None."""
        if article.source and article.source.strip().lower() in self.allow_sources:
            return Reason("HOOK_ALLOWED_SOURCE", {"source": article.source})
        if article.url and self.own_domains:
            try:
                host = (urlsplit(article.url).hostname or "").lower()
            except ValueError:
                host = ""
            for domain in self.own_domains:
                if host == domain or host.endswith("." + domain):
                    return Reason("HOOK_OWN_DOMAIN", {"domain": domain})
        return None


@dataclass(frozen=True)
class Policies:
    """The default policy and the desks' own (``for_article`` picks one)."""

    default: Policy = field(default_factory=Policy)
    desks: Mapping[str, Policy] = field(default_factory=dict)

    def for_article(self, article: Article) -> Policy:
        if article.desk:
            return self.desks.get(article.desk.strip().lower(), self.default)
        return self.default


def load_policies(path: str | Path) -> Policies:
    """Read the settings file (TOML); unknown keys and bad values are a ``ConfigurationError`` naming them."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"cannot read the policy file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{path} is not valid TOML: {exc}") from None
    return policies_from_dict(data, str(path))


def policies_from_dict(data: Mapping[str, Any], where: str = "policies") -> Policies:
    """``Policies`` from the settings file's structure (already parsed)."""
    unknown = set(data) - {"policy", "sources", "desks"}
    if unknown:
        raise ConfigurationError(f"{where}: unknown section(s) {sorted(unknown)}")
    sources = data.get("sources", {})
    bad = set(sources) - {"allow", "own_domains"}
    if bad:
        raise ConfigurationError(f"{where}: unknown key(s) in [sources]: {sorted(bad)}")
    common = {
        "allow_sources": frozenset(str(s).strip().lower() for s in sources.get("allow", [])),
        "own_domains": frozenset(
            str(s).strip().lower().removeprefix("www.") for s in sources.get("own_domains", [])
        ),
    }

    def policy(name: str, values: Mapping[str, Any], base: Mapping[str, Any]) -> Policy:
        wrong = set(values) - set(POLICY_KEYS)
        if wrong:
            raise ConfigurationError(f"{where}: unknown key(s) in the {name} policy: {sorted(wrong)}")
        merged: dict[str, Any] = {**base, **values, **common}
        return Policy(name=name, **merged)

    defaults = dict(data.get("policy", {}))
    default = policy("default", defaults, {})
    desks = {
        str(name).lower(): policy(str(name).lower(), values, defaults)
        for name, values in data.get("desks", {}).items()
    }
    return Policies(default, desks)


@dataclass(frozen=True)
class Decision:
    """What the hook decided.

    Attributes:
        action: ``keep`` | ``flag`` | ``strip`` | ``reject`` (see the module docstring).
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
            from .text.scanner import Scanner

            scanner = Scanner.default()
        self.scanner = scanner
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=max(1, workers), thread_name_prefix="moderation-hook"
        )
        checker = scanner.url_checker
        from . import __version__

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
        from .text.cut import cut_spans

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


__all__ = [
    "Action",
    "Article",
    "Decision",
    "Hook",
    "Policies",
    "Policy",
    "decide",
    "load_policies",
    "policies_from_dict",
]
