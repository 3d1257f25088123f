"""Reasons of the HTML path: a short stable code, the sentence an editor reads, and the facts behind it.

Codes (stable; counted in reports and crawler stats):

- ``html.hidden``: hidden from readers (inline style, ``hidden``, ``aria-hidden``, a stylesheet rule) and
  holding links to other sites, or spam words;
- ``html.ad-widget``: an ad widget (named ``sponsored``, ``promoted``, ad networks ...) with outside links;
- ``html.chumbox``: a row of sponsored or ad-tracked headlines to several outside domains;
- ``html.comment-link``: a link in the comment section with spam evidence of its own;
- ``html.comment-text``: a comment the text model flags, with a cue beyond its tone (a link, spam words,
  a phone number, money, a chat invitation);
- ``html.rel-sponsored``, ``html.rel-ugc``, ``html.rel-nofollow``: how the page itself marked a link
  (``sponsored`` counts as evidence; ``ugc`` and ``nofollow`` are what every comment link carries and are
  only reported);
- ``html.anchor-mismatch``: anchor text that shows another domain, or names a brand the target is not;
- ``html.spam-anchor``: spam words in a link's text or target domain;
- ``html.bad-link``: the URL checker's rule evidence against the target;
- ``text.model``: the text engine flagged the words (its own reasons follow).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Reason:
    """Why something was flagged.

    Attributes:
        code: a short stable key (``html.hidden``); see the module docstring.
        text: the reason as a sentence.
        params: the facts behind it (domains, words, how it was hidden), JSON-ready.
    """

    code: str
    text: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "text": self.text, "params": self.params}


def unique(reasons: list[Reason]) -> tuple[Reason, ...]:
    """Reasons in order, each (code, text) once."""
    seen: set[tuple[str, str]] = set()
    out = []
    for r in reasons:
        key = (r.code, r.text)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return tuple(out)
