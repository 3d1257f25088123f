"""The URL checker: is this link spam, scam or malicious? Offline, explainable, list-backed and learned.

::

    string -> parse_url (normalize; errors become a report with ``error``)
           -> lists (allow wins over everything; block; shortener)          _lists.py
           -> look-alike and brand checks (mixed scripts, confusables)      here
           -> rule evidence (TLD abuse, tracking paths, IP host, ...)        _reputation.py
           -> learned lexical model (classifiers.UrlModel)                  log-odds
           -> score = model log-odds + the rules' evidence beyond the TLD prior (the model has that
              one) + look-alike weights -> verdict + reasons
           -> optional online providers (off by default; fail open)         _providers.py

Verdicts: ``trusted`` (allowlisted, or a government/education/well-known source with a low score),
``malicious`` (block-listed, or score >= the malicious threshold recorded with the model: chosen for a
false-positive rate <= 0.5% on benign validation URLs), ``suspicious`` (score >= the suspicious
threshold), else ``neutral``. Without a URL model (none shipped in the model directory), the rule score
stands alone.
"""

from __future__ import annotations

import math
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._settings import Settings
from .lists import ListHit, ListIndex, ListStore
from .parse import ParsedUrl, UrlError, parse_url
from .rules import (
    ABUSED_TLDS,
    RULE_BASELINE,
    LinkVerdict,
    Reputation,
    rule_evidence,
    shorteners,
    tld_weight,
)

if TYPE_CHECKING:
    from classifiers import UrlModel, UrlParts

    from .providers import Provider

# Evidence the lexical model cannot see (it never met look-alikes of these brands in training), added
# to the log-odds. The rules' own evidence is added as its log-odds above the rules' baseline, minus the
# TLD part: the model's tld_abuse_prior feature already counts that.
HARD_WEIGHTS = {"imitation": 3.0, "mixed_script": 2.0}
_NO_KINDS: frozenset[str] = frozenset()
DEFAULT_THRESHOLDS = {"malicious": 0.85, "suspicious": 0.5}

# Letters from other scripts that look like Latin ones (the common phishing set), and digit look-alikes.
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
        "ԁ": "d", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ν": "v", "ο": "o", "α": "a", "ρ": "p", "τ": "t",
        "ι": "i", "κ": "k", "η": "n", "μ": "u", "0": "o", "1": "l", "3": "e", "5": "s", "ı": "i",
    }
)  # fmt: skip


@lru_cache(maxsize=1)
def brands() -> dict[str, frozenset[str]]:
    """brand name -> its own registered domains (resources/brands.txt)."""
    text = resources.files("moderation").joinpath("resources/brands.txt").read_text(encoding="utf-8")
    out: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, *domains = line.split()
            out[name] = frozenset(domains)
    return out


def _skeleton(label: str) -> str:
    """The label with look-alike letters replaced by the Latin ones they imitate and accents dropped."""
    plain = label.translate(_CONFUSABLES)
    if not plain.isascii():  # ASCII has nothing to decompose
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.replace("rn", "m").replace("vv", "w").replace("-", "")


def _scripts(label: str) -> set[str]:
    out = set()
    for ch in label:
        if ch.isalpha():
            out.add(unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0])
    return out


@dataclass(frozen=True, slots=True)
class LookAlike:
    """Brand and homoglyph evidence about a host.

    Attributes:
        brand_outside: a brand named outside its own domain (subdomain, path, or a hyphenated label).
        imitates: the brand domain this host's name imitates (``paypal.com`` for ``paypa1.com``).
        mixed_script: a label mixes scripts (Latin with Cyrillic or Greek).
        brand_in_path: the brand was named in the path only (weaker: news paths name brands too).
    """

    brand_outside: str | None
    imitates: str | None
    mixed_script: bool
    brand_in_path: bool = False


@lru_cache(maxsize=1)
def _brand_tables() -> tuple[dict[str, frozenset[str]], frozenset[str], frozenset[str]]:
    """(brand -> own domains, every brand-owned domain, brand names of 5+ letters for path checks)."""
    table = brands()
    owned = frozenset(d for own in table.values() for d in own)
    return table, owned, frozenset(name for name in table if len(name) >= 5)


@lru_cache(maxsize=65536)
def _host_look(host_unicode: str, registered: str, suffix: str, subdomain: str, domain: str) -> LookAlike:
    table, owned, _ = _brand_tables()
    mixed = not host_unicode.isascii() and any(len(_scripts(x)) > 1 for x in host_unicode.split("."))
    label = (
        host_unicode[: -len(suffix) - 1] if suffix and host_unicode.endswith("." + suffix) else host_unicode
    )
    label = label.rsplit(".", 1)[-1]
    imitates = None
    if registered not in owned:
        skel = _skeleton(label)
        own = table.get(skel)
        if own is not None and (label != skel or not host_unicode.isascii()):
            imitates = sorted(own)[0]
    outside = None
    if imitates is None and registered not in owned:
        words = set(subdomain.replace("-", ".").split(".")) | set(domain.split("-"))
        for name in sorted(words.intersection(table)):
            if name != domain:
                outside = name
                break
    return LookAlike(outside, imitates, mixed)


def clear_caches(model: UrlModel | None = None) -> None:
    """Forget every per-host and per-path result (parse, suffix split, rules, look-alikes, the model's
    host share and path features): for benchmarks of URLs seen for the first time."""
    from classifiers._url_model import _host_features, _path_features

    from .parse import _host
    from .rules import _host_evidence, _path_evidence
    from .suffixes import split_host

    for cache in (
        _host,
        split_host,
        _host_evidence,
        _path_evidence,
        _host_look,
        _brand_in_path,
        _host_features,
        _path_features,
    ):
        cache.cache_clear()
    if model is not None:
        model.__dict__.pop("_fast", None)


def look_alike(p: ParsedUrl) -> LookAlike:
    """Brand and homoglyph checks on a parsed URL (host part cached per host)."""
    host = _host_look(p.host_unicode, p.registered_domain, p.suffix, p.subdomain, p.domain)
    if host.imitates or host.brand_outside or not p.path:
        return host
    if p.registered_domain in _brand_tables()[1]:
        return host
    brand = _brand_in_path(p.path)
    return LookAlike(brand, None, host.mixed_script, brand_in_path=True) if brand else host


@lru_cache(maxsize=16384)
def _brand_in_path(path: str) -> str | None:
    """The first (alphabetical) brand name of 5+ letters that is a whole word of the path, if any
    (cached: link paths recur, the empty one most)."""
    _, _, long_names = _brand_tables()
    path_words = set(path.lower().replace("-", "/").replace(".", "/").replace("?", "/").split("/"))
    hit = sorted(path_words.intersection(long_names))
    return hit[0] if hit else None


@lru_cache(maxsize=1)
def _parts_type() -> type[UrlParts]:
    from classifiers import UrlParts

    return UrlParts


def url_parts(p: ParsedUrl, look: LookAlike) -> UrlParts:
    """What the lexical model reads, in the form it was trained on (``reduce_form`` in _url_training: no
    ``www.``, lower case, no trailing slash), plus the TLD prior and the brand flag."""
    last = p.suffix.rsplit(".", 1)[-1] if p.suffix else ""
    host, subdomain = p.host, p.subdomain
    if subdomain == "www" or subdomain.startswith("www."):
        host, subdomain = host[4:], subdomain[4:]
    return _parts_type()(
        host=host,
        subdomain=subdomain,
        domain=p.domain,
        suffix=p.suffix,
        path=p.path.lower().rstrip("/"),
        is_ip=p.is_ip,
        tld_prior=ABUSED_TLDS.get(last, 0.0),
        brand_outside=look.brand_outside is not None or look.imitates is not None,
    )


@dataclass(frozen=True, slots=True)
class UrlReport:
    """The checker's judgement of one URL.

    Attributes:
        url: the URL as given.
        normalized: the normalized URL (``""`` when it could not be parsed).
        registered_domain: ``example.co.uk``; private suffixes count (``spam.github.io``).
        host, suffix: the normalized host and its public suffix.
        score: 0..1, higher = more likely spam, scam or malicious.
        verdict: ``malicious`` | ``suspicious`` | ``neutral`` | ``trusted``.
        reasons: the evidence, one short sentence each.
        list_hits: the list entries that matched.
        is_ip, is_shortener: the host is an IP address / a URL shortener.
        error: why the string could not be checked (then the score is 0 and the verdict ``neutral``).
    """

    url: str
    normalized: str
    registered_domain: str
    host: str
    suffix: str
    score: float
    verdict: LinkVerdict
    reasons: tuple[str, ...]
    list_hits: tuple[ListHit, ...] = ()
    is_ip: bool = False
    is_shortener: bool = False
    error: str | None = None

    @property
    def domain(self) -> str:
        return self.registered_domain

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
            "reasons": list(self.reasons),
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
        return [self.check(u) for u in urls]

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
            report = UrlReport(str(url)[:2000], "", "", "", "", 0.0, "neutral", (), error=str(exc))
        if cacheable:
            with self._recent_lock:
                if len(self._recent) >= self.RECENT:
                    self._recent.clear()
                self._recent[url] = report
        return report

    def judge(self, p: ParsedUrl, obfuscated: bool = False, rule: Reputation | None = None) -> UrlReport:
        """Judge a parsed URL (the engine calls this for links it found in text, with the basic reputation
        it already computed as ``rule``)."""
        found = self.lists.lookup(p)
        hits = tuple(found)
        kinds = {h.kind for h in found} if found else _NO_KINDS
        registered = p.registered_domain
        listed_short = shorteners()
        short = "shortener" in kinds or registered in listed_short or p.host in listed_short
        if rule is None:
            obfuscated = obfuscated or "refanged" in p.notes
            log_odds, rule_reasons, _, host_rules = rule_evidence(
                p.host, p.domain, p.suffix, p.path, bool(p.userinfo), obfuscated
            )
            abused, trusted = host_rules.abuse, host_rules.trusted
        else:
            log_odds, rule_reasons, abused, trusted = (
                rule.log_odds,
                rule.reasons,
                rule.abused_tld,
                rule.trusted,
            )
        look = look_alike(p)
        reasons: list[str] = []
        z = log_odds
        if self.model is not None:
            z_model = self.model.decision(url_parts(p, look))
            p_model = _sigmoid(z_model)
            z = z_model + (log_odds - RULE_BASELINE - tld_weight(abused))
        if look.imitates:
            z += HARD_WEIGHTS["imitation"]
            reasons.append(f"host imitates {look.imitates}")
        if look.mixed_script:
            z += HARD_WEIGHTS["mixed_script"]
            reasons.append(f"host mixes alphabets ({p.host_unicode})")
        if p.userinfo and not any("user-info" in r for r in rule_reasons):
            reasons.append(f"user-info trick: {p.userinfo[:40]!r} before the real host {p.host}")
        reasons.extend(rule_reasons)
        score = _sigmoid(z)
        if look.brand_outside and (not look.brand_in_path or score >= self.thresholds["suspicious"]):
            reasons.append(f"brand name '{look.brand_outside}' outside the brand's own domain")
        if self.model is not None:
            looks = "known bad" if p_model >= 0.5 else "ordinary"
            reasons.append(f"lexical model {p_model:.2f} (resembles {looks} URLs)")
        if short and not any("shortener" in r for r in reasons):
            reasons.append("URL shortener hides the destination")
        for provider in self.providers:
            said = provider.lookup(p)
            if said is not None:
                score = max(score, 0.99)
                reasons.append(f"{provider.name}: {said}")
        verdict: LinkVerdict
        if "allow" in kinds:
            source = next(h.source for h in hits if h.kind == "allow")
            score = min(score, 0.1)
            verdict = "trusted"
            reasons.insert(0, f"on the allowlist '{source}'")
        elif "block" in kinds:
            source = next(h.source for h in hits if h.kind == "block")
            score = max(score, 0.99)
            verdict = "malicious"
            reasons.insert(0, f"on the block list '{source}'")
        elif score >= self.thresholds["malicious"]:
            verdict = "malicious"
        elif score >= self.thresholds["suspicious"]:
            verdict = "suspicious"
        elif trusted:
            verdict = "trusted"
        else:
            verdict = "neutral"
        if verdict in ("malicious", "suspicious") and self.lists.has_allow_lists:
            reasons.append("domain unseen in allowlists")
        return UrlReport(
            url=p.input,
            normalized=p.url,
            registered_domain=registered,
            host=p.host,
            suffix=p.suffix,
            score=score,
            verdict=verdict,
            reasons=tuple(reasons),
            list_hits=hits,
            is_ip=p.is_ip,
            is_shortener=short,
        )
