"""Benchmarks: ``python -m moderation.bench speed`` (run by ``make bench``) and ``record`` (``make model``).

``speed`` measures, on the benchmark's articles and one core:
- cold start: a fresh process importing the package and loading the models;
- throughput: documents per second through ``Scanner.scan_many`` (after one warm-up pass);
- peak memory (max RSS) of the scanning process;
- a profile: where the time goes, by pipeline step.

``record`` evaluates the benchmark and writes the scores into the model sidecar.

``generalization`` splits benchmark recall by where each gold span's spam text comes from: SMS/YouTube
texts the models were fitted on, texts held out from fitting (hash group 2), or lines not from those
collections at all. It shows how much of the score is memorization.

``urls`` (``make bench-urls``) measures the URL checker (see ``urls.py``).

``clean`` (``make bench-clean``) runs ``moderation clean`` on a built gzip JSONL (see ``clean.py``).

``html`` and ``hook`` (``make bench-html``, ``bench-hook``) measure the HTML path on our page set (see
``html.py``) and the newsroom hook's latency per article (``hook.py``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _steps() -> dict[str, tuple[Any, ...]]:
    """Pipeline step -> the functions whose cumulative time it is (named by object, not by path, so a
    module that moves keeps its place in the profile)."""
    from classifiers._context_model import ContextModel, context_features
    from classifiers._hashing import char_matrix, featurize_texts
    from moderation.text.links import find_links
    from moderation.text.normalize import normalize
    from moderation.text.scanner import Scanner
    from moderation.text.segment import segment
    from moderation.urls.checker import UrlChecker

    return {
        "normalize": (normalize,),
        "links + URL checks": (find_links, UrlChecker.judge),
        "segmentation": (segment,),
        "word features + text signals": (featurize_texts,),
        "char features (stage B)": (char_matrix,),
        "context features": (context_features,),
        "context trees": (ContextModel.decision_function,),
        "decision, reasons, cleaned text": (Scanner._decide,),
    }


def _rows(bench: Path) -> list[dict]:
    return [json.loads(x) for x in bench.read_text(encoding="utf-8").splitlines() if x.strip()]


def cold_start(model_dir: str | None) -> float:
    """Seconds for a fresh interpreter to import the package and load the models."""
    directory = f"Path({model_dir!r})" if model_dir else "None"
    code = (
        "import time; t = time.perf_counter()\n"
        "from pathlib import Path\n"
        "from moderation import Scanner, Settings\n"
        f"Scanner.default(Settings(model_dir={directory}))\n"
        "print(time.perf_counter() - t)"
    )
    best = min(
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(3)
    )
    return best


def _profile(scanner, docs) -> list[tuple[str, float]]:
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    list(scanner.scan_many(docs))
    prof.disable()
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    total = sum(tt for (_, _, tt, _, _) in stats.values()) or 1e-9
    out = []
    for step, functions in _steps().items():
        targets = {(f.__code__.co_filename, f.__code__.co_firstlineno, f.__name__) for f in functions}
        cum = sum(ct for key, (_, _, _, ct, _) in stats.items() if key in targets)
        out.append((step, cum / total))
    return out


def speed(args: argparse.Namespace) -> int:
    from moderation import Scanner, Settings

    rows = _rows(Path(args.bench))
    docs = [{"text": r["text"], "id": r.get("id")} for r in rows]
    chars = sum(len(d["text"]) for d in docs) / max(len(docs), 1)
    start = cold_start(args.model_dir)
    settings = Settings(model_dir=Path(args.model_dir)) if args.model_dir else Settings()
    t = time.perf_counter()
    scanner = Scanner.default(settings)
    warm_load = time.perf_counter() - t
    list(scanner.scan_many(docs[:200]))
    runs = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        list(scanner.scan_many(docs))
        runs.append(time.perf_counter() - t)
    best = min(runs)
    one = []
    for d in docs[:200]:
        t = time.perf_counter()
        scanner.scan(d["text"])
        one.append(time.perf_counter() - t)
    one.sort()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report: dict[str, Any] = {
        "documents": len(docs),
        "mean_chars": round(chars),
        "docs_per_second": round(len(docs) / best, 1),
        "single_scan_ms_p50": round(1000 * one[len(one) // 2], 2),
        "single_scan_ms_p99": round(1000 * one[int(len(one) * 0.99) - 1], 2),
        "cold_start_seconds": round(start, 3),
        "model_load_seconds_in_process": round(warm_load, 3),
        "peak_rss_mb": round(rss_mb, 1),
        "profile_share": {k: round(v, 3) for k, v in _profile(scanner, docs)},
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['documents']} documents, {report['mean_chars']} characters on average, one core")
        per_s = report["docs_per_second"]
        print(f"throughput        {per_s} documents/s (batched scan_many, best of {args.repeat})")
        print(
            f"single scan       p50 {report['single_scan_ms_p50']} ms, p99 {report['single_scan_ms_p99']} ms"
        )
        print(f"cold start        {report['cold_start_seconds']} s (fresh process: import + load models)")
        print(f"peak memory       {report['peak_rss_mb']} MB RSS")
        print("where the time goes (share of scan_many time, from cProfile):")
        for step, share in report["profile_share"].items():
            print(f"  {step:<34} {100 * share:5.1f} %")
    return 0


def record(args: argparse.Namespace) -> int:
    from classifiers import load_bundle, write_manifest
    from moderation import Scanner

    from ..text.metrics import evaluate

    model_dir = Path(args.model_dir)
    bundle = load_bundle(model_dir)
    scanner = Scanner(bundle)
    report, _ = evaluate(scanner, _rows(Path(args.bench)))
    manifest = dict(bundle.manifest)
    manifest["benchmark"] = {"file": "bench/dev.jsonl", **report.to_dict()}
    write_manifest(model_dir, manifest)
    print(report.table())
    return 0


def generalization(args: argparse.Namespace) -> int:
    from moderation import Scanner

    from ..text.metrics import mostly_inside, span_mask, visible
    from ..train.injection import load_corpus

    corpus = load_corpus(Path(args.data))
    messages = [(t, g) for t, g, kind in corpus.spam if kind == "message" and len(t) >= 25]
    rows = _rows(Path(args.data) / "bench" / "dev.jsonl")
    scanner = Scanner.default()
    stats = {"fitted SMS/YouTube texts": [0, 0], "held-out SMS/YouTube texts": [0, 0], "other lines": [0, 0]}
    for row, res in zip(rows, scanner.scan_many({"text": r["text"]} for r in rows), strict=True):
        nonspace = visible(row["text"])
        flagged = span_mask(len(nonspace), [(x.start, x.end) for x in res.spans])
        for sp in row["spans"]:
            gold = row["text"][sp["start"] : sp["end"]]
            groups = {g for t, g in messages if t in gold}
            key = (
                "other lines"
                if not groups
                else ("held-out SMS/YouTube texts" if groups == {2} else "fitted SMS/YouTube texts")
            )
            stats[key][0] += 1
            stats[key][1] += int(mostly_inside(nonspace, flagged, [(sp["start"], sp["end"])])[0])
    for key, (n, found) in stats.items():
        print(f"{key:>28}: {found}/{n} gold spans found = {found / max(n, 1):.3f}")
    return 0


# -- HTTP load (make bench-api) -------------------------------------------------------------------------


def _engine_two_cores(texts: list[str], seconds: float = 6.0) -> float:
    """Documents/s of the engine itself with two processes (the ceiling the HTTP service is compared to)."""
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(2) as pool:
        rates = pool.starmap(_engine_rate, [(texts, seconds)] * 2)
    return float(sum(rates))


def _engine_rate(texts: list[str], seconds: float) -> float:
    from moderation import Scanner

    scanner = Scanner.default()
    list(scanner.scan_many(texts[:100]))
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        list(scanner.scan_many(texts))
        done += len(texts)
    return done / (time.perf_counter() - start)


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
    before = _engine_two_cores(texts)
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
    after = _engine_two_cores(texts)
    engine = (before + after) / 2  # this VM's speed drifts: the reference is measured before and after
    report["engine_docs_per_second_2_cores"] = round(engine, 1)
    print(f"engine alone, 2 processes: {before:.0f} documents/s before the HTTP runs, {after:.0f} after")
    two = report["runs"][1]["saturated"]["requests_per_second"]
    print(f"2 workers reach {100 * two / engine:.0f}% of the engine's own 2-core throughput (mean of both)")
    if args.json:
        print(json.dumps(report, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m moderation.bench", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("speed", help="throughput, cold start, memory and a profile")
    p.add_argument("--bench", required=True, help="benchmark JSONL (its articles are the workload)")
    p.add_argument("--model-dir", default=None, help="models to use (default: the shipped ones)")
    p.add_argument("--repeat", type=int, default=3, help="timed passes; the best counts")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=speed)
    p = sub.add_parser("record", help="evaluate the benchmark and store the scores in the model sidecar")
    p.add_argument("--bench", required=True, help="benchmark JSONL")
    p.add_argument("--model-dir", required=True, help="model directory whose sidecar gets the scores")
    p.set_defaults(func=record)
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
    p = sub.add_parser("generalization", help="benchmark recall on spam texts seen vs not seen in fitting")
    p.add_argument("--data", default="../shared/data", help="the data pack")
    p.set_defaults(func=generalization)
    from .clean import add_parser as add_clean
    from .hook import add_parser as add_hook
    from .html import add_parser as add_html
    from .urls import add_parser as add_urls

    for add in (add_clean, add_urls, add_html, add_hook):
        add(sub)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
