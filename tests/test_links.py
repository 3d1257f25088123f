from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from moderation import find_links


def found(text):
    return [(lk.raw, lk.parsed.registered_domain, lk.obfuscated) for lk in find_links(text)]


def test_full_urls_www_and_bare_domains():
    text = "Go to https://Shop.Example.co.uk/a?b=1, or www.example.org. Also lucky-spin.top/go now."
    assert found(text) == [
        ("https://Shop.Example.co.uk/a?b=1", "example.co.uk", False),
        ("www.example.org", "example.org", False),
        ("lucky-spin.top/go", "lucky-spin.top", False),
    ]
    links = find_links(text)
    assert links[0].parsed.url == "https://shop.example.co.uk/a?b=1"
    assert all(text[lk.start : lk.end] == lk.raw for lk in links)


def test_defanged_and_spelled_out_forms_are_links_and_marked():
    text = "Analysts saw hxxps://panel-sync[.]click/gate and cheap-pills dot shop in the logs."
    assert found(text) == [
        ("hxxps://panel-sync[.]click/gate", "panel-sync.click", True),
        ("cheap-pills dot shop", "cheap-pills.shop", True),
    ]
    assert find_links(text)[0].parsed.url == "https://panel-sync.click/gate"


def test_things_that_are_not_links():
    text = "Mr.Smith said e.g. that the market.In 2004 a.m. rates fell 2.5bn; the dot com boom is over."
    assert found(text) == []


def test_email_addresses_are_not_links():
    assert found("write to helpdesk.team@mailbox.org today") == []


def test_userinfo_tricks_resolve_to_the_real_host():
    (link,) = find_links("login at http://bank.com@phish-login.top/verify now")
    assert link.parsed.host == "phish-login.top"


@given(st.text(max_size=200))
def test_links_are_sorted_disjoint_and_exact(text):
    last = 0
    for lk in find_links(text):
        assert last <= lk.start < lk.end <= len(text)
        assert text[lk.start : lk.end] == lk.raw
        last = lk.end


def _host_begins_reference(text):
    """Each host dot's begin as the one-pass run scan computed it (the walk back replaced it)."""
    import re

    from moderation.text.links import _HOST_DOT

    runs = [m.span() for m in re.finditer(r"(?:[^\W_]|[-.])+", text)]
    out = []
    for dot in _HOST_DOT.finditer(text):
        p = dot.start()
        run = next((r for r in runs if r[1] >= p), None)
        out.append((p, run[0] if run is not None and run[0] < p else p))
    return out


_HOST_PIECES = st.sampled_from([*"a.-_ ()[]{}/x1é", "[.]", "(.)", "[dot]", ".com", "www."])


@given(st.lists(_HOST_PIECES, max_size=20).map("".join))
def test_host_begins_match_the_run_scan(text):
    from moderation.text.links import _HOST_DOT, _host_begins

    got = [(d.start(), b) for d, b in _host_begins(text, _HOST_DOT.finditer(text))]
    assert got == _host_begins_reference(text)
