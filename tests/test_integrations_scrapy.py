"""The Scrapy pipeline in a real crawl: scrapy runs a spider over our test pages, served on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest.importorskip("scrapy", reason="the scrapy extra is not installed (pip install 'moderation[scrapy]')")

from moderation.bench.pages import build_pages

from .conftest import ROOT

RUNNER = """
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess

start, out, mode, stats_file = sys.argv[1:5]


class Pages(scrapy.Spider):
    name = "pages"
    start_urls = [start]

    def parse(self, response):
        for href in response.css("a.page::attr(href)").getall():
            yield response.follow(href, self.page)

    def page(self, response):
        yield {"url": response.url, "html": response.text}


process = CrawlerProcess({
    "ITEM_PIPELINES": {"moderation.integrations.scrapy.ModerationPipeline": 300},
    "MODERATION_HTML_FIELD": "html",
    "MODERATION_MODE": mode,
    "FEEDS": {out: {"format": "jsonlines"}},
    "LOG_LEVEL": "WARNING",
    "ROBOTSTXT_OBEY": False,
    "TELNETCONSOLE_ENABLED": False,
})
crawler = process.create_crawler(Pages)
process.crawl(crawler)
process.start()
with open(stats_file, "w") as f:
    json.dump(crawler.stats.get_stats(), f, default=str)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Eight test pages (three clean) and an index linking them, on a local HTTP server."""
    root = tmp_path_factory.mktemp("site")
    picked = [p for p in build_pages() if p.name.startswith("semantic-")][:12]
    pages = [picked[i] for i in (0, 1, 2, 4, 5, 7, 8, 11)]
    links = "".join(f'<a class="page" href="/{p.name}.html">{p.name}</a> ' for p in pages)
    (root / "index.html").write_text(f"<html><body>{links}</body></html>", encoding="utf-8")
    for p in pages:
        (root / f"{p.name}.html").write_text(p.html, encoding="utf-8")
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", {p.name: p for p in pages}
    server.shutdown()


def _crawl(site_url, tmp_path, mode):
    runner = tmp_path / "run_spider.py"
    runner.write_text(RUNNER, encoding="utf-8")
    out, stats = tmp_path / f"items-{mode}.jsonl", tmp_path / f"stats-{mode}.json"
    proc = subprocess.run(
        [sys.executable, str(runner), f"{site_url}/index.html", str(out), mode, str(stats)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(ROOT),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = (
        [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    )
    return items, json.loads(stats.read_text(encoding="utf-8"))


def test_a_crawl_strips_spam_and_counts_it(site, tmp_path):
    url, pages = site
    items, stats = _crawl(url, tmp_path, "strip")
    assert len(items) == len(pages)
    spam = 0
    for item in items:
        page = pages[item["url"].rsplit("/", 1)[1].removesuffix(".html")]
        note = item["moderation"]
        if page.clean:
            assert note["action"] == "kept" and item["html"] == page.html
            continue
        spam += 1
        assert note["action"] == "stripped" and note["page_spans"]
        for s, e, _ in page.gold:  # the spam elements are gone, the article text stays
            assert page.html[s:e] not in item["html"]
        assert page.legit[0] in item["text"]
    assert stats["moderation/items"] == len(pages)
    assert stats["moderation/spam"] == spam == stats["moderation/stripped"]
    assert stats["moderation/reason/HTML_HIDDEN_LINKS"] >= 2
    assert stats["moderation/chars_removed"] > 0


def test_a_crawl_drops_spam_in_drop_mode(site, tmp_path):
    url, pages = site
    items, stats = _crawl(url, tmp_path, "drop")
    clean = {n for n, p in pages.items() if p.clean}
    assert {i["url"].rsplit("/", 1)[1].removesuffix(".html") for i in items} == clean
    assert stats["moderation/dropped"] == len(pages) - len(clean) == stats["item_dropped_count"]
