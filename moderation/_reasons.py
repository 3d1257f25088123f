"""Reasons as data: every finding is a named code with parameters, like rspamd's symbols.

Code decides and counts by ``Reason.code`` (stable, upper case, grouped by prefix: ``URL_`` for what the
URL checker found about a link, ``TEXT_`` for what the text evidence says about a span, ``LIST_`` for list
hits, ``HTML_`` for what only a page's markup shows, ``HOOK_`` for why the newsroom hook kept an
article unscanned); people read ``Reason.text``, rendered from ``CODES`` at the edges (CLI, HTTP,
reports). A new finding is one entry in ``CODES`` and one line in the README's table of codes (a test
holds the two equal).

A URL reason quoted inside a span carries the link's domain as the ``link`` parameter, and its text
reads ``link <domain>: <what was found>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: code -> the English text, a ``str.format`` template over the reason's parameters
CODES: dict[str, str] = {
    # the URL checker: lists
    "LIST_ALLOWED": "on the allowlist '{list}'",
    "LIST_BLOCKED": "on the block list '{list}'",
    "LIST_NOT_ALLOWED": "domain unseen in allowlists",
    # the URL checker: rules about the host
    "URL_TLD_HEAVILY_ABUSED": "TLD .{tld} is heavily abused",
    "URL_TLD_OFTEN_ABUSED": "TLD .{tld} is often abused",
    "URL_SPAM_WORDS": "spam words in domain ({words})",
    "URL_SHORTENER": "URL shortener hides the destination",
    "URL_CHAT_INVITE": "chat-group invite link",
    "URL_IP_HOST": "raw IP address instead of a domain",
    "URL_STUFFED_DOMAIN": "hyphen- or digit-stuffed domain",
    "URL_TRUSTED_SOURCE": "{domain} is a government, education or well-known source",
    # the URL checker: rules about the path and the way the link is written
    "URL_NUMERIC_PATH": "numeric tracking path",
    "URL_AFFILIATE_PARAMETER": "affiliate/referral parameter",
    "URL_CALL_TO_ACTION_PATH": "call-to-action path (promo/signup/claim)",
    "URL_USERINFO": "user-info trick before the host (name@host)",
    "URL_DISGUISED": "link written in a defanged/disguised form",
    # the URL checker: look-alikes, the learned model, online providers
    "URL_IMITATES_BRAND": "host imitates {brand}",
    "URL_MIXED_SCRIPT": "host mixes alphabets ({host})",
    "URL_BRAND_OUTSIDE_DOMAIN": "brand name '{brand}' outside the brand's own domain",
    "URL_MODEL_BAD": "lexical model {score:.2f} (resembles known bad URLs)",
    "URL_MODEL_ORDINARY": "lexical model {score:.2f} (resembles ordinary URLs)",
    "URL_PROVIDER": "{provider}: {verdict}",
    "URL_CAMPAIGN_SHAPE": "spam-campaign shape (abused TLD, spam words in the domain, tracking path)",
    # the URL checker: knowledge (popularity snapshot, user-content platforms)
    "URL_POPULAR_DOMAIN": "{domain} is among the {rank} most visited domains",
    "URL_USER_CONTENT_PLATFORM": "user-content platform {platform}: the {judged} is judged, not the host",
    # the text evidence about a flagged span
    "TEXT_CALL_TO_ACTION": "reads like a spam call to action ({cues}; text model {score:.2f})",
    "TEXT_SPAM_STYLE": "reads like spam or chat, not news (text model {score:.2f})",
    "TEXT_PHONE_NUMBER": "asks the reader to call or text a number",
    "TEXT_OTHER_LANGUAGE": "written in {language} inside a {article_language} article",
    "TEXT_OFF_TOPIC": "off-topic: shares almost no words with the rest of the article",
    "TEXT_OUT_OF_PLACE": "out of place in this article (context model {score:.2f})",
    "SPAN_LINK_MALICIOUS": "the URL checker calls its link malicious ({domains}): counted as spam",
    "SPAN_LINK_TRUSTED": "its links are all trusted ({domains}), score lowered, still spam by its words",
    # what only the HTML of a page shows (moderation/text/html/_judge.py, _anchors.py, _merge.py)
    "HTML_HIDDEN_LINKS": "hidden from readers ({how}) with links to {domains}",
    "HTML_HIDDEN_SPAM_WORDS": "hidden from readers ({how}) with spam words ({words})",
    "HTML_AD_WIDGET": "ad widget ({label}) with links to {domains}",
    "HTML_CHUMBOX": "row of {links} sponsored or ad-tracked headlines to {domains}",
    "HTML_COMMENT_LINK": "link in the comment section to {domain}",
    "HTML_COMMENT_TEXT": "comment flagged by the text model",
    "HTML_REL_SPONSORED": 'link to {domain} is marked rel="sponsored"',
    "HTML_REL_UGC": 'link to {domain} is marked rel="ugc"',
    "HTML_REL_NOFOLLOW": 'link to {domain} is marked rel="nofollow"',
    "HTML_ANCHOR_SHOWS_DOMAIN": "anchor text shows {shown} but the link goes to {domain}",
    "HTML_ANCHOR_NAMES_BRAND": "anchor text names {brand} but the link goes to {domain}",
    "HTML_SPAM_ANCHOR": "link to {domain} with spam words ({words})",
    "HTML_BAD_LINK": "the URL checker judges the link to {domain} {verdict} ({score:.2f})",
    "HTML_TEXT_MODEL": "the text engine flagged the words (score {score:.2f})",
    # why the newsroom hook kept an article without scanning it (moderation/hooks.py)
    "HOOK_ALLOWED_SOURCE": "source {source} is always allowed",
    "HOOK_OWN_DOMAIN": "{domain} is one of the newsroom's own domains",
    "HOOK_TIMED_OUT": "time budget of {budget_ms:g} ms ran out; kept unscanned (fail open)",
}


@dataclass(frozen=True, slots=True)
class Reason:
    """One finding.

    Attributes:
        code: what was found, a key of ``CODES`` (stable: count, filter and tune by it).
        params: the specifics (a TLD, a domain, a score), JSON-compatible values.
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown reason code {self.code!r}; add it to moderation._reasons.CODES")

    @property
    def text(self) -> str:
        """The reason in English, for a person."""
        return render(self)

    def with_params(self, **params: Any) -> Reason:
        """The same finding with more parameters (a link's reason quoted in a span gets ``link``)."""
        return Reason(self.code, {**self.params, **params})

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape every door writes: ``{"code", "text", "params"}`` (floats to 4 decimals)."""
        params = {k: round(v, 4) if isinstance(v, float) else v for k, v in self.params.items()}
        return {"code": self.code, "text": render(self), "params": params}


_new = object.__new__
_set = object.__setattr__


def known_reason(code: str, params: Mapping[str, Any]) -> Reason:
    """``Reason(code, params)`` without the code check, for a hot path that names a literal code (the URL
    checker builds one or two for every URL; a test holds every code it names to ``CODES``): ~1 us
    less than the dataclass's own constructor and ``__post_init__``."""
    reason = _new(Reason)
    _set(reason, "code", code)
    _set(reason, "params", params)
    return reason


def render(reason: Reason) -> str:
    """``CODES[code]`` filled with the parameters (a list shows its items quoted: ``'earn', 'money'``);
    a ``link`` parameter prefixes ``link <domain>: ``."""
    values = {
        k: ", ".join(f"'{x}'" for x in v) if isinstance(v, list | tuple) else v
        for k, v in reason.params.items()
    }
    text = CODES[reason.code].format(**values)
    link = reason.params.get("link")
    return f"link {link}: {text}" if link else text


def texts(reasons: tuple[Reason, ...] | list[Reason]) -> list[str]:
    """The rendered texts of several reasons, in order."""
    return [render(r) for r in reasons]
