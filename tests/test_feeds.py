"""``moderation lists``: the data directory wherever it is given, and feeds validated before they replace
a list (format, size cap, a sanity check against the last good copy)."""

from __future__ import annotations

import json

import pytest

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
