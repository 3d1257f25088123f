"""The ``moderation`` command: a thin layer over the library.

Library errors become messages and exit codes here and only here:

- 0: every document was scanned;
- 2: usage error (bad arguments, unreadable input file);
- 3: some records were rejected (each has an error record in the output);
- 1: the models could not be loaded (the message says how to fix it) or another failure.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from importlib import resources
from pathlib import Path
from typing import IO, Any

from ._errors import ConfigurationError, InputError, ModerationError, ResumeError

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_REJECTED = 0, 1, 2, 3


class UsageError(Exception):
    """Raised inside command handlers for problems the user can fix by changing the command."""


def _scanner(args: argparse.Namespace) -> Any:
    from ._scanner import Scanner
    from ._settings import Settings

    settings = Settings(model_dir=Path(args.model_dir)) if getattr(args, "model_dir", None) else Settings()
    return Scanner.default(settings)


def _open_input(path: str, stack: ExitStack) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    try:
        return stack.enter_context(open(path, "rb"))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


def _open_output(path: str | None, stack: ExitStack) -> IO[str]:
    if path in (None, "-"):
        return sys.stdout
    try:
        return stack.enter_context(open(path, "w", encoding="utf-8", newline="\n"))
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def cmd_scan(args: argparse.Namespace) -> int:
    """Scan documents and print one JSON result per document."""
    from ._jsonl import Rejected, dumps, read_jsonl, read_plain
    from ._scanner import Document

    with ExitStack() as stack:
        stream = _open_input(args.input, stack)
        out = _open_output(args.output, stack)
        scanner = _scanner(args)
        if args.html:  # HTML pages: moderation/html/_cli.py
            from .html._cli import scan_pages

            return EXIT_REJECTED if scan_pages(args, stream, out, scanner) else EXIT_OK
        jsonl = args.jsonl or args.input.endswith(".jsonl")
        items: Iterator[Document | Rejected]
        if jsonl:
            items = read_jsonl(stream)
        else:
            items = iter([read_plain(stream.read(), "-" if args.input == "-" else args.input)])
        rejected = 0
        batch: list[Document | Rejected] = []

        def flush() -> None:
            docs = [b for b in batch if isinstance(b, Document)]
            results = iter(scanner.scan_many(docs, batch_size=max(len(docs), 1)))
            for b in batch:
                record = b.to_dict() if isinstance(b, Rejected) else next(results).to_dict()
                out.write(dumps(record) + "\n")
            batch.clear()

        for item in items:
            if isinstance(item, Rejected):
                rejected += 1
                print(f"moderation: rejected {item.to_dict()['error']}", file=sys.stderr)
            batch.append(item)
            if len(batch) >= args.batch_size:
                flush()
        flush()
        out.flush()
    return EXIT_REJECTED if rejected else EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    """Scan a benchmark file and print the metrics."""
    import json

    from ._evaluate import evaluate

    rows: list[dict[str, Any]] = []
    with ExitStack() as stack:
        for n, raw in enumerate(_open_input(args.bench, stack), 1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
                if not isinstance(row.get("text"), str) or not isinstance(row.get("spans"), list):
                    raise ValueError("needs 'text' and 'spans'")
            except (ValueError, AttributeError) as exc:
                raise UsageError(f"{args.bench} line {n} is not a benchmark record: {exc}") from None
            rows.append(row)
            if args.limit and len(rows) >= args.limit:
                break
    scanner = _scanner(args)
    report, results = evaluate(scanner, rows)
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
        print(json.dumps({"model_version": scanner.model_version, **report.to_dict()}, indent=2))
    else:
        print(f"model {scanner.model_version}")
        print(report.table())
    return EXIT_OK


def _data_pack(args: argparse.Namespace, folder: str) -> Path:
    """The data pack named by ``--data`` (checked for ``folder``), with progress logged to stderr."""
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    data = Path(args.data)
    if not (data / folder).is_dir():
        raise UsageError(f"{data} does not look like the data pack (no {folder}/ folder)")
    return data


def cmd_train(args: argparse.Namespace) -> int:
    """Rebuild the models from the shared data."""
    from ._training import train

    manifest = train(_data_pack(args, "news"), Path(args.out), seed=args.seed)
    print(f"wrote {args.out} ({manifest['model_version']}), thresholds {manifest['thresholds']}")
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
    scanner = _scanner(args)
    loaded = time.perf_counter()
    result = scanner.scan(text)
    done = time.perf_counter()
    print(f"verdict: {result.verdict}  score: {result.score:.3f}  model: {result.model_version}")
    print(f"(models loaded in {loaded - start:.2f} s, scanned in {1000 * (done - loaded):.1f} ms)")
    for span in result.spans:
        print(f"\nspam span [{span.start}:{span.end}] score {span.score:.3f}:\n  {span.text!r}")
        for reason in span.reasons:
            print(f"  - {reason}")
    print(f"\nlinks found: {len(result.links)}")
    for link in result.links:
        print(f"  {link.domain:<28} {link.verdict:<10} {link.score:.2f}  {'; '.join(link.reasons)}")
    print(f"\ncleaned text ({len(text) - len(result.cleaned_text)} characters removed):\n")
    print(result.cleaned_text)
    return EXIT_OK


def cmd_clean(args: argparse.Namespace) -> int:
    """Clean dataset files (JSONL, Parquet, CSV): strip, drop or annotate injected spam."""
    import json

    from ._cleanup import CleanOptions

    options = CleanOptions(
        text_field=args.text_field,
        id_field=args.id_field,
        url_field=args.url_field,
        mode=args.mode,
        threshold=args.threshold,
        annotation_field=args.annotation_field,
        model_dir=str(Path(args.model_dir).resolve()) if args.model_dir else None,
        batch_size=args.batch_size,
        html_field=args.html_field,
    )
    common = {
        "rejects": args.rejects,
        "drops": args.drops,
        "input_format": args.input_format,
        "output_format": args.output_format,
        "progress": False if args.no_progress else None,
    }
    try:
        if args.dask_scheduler:
            from .dask import clean_files_on_cluster

            report = clean_files_on_cluster(
                args.inputs, args.output, options, scheduler=args.dask_scheduler, **common
            )
        else:
            from ._clean_run import clean_files

            report = clean_files(
                args.inputs,
                args.output,
                options,
                workers=args.workers,
                resume=args.resume,
                chunk_size=args.chunk_size,
                checkpoint_every=args.checkpoint_every,
                **common,
            )
    except KeyboardInterrupt:
        print("moderation: interrupted; run the same command with --resume to continue", file=sys.stderr)
        return 130
    print(report.summary(), file=sys.stderr)
    if args.report:
        try:
            Path(args.report).write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write the report to {args.report}: {exc.strerror}") from None
    if not report.stats.balanced:  # a bug, never expected: say so loudly rather than lose records quietly
        return EXIT_FAILURE
    return EXIT_REJECTED if report.stats.rejected else EXIT_OK


def _settings_for_urls(args: argparse.Namespace) -> Any:
    from ._settings import Settings

    kwargs: dict[str, Any] = {}
    if getattr(args, "model_dir", None):
        kwargs["model_dir"] = Path(args.model_dir)
    if getattr(args, "data_dir", None):
        kwargs["data_dir"] = Path(args.data_dir)
    return Settings(**kwargs)


def cmd_check_url(args: argparse.Namespace) -> int:
    """Judge URLs; one JSON object per URL, in input order."""
    from ._jsonl import dumps
    from ._providers import providers_from_env
    from ._url_checker import UrlChecker

    if bool(args.urls) == bool(args.input):
        raise UsageError("give URLs as arguments or --input FILE (- for stdin), not both and not neither")
    providers = providers_from_env() if args.online else []
    if args.online and not providers:
        raise UsageError(
            "--online needs a provider configured (MODERATION_GSB_API_KEY or MODERATION_URLHAUS_*)"
        )
    checker = UrlChecker.default(_settings_for_urls(args), providers=providers)
    failed = 0
    with ExitStack() as stack:
        urls: Iterator[str]
        if args.input:
            stream = _open_input(args.input, stack)
            urls = (raw.decode("utf-8", "replace").rstrip("\r\n") for raw in stream)
        else:
            urls = iter(args.urls)
        for url in urls:
            if not url.strip():
                continue
            report = checker.check(url)
            failed += report.error is not None
            sys.stdout.write(dumps(report.to_dict()) + "\n")
    sys.stdout.flush()
    return EXIT_REJECTED if failed else EXIT_OK


def cmd_lists(args: argparse.Namespace) -> int:
    """Manage the local URL lists (import, update from feeds, show, remove)."""
    import json

    from ._lists import ListStore

    store = ListStore(_settings_for_urls(args).data_dir)
    if args.lists_command == "import":
        result = store.import_file(args.file, args.kind, args.source)
        print(
            f"{result.kind}/{result.source}: {result.entries:,} entries ({result.skipped:,} lines skipped) "
            f"-> {result.path}"
        )
        for problem in result.problems:
            print(f"  skipped {problem}", file=sys.stderr)
        return EXIT_OK
    if args.lists_command == "update":
        failed = 0
        for outcome in store.update(Path(args.config) if args.config else None, timeout=args.timeout):
            failed += not outcome["ok"]
            print(json.dumps(outcome))
        return EXIT_FAILURE if failed else EXIT_OK
    if args.lists_command == "remove":
        if not store.remove(args.kind, args.source):
            raise UsageError(f"no list {args.kind}/{args.source} in {store.root}")
        return EXIT_OK
    print(json.dumps({"store": str(store.root), "lists": store.index()}, indent=2))
    return EXIT_OK


def cmd_train_urls(args: argparse.Namespace) -> int:
    """Rebuild the lexical URL model from the shared data."""
    from ._url_training import train_url_model

    manifest = train_url_model(_data_pack(args, "urls"), Path(args.out), seed=args.seed)
    print(f"wrote {args.out} ({manifest['model_version']}), test {manifest['test']}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the HTTP service (the ``api`` package) under uvicorn."""
    import os

    try:
        import uvicorn
    except ImportError:
        raise UsageError("the HTTP service needs the api extra: pip install 'moderation[api]'") from None
    if args.model_dir:
        os.environ["MODERATION_MODEL_DIR"] = str(Path(args.model_dir).resolve())
    log_config = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(message)s"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}
        },
        "loggers": {
            "moderation.api.access": {
                "handlers": ["stderr"],
                "level": "INFO" if args.access_log else "WARNING",
            },
            "moderation.api.error": {"handlers": ["stderr"], "level": "INFO"},
            "uvicorn.error": {"handlers": ["stderr"], "level": "INFO"},
        },
    }
    # uvloop + httptools: the plain asyncio loop with several workers stalls ~44 ms on keep-alive
    # requests here (Nagle on the inherited socket, uvicorn issue #3149).
    options: dict[str, Any] = {
        "app": "api.main:create_app",  # by name: moderation never imports api
        "factory": True,
        "loop": "uvloop",
        "http": "httptools",
        "log_config": log_config,
        "access_log": False,
    }
    from ._serve import reuse_port_supported, serve_workers

    if args.workers > 1 and reuse_port_supported():  # one socket per worker: see _serve.py
        serve_workers(args.host, args.port, args.workers, options)
    else:
        uvicorn.run(host=args.host, port=args.port, workers=args.workers, **options)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="moderation", description="Find spam injected into scraped news text, explain it, remove it."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

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
    p.add_argument("--model-dir", help="use models from this directory instead of the shipped ones")
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
    p.add_argument("--model-dir", help="use models from this directory instead of the shipped ones")
    p.set_defaults(func=cmd_eval)

    def training(name: str, summary: str, description: str, out: str, func: Any) -> None:
        p = sub.add_parser(name, help=summary, description=description)
        p.add_argument("--data", default="../shared/data", help="the data pack (default ../shared/data)")
        default_out = str(Path(__file__).resolve().parent.parent / "classifiers" / "models")
        p.add_argument("--out", default=default_out, help=out)
        p.add_argument("--seed", type=int, default=13, help="random seed (default 13)")
        p.set_defaults(func=func)

    training(
        "train",
        "rebuild the models from the data pack",
        "Rebuild the models from ../shared/data (train split only).",
        "where to write the model files and sidecar",
        cmd_train,
    )

    p = sub.add_parser(
        "demo",
        help="scan the embedded example article and explain the result",
        description="Scan the example article shipped with the package (or INPUT).",
    )
    p.add_argument("input", nargs="?", help="a plain-text article instead of the embedded example")
    p.add_argument("--model-dir", help="use models from this directory instead of the shipped ones")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "clean",
        help="clean dataset files: strip, drop or annotate injected spam",
        description=(
            "Clean JSONL (.jsonl, .jsonl.gz, .jsonl.zst), Parquet or CSV files. Every record is written, "
            "dropped (drop log) or rejected (rejects file, with its line); the report says the counts "
            "add up. "
            "Output is written atomically; an interrupted run continues with --resume."
        ),
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, globs, directories, or - for stdin")
    p.add_argument(
        "-o", "--output", required=True, help="output file (format from its name), or - for stdout"
    )
    p.add_argument("--text-field", default="text", help="field with the article text (default text)")
    p.add_argument("--id-field", default="id", help="field with the record id (default id)")
    p.add_argument("--url-field", default="url", help="field with the article's own URL (default url)")
    p.add_argument(
        "--html-field",
        metavar="FIELD",
        help="records hold an HTML page in FIELD: strip writes the cleaned page back to it and the cleaned "
        "article text to --text-field",
    )
    p.add_argument(
        "--mode",
        choices=["strip", "drop", "annotate"],
        default="strip",
        help="strip: cut spam out of the text (default); drop: drop spam records; annotate: annotate only",
    )
    p.add_argument("--threshold", type=float, help="spam score to act on, 0..1 (default: the model's own)")
    p.add_argument("--annotation-field", default="moderation", help="field added with spans and reasons")
    p.add_argument("--workers", type=int, default=1, help="processes that scan; each loads the models once")
    p.add_argument(
        "--resume", action="store_true", help="continue an interrupted run from its last checkpoint"
    )
    p.add_argument("--rejects", metavar="FILE", help="rejected records (default OUTPUT.rejects.jsonl)")
    p.add_argument(
        "--drops", metavar="FILE", help="dropped records in drop mode (default OUTPUT.dropped.jsonl)"
    )
    p.add_argument("--report", metavar="FILE", help="also write the final report as JSON")
    p.add_argument("--input-format", choices=["jsonl", "parquet", "csv"], help="override the input format")
    p.add_argument("--output-format", choices=["jsonl", "parquet", "csv"], help="override the output format")
    p.add_argument("--checkpoint-every", type=int, default=10_000, help="records between checkpoints")
    p.add_argument("--chunk-size", type=int, default=128, help="records per unit of work for a worker")
    p.add_argument("--batch-size", type=int, default=64, help="documents per model call (default 64)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar, even on a terminal")
    p.add_argument(
        "--dask-scheduler",
        metavar="ADDRESS",
        help="run on a Dask cluster (tcp://HOST:8786); needs moderation[dask]",
    )
    p.add_argument("--model-dir", help="use models from this directory instead of the shipped ones")
    p.set_defaults(func=cmd_clean)

    p = sub.add_parser(
        "check-url",
        help="judge URLs offline: score, verdict, reasons, list hits (one JSON line each)",
        description="Judge URLs with the lexical model, the rules and the local lists. Nothing goes online "
        "unless --online is given and a provider is configured.",
    )
    p.add_argument("urls", nargs="*", metavar="URL", help="URLs to judge")
    p.add_argument("--input", metavar="FILE", help="read one URL per line from FILE (- for stdin)")
    p.add_argument(
        "--online", action="store_true", help="also ask the online providers configured in the environment"
    )
    p.add_argument("--data-dir", help="the list store's data directory (default: per-user)")
    p.add_argument("--model-dir", help="use models from this directory instead of the shipped ones")
    p.set_defaults(func=cmd_check_url)

    p = sub.add_parser(
        "lists",
        help="manage the local URL lists: import, update, show, remove",
        description="Block, allow and shortener lists in a local store (see moderation/_lists.py).",
    )
    p.add_argument("--data-dir", help="the list store's data directory (default: per-user)")
    lists = p.add_subparsers(dest="lists_command", metavar="ACTION", required=True, help="what to do")
    q = lists.add_parser("import", help="import a list file", description="Import FILE as one list.")
    q.add_argument("file", metavar="FILE", help="domains, URLs, hosts-file lines, adblock rules or TSV")
    q.add_argument("--kind", required=True, choices=["block", "allow", "shortener"], help="what the list is")
    q.add_argument(
        "--source", required=True, help="the list's name (replaces a list of the same kind and name)"
    )
    q.add_argument("--data-dir", help="the list store's data directory (default: per-user)")
    q = lists.add_parser("update", help="refresh lists from the feeds file", description="Fetch every feed.")
    q.add_argument("--config", help="the feeds file (default DATA_DIR/feeds.toml)")
    q.add_argument("--timeout", type=float, default=30.0, help="seconds per feed (default 30)")
    q.add_argument("--data-dir", help="the list store's data directory (default: per-user)")
    q = lists.add_parser("show", help="print the store's lists", description="Print the list index.")
    q.add_argument("--data-dir", help="the list store's data directory (default: per-user)")
    q = lists.add_parser("remove", help="remove one list", description="Remove one list from the store.")
    q.add_argument("--kind", required=True, choices=["block", "allow", "shortener"], help="the list's kind")
    q.add_argument("--source", required=True, help="the list's name")
    q.add_argument("--data-dir", help="the list store's data directory (default: per-user)")
    p.set_defaults(func=cmd_lists)

    training(
        "train-urls",
        "rebuild the lexical URL model from the data pack",
        "Rebuild the URL model from ../shared/data/urls (domain-disjoint split).",
        "where to write the URL model and its sidecar",
        cmd_train_urls,
    )

    p = sub.add_parser(
        "serve",
        help="run the HTTP scoring API (uvicorn)",
        description="Serve /v1/scan, /v1/scan/batch, /v1/urls/check, health, version and metrics.",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes; each loads the models once")
    p.add_argument("--access-log", action="store_true", help="write one JSON access-log line per request")
    p.add_argument("--model-dir", help="use models from this directory instead of the shipped ones")
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name in ("batch_size", "workers", "chunk_size", "checkpoint_every"):
        if getattr(args, name, 1) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    threshold = getattr(args, "threshold", None)
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        parser.error("--threshold must be between 0 and 1")
    try:
        return int(args.func(args))
    except (UsageError, InputError, ConfigurationError, ResumeError) as exc:
        print(f"moderation: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ModerationError as exc:
        print(f"moderation: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:
        from classifiers import ClassifierError

        if isinstance(exc, ClassifierError):
            print(f"moderation: error: {exc}", file=sys.stderr)
            return EXIT_FAILURE
        raise
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
