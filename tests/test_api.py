"""The HTTP service: behaviour through TestClient, and a real uvicorn process on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the api extra is not installed")

from fastapi.testclient import TestClient

from api._settings import ApiSettings, hash_key
from api.main import create_app

from .conftest import FIXTURES, alive, spawned_children


@pytest.fixture(scope="module")
def client():
    with TestClient(
        create_app(ApiSettings(max_document_bytes=200_000, max_request_bytes=400_000, max_batch=5))
    ) as c:
        yield c


def is_problem(r, status):
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["detail"] and body["title"]
    return body


def test_scan_returns_the_cli_shape(client, example_article):
    r = client.post("/v1/scan", json={"text": example_article, "id": "a1"})
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == "a1" and body["verdict"] == "spam"
    assert set(body) == {"id", "verdict", "score", "spans", "links", "cleaned_text", "model_version"}
    (span,) = body["spans"]
    assert example_article[span["start"] : span["end"]] == span["text"]
    assert r.headers["x-request-id"]


def test_same_request_same_response(client, example_article):
    a = client.post("/v1/scan", json={"text": example_article}).content
    b = client.post("/v1/scan", json={"text": example_article}).content
    assert a == b


def test_batch_json_and_ndjson(client, example_article):
    clean = (FIXTURES / "clean-lookalikes.txt").read_text(encoding="utf-8")
    r = client.post(
        "/v1/scan/batch", json={"documents": [{"text": example_article}, {"text": clean, "id": "c"}]}
    )
    body = r.json()
    assert [x["verdict"] for x in body["results"]] == ["spam", "clean"]
    assert [x["id"] for x in body["results"]] == [1, "c"]  # no id: the 1-based position
    nd = "\n".join(json.dumps({"text": t}) for t in (example_article, clean)) + "\n"
    r = client.post(
        "/v1/scan/batch",
        content=nd.encode(),
        headers={"content-type": "application/x-ndjson", "accept": "application/x-ndjson"},
    )
    assert r.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(x) for x in r.text.splitlines()]
    assert [x["verdict"] for x in lines] == ["spam", "clean"]


def test_url_check(client):
    r = client.post(
        "/v1/urls/check", json={"urls": ["https://video-earn.makeup/2963723185946817/", "no", ""]}
    )
    reports = r.json()["reports"]
    assert (
        reports[0]["verdict"] in ("malicious", "suspicious") and reports[0]["domain"] == "video-earn.makeup"
    )
    assert reports[0]["list_hits"] == [] and any(".makeup" in x["text"] for x in reports[0]["reasons"])
    assert reports[0]["reasons"][0]["code"] == "URL_TLD_HEAVILY_ABUSED"
    assert reports[1]["error"] and reports[2]["error"]


def test_ops_endpoints(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    v = client.get("/version").json()
    assert v["model_version"].startswith("seg-ctx-") and v["feature_format"] == 1
    assert v["url_model_version"].startswith("url-") and v["url_lists"] == 0
    client.post("/v1/scan", json={"text": "A short clean note about the weather today."})
    spam = "The council met on Monday.\n\nMake money online now at https://quick-cash.top/2963723185946817/"
    counted = 'moderation_span_reasons_total{code="URL_TLD_HEAVILY_ABUSED"} '

    def tld_spans() -> float:  # the module's client has scanned spam before this test (or not, alone)
        line = next((x for x in client.get("/metrics").text.splitlines() if x.startswith(counted)), "")
        return float(line[len(counted) :] or 0)

    before = tld_spans()
    assert client.post("/v1/scan", json={"text": spam}).json()["spans"]
    metrics = client.get("/metrics").text
    assert "moderation_documents_scanned_total" in metrics
    assert tld_spans() == before + 1
    assert 'moderation_http_requests_total{method="POST",route="/v1/scan",status="200"}' in metrics


def test_error_responses_are_problems(client):
    is_problem(client.post("/v1/scan", content=b"{nope", headers={"content-type": "application/json"}), 400)
    is_problem(
        client.post("/v1/scan", content=b"\xff\xfe", headers={"content-type": "application/json"}), 400
    )
    is_problem(client.post("/v1/scan", content=b"hi", headers={"content-type": "text/plain"}), 415)
    body = is_problem(client.post("/v1/scan", json={"txt": "x"}), 422)
    assert "text" in body["detail"] and body["errors"]
    is_problem(client.post("/v1/scan", json={"text": 5}), 422)
    is_problem(client.post("/v1/scan", json=["a"]), 422)
    is_problem(client.post("/v1/scan", json={"text": "x" * 200_001}), 413)
    is_problem(
        client.post("/v1/scan", content=b"x" * 400_001, headers={"content-type": "application/json"}), 413
    )
    is_problem(client.post("/v1/scan/batch", json={"documents": [{"text": "a"}] * 6}), 413)
    is_problem(client.get("/nowhere"), 404)
    is_problem(client.get("/v1/scan"), 405)


@pytest.mark.parametrize("fast_path", [True, False])
def test_a_request_has_a_scan_budget(fast_path):
    settings = ApiSettings(max_request_chars=1000, fast_path=fast_path)
    with TestClient(create_app(settings)) as c:
        note = "The council met on Monday. "  # 27 characters
        assert c.post("/v1/scan", json={"text": note * 37}).status_code == 200  # 999
        body = is_problem(c.post("/v1/scan", json={"text": note * 38}), 413)
        assert "1,026 characters of text" in body["detail"] and "at most 1,000" in body["detail"]
        docs = [{"text": note * 18}] * 2  # 972 in all
        assert c.post("/v1/scan/batch", json={"documents": docs}).status_code == 200
        is_problem(c.post("/v1/scan/batch", json={"documents": [*docs, {"text": note * 2}]}), 413)
        nd = "".join(json.dumps({"text": note * 18}) + "\n" for _ in range(3)).encode()
        is_problem(
            c.post("/v1/scan/batch", content=nd, headers={"content-type": "application/x-ndjson"}), 413
        )
        urls = [f"https://news.example/{'a' * 80}/{i}" for i in range(12)]  # 12 x 103 characters
        assert c.post("/v1/urls/check", json={"urls": urls[:9]}).status_code == 200
        body = is_problem(c.post("/v1/urls/check", json={"urls": urls}), 413)
        assert "characters of URLs" in body["detail"]
        page = f"<html><body><p>{note * 40}</p></body></html>"  # a page counts its HTML
        is_problem(c.post("/v1/scan", json={"html": page}), 413)
        is_problem(c.post("/v1/scan", content=page.encode(), headers={"content-type": "text/html"}), 413)
        is_problem(c.post("/v1/scan/batch", json={"documents": [{"html": page}]}), 413)
        small = f"<html><body><p>{note * 10}</p></body></html>"
        assert c.post("/v1/scan", json={"html": small}).status_code == 200


def test_lone_surrogates_come_back_as_valid_json(client):
    raw = b'{"text": "The council met \\ud800 on Monday and approved the budget."}'
    r = client.post("/v1/scan", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 200
    assert r.json()["cleaned_text"].startswith("The council met")


def test_not_ready_is_503():
    app = create_app()
    c = TestClient(app)  # no context manager: the lifespan (model loading) has not run
    is_problem(c.post("/v1/scan", json={"text": "x"}), 503)
    is_problem(c.get("/readyz"), 503)
    assert c.get("/healthz").status_code == 200


def test_internal_errors_carry_a_request_id(monkeypatch, caplog):
    app = create_app()
    with TestClient(app, raise_server_exceptions=False) as c:
        import moderation

        def boom(*a, **k):
            raise RuntimeError("kaput")

        monkeypatch.setattr(moderation.Scanner, "scan_many", boom)
        r = c.post("/v1/scan/batch", json={"documents": [{"text": "x"}]}, headers={"x-request-id": "req-42"})
        body = is_problem(r, 500)
        assert body["request_id"] == "req-42" and "req-42" in body["detail"]
        assert "kaput" not in r.text
        r = c.post("/v1/scan", json={"text": "x"}, headers={"x-request-id": "req-43"})  # the fast path
        body = is_problem(r, 500)
        assert body["request_id"] == "req-43" and "kaput" not in r.text


def test_fast_path_answers_exactly_like_the_full_path(client, example_article, monkeypatch):
    from api._fastpath import FastScan

    served = []
    original = FastScan._document
    monkeypatch.setattr(
        FastScan, "_document", lambda self, data: served.append(original(self, data)) or served[-1]
    )
    full = ApiSettings(max_document_bytes=200_000, max_request_bytes=400_000, max_batch=5, fast_path=False)
    with TestClient(create_app(full)) as slow:
        for payload in (
            {"text": example_article, "id": "a-1", "url": "https://news.example/x", "lang": "en"},
            {"text": "Short clean note.", "id": 7},
            {"text": "Short clean note.", "id": 7.0},  # lax int: only the full path accepts it, both agree
            {"text": "Short clean note.", "id": True},  # 422 from the full path either way
            {"text": "x", "extra": [1, 2]},
        ):
            a, b = client.post("/v1/scan", json=payload), slow.post("/v1/scan", json=payload)
            assert (a.status_code, a.headers["content-type"]) == (b.status_code, b.headers["content-type"])
            if a.status_code == 200:
                assert a.json() == b.json()
        metrics = client.get("/metrics").text
        assert 'route="/v1/scan"' in metrics  # fast-path requests are labelled like the route's
    assert [d is not None for d in served] == [True, True, False, False, True]  # the fast path did serve


def test_api_keys_and_rate_limit():
    settings = ApiSettings(api_keys={"newsroom": hash_key("s3cret")}, rate_per_minute=2)
    with TestClient(create_app(settings)) as c:
        doc = {"text": "The council met on Monday."}
        is_problem(c.post("/v1/scan", json=doc), 401)
        is_problem(c.post("/v1/scan", json=doc, headers={"x-api-key": "wrong"}), 403)
        ok = {"authorization": "Bearer s3cret"}
        assert c.post("/v1/scan", json=doc, headers=ok).status_code == 200
        assert c.post("/v1/scan", json=doc, headers=ok).status_code == 200
        r = c.post("/v1/scan", json=doc, headers=ok)
        is_problem(r, 429)
        assert int(r.headers["retry-after"]) >= 1
        assert c.get("/healthz").status_code == 200  # liveness and readiness stay open
        assert c.get("/readyz").status_code == 200
        for path in ("/version", "/metrics"):  # versions, fingerprints, traffic: behind the keys
            is_problem(c.get(path), 401)
            is_problem(c.get(path, headers={"x-api-key": "wrong"}), 403)
            for _ in range(3):  # not counted against the key's rate limit (spent above)
                assert c.get(path, headers=ok).status_code == 200, path
        assert "moderation_documents_scanned_total" in c.get("/metrics", headers=ok).text


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_api_docs_work_offline(client, page):
    """Swagger UI and ReDoc come from files a package ships, served here; the page names no other host."""
    import re

    r = client.get(page)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert not re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", r.text, re.IGNORECASE), r.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert any(a.endswith(".js") for a in assets)
    for asset in assets:
        got = client.get(asset)
        assert got.status_code == 200 and len(got.content) > 1000, asset
        kind = {".js": "javascript", ".css": "text/css", ".png": "image/png"}[asset[asset.rindex(".") :]]
        assert kind in got.headers["content-type"], asset
    if page == "/docs":
        assert '"validatorUrl": null' in r.text
        assert client.get("/openapi.json").json()["openapi"].startswith("3.1")  # what Swagger UI 5 reads


def test_cors_is_off_by_default(client):
    r = client.options(
        "/v1/scan", headers={"origin": "https://evil.example", "access-control-request-method": "POST"}
    )
    assert "access-control-allow-origin" not in r.headers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(port: int) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    pytest.fail("server did not become ready")


def test_a_real_server_on_loopback(example_article):
    import httpx

    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "moderation.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--access-log",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_ready(port)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as c:
            for _ in range(5):  # keep-alive requests, spread over both workers
                r = c.post("/v1/scan", json={"text": example_article})
                assert r.status_code == 200 and r.json()["verdict"] == "spam"
            assert (
                c.post("/v1/scan", content=b"{", headers={"content-type": "application/json"}).status_code
                == 400
            )
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    access = [json.loads(x) for x in err.decode().splitlines() if x.startswith("{")]
    assert any(a["path"] == "/v1/scan" and a["status"] == 200 for a in access)
    assert all("text" not in a for a in access)  # access logs never carry document text
    with pytest.raises(OSError):  # SIGTERM to the supervisor stopped every worker
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def _port_closed(port: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL])
def test_workers_stop_with_the_supervisor(signum):
    """Ctrl-C (SIGINT) stops every worker; if the supervisor is killed outright, the workers notice and
    stop too instead of holding the port."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moderation.cli", "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ready(port)
        proc.send_signal(signum)
        proc.wait(timeout=30)
        assert _port_closed(port, within=15)
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads worker pids from /proc (Linux)")
def test_workers_stop_when_the_supervisor_is_killed_while_they_start():
    """Killed the moment its workers exist (before they have imported anything): they stop anyway."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moderation.cli", "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:
            workers |= spawned_children(proc.pid)
            time.sleep(0.01)
        assert len(workers) == 2
        proc.kill()
        proc.wait(timeout=30)
        deadline = time.monotonic() + 90
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [w for w in workers if alive(w)], "workers outlived the supervisor"
    finally:
        for w in workers:
            with contextlib.suppress(OSError):
                os.kill(w, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads worker pids from /proc (Linux)")
def test_workers_killed_twice_within_a_minute_are_replaced_and_the_service_answers():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moderation.cli", "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ready(port)
        for _ in range(2):  # the second kill lands seconds after the first replacement started
            workers = _two_workers(proc.pid)
            victim = min(workers)
            os.kill(victim, signal.SIGKILL)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                now = spawned_children(proc.pid)
                if len(now) == 2 and victim not in now:
                    break
                time.sleep(0.1)
            else:
                pytest.fail(f"no replacement worker: {spawned_children(proc.pid)}")
            _wait_ready(port)
        assert proc.poll() is None
        import httpx

        for _ in range(20):  # both workers answer (connections spread by address hash)
            assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert _port_closed(port, within=15)


def _two_workers(parent: int) -> set[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        workers = spawned_children(parent)
        if len(workers) == 2:
            return workers
        time.sleep(0.1)
    pytest.fail(f"expected two workers, found {spawned_children(parent)}")


def test_a_worker_that_cannot_start_stops_the_service_with_a_message():
    code = (
        "import sys\n"
        "from moderation._errors import ConfigurationError\n"
        "from moderation.cli import supervisor\n"
        "supervisor.BACKOFF_FIRST = 0.05\n"
        "try:\n"
        f"    supervisor.serve_workers('127.0.0.1', {_free_port()}, 2, "
        "{'app': 'no_such_module_here:app', 'log_level': 'critical'})\n"
        "except ConfigurationError as exc:\n"
        "    print(exc); sys.exit(2)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2, out.stderr
    assert "could not start (3 attempts" in out.stdout


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_names_a_taken_port_the_same_way_with_any_worker_count(workers):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = subprocess.run(
            [sys.executable, "-m", "moderation.cli", "serve", "--port", str(port), "--workers", workers],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert out.returncode == 2, out.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in out.stderr
    assert "Traceback" not in out.stderr


# -- connection limits (moderation/cli/_http.py) ----------------------------------------------------------


def test_the_uvicorn_internals_the_connection_limits_rely_on_are_there():
    """``LimitedHttpToolsProtocol`` overrides these hooks of uvicorn's httptools protocol and reads these
    attributes: a uvicorn that renames them must fail here, not silently drop the limits."""
    import inspect

    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

    from moderation.cli._http import LimitedHttpToolsProtocol

    for hook in ("connection_made", "connection_lost", "data_received", "on_message_begin"):
        assert callable(getattr(HttpToolsProtocol, hook)), hook
    for hook in ("on_headers_complete", "on_message_complete"):
        assert list(inspect.signature(getattr(HttpToolsProtocol, hook)).parameters) == ["self"], hook
    init = inspect.signature(HttpToolsProtocol.__init__).parameters
    assert list(init)[:4] == ["self", "config", "server_state", "app_state"]
    source = inspect.getsource(HttpToolsProtocol.__init__)
    assert "self.loop =" in source and "self.cycle" in source
    assert "self.transport =" in inspect.getsource(HttpToolsProtocol.connection_made)
    assert "self.response_started" in inspect.getsource(RequestResponseCycle.__init__)
    assert issubclass(LimitedHttpToolsProtocol, HttpToolsProtocol)


def _serve(port: int, workers: int, log=subprocess.DEVNULL, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "moderation.cli", "serve", "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=log,
        env={**os.environ, **env},
    )


def _answer(sock: socket.socket, within: float) -> bytes:
    """What the server sent before closing (b"" if it closed without a word; raises if it kept it open)."""
    sock.settimeout(within)
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


@pytest.mark.parametrize("workers", [1, 2])
def test_slow_clients_and_huge_headers_are_cut_off(workers, tmp_path):
    port = _free_port()
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed below
    limits = {"MODERATION_API_REQUEST_TIMEOUT": "1", "MODERATION_API_MAX_HEADER_BYTES": "4096"}
    proc = _serve(port, workers, log, **limits)
    socks: list[socket.socket] = []
    try:
        _wait_ready(port)
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
        half = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
        for s in half:  # headers done, body never finished
            s.sendall(b"POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n")
            s.sendall(b'Content-Length: 100\r\n\r\n{"text": ')
        big = socket.create_connection(("127.0.0.1", port))
        big.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 8192)  # never ends
        socks = [*idle, *half, big]
        assert _answer(big, within=5).startswith(b"HTTP/1.1 431 ")
        started = time.monotonic()
        for s in half:
            assert _answer(s, within=10).startswith(b"HTTP/1.1 408 ")
        for s in idle:
            assert _answer(s, within=10).startswith(b"HTTP/1.1 408 ")
        assert time.monotonic() - started < 8
        import httpx

        ok = httpx.get(f"http://127.0.0.1:{port}/healthz", headers={"X-Fine": "b" * 3000}, timeout=10)
        assert ok.status_code == 200  # ordinary requests, ordinary headers: served
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as c:  # keep-alive still works
            for _ in range(3):
                assert c.post("/v1/scan", json={"text": "The council met."}).status_code == 200
                time.sleep(0.6)  # idle between requests: past the receipt deadline in all, not per request
    finally:
        for s in socks:
            s.close()
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    logged = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in logged and "internal error" not in logged, logged  # cut off: not a 500


def test_the_rate_limit_holds_across_workers():
    """5 requests a minute for one key, 2 workers: 5 pass in all, not 5 per worker. Each request comes on
    a new connection, so the kernel spreads them over both workers."""
    import httpx

    port = _free_port()
    env = {"MODERATION_API_KEYS": f"newsroom:{hash_key('s3cret')}", "MODERATION_API_RATE_PER_MINUTE": "5"}
    proc = _serve(port, 2, **env)
    try:
        _wait_ready(port)
        codes = []
        for _ in range(20):
            r = httpx.post(
                f"http://127.0.0.1:{port}/v1/scan",
                json={"text": "The council met."},
                headers={"authorization": "Bearer s3cret", "connection": "close"},
                timeout=10,
            )
            codes.append(r.status_code)
        assert codes.count(200) == 5 and codes.count(429) == 15, codes
    finally:
        proc.terminate()
        proc.wait(timeout=30)
