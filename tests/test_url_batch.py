"""``UrlChecker.check_many`` (host shares computed for a whole batch with numpy) must give exactly the
reports ``check`` gives one URL at a time, and the batch host scorer exactly the one-host sums."""

from __future__ import annotations

import gc
import zlib
from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation import UrlChecker
from moderation.urls.checker import clear_caches

# hand-written, to cover what the batch path treats differently: repeats, errors, IPs, punycode and
# Unicode hosts, deep subdomains, platforms, shorteners, popular and unknown domains, long labels
URLS = [
    "https://video-earn.makeup/2963723185946817/",
    "https://en.wikipedia.org/wiki/Niger",
    "https://pic.twitter.com/lmceQwMbYP",
    "https://www.facebook.com/bbcnews/posts/10158",
    "https://docs.google.com/document/d/1aBcD/edit",
    "https://a.b.c.d.e.spam-site.github.io/login.php?id=3&ref=7",
    "http://192.168.1.1/admin",
    "http://3232235777/x",
    "http://[::1]:8080/",
    "https://xn--mnchen-3ya.de/stadt",
    "https://münchen.de/stadt",
    "https://раураl.com/signin",
    "paypal.com.secure-login.top/verify",
    "hxxps://evil[.]top/promo?aff=12",
    "https://bit.ly/3abcDEF",
    "https://t.me/joinchat/abc",
    "https://casino-bonus-win777.xyz/r/123456789",
    "https://www.bbc.co.uk/news/world-12345678",
    "https://g1.globo.com/economia/noticia/2024/01/01/x.ghtml",
    "https://" + "a" * 63 + ".com/",
    "https://" + "b1-" * 20 + "x.info/" + "p/" * 40,
    "https://sub.domain.example.co.uk/a/b/c.html#frag",
    "https://example.com/?utm_source=x&q=1",
    "example.org",
    "https://www.example.com/",
    "https://WWW.EXAMPLE.COM/PATH/",
    "https://q.zz/",
    "ftp://files.example.net/pub/file.zip",
    "",
    "not a url",
    "javascript:alert(1)",
    "https://exa mple.com/",
    "http://" + "x" * 3000 + ".com/",
    "https://en.wikipedia.org/wiki/Niger",  # a repeat
    "https://video-earn.makeup/2963723185946817/",  # a repeat
]


def _one_by_one(checker: UrlChecker, urls: list[str]) -> list:
    clear_caches(checker.model)
    fresh = UrlChecker(checker.model, checker.lists, checker.thresholds)
    return [fresh.check(u) for u in urls]


def _batched(checker: UrlChecker, urls: list[str], size: int) -> list:
    clear_caches(checker.model)
    fresh = UrlChecker(checker.model, checker.lists, checker.thresholds)
    out = []
    for i in range(0, len(urls), size):
        out.extend(fresh.check_many(urls[i : i + size]))
    return out


@pytest.fixture(scope="module")
def checker() -> UrlChecker:
    c = UrlChecker.default()
    if c.model is None:
        pytest.skip("no shipped URL model")
    return c


@pytest.mark.parametrize("size", [1, 7, 1000])
def test_check_many_gives_the_reports_check_gives(checker, size):
    expected = _one_by_one(checker, URLS)
    got = _batched(checker, URLS, size)
    assert [r.to_dict() for r in got] == [r.to_dict() for r in expected]
    assert got == expected  # every field, the unrounded score included
    assert got[-1] is got[0]  # a repeat in the batch is the same report


def test_check_many_with_warm_caches_and_report_cache(checker):
    fresh = UrlChecker(checker.model, checker.lists, checker.thresholds)
    first = fresh.check_many(URLS)
    assert fresh.check_many(URLS) == first
    assert [fresh.check(u) for u in URLS] == first


def test_check_many_leaves_the_collector_as_it_found_it(checker):
    assert gc.isenabled()
    checker.check_many(URLS[:3])
    assert gc.isenabled()
    gc.disable()
    try:
        checker.check_many(URLS[3:6])
        assert not gc.isenabled()
    finally:
        gc.enable()


_label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=30)
_url = st.builds(
    lambda sub, label, tld, path, scheme: f"{scheme}{sub}{label}.{tld}{path}",
    st.sampled_from(["", "www.", "m.", "a.b.", "news.", "x-1.y-2.z-3.w-4.v-5."]),
    _label.filter(lambda s: not s.startswith("-") and not s.endswith("-")),
    st.sampled_from(["com", "top", "xyz", "co.uk", "github.io", "de", "makeup", "gov.br", "blogspot.com"]),
    st.sampled_from(["", "/", "/login", "/a/b/c.html", "/2963723185946817/", "/?ref=1", "/promo/x?id=9"]),
    st.sampled_from(["https://", "http://", ""]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_url, min_size=1, max_size=40))
def test_check_many_agrees_with_check_on_generated_urls(checker, urls):
    assert _batched(checker, urls, 16) == _one_by_one(checker, urls)


_host_keys = st.tuples(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.^$", min_size=0, max_size=70),  # label
    st.lists(st.text(alphabet="abcdefghij-0123456789ü", min_size=0, max_size=8), max_size=6),  # subdomain
    st.sampled_from(["com", "co.uk", "top", "", "рф", "github.io"]),
    st.booleans(),  # is_ip
    st.sampled_from([0.0, 0.5, 1.0]),
    st.integers(0, 3),
    st.integers(0, 2),
    st.booleans(),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(_host_keys, min_size=1, max_size=25), st.integers(0, 2**32 - 1), st.booleans(), st.booleans())
def test_batch_host_shares_equal_the_one_host_sums(keys, seed, unicode_label, as32):
    """Random weights (every one matters; float64 ones too, where the order of a sum shows in its last
    bits, while float32 ones mostly add exactly), labels of any length and character, Unicode labels (left
    to the one-host path): the batch gives the one-host float, bit for bit."""
    from array import array

    from classifiers._url_features import N_HASH, URL_FEATURES
    from classifiers._url_hosts import host_share, host_shares

    rng = np.random.default_rng(seed)
    weights = rng.normal(size=N_HASH + len(URL_FEATURES))
    if as32:
        weights = weights.astype(np.float32)
    coef = array("f" if as32 else "d", weights.tobytes())
    w = tuple(float(x) for x in weights[N_HASH:])
    gather = weights[:N_HASH].astype(np.float64)
    full = []
    for label, subs, suffix, is_ip, prior, pop, plat, spam in keys:
        if unicode_label and zlib.crc32(label.encode()) % 3 == 0:
            label += "ü"
        sub = ".".join(subs)
        host = ".".join(x for x in (sub, label, suffix) if x)
        full.append((host, sub, label, suffix, is_ip, prior, pop, plat, spam))
    expected = [host_share(coef, w, *k) for k in full]
    got = host_shares(full, gather, w, partial(host_share, coef, w))
    assert got == expected


def test_primed_popularity_tiers_are_the_one_by_one_tiers():
    from moderation import _caches
    from moderation.urls.knowledge import popularity_tier, prime_popularity

    domains = ["google.com", "wikipedia.org", "bbc.co.uk", "example.com", "not-a-listed-site-zz.top", ""]
    _caches.clear()
    one_by_one = [popularity_tier(d) for d in domains]
    assert any(one_by_one) and not all(one_by_one)
    _caches.clear()
    prime_popularity(domains + domains)
    assert [popularity_tier(d) for d in domains] == one_by_one
