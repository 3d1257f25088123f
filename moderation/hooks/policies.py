"""What a desk decides by: the article as the pipeline holds it, the policies and the settings file they
come from (the file's format is in ``moderation.hooks``' docstring)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .._errors import ConfigurationError
from .._reasons import Reason

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
    """How one desk decides (the file format is in ``moderation.hooks``).

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
