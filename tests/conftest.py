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
