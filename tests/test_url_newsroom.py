"""The links newsrooms actually embed (issue 12's table): the verdicts a security desk expects from the
shipped model with an empty list store. Hand-written URLs; none comes from the data pack."""

from __future__ import annotations

import pytest

from moderation import UrlChecker

# every one of these must come out trusted or neutral: never suspicious, never malicious
EDITORIAL_AND_PLATFORM = [
    "https://en.wikipedia.org/wiki/Niger",
    "https://pic.twitter.com/lmceQwMbYP",
    "https://www.facebook.com/bbcnews/posts/10158",
    "https://docs.google.com/document/d/1aBcD/edit",
    "https://drive.google.com/file/d/1xYz0AbC/view",
    "https://twitter.com/AFP/status/1415926535897932384",
    "https://www.instagram.com/p/CqX1a2bC3dE/",
    "https://www.linkedin.com/in/jane-doe-reporter",
    "https://g1.globo.com/politica/noticia/2024/03/12/camara-aprova-projeto.ghtml",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://github.com/python/cpython/issues/1",
    "https://www.nytimes.com/2024/05/01/world/europe/election-results.html",
    "https://www.who.int/news/item/12-03-2024-statement",
]


@pytest.mark.parametrize("url", EDITORIAL_AND_PLATFORM)
def test_embedded_links_are_not_flagged(url):
    report = UrlChecker.default().check(url)
    assert report.verdict in ("trusted", "neutral"), (report.verdict, [r.text for r in report.reasons])


@pytest.mark.parametrize(
    "url", ["https://en.wikipedia.org/wiki/Niger", "https://g1.globo.com/mundo/noticia/2024/x.ghtml"]
)
def test_popular_editorial_sites_are_trusted_with_a_reason(url):
    report = UrlChecker.default().check(url)
    assert report.verdict == "trusted"
    assert any(r.code in ("URL_POPULAR_DOMAIN", "URL_TRUSTED_SOURCE") for r in report.reasons)


def test_the_seed_spam_link_is_malicious():
    report = UrlChecker.default().check("https://video-earn.makeup/2963723185946817/")
    assert report.verdict == "malicious", [r.text for r in report.reasons]


@pytest.mark.parametrize(
    "url",
    [
        "https://spam-bonus-casino.sites.google.com/claim",  # hypothetical shapes on platforms
        "https://free-gift-card-winner.blogspot.com/2024/01/claim-now.html",
        "https://paypal-login-verify.weebly.com/",
        "https://secure-appleid-unlock.web.app/login",
    ],
)
def test_platform_links_are_judged_on_what_the_user_controls(url):
    report = UrlChecker.default().check(url)
    assert report.verdict in ("malicious", "suspicious"), (report.score, [r.text for r in report.reasons])
    assert any(r.code == "URL_USER_CONTENT_PLATFORM" for r in report.reasons)


@pytest.mark.parametrize("url", ["https://bit.ly/3xYzAbC", "https://tinyurl.com/y7k2abcd"])
def test_a_shortener_is_unknown_with_its_own_reason(url):
    report = UrlChecker.default().check(url)
    assert report.verdict == "unknown"
    assert any(r.code == "URL_SHORTENER" for r in report.reasons)


def test_a_list_still_wins_over_popularity(tmp_path):
    from moderation import ListStore

    store = ListStore(tmp_path)
    store.import_lines(["en.wikipedia.org"], "block", "desk")
    base = UrlChecker.default()
    checker = UrlChecker(base.model, store.load(), base.thresholds)
    assert checker.check("https://en.wikipedia.org/wiki/Niger").verdict == "malicious"


def test_platform_table_judges_what_the_user_controls():
    from moderation.urls.knowledge import platform_of

    assert platform_of("docs.google.com").controls == "path"
    assert platform_of("someone.blogspot.com").controls == "subdomain"
    assert platform_of("blogspot.com") is None  # the platform's own front page
    assert platform_of("www.google.com") is None
    assert platform_of("pic.twitter.com").name == "pic.twitter.com"


def test_popularity_snapshot_is_versioned_and_hashed():
    from moderation.urls.knowledge import _popularity, popularity_tier, popularity_version

    assert popularity_version().startswith("popularity-")
    hashes, tiers = _popularity()
    assert hashes.dtype.kind == "u" and len(hashes) == len(tiers) > 50_000  # hashes, not names
    assert popularity_tier("wikipedia.org") == 1
    assert popularity_tier("video-earn.makeup") == 0


def test_calibration_is_monotone_and_bounded():
    import numpy as np

    from classifiers import UrlModel

    m = UrlModel()
    m.set_calibration(np.array([-2.0, 0.0, 3.0]), np.array([0.01, 0.4, 0.97]))
    assert m.probability(-9) == 0.01 and m.probability(9) == 0.97
    assert m.probability(-1) == pytest.approx(0.205)
    assert np.allclose(m.probabilities(np.array([-1.0, 1.5])), [m.probability(-1), m.probability(1.5)])
    with pytest.raises(ValueError):
        m.set_calibration(np.array([1.0, 0.0]), np.array([0.1, 0.2]))
