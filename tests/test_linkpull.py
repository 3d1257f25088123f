"""The URL checker's verdict moves the span decision (hand-written stand-ins for links and reports)."""

from __future__ import annotations

from types import SimpleNamespace as NS

import numpy as np

from moderation.text.linkpull import link_pull
from moderation.text.results import Segment


def _link(start, end, raw="x.top/go", obfuscated=False):
    return NS(start=start, end=end, raw=raw, obfuscated=obfuscated)


def _report(verdict, rule_score=0.6, hits=(), codes=()):
    return NS(
        verdict=verdict, list_hits=hits, rules=NS(score=rule_score), reasons=[NS(code=c) for c in codes]
    )


def _source(verdict="trusted"):
    """A report trusted by the well-known-source rule."""
    return _report(verdict, codes=("URL_TRUSTED_SOURCE", "URL_POPULAR_DOMAIN"))


SEGS = [Segment(0, 20, 0, "sentence"), Segment(21, 40, 0, "sentence"), Segment(41, 60, 0, "sentence")]


def test_malicious_lifts_trusted_lowers_and_both_are_recorded():
    links = [_link(5, 12), _link(25, 30)]
    proba = np.array([0.1, 0.4, 0.2])
    out, pulls = link_pull(SEGS, links, [_report("malicious"), _source()], proba, np.zeros(3), 0.6)
    assert out[0] == 0.6 and out[1] == 0.1 and out[2] == 0.2
    assert pulls == ["malicious", "trusted", None]


def test_the_lexical_model_alone_or_a_quoted_indicator_does_not_lift():
    proba = np.array([0.1, 0.1, 0.1])
    model_only = [_link(5, 12)], [_report("malicious", rule_score=0.12)]
    quoted = [_link(5, 12, raw="crypto-double[.]top", obfuscated=True)], [_report("malicious")]
    for links, reports in (model_only, quoted):
        out, pulls = link_pull(SEGS, links, reports, proba, np.ones(3), 0.6)
        assert pulls == [None, None, None] and (out <= proba).all()
    listed = [_link(5, 12)], [_report("malicious", rule_score=0.12, hits=("blocked",))]
    assert link_pull(SEGS, *listed, proba, np.zeros(3), 0.6)[1][0] == "malicious"


def test_a_real_malicious_link_makes_its_sentence_a_span():
    from moderation import Scanner

    text = (
        "Many old phones lie unused in drawers, estimates James Goodman, a senior adviser.\n\n"
        "Play slots online and win real money: http://lucky-spin.top/go/vip "
        '"It\'s quite common for people to have two or three phones," said Mr Goodman.'
    )
    result = Scanner.default().scan(text)
    assert [s.text for s in result.spans] == [
        "Play slots online and win real money: http://lucky-spin.top/go/vip"
    ]
    assert "It's quite common" in result.cleaned_text


def test_quoted_indicators_pull_towards_clean():
    links = [_link(5, 12, raw="crypto-double[.]top", obfuscated=True)]
    out, _ = link_pull(SEGS, links, [_report("neutral")], np.array([0.8, 0.1, 0.1]), np.ones(3), 0.6)
    assert out[0] < 0.5


def test_trust_from_an_allowlist_or_a_known_source_pulls_popularity_alone_does_not():
    """Link spam points at popular hosts (an app-store page, a music profile, a fundraiser): the checker
    may call them trusted for their popularity, but only a vouched-for site protects its sentence."""
    proba = np.array([0.8, 0.8, 0.8])
    links = [_link(5, 12), _link(25, 30), _link(45, 50)]
    allowed = _report("trusted", hits=(NS(kind="allow"),))
    popular = _report("trusted", codes=("URL_POPULAR_DOMAIN",))
    out, pulls = link_pull(SEGS, links, [allowed, _source(), popular], proba, np.zeros(3), 0.6)
    assert pulls == ["trusted", "trusted", None]
    assert out[0] < 0.5 and out[1] < 0.5 and out[2] == 0.8
