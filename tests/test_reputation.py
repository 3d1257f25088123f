"""The URL rules on their own (``urls/rules.py``), read through a rules-only checker: no lists, no model."""

from __future__ import annotations

from moderation import UrlChecker, find_links

RULES_ONLY = UrlChecker()


def judge(text):
    (link,) = find_links(text)
    return RULES_ONLY.judge(link.parsed, obfuscated=link.obfuscated)


def codes(report):
    return [r.code for r in report.reasons]


def test_abused_tld_with_tracking_path_is_malicious():
    r = judge("https://quick-cash-now.top/5512093384710023/")
    assert r.verdict == "malicious"
    assert codes(r)[:2] == ["URL_TLD_HEAVILY_ABUSED", "URL_NUMERIC_PATH"]
    assert r.reasons[0].params == {"tld": "top"} and r.reasons[0].text == "TLD .top is heavily abused"


def test_government_sites_are_trusted():
    r = judge("see www.finance.gov.ng for details")
    assert r.verdict == "trusted" and r.score < 0.1
    assert r.reasons[-1].text == "finance.gov.ng is a government, education or well-known source"


def test_plain_domain_is_neutral():
    assert judge("visit www.harbour-museum.org").verdict == "neutral"


def test_shorteners_chat_invites_and_disguises_are_explained():
    assert "URL_SHORTENER" in codes(judge("go to bit.ly/3xYz"))
    assert "URL_CHAT_INVITE" in codes(judge("join t.me/fast_profits_vip"))
    assert "URL_DISGUISED" in codes(judge("seen at hxxp://panel-sync[.]click/gate"))
    assert "URL_USERINFO" in codes(judge("log in at http://bank.com@phish-login.top/verify"))
