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

from .hook import Action, Decision, Hook, decide
from .policies import Article, Policies, Policy, load_policies, policies_from_dict

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
