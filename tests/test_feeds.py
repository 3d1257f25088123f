"""``lists update`` checks what a feed delivered before it replaces the last good copy (issue: an HTML
error page once replaced a 1,000-entry list with nothing, random bytes with junk, both reported ok)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from moderation.urls.feeds import REFUSAL_KEYS
from moderation.urls.lists import ListStore

GOOD = "".join(f"bad-{i}.top\n" for i in range(1000)).encode()
ERROR_PAGE = b"<!DOCTYPE html>\n<html><head><title>503</title></head><body>Service down</body></html>\n"


class _Feed(BaseHTTPRequestHandler):
    body: ClassVar[bytes] = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path):
    """A feed served on 127.0.0.1 and a store that already holds its 1,000-entry last good copy."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = tmp_path / "feeds.toml"
    url = f"http://127.0.0.1:{server.server_address[1]}/list.txt"
    config.write_text(f'[[feed]]\nname = "feed"\nkind = "block"\nurl = "{url}"\n')
    store = ListStore(tmp_path / "data")
    _Feed.body = GOOD
    (first,) = store.update(config)
    assert first["ok"] and first["entries"] == 1000
    yield store, config
    server.shutdown()


def _random_bytes() -> bytes:
    rng = random.Random(3)
    return bytes(rng.randrange(256) for _ in range(20_000))


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (ERROR_PAGE, "html"),
        (_random_bytes(), "not_text"),
        (b"", "empty"),
        (b"# nothing here\n\n", "empty"),
        (b"\xff\xfe" * 5000 + b"\n" + b"x.top\n" * 10, "not_text"),
        (b"not a list at all\n" * 50 + b"one.top\n", "invalid"),
        (b"".join(f"bad-{i}.top\n".encode() for i in range(100)), "shrank"),
    ],
)
def test_a_bad_feed_is_refused_and_the_last_good_copy_kept(served, body, key):
    store, config = served
    _Feed.body = body
    (outcome,) = store.update(config)
    assert not outcome["ok"] and outcome["refused"] == key and outcome["kept_entries"] == 1000
    assert key in REFUSAL_KEYS
    assert len(store.load().lists[("block", "feed")]) == 1000


def test_a_feed_over_the_size_cap_is_abandoned(served):
    store, config = served
    _Feed.body = GOOD * 50
    (outcome,) = store.update(config, max_bytes=len(GOOD) * 2)
    assert outcome["refused"] == "too_large"
    assert len(store.load().lists[("block", "feed")]) == 1000


def test_force_accepts_a_list_that_shrank(served):
    store, config = served
    _Feed.body = b"only.top\n"
    (outcome,) = store.update(config, force=True)
    assert outcome["ok"] and outcome["entries"] == 1
    assert store.load().lists[("block", "feed")] == {"only.top"}


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "moderation.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def test_cli_update_refusal_exits_nonzero_and_says_why(served, tmp_path):
    store, config = served
    _Feed.body = ERROR_PAGE
    proc = _cli("lists", "--data-dir", str(store.data_dir), "update", "--config", str(config), env={})
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["refused"] == "html"
    assert "refused feed feed (html)" in proc.stderr and "1,000 entries" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_data_dir_before_the_action_is_honoured(tmp_path):
    listing = tmp_path / "deny.txt"
    listing.write_text("evil-partner.com\n")
    home = tmp_path / "home"
    env = {"HOME": str(home), "XDG_DATA_HOME": "", "MODERATION_DATA_DIR": ""}
    before = tmp_path / "before"
    proc = _cli("lists", "--data-dir", str(before), "import", str(listing), "--kind", "block",
                "--source", "deny", env=env)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (before / "lists" / "block" / "deny.txt").exists()
    after = tmp_path / "after"
    proc = _cli("lists", "show", "--data-dir", str(after), env=env)
    assert proc.returncode == 0 and json.loads(proc.stdout)["store"] == str(after / "lists")
    assert not home.exists()  # nothing written to the per-user default
