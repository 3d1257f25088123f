"""``moderation lists``: the data directory wherever it is given, and feeds validated before they replace
a list (format, size cap, a sanity check against the last good copy)."""

from __future__ import annotations

import json
import random
import threading
from contextlib import redirect_stdout
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from typing import ClassVar

import pytest

from moderation import ListStore
from moderation.cli import main


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A home directory of its own, so that a write to the per-user store shows."""
    monkeypatch.delenv("MODERATION_DATA_DIR", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.mark.parametrize("before", [True, False])
def test_lists_data_dir_before_or_after_the_action(tmp_path, home, capsys, before):
    listing = tmp_path / "deny.txt"
    listing.write_text("evil-partner.com\n")
    store = tmp_path / "store"
    action = ["import", str(listing), "--kind", "block", "--source", "deny"]
    where = ["--data-dir", str(store)]
    argv = ["lists", *where, *action] if before else ["lists", *action, *where]
    assert main(argv) == 0
    assert (store / "lists" / "block" / "deny.txt").read_text() == "evil-partner.com\n"
    assert not home.exists()
    assert main(["lists", *where, "show"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("{") :])["lists"]["block/deny"]["entries"] == 1


# -- lists update: what a feed may not replace a list with --------------------------------------------------

GOOD = "".join(f"host{i}.evil.top\n" for i in range(1000))


class _Feed(BaseHTTPRequestHandler):
    body: ClassVar[bytes] = b""
    content_type: ClassVar[str] = "text/plain"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def feed_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _serve(body: bytes, content_type: str = "text/plain") -> None:
    _Feed.body, _Feed.content_type = body, content_type


def _update(tmp_path, url, *extra):
    config = tmp_path / "feeds.toml"
    config.write_text(f'[[feed]]\nname = "deny"\nkind = "block"\nurl = "{url}"\n')
    out = StringIO()
    with redirect_stdout(out):
        status = main(
            ["lists", "--data-dir", str(tmp_path / "data"), "update", "--config", str(config), *extra]
        )
    return status, json.loads(out.getvalue().splitlines()[-1])


def _kept(tmp_path) -> int:
    return len(ListStore(tmp_path / "data").load().lists[("block", "deny")])


HTML = b"<!DOCTYPE html><html><head><title>503</title></head><body>Service Unavailable</body></html>\n"


@pytest.mark.parametrize(
    ("body", "content_type", "why"),
    [
        (HTML, "text/html; charset=utf-8", "HTML"),
        (HTML, "text/plain", "HTML"),  # a mirror that labels its error page as text
        (bytes(random.Random(7).randrange(256) for _ in range(20_000)), "application/octet-stream", ""),
        (b"", "text/plain", "no entries"),
        (b"# nothing here yet\n\n", "text/plain", "no entries"),
        ("".join(f"not a host {i}!\n" for i in range(50)).encode() + b"one.evil.top\n", "text/plain", "most"),
    ],
    ids=["html", "html-as-text", "random-bytes", "empty", "comments-only", "junk"],
)
def test_a_feed_that_is_not_a_list_is_refused_and_the_last_good_copy_kept(
    tmp_path, feed_server, body, content_type, why
):
    url = f"http://127.0.0.1:{feed_server.server_port}/list.txt"
    _serve(GOOD.encode())
    status, first = _update(tmp_path, url)
    assert status == 0 and first["ok"] and first["entries"] == 1000
    _serve(body, content_type)
    status, result = _update(tmp_path, url)
    assert status == 1 and not result["ok"]
    assert why in result["refused"] and result["kept"] == 1000
    assert _kept(tmp_path) == 1000


def _first(n: int) -> str:
    return "".join(GOOD.splitlines(keepends=True)[:n])


def test_a_list_that_shrank_by_more_than_half_needs_force(tmp_path):
    feed = tmp_path / "feed.txt"
    feed.write_text(GOOD)
    assert _update(tmp_path, feed.as_uri())[0] == 0
    feed.write_text(_first(333))
    status, result = _update(tmp_path, feed.as_uri())
    assert status == 1 and "shrink from 1,000" in result["refused"] and _kept(tmp_path) == 1000
    feed.write_text(_first(667))  # shrinking by a third is ordinary churn
    assert _update(tmp_path, feed.as_uri())[0] == 0 and _kept(tmp_path) == 667
    feed.write_text(_first(100))
    status, result = _update(tmp_path, feed.as_uri(), "--force")
    assert status == 0 and result["entries"] == 100 and _kept(tmp_path) == 100


def test_a_feed_over_the_size_cap_is_refused_while_it_downloads(tmp_path, monkeypatch):
    feed = tmp_path / "feed.txt"
    feed.write_text(GOOD)
    assert _update(tmp_path, feed.as_uri())[0] == 0
    big = tmp_path / "big.txt"
    big.write_text(GOOD * 40)  # ~650 KB
    reads: list[int] = []
    import urllib.request

    opened = urllib.request.urlopen

    def counting(*args, **kwargs):
        response = opened(*args, **kwargs)
        read = response.read
        response.read = lambda n=-1: (reads.append(n), read(n))[1]
        return response

    monkeypatch.setattr(urllib.request, "urlopen", counting)
    status, result = _update(tmp_path, big.as_uri(), "--max-bytes", "100000")
    assert status == 1 and "larger than the cap of 100,000 bytes" in result["refused"]
    assert _kept(tmp_path) == 1000
    assert reads and all(0 < n <= 65536 for n in reads)  # in chunks, never the whole body
    assert sum(reads) < 200_000  # stopped soon after the cap, not at the end of the feed
