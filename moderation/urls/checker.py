"""The URL checker: is this link spam, scam or malicious? Offline, explainable, list-backed and learned.

::

    string -> parse_url (normalize; errors become a report with ``error``)   parse.py
           -> lists (allow wins over everything; block; shortener)          lists.py
           -> look-alike and brand checks (mixed scripts, confusables)      lookalike.py
           -> rule evidence (TLD abuse, tracking paths, IP host, ...)       rules.py
           -> learned lexical model (classifiers.UrlModel)                  log-odds
           -> score = model log-odds + the rules' evidence beyond the TLD prior (the model has that
              one) + look-alike weights -> verdict + reasons
           -> optional online providers (off by default; fail open)         providers.py

Verdicts: ``trusted`` (allowlisted, or a government/education/well-known source with a low score),
``malicious`` (block-listed, or score >= the malicious threshold recorded with the model: chosen for a
false-positive rate <= 0.5% on benign validation URLs), ``suspicious`` (score >= the suspicious
threshold), else ``neutral``. Without a URL model (none shipped in the model directory), the rule score
stands alone. Every finding is a ``Reason`` with a code (``moderation/_reasons.py``).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import _caches
from .._gcpause import paused
from .._reasons import Reason, known_reason
from .._settings import Settings
from .knowledge import TIER_NAMES, TRUSTED_TIER, Platform, platform_of, popularity_tier, prime_popularity
from .lists import ListHit, ListIndex, ListStore
from .lookalike import LookAlike, look_alike
from .parse import ParsedUrl, UrlError, parse_url
from .rules import (
    ABUSED_TLDS,
    RULE_BASELINE,
    LinkVerdict,
    RuleEvidence,
    host_has_spam_words,
    rule_evidence,
    tld_weight,
)

if TYPE_CHECKING:
    from classifiers import UrlModel, UrlParts

    from .providers import Provider

# Evidence the lexical model cannot see (it never met look-alikes of these brands in training), added
# to the log-odds. The rules' own evidence is added as its log-odds above the rules' baseline, minus the
# TLD part: the model's tld_abuse_prior feature already counts that.
HARD_WEIGHTS = {"imitation": 3.0, "mixed_script": 2.0, "campaign": 3.0}
# The spam-campaign shape: a heavily abused TLD, spam words in the domain and a tracking or call-to-action
# path (``video-earn.makeup/2963723185946817/``). No benign URL of the training and validation splits
# has all three (0 of ~133,000; 9 bad ones do), too few for the model to learn the conjunction, so it is
# a hand-set weight like the look-alike ones (chosen on those counts, not on the test split).
_CAMPAIGN = frozenset({"URL_TLD_HEAVILY_ABUSED", "URL_SPAM_WORDS"})
_CAMPAIGN_PATH = frozenset({"URL_NUMERIC_PATH", "URL_AFFILIATE_PARAMETER", "URL_CALL_TO_ACTION_PATH"})
_NO_KINDS: frozenset[str] = frozenset()
DEFAULT_THRESHOLDS = {"malicious": 0.85, "suspicious": 0.5}


def clear_caches(model: UrlModel | None = None) -> None:
    """Forget every per-host and per-path result (parse, suffix split, rules, look-alikes, the model's
    host share and path features): for benchmarks of URLs seen for the first time."""
    from classifiers._url_model import clear_caches as clear_model_caches

    _caches.clear()
    clear_model_caches(model)


@lru_cache(maxsize=1)
def _parts_type() -> type[UrlParts]:
    from classifiers import UrlParts

    return UrlParts


_PLATFORM_CODE = {"subdomain": 1, "path": 2}


def url_parts(p: ParsedUrl, look: LookAlike, popularity: int | None = None) -> UrlParts:
    """What the lexical model reads (its input contract, ``classifiers.UrlParts``), in the form it was
    trained on (``reduce_form`` in ``train/url_model.py``: no ``www.``, lower case, no trailing slash),
    plus the facts this package owns: the TLD's abuse prior, the brand flag, the domain's popularity
    tier (``popularity`` overrides the snapshot: training masks a popular-list row's own membership)
    and the user-content platform kind (``knowledge.py``)."""
    last = p.suffix.rsplit(".", 1)[-1] if p.suffix else ""
    platform = platform_of(p.host)
    if platform is not None or p.is_ip:
        popularity = 0  # a platform's own popularity says nothing about a user's page on it
    elif popularity is None:
        popularity = popularity_tier(p.registered_domain)
    host, subdomain = p.host, p.subdomain
    if subdomain == "www" or subdomain.startswith("www."):
        host, subdomain = host[4:], subdomain[4:]
    return _parts_type()(  # positional: keywords cost ~1 us more for every URL checked
        host,  # host
        subdomain,  # subdomain
        p.domain,  # domain
        p.suffix,  # suffix
        p.path.lower().rstrip("/"),  # path
        p.is_ip,  # is_ip
        ABUSED_TLDS.get(last, 0.0),  # tld_prior
        look.brand_outside is not None or look.imitates is not None,  # brand_outside
        popularity,  # popularity
        _PLATFORM_CODE[platform.controls] if platform else 0,  # platform
        host_has_spam_words(p.host, p.domain, p.suffix),  # spam_words
    )


@lru_cache(maxsize=256)
def _platform_reason(platform: Platform) -> Reason:
    """The platform's reason, one per platform (shared, like the host rules' reasons)."""
    return Reason("URL_USER_CONTENT_PLATFORM", {"platform": platform.name, "judged": platform.controls})


@dataclass(frozen=True, slots=True)
class UrlReport:
    """The checker's judgement of one URL.

    Attributes:
        url: the URL as given.
        parsed: the URL taken apart and normalized (``None`` when it could not be parsed).
        score: 0..1, higher = more likely spam, scam or malicious.
        verdict: ``malicious`` | ``suspicious`` | ``neutral`` | ``trusted``.
        reasons: the findings, each a ``Reason`` (code + parameters; ``.text`` for people).
        list_hits: the list entries that matched.
        is_shortener: the host is a URL shortener (the shipped list or a ``shortener`` list).
        rules: the rule evidence behind the score (the text models read its signals).
        error: why the string could not be checked (then the score is 0 and the verdict ``neutral``).
    """

    url: str
    parsed: ParsedUrl | None
    score: float
    verdict: LinkVerdict
    reasons: tuple[Reason, ...]
    list_hits: tuple[ListHit, ...] = ()
    is_shortener: bool = False
    rules: RuleEvidence | None = None
    error: str | None = None

    @property
    def normalized(self) -> str:
        """The normalized URL (``""`` when it could not be parsed)."""
        return self.parsed.url if self.parsed else ""

    @property
    def registered_domain(self) -> str:
        """``example.co.uk``; private suffixes count (``spam.github.io``)."""
        return self.parsed.registered_domain if self.parsed else ""

    domain = registered_domain

    @property
    def host(self) -> str:
        return self.parsed.host if self.parsed else ""

    @property
    def suffix(self) -> str:
        return self.parsed.suffix if self.parsed else ""

    @property
    def is_ip(self) -> bool:
        return self.parsed.is_ip if self.parsed else False

    def to_dict(self) -> dict[str, Any]:
        """The CLI/HTTP JSON shape: ``{"url", "domain", "score", "verdict", "reasons", "list_hits"}``
        (plus ``normalized``, ``is_ip``, ``is_shortener``), or ``{"url", "error"}``."""
        if self.error is not None:
            return {"url": self.url, "error": self.error}
        return {
            "url": self.url,
            "domain": self.registered_domain,
            "score": round(self.score, 4),
            "verdict": self.verdict,
            "reasons": [r.to_dict() for r in self.reasons],
            "list_hits": [h.to_dict() for h in self.list_hits],
            "normalized": self.normalized,
            "is_ip": self.is_ip,
            "is_shortener": self.is_shortener,
        }


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


_default_lock = threading.Lock()
_default_cache: dict[tuple[Path | None, Path | None], UrlChecker] = {}


class UrlChecker:
    """Judges URLs. Thread-safe after construction; build once (``UrlChecker.default()``), check many."""

    def __init__(
        self,
        model: UrlModel | None = None,
        lists: ListIndex | None = None,
        thresholds: dict[str, float] | None = None,
        providers: Sequence[Provider] = (),
        model_version: str = "rules",
    ) -> None:
        self.model = model
        self.lists = lists or ListIndex()
        self.thresholds = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
        self.providers = tuple(providers)
        self.model_version = model_version
        # Reports of recent URLs: scraped text repeats the same links across many articles. Without
        # providers a report depends only on the string, the model and the lists, all fixed here.
        self._recent: dict[str, UrlReport] = {}
        self._recent_lock = threading.Lock()

    RECENT = 65_536

    @classmethod
    def default(cls, settings: Settings | None = None, providers: Sequence[Provider] = ()) -> UrlChecker:
        """The shipped URL model (if present) and the local list store; cached per (model dir, data dir)."""
        from classifiers import load_url_model

        settings = settings or Settings()
        key = (settings.model_dir, settings.data_dir)
        with _default_lock:
            if key not in _default_cache:
                loaded = load_url_model(settings.model_dir)
                model, manifest = loaded if loaded else (None, {})
                lists = ListStore(settings.data_dir).load()
                _default_cache[key] = cls(
                    model, lists, manifest.get("thresholds"), (), str(manifest.get("model_version", "rules"))
                )
            base = _default_cache[key]
        if providers:
            return cls(base.model, base.lists, base.thresholds, providers, base.model_version)
        return base

    def check_many(self, urls: Iterable[str]) -> list[UrlReport]:
        """``[self.check(u) for u in urls]``, the same reports, faster for a batch: the URLs not in the
        report cache are parsed, their rule, look-alike and model inputs built, and the model's host
        shares of every new host computed at once (``UrlModel.prime_hosts``) before each URL is judged
        by the code ``check`` runs."""
        urls = list(urls)
        if self.providers or self.model is None:
            return [self.check(u) for u in urls]
        with paused():  # the batch makes no reference cycles (``_gcpause.py``)
            return self._check_batch(urls, self.model)

    def _check_batch(self, urls: list[str], model: UrlModel) -> list[UrlReport]:
        out: list[UrlReport | None] = [None] * len(urls)
        todo: dict[str, list[int]] = {}
        recent = self._recent
        for i, url in enumerate(urls):
            if not isinstance(url, str) or len(url) > 2048:
                out[i] = self.check(url)
                continue
            hit = recent.get(url)
            if hit is not None:
                out[i] = hit
            else:
                todo.setdefault(url, []).append(i)
        parsed: list[tuple[str, ParsedUrl]] = []
        for url in todo:
            try:
                parsed.append((url, parse_url(url)))
            except UrlError as exc:
                self._finish(
                    url, todo[url], out, UrlReport(url[:2000], None, 0.0, "neutral", (), error=str(exc))
                )
        prime_popularity(p.registered_domain for _, p in parsed)
        ready: list[tuple[str, ParsedUrl, RuleEvidence, LookAlike, UrlParts]] = []
        for url, p in parsed:
            rules = rule_evidence(p)
            look = look_alike(p)
            ready.append((url, p, rules, look, url_parts(p, look)))
        model.prime_hosts(r[4] for r in ready)
        for url, p, rules, look, parts in ready:
            self._finish(url, todo[url], out, self._judge(p, rules, look, parts))
        return out  # type: ignore[return-value]

    def _finish(self, url: str, where: list[int], out: list[UrlReport | None], report: UrlReport) -> None:
        with self._recent_lock:
            if len(self._recent) >= self.RECENT:
                self._recent.clear()
            self._recent[url] = report
        for i in where:
            out[i] = report

    def check(self, url: str) -> UrlReport:
        """Judge one URL (never raises for bad input: the report carries ``error``)."""
        cacheable = not self.providers and isinstance(url, str) and len(url) <= 2048
        if cacheable:
            hit = self._recent.get(url)
            if hit is not None:
                return hit
        try:
            report = self.judge(parse_url(url))
        except UrlError as exc:
            report = UrlReport(str(url)[:2000], None, 0.0, "neutral", (), error=str(exc))
        if cacheable:
            with self._recent_lock:
                if len(self._recent) >= self.RECENT:
                    self._recent.clear()
                self._recent[url] = report
        return report

    def judge(self, p: ParsedUrl, obfuscated: bool = False) -> UrlReport:
        """Judge a parsed URL; ``obfuscated``: it was written in a disguised form (the link finder
        knows, for links it found in text)."""
        rules = rule_evidence(p, obfuscated)
        look = look_alike(p)
        return self._judge(p, rules, look, url_parts(p, look) if self.model is not None else None)

    def _judge(self, p: ParsedUrl, rules: RuleEvidence, look: LookAlike, parts: UrlParts | None) -> UrlReport:
        """``judge`` once the rule evidence, look-alikes and the model's input are known."""
        hits = tuple(self.lists.lookup(p))
        kinds = {h.kind for h in hits} if hits else _NO_KINDS
        z, reasons, p_model = self._evidence(p, rules, look, parts=parts)
        score = self.model.probability(z) if self.model is not None else _sigmoid(z)
        if look.brand_outside and (not look.brand_in_path or score >= self.thresholds["suspicious"]):
            reasons.append(Reason("URL_BRAND_OUTSIDE_DOMAIN", {"brand": look.brand_outside}))
        if p_model is not None:
            code = "URL_MODEL_BAD" if p_model >= 0.5 else "URL_MODEL_ORDINARY"
            reasons.append(known_reason(code, {"score": p_model}))
        short = "shortener" in kinds or rules.shortener  # the rule: host or registered domain listed
        if short and not rules.shortener:
            reasons.append(Reason("URL_SHORTENER"))
        platform = platform_of(p.host)
        tier = 0 if p.is_ip or platform is not None else popularity_tier(p.registered_domain)
        if platform is not None:
            reasons.append(_platform_reason(platform))
        elif tier:
            reasons.append(
                known_reason("URL_POPULAR_DOMAIN", {"domain": p.registered_domain, "rank": TIER_NAMES[tier]})
            )
        for provider in self.providers:
            said = provider.lookup(p)
            if said is not None:
                score = max(score, 0.99)
                reasons.append(Reason("URL_PROVIDER", {"provider": provider.name, "verdict": said}))
        standing = "shortener" if short else "popular" if 1 <= tier <= TRUSTED_TIER else ""
        if rules.trusted and platform is None and not standing:
            standing = "trusted"
        score, verdict = self._verdict(score, hits, kinds, standing, reasons)
        return UrlReport(p.input, p, score, verdict, tuple(reasons), hits, short, rules)

    def log_odds(self, p: ParsedUrl, popularity: int | None = None) -> float:
        """The total log-odds ``judge`` turns into its score, before lists and providers; ``popularity``
        overrides the snapshot's tier (training and its measurements mask a popular-list row's own
        membership, which would otherwise be its label)."""
        rules = rule_evidence(p)
        look = look_alike(p)
        return self._evidence(p, rules, look, popularity)[0]

    def _evidence(
        self,
        p: ParsedUrl,
        rules: RuleEvidence,
        look: LookAlike,
        popularity: int | None = None,
        parts: UrlParts | None = None,
    ) -> tuple[float, list[Reason], float | None]:
        """(log-odds, reasons so far, the model's own probability or None): the model's log-odds plus
        the rules' evidence beyond the TLD prior, plus the look-alike weights (``parts``: the model's
        input when the caller has built it already)."""
        reasons: list[Reason] = []
        z = rules.log_odds
        p_model = None
        if self.model is not None:
            z_model = self.model.decision(parts if parts is not None else url_parts(p, look, popularity))
            p_model = _sigmoid(z_model)
            z = z_model + (rules.log_odds - RULE_BASELINE - tld_weight(rules.abused_tld))
        if look.imitates:
            z += HARD_WEIGHTS["imitation"]
            reasons.append(Reason("URL_IMITATES_BRAND", {"brand": look.imitates}))
        if look.mixed_script:
            z += HARD_WEIGHTS["mixed_script"]
            reasons.append(Reason("URL_MIXED_SCRIPT", {"host": p.host_unicode}))
        reasons.extend(rules.reasons)
        if rules.abused_tld >= 1.0 and rules.reasons:
            codes = {r.code for r in rules.reasons}
            if codes >= _CAMPAIGN and not codes.isdisjoint(_CAMPAIGN_PATH):
                z += HARD_WEIGHTS["campaign"]
                reasons.append(Reason("URL_CAMPAIGN_SHAPE"))
        return z, reasons, p_model

    def _verdict(
        self,
        score: float,
        hits: tuple[ListHit, ...],
        kinds: frozenset[str] | set[str],
        standing: str,
        reasons: list[Reason],
    ) -> tuple[float, LinkVerdict]:
        """Lists first (an allowlist entry wins over everything, then a block list); then a shortener is
        ``unknown`` (its destination cannot be judged offline); then the thresholds, except that a
        popular editorial domain (``standing == "popular"``) is ``trusted`` below the malicious one and a
        government/education/well-known source (``"trusted"``) below the suspicious one."""
        verdict: LinkVerdict
        if "allow" in kinds:
            source = next(h.source for h in hits if h.kind == "allow")
            score = min(score, 0.1)
            verdict = "trusted"
            reasons.insert(0, Reason("LIST_ALLOWED", {"list": source}))
        elif "block" in kinds:
            source = next(h.source for h in hits if h.kind == "block")
            score = max(score, 0.99)
            verdict = "malicious"
            reasons.insert(0, Reason("LIST_BLOCKED", {"list": source}))
        elif standing == "shortener" and not any(r.code == "URL_PROVIDER" for r in reasons):
            verdict = "unknown"
        elif score >= self.thresholds["malicious"]:
            verdict = "malicious"
        elif standing == "popular" or (standing == "trusted" and score < self.thresholds["suspicious"]):
            verdict = "trusted"
        elif score >= self.thresholds["suspicious"]:
            verdict = "suspicious"
        else:
            verdict = "neutral"
        if verdict in ("malicious", "suspicious") and self.lists.has_allow_lists:
            reasons.append(Reason("LIST_NOT_ALLOWED"))
        return score, verdict
