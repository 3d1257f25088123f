from __future__ import annotations

from moderation.text.evidence import assess
from moderation.text.links import find_links


def rep(text):
    (link,) = find_links(text)
    return assess(link)


def test_abused_tld_with_tracking_path_is_malicious():
    r = rep("https://quick-cash-now.top/5512093384710023/")
    assert r.verdict == "malicious"
    assert any("TLD .top" in x for x in r.reasons)
    assert "numeric tracking path" in r.reasons


def test_government_sites_are_trusted():
    r = rep("see www.finance.gov.ng for details")
    assert r.verdict == "trusted" and r.score < 0.1


def test_plain_domain_is_neutral():
    r = rep("visit www.harbour-museum.org")
    assert r.verdict == "neutral"


def test_shorteners_and_chat_invites_are_explained():
    assert "URL shortener hides the destination" in rep("go to bit.ly/3xYz").reasons
    assert "chat-group invite link" in rep("join t.me/fast_profits_vip").reasons
