"""``moderation clean``: dataset files in, every record written, dropped or rejected, and counted."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ._common import (
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_REJECTED,
    UsageError,
    add_model_dir,
    io_message,
)


def cmd_clean(args: argparse.Namespace) -> int:
    """Clean dataset files (JSONL, Parquet, CSV): strip, drop or annotate injected spam."""
    import json

    from ..clean.cleaner import CleanOptions

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
    formats = {"input_format": args.input_format, "output_format": args.output_format}
    progress = False if args.no_progress else None
    try:
        if args.dask_scheduler:
            from ..clean.dask import clean_files_on_cluster

            if args.rejects or args.drops:
                raise UsageError("a cluster run writes its rejects and drops into the output directory")
            report = clean_files_on_cluster(
                args.inputs,
                args.output,
                options,
                scheduler=args.dask_scheduler,
                progress=progress,
                connect_timeout=args.dask_connect_timeout,
                **formats,
            )
        else:
            from ..clean.runner import RunOptions, clean_files

            run = RunOptions(
                chunk_size=args.chunk_size, checkpoint_every=args.checkpoint_every, progress=progress
            )
            report = clean_files(
                args.inputs,
                args.output,
                options,
                workers=args.workers,
                resume=args.resume,
                rejects=args.rejects,
                drops=args.drops,
                run=run,
                **formats,
            )
    except KeyboardInterrupt:
        print("moderation: interrupted; run the same command with --resume to continue", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        raise
    except OSError as exc:  # a full disk, an unwritable file: the checkpoints so far stay
        resumable = args.output != "-" and Path(args.output + ".partial").is_dir()
        hint = "; the run stopped at its last checkpoint: fix that and run the same command with --resume"
        print(f"moderation: error: {io_message(exc)}{hint if resumable else ''}", file=sys.stderr)
        return EXIT_FAILURE
    print(report.summary(), file=sys.stderr)
    if args.report:
        Path(args.report).write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
    if not report.stats.balanced:  # a bug, never expected: say so loudly rather than lose records quietly
        return EXIT_FAILURE
    return EXIT_REJECTED if report.stats.rejected else EXIT_OK


def register(sub: Any) -> None:
    """The ``clean`` subcommand; the format choices come from the format registry."""
    from ..clean.cleaner import MODES
    from ..clean.formats import FORMATS

    formats = list(FORMATS)
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
        choices=MODES,
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
    p.add_argument("--input-format", choices=formats, help="override the input format")
    p.add_argument("--output-format", choices=formats, help="override the output format")
    p.add_argument("--checkpoint-every", type=int, default=10_000, help="records between checkpoints")
    p.add_argument("--chunk-size", type=int, default=128, help="records per unit of work for a worker")
    p.add_argument("--batch-size", type=int, default=64, help="documents per model call (default 64)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar, even on a terminal")
    p.add_argument(
        "--dask-scheduler",
        metavar="ADDRESS",
        help="run on a Dask cluster (tcp://HOST:8786); needs moderation[dask]",
    )
    p.add_argument(
        "--dask-connect-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="how long the scheduler has to answer (default 10; then the run stops, having written nothing)",
    )
    add_model_dir(p)
    p.set_defaults(func=cmd_clean)
