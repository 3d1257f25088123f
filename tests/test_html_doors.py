"""HTML pages through every door: the CLI (scan --html, clean --html-field) as real processes, and the
HTTP API (JSON with "html", and text/html bodies)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from moderation.bench.pages import build_pages


def run(*args, stdin: bytes | None = None):
    proc = subprocess.run(
        [sys.executable, "-m", "moderation.cli", *args], input=stdin, capture_output=True, timeout=180
    )
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


@pytest.fixture(scope="module")
def pages():
    return {p.name: p for p in build_pages()}


def test_scan_html_page_and_write_the_cleaned_page(pages, tmp_path):
    page = pages["semantic-04"]
    path, cleaned = tmp_path / "page.html", tmp_path / "clean.html"
    path.write_bytes(page.html.encode("utf-8"))
    code, out, err = run("scan", "--html", str(path), "--url", page.url, "--cleaned-html", str(cleaned))
    assert code == 0, err
    rec = json.loads(out)
    assert rec["verdict"] == "spam" and rec["encoding"] == "utf-8"
    (ps,) = rec["page_spans"]
    ((s, e, _),) = page.gold
    assert page.html[ps["start"] : ps["end"]] == page.html[s:e].rstrip("\n")
    assert ps["reasons"][0]["code"] == "HTML_HIDDEN_LINKS"
    assert cleaned.read_bytes() == (page.html[: ps["start"]] + page.html[ps["end"] :]).encode("utf-8")
    assert "cleaned_html" not in rec  # written to the file instead


def test_scan_html_jsonl_with_a_bad_line(pages):
    good = json.dumps({"id": "p", "html": pages["blog-08"].html, "url": pages["blog-08"].url})
    code, out, err = run(
        "scan", "--html", "--jsonl", "-", stdin=f'{good}\nnot json\n{{"html": 3}}\n'.encode()
    )
    assert code == 3, err
    recs = [json.loads(x) for x in out.splitlines()]
    assert recs[0]["id"] == "p" and len(recs[0]["page_spans"]) == 2
    assert "line 2" in recs[1]["error"] and "line 3" in recs[2]["error"]
    # the one record rule, with "html" in the text's place
    assert recs[2] == {"id": 3, "error": "line 3: wrong type ('html' is int, not a string)"}


def test_clean_html_field(pages, tmp_path):
    src = tmp_path / "pages.jsonl"
    names = ["portal-00", "portal-07", "divsoup-09"]
    src.write_text(
        "".join(json.dumps({"id": n, "page": pages[n].html, "url": pages[n].url}) + "\n" for n in names),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    code, _, err = run("clean", str(src), "-o", str(out), "--html-field", "page", "--no-progress")
    assert code == 0, err
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert rows["portal-00"]["page"] == pages["portal-00"].html
    assert rows["portal-00"]["moderation"]["action"] == "kept"
    for n in ("portal-07", "divsoup-09"):
        note = rows[n]["moderation"]
        assert note["action"] == "stripped" and note["page_spans"]
        assert all(pages[n].html[s:e] not in rows[n]["page"] for s, e, _ in pages[n].gold)
        assert pages[n].legit[1] in rows[n]["text"]
    assert "HTML_AD_WIDGET" in err  # counted by reason code in the report


def test_clean_html_field_rejects_by_the_record_rule(pages, tmp_path):
    src, out, rejects = tmp_path / "pages.jsonl", tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    rows = [
        {"id": "a", "page": pages["portal-00"].html},
        {"id": "b", "text": "no page"},
        {"id": 7.5, "page": "<p>x"},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code, _, err = run(
        "clean", str(src), "-o", str(out), "--html-field", "page", "--rejects", str(rejects), "--no-progress"
    )
    assert code == 3, err
    assert [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()] == ["a"]
    got = [json.loads(x) for x in rejects.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["kind"], r["error"]) for r in got] == [
        ("b", "missing text field", "missing text field ('page')"),
        (3, "wrong type", "wrong type ('id' is float, not a string or an integer)"),
    ]


fastapi = pytest.importorskip("fastapi", reason="the api extra is not installed")


@pytest.fixture(scope="module")
def client():
    from fastapi.testclient import TestClient

    from api.main import create_app

    with TestClient(create_app()) as c:
        yield c


def test_api_scans_pages_as_json_or_text_html(client, pages):
    page = pages["semantic-11"]
    r = client.post("/v1/scan", json={"html": page.html, "url": page.url, "id": "x"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == "x" and {p["reasons"][0]["code"] for p in body["page_spans"]} == {
        "HTML_CHUMBOX",
        "HTML_COMMENT_LINK",
    }
    raw = page.html.encode("cp1252", "replace")
    r = client.post(
        "/v1/scan",
        content=raw,
        params={"url": page.url, "id": "y"},
        headers={"content-type": "text/html; charset=windows-1252"},
    )
    assert r.status_code == 200 and r.json()["encoding"] == "cp1252" and r.json()["id"] == "y"
    assert len(r.json()["page_spans"]) == 2
    r = client.post("/v1/scan", json={"html": ["not", "a", "string"]})
    assert r.status_code == 422 and r.json()["detail"].startswith("body.html")


def test_api_batch_holds_pages_and_texts_in_order(client, pages):
    page = pages["semantic-11"]
    docs = [
        {"text": "The council met on Monday."},
        {"html": page.html, "url": page.url},
        {"text": "Rain is expected on Friday.", "id": "t"},
    ]
    r = client.post("/v1/scan/batch", json={"documents": docs})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["id"] for x in results] == [1, 2, "t"]
    assert "page_spans" not in results[0] and "page_spans" not in results[2]
    single = client.post("/v1/scan", json={"html": page.html, "url": page.url, "id": 2}).json()
    assert results[1] == single  # a page in a batch gets the result /v1/scan gives it
    nd = "".join(json.dumps(d) + "\n" for d in docs).encode()
    r = client.post(
        "/v1/scan/batch",
        content=nd,
        headers={"content-type": "application/x-ndjson", "accept": "application/x-ndjson"},
    )
    lines = [json.loads(x) for x in r.text.splitlines()]
    assert [x["id"] for x in lines] == [1, 2, "t"] and lines[1]["page_spans"] == single["page_spans"]


@pytest.mark.parametrize(
    ("record", "loc", "kind"),
    [
        ({"html": 5}, ["body", "html"], "wrong type"),
        ({"html": None, "id": "n"}, ["body", "html"], "wrong type"),
        ({"html": "<p>x</p>", "id": 2.5}, ["body", "id"], "wrong type"),
        ({"html": "<p>x</p>", "url": ["https://a.example"]}, ["body", "url"], "wrong type"),
    ],
)
def test_api_checks_page_records_by_the_record_rule(client, record, loc, kind):
    from api._schemas import HtmlScanRequest
    from moderation.text.document import Reject, read_record
    from moderation.text.html import PAGE_FIELDS

    got = read_record(record, None, PAGE_FIELDS)
    assert isinstance(got, Reject) and got.kind == kind
    with pytest.raises(ValueError):
        HtmlScanRequest.model_validate(record)  # the OpenAPI model agrees
    r = client.post("/v1/scan", json=record)
    assert (
        r.status_code == 422 and r.json()["errors"][0]["loc"] == loc and r.json()["errors"][0]["type"] == kind
    )
    r = client.post("/v1/scan/batch", json={"documents": [{"text": "A note."}, record]})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "documents", 1, *loc[1:]]
