"""Shared fixtures. Tests that need ``../shared/data`` skip with a reason when it is absent."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# The URL list store defaults to a per-user directory; tests must never read (or write) the user's lists.
os.environ["MODERATION_DATA_DIR"] = tempfile.mkdtemp(prefix="moderation-test-data-")

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

needs_data = pytest.mark.skipif(
    not (DATA_DIR / "bench" / "dev.jsonl").is_file(),
    reason=f"needs the data pack at {DATA_DIR} (present in CI, absent in a bare clone)",
)


@pytest.fixture(scope="session")
def scanner():
    from moderation import Scanner

    return Scanner.default()


@pytest.fixture(scope="session")
def example_article() -> str:
    from importlib import resources

    return resources.files("moderation").joinpath("resources/example-article.txt").read_text(encoding="utf-8")


def spawned_children(pid: int) -> set[int]:
    """The worker processes (spawned by multiprocessing, not zombies) whose parent is ``pid`` (Linux)."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                cmdline = (stat.parent / "cmdline").read_bytes()
                if b"spawn_main" in cmdline:  # a worker, not multiprocessing's resource tracker
                    out.add(int(stat.parent.name))
        except OSError:
            continue
    return out


def alive(pid: int) -> bool:
    """The process exists and is not a zombie (Linux)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
