"""The URL checker's verdict moves the span decision (hand-written stand-ins for links and reports)."""

from __future__ import annotations

from types import SimpleNamespace as NS

import numpy as np
import pytest

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


def test_the_lexical_model_alone_lifts_only_a_spam_leaning_sentence_a_quoted_indicator_never():
    proba = np.array([0.1, 0.1, 0.1])
    model_only = [_link(5, 12)], [_report("malicious", rule_score=0.12)]
    quoted = [_link(5, 12, raw="crypto-double[.]top", obfuscated=True)], [_report("malicious")]
    for links, reports in (model_only, quoted):
        out, pulls = link_pull(SEGS, links, reports, proba, np.full(3, 0.4), 0.6)
        assert pulls == [None, None, None] and (out <= proba).all()
    out, pulls = link_pull(SEGS, *quoted, proba, np.ones(3), 0.6)
    assert pulls == [None, None, None]
    out, pulls = link_pull(SEGS, *model_only, proba, np.array([0.6, 0.0, 0.0]), 0.6)
    assert pulls == ["malicious", None, None] and out[0] == 0.6
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


def _reference(segments, links, reports, proba, text_score, floor):
    """The per-segment loop the vectorized form replaced."""
    from moderation.text.linkpull import TRUSTED_FACTOR, _lifts, _quoted, _vouched

    out = proba.copy()
    pulls = [None] * len(segments)
    k = 0
    for j, seg in enumerate(segments):
        while k < len(links) and links[k].end <= seg.start:
            k += 1
        inside, m = [], k
        while m < len(links) and links[m].start < seg.end:
            inside.append(m)
            m += 1
        if not inside:
            continue
        if [i for i in inside if _lifts(links[i], reports[i], float(text_score[j]))]:
            out[j] = max(out[j], floor)
            pulls[j] = "malicious"
        elif all(_vouched(reports[i]) for i in inside):
            out[j] *= TRUSTED_FACTOR
            pulls[j] = "trusted"
        elif all(_quoted(links[i]) for i in inside):
            out[j] *= TRUSTED_FACTOR
    return out, pulls


@pytest.mark.parametrize("many", [0, 10**9])  # the array path for every document, the walk for every one
def test_counts_over_link_ranges_match_the_per_segment_loop(monkeypatch, many):
    """Random segments and links (some straddling two segments, defanged, quoted, vouched for)."""
    monkeypatch.setattr("moderation.text.linkpull.MANY_LINKS", many)
    rng = np.random.default_rng(3)
    kinds = [
        lambda: (_report("malicious"), "x.top/go", False),
        lambda: (_report("malicious"), "hxxp://x.top", True),
        lambda: (_report("malicious"), "x[.]top", True),
        lambda: (_report("malicious", rule_score=0.1), "y.top", False),
        lambda: (_source(), "gov.uk", False),
        lambda: (_report("trusted"), "pop.com", False),
        lambda: (_report("suspicious"), "z(.)top", True),
    ]
    for _ in range(200):
        cuts = np.sort(rng.choice(np.arange(1, 300), size=rng.integers(1, 12), replace=False))
        bounds = list(zip([0, *cuts[:-1].tolist()], cuts.tolist(), strict=True))
        segs = [Segment(a + int(rng.integers(0, 2)), b, 0, "sentence") for a, b in bounds]
        links, reports, pos = [], [], 0
        while True:
            pos += int(rng.integers(0, 40))
            end = pos + int(rng.integers(1, 30))
            if end > 300:
                break
            report, raw, obfuscated = kinds[int(rng.integers(0, len(kinds)))]()
            links.append(_link(pos, end, raw, obfuscated))
            reports.append(report)
            pos = end
        proba, scores = rng.random(len(segs)), rng.random(len(segs))
        got = link_pull(segs, links, reports, proba, scores, 0.6)
        want = _reference(segs, links, reports, proba, scores, 0.6)
        assert got[0].tobytes() == want[0].tobytes() and got[1] == want[1]
