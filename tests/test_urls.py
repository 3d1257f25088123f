"""The URL checker: parsing and normalization, adversarial input, lists, look-alikes, providers, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from moderation import ListStore, SafeBrowsingProvider, UrlChecker, UrlError, UrlhausProvider, parse_url
from moderation.urls.lists import normalize_entry

# -- parsing ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "url", "registered"),
    [
        (
            "https://video-earn.makeup/2963723185946817/",
            "https://video-earn.makeup/2963723185946817/",
            "video-earn.makeup",
        ),
        ("hxxps://evil[.]top/a?utm_source=x&aff=3#frag", "https://evil.top/a?aff=3", "evil.top"),
        ("HTTP://WWW.Example.COM.:80/%41", "http://www.example.com/A", "example.com"),
        ("https://münchen.de:443/x", "https://xn--mnchen-3ya.de/x", "xn--mnchen-3ya.de"),
        ("spam.github.io/x", "http://spam.github.io/x", "spam.github.io"),
        ("paypal.com@evil.top/login", "http://evil.top/login", "evil.top"),
        ("http://3232235777/x", "http://192.168.1.1/x", "192.168.1.1"),
        ("http://0xC0A80001", "http://192.168.0.1", "192.168.0.1"),
        ("http://[::1]:8080/", "http://[::1]:8080/", "[::1]"),
    ],
)
def test_parse_normalizes(raw, url, registered):
    p = parse_url(raw)
    assert p.url == url and p.registered_domain == registered


def test_parse_keeps_unicode_form_and_userinfo():
    p = parse_url("xn--mnchen-3ya.de")
    assert p.host_unicode == "münchen.de"
    assert parse_url("paypal.com@evil.top").userinfo == "paypal.com"
    assert parse_url("http://github.io").registered_domain == "github.io"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("javascript:alert(1)", "not a web URL"),
        ("http://xn--zz/", "punycode"),
        ("http://a..b/", "empty label"),
        ("example.com:99999", "invalid port"),
        ("http://exa mple.com", "cannot have"),
        ("http://" + "a" * 70 + ".com", "longer than 63"),
        ("x" * 100_001, "longer than 100,000"),
    ],
)
def test_parse_rejects_with_a_reason(raw, message):
    with pytest.raises(UrlError, match=message):
        parse_url(raw)


def test_adversarial_inputs_are_fast_and_never_crash():
    checker = UrlChecker()
    nasty = [
        "http://example.com/" + "a" * 99_000,
        "http://" + "%25" * 30_000 + "41.com",
        "http://example.com/" + "%2525" * 10_000,
        "http://\udcff.com",
        "http://ａｂｃ．ｃｏｍ/",
        "http://xn--" + "a" * 60 + ".com",
        "http://" + "a." * 120 + "com",
        "\x00\x01",
        "http://[::1",
        "http://@",
        "http://:@:/",
    ]
    start = time.monotonic()
    for url in nasty:
        report = checker.check(url)
        assert report.error is not None or 0.0 <= report.score <= 1.0
    assert time.monotonic() - start < 5


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_string_gives_a_report(text):
    report = UrlChecker().check(text)
    assert (report.error is not None) or (0.0 <= report.score <= 1.0 and report.verdict)


_URL_ALPHABET = "abcXYZ019-_.~/:,=&?#%+@ []()\\\tü"


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(["", "http://", "https://", "HTTPS://", "ftp://"]),
    st.sampled_from(["example.com", "a-b.example.co.uk", "Sub.Spam.GitHub.io", "1.2.3.4", "xn--mnchen-3ya.de",
                     "-bad.com", "x_y.top", "localhost"]),
    st.text(alphabet=_URL_ALPHABET, max_size=40),
)  # fmt: skip
def test_fast_parse_agrees_with_the_general_parser(scheme, host, tail):
    from moderation.urls.parse import _parse_general

    text = scheme + host + tail
    try:
        expected = _parse_general(text)
    except UrlError as exc:
        with pytest.raises(UrlError) as got:
            parse_url(text)
        assert str(got.value) == str(exc)
        return
    assert parse_url(text) == expected


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab09_.~/:,=&+% -Zü", max_size=40))
def test_plain_query_path_agrees_with_urlencode(query):
    from moderation.urls.parse import _clean_query, _clean_query_general

    if query:
        fast_notes: list[str] = []
        general_notes: list[str] = []
        for q in (query, query + "&utm_source=x", "fbclid=1&" + query):
            assert _clean_query(q, fast_notes) == _clean_query_general(q, general_notes)
        assert fast_notes == general_notes


# labels that exercise the suffix rules: plain and multi-label suffixes, private ones, a wildcard with an
# exception (*.kawasaki.jp, !city.kawasaki.jp; *.ck, !www.ck), punycode, IP-like and odd labels
_HOST_LABELS = ["com", "uk", "co", "jp", "kawasaki", "city", "ck", "www", "github", "io", "blogspot",
                "amazonaws", "s3", "compute", "spam", "a-b", "x_y", "1", "255", "xn--p1ai", "xn--mnchen-3ya",
                "", "A", "k"]  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_HOST_LABELS), min_size=1, max_size=5))
@example(["www", "ck"])
@example(["a", "www", "ck"])
@example(["x", "ck"])
@example(["city", "kawasaki", "jp"])
@example(["a", "city", "kawasaki", "jp"])
@example(["spam", "github", "io"])
def test_suffix_walk_agrees_with_tldextract(labels):
    from moderation.urls.suffixes import extractor, split_host

    host = ".".join(labels)
    r = extractor().extract_str(host)
    assert split_host.__wrapped__(host) == (r.subdomain, r.domain, r.suffix)


def test_suffix_rules_read_from_the_snapshot_file_are_tldextracts():
    """The walk's rules come from tldextract's bundled file without importing it: the same set of rules
    as tldextract's own extractor."""
    from moderation.urls.suffixes import extractor, snapshot_rules

    rules = snapshot_rules()
    assert rules is not None and len(rules) > 5000
    assert set(rules) == set(extractor().tlds)


# -- look-alikes and rules ----------------------------------------------------------------------------------


def test_look_alikes_and_userinfo_tricks_are_explained():
    checker = UrlChecker()
    cyrillic = checker.check("https://раураl.com/signin")
    assert any("imitates paypal.com" in r.text for r in cyrillic.reasons)
    assert any(r.code == "URL_MIXED_SCRIPT" for r in cyrillic.reasons)
    assert cyrillic.verdict == "malicious"
    digits = checker.check("https://paypa1.com/signin")
    assert any(r.code == "URL_IMITATES_BRAND" and r.params == {"brand": "paypal.com"} for r in digits.reasons)
    trick = checker.check("http://paypal.com@evil.top/login")
    assert trick.registered_domain == "evil.top"
    assert any(r.code == "URL_USERINFO" for r in trick.reasons)
    outside = checker.check("http://paypal.com.secure-login.top/x")
    assert any("brand name 'paypal'" in r.text for r in outside.reasons)
    assert not any(r.code == "URL_IMITATES_BRAND" for r in checker.check("https://www.paypal.com/").reasons)


def test_punycode_is_not_hyphen_stuffing():
    checker = UrlChecker()
    for url in ("https://münchen.de/stadt", "https://xn--mnchen-3ya.de/"):
        assert not any(r.code == "URL_STUFFED_DOMAIN" for r in checker.check(url).reasons), url
    stuffed = checker.check("https://bücher-online-kaufen-jetzt.de/")  # its own hyphens still count
    assert any(r.code == "URL_STUFFED_DOMAIN" for r in stuffed.reasons)


def test_seed_link_is_judged_bad_and_bbc_is_not():
    checker = UrlChecker.default()
    seed = checker.check("https://video-earn.makeup/2963723185946817/")
    assert seed.verdict in ("malicious", "suspicious")
    assert any(".makeup" in r.text for r in seed.reasons) and any(
        r.code == "URL_NUMERIC_PATH" for r in seed.reasons
    )
    bbc = checker.check("https://www.bbc.co.uk/news/world-africa-66335105")
    assert bbc.verdict == "trusted"


# -- lists --------------------------------------------------------------------------------------------------


def test_normalize_entry_understands_list_formats():
    assert normalize_entry("Example.COM") == "example.com"
    assert normalize_entry("www.example.com") == "example.com"
    assert normalize_entry("0.0.0.0 ads.example.net") == "ads.example.net"
    assert normalize_entry("||tracker.example.org^") == "tracker.example.org"
    assert normalize_entry("malicious\tevil.top/Bins/X\turl") == "evil.top/bins/x"
    assert normalize_entry("# comment") is None
    assert normalize_entry("0x5bf076a8") == "91.240.118.168"  # IPs in any spelling, as lookups see them
    assert normalize_entry("https://evil.top/path/") == "evil.top/path"


def test_lists_import_lookup_and_allow_wins(tmp_path):
    store = ListStore(tmp_path)
    block = tmp_path / "block.txt"
    block.write_text("# my list\nevil.top\nspam.github.io\nfiles.example.com/malware\nnot a host\n")
    result = store.import_file(block, "block", "mine")
    assert result.entries == 3 and result.skipped == 1 and "line 5" in result.problems[0]
    allow = tmp_path / "allow.txt"
    allow.write_text("partner.top\nevil.top\n")
    store.import_file(allow, "allow", "publisher")
    checker = UrlChecker(lists=store.load())
    hit = checker.check("https://a.b.evil.top/x")
    assert hit.verdict == "trusted"  # the allowlist always wins
    assert {h.kind for h in hit.list_hits} == {"block", "allow"}
    assert checker.check("https://spam.github.io/").verdict == "malicious"
    assert checker.check("https://other.github.io/").list_hits == ()  # private suffixes: judged apart
    assert checker.check("https://files.example.com/malware/x.exe").verdict == "malicious"
    assert checker.check("https://files.example.com/malwareX").list_hits == ()
    assert checker.check("https://partner.top/promo").verdict == "trusted"
    assert json.loads((tmp_path / "lists" / "index.json").read_text())["block/mine"]["entries"] == 3
    assert store.remove("block", "mine") and not store.remove("block", "mine")


def test_empty_store_works(tmp_path):
    index = ListStore(tmp_path / "nothing").load()
    assert len(index) == 0
    assert UrlChecker(lists=index).check("https://example.com").error is None


def test_large_list_loads_whole(tmp_path):
    """Half a million entries load and answer exactly (load time is measured by make bench-urls, not here)."""
    store = ListStore(tmp_path)
    store.import_lines((f"host{i}.example{i % 97}.top" for i in range(500_000)), "block", "big")
    index = store.load()
    assert len(index) == 500_000
    assert index.lookup(parse_url(f"http://host4242.example{4242 % 97}.top/x"))
    assert not index.lookup(parse_url("http://host4242.example1.top/x"))


def test_lookup_gives_each_list_its_closest_name_in_list_order():
    from moderation.urls.lists import ListHit, ListIndex

    index = ListIndex(
        {
            ("block", "a"): {"example.top"},
            ("allow", "b"): {"shop.example.top", "example.top", "other.top"},
            ("block", "c"): {"cdn.shop.example.top"},
            ("shortener", "d"): set(),
        }
    )
    assert index.lookup(parse_url("http://www.cdn.shop.example.top/x")) == [
        ListHit("block", "a", "example.top", "parent"),
        ListHit("allow", "b", "shop.example.top", "parent"),
        ListHit("block", "c", "cdn.shop.example.top", "host"),  # www. is the host itself
    ]
    assert index.lookup(parse_url("http://a.cdn.shop.example.top/")) == [
        ListHit("block", "a", "example.top", "parent"),
        ListHit("allow", "b", "shop.example.top", "parent"),
        ListHit("block", "c", "cdn.shop.example.top", "parent"),
    ]
    assert index.lookup(parse_url("http://other.top")) == [ListHit("allow", "b", "other.top", "host")]
    assert index.lookup(parse_url("http://example.org")) == []


def test_url_prefix_entries_match_whole_segments_only():
    from moderation.urls.lists import ListIndex

    entries = {f"files.example.com/drop/{i}" for i in range(20_000)} | {"files.example.com/p?id=7"}
    index = ListIndex({("block", "feed"): entries})

    def prefixes(url):
        return sorted(h.entry for h in index.lookup(parse_url(url)) if h.match == "prefix")

    assert prefixes("http://files.example.com/drop/42") == ["files.example.com/drop/42"]
    assert prefixes("http://files.example.com/drop/42/payload.exe?x=1") == ["files.example.com/drop/42"]
    assert prefixes("http://files.example.com/drop/420000") == []  # not a whole segment
    assert prefixes("http://files.example.com/drop/") == []
    assert prefixes("http://files.example.com/p?id=7&b=2") == ["files.example.com/p?id=7"]
    assert prefixes("http://files.example.com/p?id=70") == []
    assert prefixes("http://cdn.files.example.com/drop/42") == ["files.example.com/drop/42"]


def test_lists_update_swaps_atomically_and_keeps_the_last_good_copy(tmp_path):
    feed = tmp_path / "feed.txt"
    feed.write_text("evil.top\nworse.top\n")
    config = tmp_path / "feeds.toml"
    config.write_text(
        f'[[feed]]\nname = "local"\nkind = "block"\nurl = "file://{feed}"\n'
        f'[[feed]]\nname = "gone"\nkind = "block"\nurl = "file://{tmp_path}/missing.txt"\n'
    )
    store = ListStore(tmp_path / "data")
    results = list(store.update(config))
    assert results[0]["ok"] and results[0]["entries"] == 2
    assert not results[1]["ok"] and "missing" in results[1]["error"]
    feed.write_text("")  # a broken feed: the last good copy stays
    results = list(store.update(config))
    assert not results[0]["ok"]
    assert store.load().lists[("block", "local")] == {"evil.top", "worse.top"}


# -- online providers, against a local server ----------------------------------------------------------------


class _Fake(BaseHTTPRequestHandler):
    calls: ClassVar[list[str]] = []
    delay = 0.0

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).calls.append(self.path)
        time.sleep(type(self).delay)
        if self.path.startswith("/v4/threatMatches:find"):
            req = json.loads(body)
            url = req["threatInfo"]["threatEntries"][0]["url"]
            answer = {"matches": [{"threatType": "MALWARE", "threat": {"url": url}}]} if "evil" in url else {}
        elif self.path == "/v1/host/":
            host = body.decode().split("=", 1)[1]
            answer = (
                {"query_status": "ok", "url_count": 3} if "evil" in host else {"query_status": "no_results"}
            )
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_server():
    _Fake.calls, _Fake.delay = [], 0.0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Fake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_providers_flag_cache_and_fail_open(fake_server):
    gsb = SafeBrowsingProvider("key", endpoint=fake_server, timeout=1.0)
    haus = UrlhausProvider(endpoint=fake_server, timeout=1.0)
    checker = UrlChecker(providers=[gsb, haus])
    bad = checker.check("https://evil.example/x")
    assert bad.verdict == "malicious"
    assert any("Google Safe Browsing: listed as MALWARE" in r.text for r in bad.reasons)
    assert any("URLhaus: host served malware" in r.text for r in bad.reasons)
    assert checker.check("https://fine.example/").verdict != "malicious"
    calls = len(_Fake.calls)
    checker.check("https://evil.example/x")
    assert len(_Fake.calls) == calls  # answered from the TTL cache
    _Fake.delay = 2.0
    slow = UrlhausProvider(endpoint=fake_server, timeout=0.2)
    start = time.monotonic()
    report = UrlChecker(providers=[slow]).check("https://evil-but-slow.example/")
    assert time.monotonic() - start < 1.5 and slow.failures == 1  # fail open, quickly
    assert not any(r.code == "URL_PROVIDER" for r in report.reasons)
    down = SafeBrowsingProvider("key", endpoint="http://127.0.0.1:9", timeout=0.5)
    assert UrlChecker(providers=[down]).check("https://evil.example/").error is None
    assert down.failures == 1


# -- CLI ----------------------------------------------------------------------------------------------------


def _run(*args, stdin=None, env_extra=None):
    import os

    env = {**os.environ, **(env_extra or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "moderation.cli", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        env=env,
    )
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def test_check_url_cli_prints_one_line_per_url_in_order(tmp_path):
    seed = "https://video-earn.makeup/2963723185946817/"
    env = {"MODERATION_DATA_DIR": str(tmp_path)}
    code, out, err = _run("check-url", seed, "", "javascript:x", "bbc.co.uk", env_extra=env)
    assert code == 3, err  # one URL could not be checked
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r["url"] for r in rows] == [
        "https://video-earn.makeup/2963723185946817/",
        "javascript:x",
        "bbc.co.uk",
    ]
    assert set(rows[0]) >= {"url", "domain", "score", "verdict", "reasons", "list_hits"}
    assert "error" in rows[1] and "Traceback" not in err
    code, out, _ = _run("check-url", "--input", "-", stdin=b"evil.top\nbbc.co.uk\n",
                        env_extra={"MODERATION_DATA_DIR": str(tmp_path)})  # fmt: skip
    assert code == 0 and len(out.splitlines()) == 2


def test_lists_cli_import_then_check(tmp_path):
    listing = tmp_path / "deny.txt"
    listing.write_text("evil-partner.com\n")
    env = {"MODERATION_DATA_DIR": str(tmp_path / "data")}
    code, out, err = _run(
        "lists", "import", str(listing), "--kind", "block", "--source", "deny", env_extra=env
    )
    assert code == 0, err and "1 entries" in out
    code, out, _ = _run("check-url", "https://shop.evil-partner.com/", env_extra=env)
    row = json.loads(out)
    assert row["verdict"] == "malicious" and row["list_hits"][0]["source"] == "deny"
    code, out, _ = _run("lists", "show", env_extra=env)
    assert json.loads(out)["lists"]["block/deny"]["entries"] == 1
    code, _, err = _run(
        "lists", "import", str(listing), "--kind", "block", "--source", "bad name!", env_extra=env
    )
    assert code == 2 and "list name" in err


# -- the engine uses the checker --------------------------------------------------------------------------


def test_engine_links_carry_the_checkers_judgement(scanner, example_article, tmp_path):
    result = scanner.scan(example_article)
    (span,) = result.spans
    link = next(lk for lk in result.links if lk.domain == "cash-sofa-daily.top")
    assert any(r.code == "URL_MODEL_BAD" for r in link.reasons)  # the checker, not the basic rules
    assert any(r.text.startswith("link cash-sofa-daily.top: lexical model") for r in span.reasons)

    from moderation import Scanner

    allow = tmp_path / "allow.txt"
    allow.write_text("cash-sofa-daily.top\n")
    store = ListStore(tmp_path)
    store.import_file(allow, "allow", "publisher")
    own = Scanner(scanner.models, scanner.settings, UrlChecker(lists=store.load()))
    trusted = next(lk for lk in own.scan(example_article).links if lk.domain == "cash-sofa-daily.top")
    assert trusted.verdict == "trusted" and "on the allowlist 'publisher'" in [
        r.text for r in trusted.reasons
    ]


# -- one URL, parsed once: the scanner's link and check() agree ---------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://exa\u200emple.top/win",  # an invisible character inside the host (one table: _disguise)
        "https://example.org/story?utm_source=feed&id=7",  # tracking parameters removed in both
        "hxxps://panel-sync[.]click/gate",
        "http://bank.com@phish-login.top/verify",
        "https://video-earn.makeup/2963723185946817/",
        "www.bbc.co.uk/news",
    ],
)
def test_a_link_in_text_is_judged_as_check_judges_it(scanner, url):
    result = scanner.scan(f"The council met on Monday. Details at {url} today.")
    (link,) = result.links
    report = scanner.url_checker.check(url)
    assert link.report.error is None and report.error is None
    assert (link.url, link.score, link.verdict, link.reasons) == (
        report.normalized,
        report.score,
        report.verdict,
        report.reasons,
    )
    assert "utm_source" not in link.url
