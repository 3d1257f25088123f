"""The engine's own benchmarks (``python -m moderation.bench speed``, run by ``make bench``; ``record``,
run by ``make model``; ``generalization``).

``speed`` measures, on the benchmark's articles and one core:
- cold start: a fresh process importing the package and loading the models;
- throughput: documents per second through ``Scanner.scan_many`` (after one warm-up pass);
- peak memory (max RSS) of the scanning process;
- a profile: where the time goes, by pipeline step.

``record`` evaluates the benchmark and writes the scores into the model sidecar.

``generalization`` splits benchmark recall by where each gold span's spam text comes from: SMS/YouTube
texts the models were fitted on, texts held out from fitting (hash group 2), or lines not from those
collections at all. It shows how much of the score is memorization.

``engine_rate`` and ``engine_two_cores`` are the engine's documents/s alone, the ceiling the HTTP and
cleanup benchmarks compare against.
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
        "decision, reasons, cleaned text": (Scanner._decide_all,),
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
    runs, cpu_runs = [], []
    for _ in range(args.repeat):
        t, c = time.perf_counter(), time.process_time()
        list(scanner.scan_many(docs))
        runs.append(time.perf_counter() - t)
        cpu_runs.append(time.process_time() - c)
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
        # per second of this process's CPU time: on a shared machine the wall clock also counts the
        # time other processes held the core
        "docs_per_cpu_second": round(len(docs) / min(cpu_runs), 1),
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
        print(f"                  {report['docs_per_cpu_second']} documents per CPU second (same passes)")
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


def engine_two_cores(texts: list[str], seconds: float = 6.0) -> float:
    """Documents/s of the engine itself with two processes (the ceiling the HTTP service is compared to)."""
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(2) as pool:
        rates = pool.starmap(engine_rate, [(texts, seconds)] * 2)
    return float(sum(rates))


def engine_rate(texts: list[str], seconds: float) -> float:
    from moderation import Scanner

    scanner = Scanner.default()
    list(scanner.scan_many(texts[:100]))
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        list(scanner.scan_many(texts))
        done += len(texts)
    return done / (time.perf_counter() - start)


def add_parser(sub: Any) -> None:
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
    p = sub.add_parser("generalization", help="benchmark recall on spam texts seen vs not seen in fitting")
    p.add_argument("--data", default="../shared/data", help="the data pack")
    p.set_defaults(func=generalization)
