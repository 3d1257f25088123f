"""The newsroom hook: policies from one TOML file, the four actions, allowed sources, the time budget,
threads and asyncio."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from moderation import ConfigurationError
from moderation.bench.pages import build_pages
from moderation.hooks import Article, Hook, Policy, load_policies, policies_from_dict

SETTINGS = """
[policy]
flag = 0.5
strip = 0.8
reject_share = 0.5
budget_ms = 2000

[sources]
allow = ["Reuters", "AP"]
own_domains = ["www.dailyherald.example"]

[desks.sport]
strip = 0.999999
"""

BODY = (
    "The council voted on Tuesday night to fund repairs to the Mill Street bridge.\n\n"
    "Engineers found corrosion in two of the steel supports during an inspection in the spring.\n\n"
    "Work is expected to start in March and to last roughly eight months."
)
SPAM = (
    "Earn up to $450 a day working from home, no experience needed, sign up at www.home-income-pro.top/start"
)


@pytest.fixture(scope="module")
def hook(scanner, tmp_path_factory):
    path = tmp_path_factory.mktemp("policy") / "newsroom.toml"
    path.write_text(SETTINGS, encoding="utf-8")
    h = Hook(load_policies(path), scanner)
    yield h
    h.close()


def test_the_four_actions(hook):
    keep = hook.decide(Article(body=BODY, url="https://www.example-paper.com/a", source="stringer"))
    assert keep.action == "keep" and keep.cleaned_body == BODY and not keep.spans
    spam_body = BODY.replace("\n\nWork", f"\n\n{SPAM}\n\nWork")
    strip = hook.decide(Article(body=spam_body, source="stringer", id=7))
    assert strip.action == "strip" and SPAM not in strip.cleaned_body and "Mill Street" in strip.cleaned_body
    assert strip.spans[0].text == SPAM and strip.reasons and strip.article.id == 7
    assert set(strip.versions) == {"package", "model", "url_model", "url_list_entries", "html_rules"}
    flag = hook.decide(Article(body=spam_body, source="stringer", desk="Sport"))
    assert flag.action == "flag" and flag.policy == "sport" and flag.cleaned_body == spam_body
    reject = hook.decide(Article(body=SPAM + "\n\n" + SPAM.replace("450", "900"), source="stringer"))
    assert reject.action == "reject"
    assert strip.to_dict()["spans"][0]["text"] == SPAM


def test_wire_services_and_own_domains_are_always_allowed(hook):
    spam_body = f"{BODY}\n\n{SPAM}"
    wire = hook.decide(Article(body=spam_body, source="reuters"))
    assert wire.action == "keep" and wire.allowed and wire.reasons[0].code == "HOOK_ALLOWED_SOURCE"
    own = hook.decide(Article(body=spam_body, url="https://news.dailyherald.example/x", source="stringer"))
    assert own.action == "keep" and own.allowed


def test_html_articles_are_decided_on_the_page(hook):
    page = next(p for p in build_pages() if p.name == "portal-05")
    d = hook.decide(Article(html=page.html, url=page.url, source="scraper"))
    assert d.action == "strip" and d.cleaned_html is not None
    assert any(r.code == "HTML_HIDDEN_LINKS" for r in d.reasons)


class _SlowScanner:
    """Stands in for a scanner that takes 300 ms (sleeping, so the waiting thread is free to give up)."""

    def __init__(self, real):
        self.real = real
        self.model_version = real.model_version
        self.url_checker = real.url_checker

    def scan(self, text, url=None, id=None):
        time.sleep(0.3)
        return self.real.scan(text, url=url, id=id)


def test_the_budget_fails_open(scanner):
    slow = Hook(Policy(budget_ms=50), _SlowScanner(scanner))
    t = time.perf_counter()
    d = slow.decide(Article(body=f"{BODY}\n\n{SPAM}"))
    assert d.action == "keep" and d.timed_out and "fail open" in d.reasons[0].text
    assert time.perf_counter() - t < 0.25  # answered at the budget, not when the scan ended
    d = asyncio.run(slow.adecide(Article(body=f"{BODY}\n\n{SPAM}")))
    assert d.action == "keep" and d.timed_out
    slow.close()
    patient = Hook(Policy(budget_ms=2000), _SlowScanner(scanner))
    assert patient.decide(Article(body=f"{BODY}\n\n{SPAM}")).action == "strip"
    patient.close()


def test_threads_and_asyncio_agree_with_one_call_at_a_time(hook):
    articles = [
        Article(body=BODY if k % 2 else f"{BODY}\n\n{SPAM}", id=k, source="stringer") for k in range(16)
    ]
    expected = [hook.decide(a).action for a in articles]
    with ThreadPoolExecutor(4) as pool:
        assert [d.action for d in pool.map(hook.decide, articles)] == expected

    async def many():
        return await asyncio.gather(*(hook.adecide(a) for a in articles))

    assert [d.action for d in asyncio.run(many())] == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"policy": {"flag": 2}}, "flag = 2 must be between 0 and 1"),
        ({"policy": {"flag": 0.9, "strip": 0.5}}, "strip (0.5) is below flag (0.9)"),
        ({"policy": {"budget": 3}}, "unknown key(s) in the default policy: ['budget']"),
        ({"desks": {"sport": {"budget_ms": -1}}}, "budget_ms = -1 must be positive"),
        ({"rules": {}}, "unknown section(s) ['rules']"),
    ],
)
def test_bad_settings_are_named(data, message):
    with pytest.raises(
        ConfigurationError,
        match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[").replace("]", r"\]"),
    ):
        policies_from_dict(data)


def test_a_broken_settings_file_is_a_configuration_error(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[policy\nflag = ", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        load_policies(path)
    with pytest.raises(ConfigurationError, match="cannot read"):
        load_policies(tmp_path / "missing.toml")
