"""``moderation scan``, ``eval`` and ``demo``: documents in, results (or metrics) out."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from importlib import resources
from pathlib import Path
from typing import Any

from ._common import EXIT_OK, EXIT_REJECTED, UsageError, add_model_dir, open_input, open_output, scanner


def cmd_scan(args: argparse.Namespace) -> int:
    """Scan documents and print one JSON result per document (a rejected record: its error, in place)."""
    from .._jsonl import dumps
    from ..text.document import Document, Reject, size_reject
    from ..text.records import read_jsonl, read_plain

    with ExitStack() as stack:
        stream = open_input(args.input, stack)
        out = open_output(args.output, stack)
        engine = scanner(args)
        if args.html:  # HTML pages: _html.py
            from ._html import scan_pages

            return EXIT_REJECTED if scan_pages(args, stream, out, engine) else EXIT_OK
        items: Iterator[Document | Reject]
        if args.jsonl or args.input.endswith(".jsonl"):
            items = read_jsonl(stream)
        else:
            items = iter([read_plain(stream.read(), "-" if args.input == "-" else args.input)])
        rejected = 0
        batch: list[Document | Reject] = []

        def flush() -> int:
            docs = [b for b in batch if isinstance(b, Document)]
            results = iter(_scan_each(engine, docs))
            failed = 0
            for b in batch:
                result = b if isinstance(b, Reject) else next(results)
                if isinstance(result, Reject) and result is not b:
                    failed += 1
                    print(f"moderation: rejected {result.to_dict()['error']}", file=sys.stderr)
                out.write(dumps(result.to_dict()) + "\n")
            batch.clear()
            return failed

        limit = engine.settings.max_document_chars
        for item in items:
            if isinstance(item, Document):
                item = size_reject(item, limit) or item
            if isinstance(item, Reject):
                rejected += 1
                print(f"moderation: rejected {item.to_dict()['error']}", file=sys.stderr)
            batch.append(item)
            if len(batch) >= args.batch_size:
                rejected += flush()
        rejected += flush()
        out.flush()
    return EXIT_REJECTED if rejected else EXIT_OK


def _scan_each(engine: Any, docs: list[Any]) -> list[Any]:
    """The batch's results; if the batch fails, its documents one by one, each failure a ``Reject`` in
    its place (the cleaner does the same): one document the engine cannot take costs that document, not
    the batch around it."""
    from ..clean.cleaner import NOT_SCANNED
    from ..text.document import Reject

    try:
        return list(engine.scan_many(docs, batch_size=max(len(docs), 1)))
    except Exception:
        results: list[Any] = []
        for doc in docs:
            try:
                results.extend(engine.scan_many([doc], batch_size=1))
            except Exception as exc:
                results.append(Reject(NOT_SCANNED, f"{type(exc).__name__}: {exc}", id=doc.id))
        return results


def _bench_rows(path: str, limit: int) -> list[dict[str, Any]]:
    """The benchmark's records (a usage error names the first line that is not one)."""
    from ..text.document import Reject
    from ..text.records import decode_json, jsonl_lines

    rows: list[dict[str, Any]] = []
    with ExitStack() as stack:
        for n, raw in jsonl_lines(open_input(path, stack)):
            row = decode_json(raw, n)
            if isinstance(row, Reject):
                problem = row.error
            elif not (
                isinstance(row, dict)
                and isinstance(row.get("text"), str)
                and isinstance(row.get("spans"), list)
            ):
                problem = "needs 'text' and 'spans'"
            else:
                rows.append(row)
                if limit and len(rows) >= limit:
                    break
                continue
            raise UsageError(f"{path} line {n} is not a benchmark record: {problem}")
    return rows


def cmd_eval(args: argparse.Namespace) -> int:
    """Scan a benchmark file and print the metrics."""
    import json

    from ..text.metrics import evaluate

    rows = _bench_rows(args.bench, args.limit)
    engine = scanner(args)
    report, results = evaluate(engine, rows)
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as f:
            for row, res in zip(rows, results, strict=True):
                gold = [(s["start"], s["end"]) for s in row["spans"]]
                if gold != [(s.start, s.end) for s in res.spans]:
                    wrong = {
                        "id": row.get("id"),
                        "gold": [row["text"][s:e] for s, e in gold],
                        "pred": [s.text for s in res.spans],
                    }
                    f.write(json.dumps(wrong, ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps({"model_version": engine.model_version, **report.to_dict()}, indent=2))
    else:
        print(f"model {engine.model_version}")
        print(report.table())
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Scan the embedded example article and explain the verdict."""
    text = resources.files("moderation").joinpath("resources/example-article.txt").read_text(encoding="utf-8")
    if args.input:
        try:
            text = Path(args.input).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {args.input}: {exc}") from None
    start = time.perf_counter()
    engine = scanner(args)
    loaded = time.perf_counter()
    result = engine.scan(text)
    done = time.perf_counter()
    print(f"verdict: {result.verdict}  score: {result.score:.3f}  model: {result.model_version}")
    print(f"(models loaded in {loaded - start:.2f} s, scanned in {1000 * (done - loaded):.1f} ms)")
    for span in result.spans:
        print(f"\nspam span [{span.start}:{span.end}] score {span.score:.3f}:\n  {span.text!r}")
        for reason in span.reasons:
            print(f"  - {reason.text}  [{reason.code}]")
    print(f"\nlinks found: {len(result.links)}")
    for link in result.links:
        why = "; ".join(r.text for r in link.reasons)
        print(f"  {link.domain:<28} {link.verdict:<10} {link.score:.2f}  {why}")
    print(f"\ncleaned text ({len(text) - len(result.cleaned_text)} characters removed):\n")
    print(result.cleaned_text)
    return EXIT_OK


def register(sub: Any) -> None:
    """The ``scan``, ``eval`` and ``demo`` subcommands."""
    p = sub.add_parser(
        "scan",
        help="scan documents; one JSON result per line",
        description="Scan a plain-text document or a JSONL file of documents.",
    )
    p.add_argument(
        "input",
        nargs="?",
        default="-",
        metavar="INPUT",
        help='a path, or - for stdin (default); .jsonl files hold one {"text": ...} per line',
    )
    p.add_argument("-o", "--output", help="write results here instead of stdout")
    p.add_argument("--jsonl", action="store_true", help="read INPUT as JSONL whatever its name")
    p.add_argument(
        "--html",
        action="store_true",
        help='INPUT is an HTML page (or, with --jsonl, lines of {"html", "url", "id"}); the result adds '
        "page_spans (element paths, source ranges) and cleaned_html",
    )
    p.add_argument("--url", help="with --html: the page's own URL (its domain is the site's own)")
    p.add_argument("--charset", help="with --html: the page's charset as the server sent it (else sniffed)")
    p.add_argument("--cleaned-html", metavar="FILE", help="with --html: write the cleaned page to FILE")
    p.add_argument("--batch-size", type=int, default=64, help="documents per model call (default 64)")
    add_model_dir(p)
    p.set_defaults(func=cmd_scan)

    p = sub.add_parser(
        "eval",
        help="measure the engine on a benchmark file",
        description="Scan a benchmark (bench/dev.jsonl format) and print the metrics.",
    )
    p.add_argument("bench", metavar="BENCH.jsonl", help="benchmark file")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.add_argument("--limit", type=int, default=0, help="only the first N documents")
    p.add_argument("--errors", metavar="FILE", help="write the documents the engine got wrong to FILE")
    add_model_dir(p)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser(
        "demo",
        help="scan the embedded example article and explain the result",
        description="Scan the example article shipped with the package (or INPUT).",
    )
    p.add_argument("input", nargs="?", help="a plain-text article instead of the embedded example")
    add_model_dir(p)
    p.set_defaults(func=cmd_demo)
