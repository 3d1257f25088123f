"""One record rule for every door: the same table of records through the library, ``moderation scan``,
the cleaner, the HTTP API (full path and fast path) and the API's OpenAPI model must agree on what is a
document, what is rejected (and for which field), and what id a document gets."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from moderation import CleanOptions, InputError, RunOptions, clean_files
from moderation.clean.cleaner import Cleaner
from moderation.clean.formats import RecordReader, detect
from moderation.text.document import Document, as_document, read_record
from moderation.text.records import read_jsonl

from .test_clean import read_jsonl as read_jsonl_file
from .test_clean import records

POS = object()  # "the record's 1-based position": the line number, or the place in a batch


def _nested(levels: int) -> list:
    """``levels`` levels of lists, built without recursion."""
    inner: list = []
    for _ in range(levels - 1):
        inner = [inner]
    return inner


# (record, expected): a str/int/POS id when it is a document, else (kind, field) of the rejection
TABLE: list[tuple[object, object]] = [
    ({"text": "A note."}, POS),
    ({"text": "A note.", "id": "a-1"}, "a-1"),
    ({"text": "A note.", "id": 7}, 7),
    ({"text": "A note.", "id": 0}, 0),
    ({"text": "A note.", "id": None}, POS),
    ({"text": "", "id": "empty"}, "empty"),
    ({"text": "A note.", "id": "u", "url": "https://news.example/a", "lang": "en"}, "u"),
    ({"text": "A note.", "id": "n", "url": None, "lang": None}, "n"),
    ({"text": "A note.", "id": "x", "extra": [1, {"b": 2}]}, "x"),
    ({"text": "A note.", "id": True}, ("wrong type", "id")),
    ({"text": "A note.", "id": False}, ("wrong type", "id")),
    ({"text": "A note.", "id": 7.0}, ("wrong type", "id")),
    ({"text": "A note.", "id": 2.5}, ("wrong type", "id")),
    ({"text": "A note.", "id": [1]}, ("wrong type", "id")),
    ({"text": "A note.", "id": {"k": 1}}, ("wrong type", "id")),
    ({"text": "A note.", "url": 5}, ("wrong type", "url")),
    ({"text": "A note.", "url": ["https://a.example"]}, ("wrong type", "url")),
    ({"text": "A note.", "lang": 1}, ("wrong type", "lang")),
    ({"text": "A note.", "id": "deep-ok", "x": _nested(127)}, "deep-ok"),  # 128 levels with the record
    ({"text": "A note.", "id": "deep", "x": _nested(128)}, ("nested too deeply", None)),
    ({"id": "no-text"}, ("missing text field", "text")),
    ({"text": None, "id": "null"}, ("wrong type", "text")),
    ({"text": 5}, ("wrong type", "text")),
    ({"text": ["A note."]}, ("wrong type", "text")),
    (["A note."], ("not a JSON object", None)),
    ("A note.", ("not a JSON object", None)),  # a JSON string is not a record (the library also takes
    (42, ("not a JSON object", None)),  # plain Python strings as text: that door is checked apart)
    (None, ("not a JSON object", None)),
]
OBJECTS = [(record, want) for record, want in TABLE if isinstance(record, dict)]


def _id(want: object, position: int | None) -> object:
    return position if want is POS else want


def _is_doc(want: object) -> bool:
    return not isinstance(want, tuple)


@pytest.mark.parametrize(("record", "want"), TABLE)
def test_the_rule(record, want):
    got = read_record(record, 4)
    if _is_doc(want):
        assert isinstance(got, Document) and got.id == _id(want, 4)
    else:
        assert (got.kind, got.field) == want
        assert got.position == 4 and (got.field is None or repr(got.field) in got.error)


def test_library_scan_many_and_scan(scanner):
    for record, want in OBJECTS:
        if _is_doc(want):
            assert as_document(record, 3).id == _id(want, 3)
        else:
            with pytest.raises(InputError, match=f"document 3: {want[0]}"):
                as_document(record, 3)
    docs = [record for record, want in OBJECTS if _is_doc(want)]
    ids = [r.id for r in scanner.scan_many(docs)]
    assert ids == [_id(want, i) for i, (_, want) in enumerate((x for x in OBJECTS if _is_doc(x[1])), 1)]
    assert scanner.scan("A note.").id is None  # a single document without an id: None
    for bad in ({"id": True}, {"id": 7.0}, {"url": 5}, {"lang": 1}):
        field = next(iter(bad))
        with pytest.raises(InputError, match=f"wrong type .'{field}' is"):
            scanner.scan("A note.", **bad)
        with pytest.raises(InputError, match=f"wrong type .'{field}' is"):
            Document("A note.", **bad)


def _lines() -> bytes:
    return b"".join(json.dumps(record).encode() + b"\n" for record, _ in TABLE)


def test_cli_reader_and_cli_process():
    items = list(read_jsonl(io.BytesIO(_lines())))
    proc = subprocess.run(
        [sys.executable, "-m", "moderation.cli", "scan", "--jsonl", "-"],
        input=_lines(),
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 3  # some were rejected
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert len(items) == len(out) == len(TABLE)
    for line, ((_, want), item, printed) in enumerate(zip(TABLE, items, out, strict=True), 1):
        if _is_doc(want):
            assert isinstance(item, Document) and item.id == printed["id"] == _id(want, line)
            assert "verdict" in printed
        else:
            assert (item.kind, item.field) == want and item.position == line
            assert printed["error"].startswith(f"line {line}: {want[0]}")


def test_cleaner(scanner):
    """The cleaner reads text, id and url (by the names its options give); it has no language field."""
    cleaner = Cleaner(CleanOptions(), scanner)
    chunk = [(0, line, raw) for line, raw in enumerate(_lines().splitlines(), 1)]
    result = cleaner.clean(["in"], chunk, encode=False)
    rejects = iter(r.to_row() for r in result.rejects)
    for line, ((record, want), status) in enumerate(zip(TABLE, result.statuses, strict=True), 1):
        if isinstance(want, tuple) and want[1] == "lang":
            want = POS  # not read by the cleanup
        if _is_doc(want):
            assert status == "written"
        else:
            row = next(rejects)
            assert status == "rejected" and (row["line"], row["kind"]) == (line, want[0])
            valid = isinstance(record, dict) and want[1] != "id" and record.get("id") is not None
            assert row["id"] == (record["id"] if valid else line)
    renamed = Cleaner(CleanOptions(text_field="body", id_field="key", url_field="link"), scanner)
    lines = [b'{"body": "A note.", "key": true}', b'{"body": "A note.", "link": 3}', b'{"text": "A note."}']
    result = renamed.clean(["in"], [(0, i + 1, x) for i, x in enumerate(lines)], encode=False)
    assert [r.error for r in result.rejects] == [
        "wrong type ('key' is bool, not a string or an integer)",
        "wrong type ('link' is int, not a string)",
        "missing text field ('body')",
    ]


@pytest.fixture(scope="module")
def clients():
    pytest.importorskip("fastapi", reason="the api extra is not installed")
    from fastapi.testclient import TestClient

    from api._settings import ApiSettings
    from api.main import create_app

    with (
        TestClient(create_app(ApiSettings(fast_path=True))) as fast,
        TestClient(create_app(ApiSettings(fast_path=False))) as full,
    ):
        yield fast, full


def test_http_api_full_path_fast_path_and_schema(clients):
    from api._fastpath import FastScan
    from api._schemas import ScanRequest

    fast, full = clients
    for record, want in TABLE:
        body = json.dumps(record).encode()
        served = FastScan._document(FastScan(None, None, None, 1 << 20, 1 << 20, None), body)  # type: ignore[arg-type]
        assert (served is not None) == _is_doc(want), record
        try:
            ScanRequest.model_validate(record)
            described = True
        except ValueError:
            described = False
        assert described == _is_doc(want), f"the OpenAPI model disagrees on {record!r}"
        for client in (fast, full):
            r = client.post("/v1/scan", content=body, headers={"content-type": "application/json"})
            if _is_doc(want):
                assert r.status_code == 200 and r.json()["id"] == _id(want, None)
            else:
                assert r.status_code == 422, record
                error = r.json()["errors"][0]
                assert error["loc"] == (["body", want[1]] if want[1] else ["body"])
                assert error["type"] == want[0]


def test_http_api_batches_number_missing_ids(clients):
    _, full = clients
    docs = [record for record, want in OBJECTS if _is_doc(want)]
    r = full.post("/v1/scan/batch", json={"documents": docs})
    expected = [_id(want, i) for i, (_, want) in enumerate((x for x in OBJECTS if _is_doc(x[1])), 1)]
    assert [x["id"] for x in r.json()["results"]] == expected
    nd = b"\n" + b"".join(json.dumps(d).encode() + b"\n" for d in docs)  # a blank first line
    r = full.post("/v1/scan/batch", content=nd, headers={"content-type": "application/x-ndjson"})
    assert [x["id"] for x in r.json()["results"]] == [
        _id(want, line) for line, (_, want) in enumerate((x for x in OBJECTS if _is_doc(x[1])), 2)
    ]
    r = full.post(
        "/v1/scan/batch", json={"documents": [{"text": "A note."}, {"text": "A note.", "id": True}]}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "documents", 1, "id"]
    r = full.post("/v1/scan/batch", json={"docs": []})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "documents"]


def test_a_utf8_bom_starts_the_file_not_the_first_record(tmp_path):
    """Editors on Windows write a byte order mark first: it is not part of the first record (JSONL), nor
    of the first column's name (CSV)."""
    rows = records(3)
    src = tmp_path / "bom.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + b"".join(json.dumps(r).encode() + b"\n" for r in rows))
    report = clean_files([str(src)], str(tmp_path / "out.jsonl"), run=RunOptions(progress=False))
    assert report.stats.rejected == 0 and report.stats.written == 3
    assert [r["id"] for r in read_jsonl_file(tmp_path / "out.jsonl")] == ["doc-0", "doc-1", "doc-2"]

    with open(tmp_path / "bom.csv", "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.DictWriter(f, fieldnames=["id", "text", "source", "n"])
        writer.writeheader()
        writer.writerows(rows)
    assert (tmp_path / "bom.csv").read_bytes().startswith(b"\xef\xbb\xbfid,")
    (_, line, first), *_ = RecordReader([detect(str(tmp_path / "bom.csv"))])
    assert line == 2 and isinstance(first, dict) and list(first) == ["id", "text", "source", "n"]
    clean_files([str(tmp_path / "bom.csv")], str(tmp_path / "out.csv"), run=RunOptions(progress=False))
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as f:
        assert next(csv.reader(f)) == ["id", "text", "source", "n", "moderation"]


DEEP = b'{"id": "deep", "text": "A note.", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def _around_deep() -> bytes:
    """A record nested 100,000 levels deep between two ordinary ones, and one with a deep text field."""
    ordinary = [json.dumps({"id": i, "text": "The council met on Monday."}).encode() for i in (1, 4)]
    deep_text = b'{"id": "t", "text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    return b"\n".join([ordinary[0], DEEP, deep_text, ordinary[1]]) + b"\n"


def test_a_record_nested_100000_levels_deep_is_one_rejection_in_scan_and_clean(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "moderation.cli", "scan", "--jsonl", "-"],
        input=_around_deep(),
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 3 and b"Traceback" not in proc.stderr, proc.stderr[-2000:]
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [r["id"] for r in out] == [1, 2, 3, 4]
    assert "verdict" in out[0] and "verdict" in out[3]
    assert out[1]["error"] == "line 2: nested too deeply (more than 128 levels)"
    assert out[2]["error"].startswith("line 3: nested too deeply")

    src = tmp_path / "deep.jsonl"
    src.write_bytes(_around_deep())
    for workers in (1, 2):  # two: the records travel between processes
        out_path = tmp_path / f"out-{workers}.jsonl"
        report = clean_files([str(src)], str(out_path), workers=workers, run=RunOptions(progress=False))
        assert report.stats.balanced and (report.stats.written, report.stats.rejected) == (2, 2)
        assert report.stats.rejected_by == {"nested too deeply": 2}
        rows = [
            json.loads(x)
            for x in (tmp_path / f"out-{workers}.jsonl.rejects.jsonl").read_bytes().split(b"\n")
            if x
        ]
        assert [(r["line"], r["id"]) for r in rows] == [(2, 2), (3, 3)]
        assert rows[0]["record"].encode() == DEEP  # nothing lost: the raw line is kept


def test_a_record_nested_100000_levels_deep_is_a_4xx_on_every_endpoint(clients):
    _, full = clients
    fast, _ = clients
    json_h = {"content-type": "application/json"}
    for client in (fast, full):
        r = client.post("/v1/scan", content=DEEP, headers=json_h)
        assert r.status_code == 422 and r.json()["errors"][0]["type"] == "nested too deeply", r.text
    r = full.post("/v1/scan/batch", content=b'{"documents": [' + DEEP + b"]}", headers=json_h)
    assert r.status_code == 422 and "nested too deeply" in r.json()["detail"]
    nd = b'{"text": "A note."}\n' + DEEP + b"\n"
    r = full.post("/v1/scan/batch", content=nd, headers={"content-type": "application/x-ndjson"})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["line 2"]
    urls = b'{"urls": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    r = full.post("/v1/urls/check", content=urls, headers=json_h)
    assert r.status_code == 422 and "nested too deeply" in r.json()["detail"]
