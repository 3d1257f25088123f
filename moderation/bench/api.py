"""``python -m moderation.bench api`` (run by ``make bench-api``): bounded HTTP load on loopback.

1 and 2 workers, saturated with keep-alive connections and at half the saturated rate (with two
connection counts); the engine alone in two processes is measured before and after, because this
machine's speed drifts, and the workers' rate is reported as a share of it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .engine import _rows, engine_two_cores


async def _client(
    port: int, bodies: list[bytes], stop: float, latencies: list[float], interval: float, offset: float
) -> None:
    """One keep-alive connection posting /v1/scan back to back, or every ``interval`` seconds starting
    ``offset`` seconds in (so paced connections do not fire in lockstep)."""
    import asyncio

    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = 0
    next_at = time.perf_counter() + offset
    try:
        while time.perf_counter() < stop:
            if interval:
                delay = next_at - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                next_at += interval
            body = bodies[i % len(bodies)]
            i += 1
            head = (
                f"POST /v1/scan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            t0 = time.perf_counter()
            writer.write(head + body)
            await writer.drain()
            header = await reader.readuntil(b"\r\n\r\n")
            if not header.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"unexpected response: {header[:60]!r}")
            length = next(
                int(x.split(b":")[1])
                for x in header.split(b"\r\n")
                if x.lower().startswith(b"content-length")
            )
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - t0)
    finally:
        writer.close()


def _load(
    port: int, bodies: list[bytes], connections: int, seconds: float, rate: float = 0.0
) -> dict[str, float]:
    import asyncio

    latencies: list[float] = []

    async def run() -> None:
        stop = time.perf_counter() + seconds
        interval = connections / rate if rate else 0.0
        await asyncio.gather(
            *(
                _client(port, bodies[k:] + bodies[:k], stop, latencies, interval, k * interval / connections)
                for k in range(connections)
            )
        )

    start = time.perf_counter()
    try:  # the client shares the cores with the server: the cheaper loop leaves more for the workers
        import uvloop

        uvloop.run(run())
    except ImportError:
        asyncio.run(run())
    elapsed = time.perf_counter() - start
    latencies.sort()
    n = len(latencies)
    return {
        "requests_per_second": round(n / elapsed, 1),
        "p50_ms": round(1000 * latencies[n // 2], 2) if n else 0.0,
        "p99_ms": round(1000 * latencies[max(0, int(n * 0.99) - 1)], 2) if n else 0.0,
        "requests": n,
    }


def _serve(workers: int) -> tuple[subprocess.Popen[bytes], int]:
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    proc = subprocess.Popen(
        [sys.executable, "-m", "moderation.cli", "serve", "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                if r.status == 200:
                    return proc, port
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("the server did not become ready within 60 s")


def api(args: argparse.Namespace) -> int:
    rows = _rows(Path(args.bench))
    # the workload: articles of about 2.5 KB (the benchmark's articles between 2 and 3 KB)
    texts = [r["text"] for r in rows if 2000 <= len(r["text"].encode("utf-8")) <= 3000]
    size = sum(len(t.encode("utf-8")) for t in texts) / len(texts)
    print(f"{len(texts)} benchmark articles of 2-3 KB, {size / 1000:.2f} KB on average")
    bodies = [json.dumps({"text": t}).encode() for t in texts]
    before = engine_two_cores(texts)
    report: dict[str, Any] = {"runs": []}
    for workers in (1, 2):
        proc, port = _serve(workers)
        try:
            _load(port, bodies, args.connections, 2.0)  # warm-up
            full = _load(port, bodies, args.connections, args.seconds)
            rate = full["requests_per_second"] / 2
            half = _load(port, bodies, args.connections, args.seconds, rate=rate)
            few = _load(port, bodies, args.half_connections, args.seconds, rate=rate)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        run = {"workers": workers, "saturated": full, "half_load": half, "half_load_fewer_connections": few}
        report["runs"].append(run)
        print(
            f"{workers} worker(s): {full['requests_per_second']} requests/s saturated "
            f"(p50 {full['p50_ms']} ms, p99 {full['p99_ms']} ms, {args.connections} connections); "
            f"at half load {half['requests_per_second']} requests/s: p50 {half['p50_ms']} ms, "
            f"p99 {half['p99_ms']} ms ({args.connections} connections), p50 {few['p50_ms']} ms, "
            f"p99 {few['p99_ms']} ms ({args.half_connections} connections)"
        )
    after = engine_two_cores(texts)
    engine = (before + after) / 2  # this VM's speed drifts: the reference is measured before and after
    report["engine_docs_per_second_2_cores"] = round(engine, 1)
    print(f"engine alone, 2 processes: {before:.0f} documents/s before the HTTP runs, {after:.0f} after")
    two = report["runs"][1]["saturated"]["requests_per_second"]
    print(f"2 workers reach {100 * two / engine:.0f}% of the engine's own 2-core throughput (mean of both)")
    if args.json:
        print(json.dumps(report, indent=2))
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("api", help="HTTP load on loopback: 1 and 2 workers, saturated and at half load")
    p.add_argument("--bench", required=True, help="benchmark JSONL (its articles are the request bodies)")
    p.add_argument(
        "--connections", type=int, default=128, help="concurrent keep-alive connections (default 128)"
    )
    p.add_argument(
        "--half-connections", type=int, default=32, help="connections for the second half-load run (32)"
    )
    p.add_argument("--seconds", type=float, default=10.0, help="length of each timed run")
    p.add_argument("--json", action="store_true", help="also print JSON")
    p.set_defaults(func=api)
