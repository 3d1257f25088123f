"""The per-document size limit (``Settings.max_document_chars``) at every door: library, CLI, clean, API."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from moderation import (
    CleanOptions,
    ConfigurationError,
    DocumentTooLargeError,
    InputError,
    Scanner,
    Settings,
)
from moderation.clean.cleaner import Cleaner

LIMIT = 500


@pytest.fixture(scope="module")
def small():
    return Scanner.default(Settings(max_document_chars=LIMIT))


def test_limit_comes_from_constructor_then_environment(monkeypatch):
    assert Settings().max_document_chars == 4_000_000
    monkeypatch.setenv("MODERATION_MAX_DOCUMENT_CHARS", "1234")
    assert Settings().max_document_chars == 1234
    assert Settings(max_document_chars=99).max_document_chars == 99
    with pytest.raises(ConfigurationError):
        Settings(max_document_chars=0)
    monkeypatch.setenv("MODERATION_MAX_DOCUMENT_CHARS", "many")
    with pytest.raises(ConfigurationError):
        Settings()


def test_scanner_refuses_a_document_over_the_limit_whole(small):
    assert small.scan("word " * (LIMIT // 5)).verdict in ("clean", "spam")  # at the limit: scanned
    with pytest.raises(DocumentTooLargeError) as info:
        small.scan("x" * (LIMIT + 1), id="big")
    err = info.value
    assert isinstance(err, InputError) and err.chars == LIMIT + 1 and err.limit == LIMIT
    assert "max_document_chars" in str(err)
    with pytest.raises(DocumentTooLargeError):
        list(small.scan_many(["short", "y" * (LIMIT + 1)]))


def test_cli_scan_writes_an_error_record_and_exits_3(tmp_path):
    path = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "text": "A short note."},
        {"id": "b", "text": "z " * LIMIT},
        {"id": "c", "text": "Ok."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    env = {**os.environ, "MODERATION_MAX_DOCUMENT_CHARS": str(LIMIT)}
    proc = subprocess.run(
        [sys.executable, "-m", "moderation.cli", "scan", str(path)], capture_output=True, timeout=120, env=env
    )
    assert proc.returncode == 3, proc.stderr
    out = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    assert [r["id"] for r in out] == ["a", "b", "c"]
    assert "verdict" in out[0] and "verdict" in out[2]
    assert out[1]["error"].startswith("document too large") and "verdict" not in out[1]


def test_clean_rejects_an_oversized_record_with_its_kind(small):
    cleaner = Cleaner(CleanOptions(), scanner=small)
    lines = [json.dumps({"id": i, "text": t}).encode() for i, t in enumerate(["Fine.", "q" * (LIMIT + 1)])]
    result = cleaner.clean(["in"], [(0, n + 1, line) for n, line in enumerate(lines)], encode=False)
    (reject,) = [r.to_row() for r in result.rejects]
    assert reject["kind"] == "document too large" and reject["line"] == 2 and reject["id"] == 1
    assert reject["record"]["text"] == "q" * (LIMIT + 1)  # nothing is lost
    assert len(result.output) == 1


def test_api_answers_413_over_the_engine_limit():
    pytest.importorskip("fastapi", reason="the api extra is not installed")
    from fastapi.testclient import TestClient

    from api._settings import ApiSettings
    from api.main import create_app

    settings = ApiSettings(engine=Settings(max_document_chars=LIMIT))
    with TestClient(create_app(settings)) as client:
        assert client.post("/v1/scan", json={"text": "Fine."}).status_code == 200
        for path, body in (
            ("/v1/scan", {"text": "w" * (LIMIT + 1)}),
            ("/v1/scan/batch", {"documents": [{"text": "Fine."}, {"text": "w" * (LIMIT + 1)}]}),
        ):
            r = client.post(path, json=body)
            assert r.status_code == 413, r.text
            assert "max_document_chars" in r.json()["detail"]
