"""``moderation scan --html``: pages in, one JSON result per page out (the CLI's own module for it, so
``cli.py`` only dispatches here).

A plain path (or ``-``) is one page, read as bytes (the charset is sniffed, or ``--charset``); with
``--jsonl`` each line is ``{"html", "url"?, "id"?}``. ``--cleaned-html FILE`` writes the cleaned page (one
page only) in the page's own encoding, every byte outside the removed parts untouched.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import IO, Any

from .._errors import InputError


def _records(stream: IO[bytes]) -> Iterator[dict[str, Any] | InputError]:
    import json

    for n, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            yield InputError(f"not valid JSON ({exc})", line=n)
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("html"), str):
            yield InputError("needs an object with an 'html' string", line=n)
            continue
        obj.setdefault("id", n)
        yield obj


def scan_pages(args: argparse.Namespace, stream: IO[bytes], out: IO[str], scanner: Any) -> int:
    """Scan the page(s) in ``stream``; returns the number of rejected records."""
    from .._jsonl import dumps
    from ._scan import HtmlError, HtmlScanner

    hs = HtmlScanner(scanner)
    jsonl = args.jsonl or args.input.endswith(".jsonl")
    if not jsonl:
        data = stream.read()
        try:
            result = hs.scan(data, url=args.url, id=args.input, charset=args.charset)
        except HtmlError as exc:
            raise InputError(f"{args.input}: {exc}") from None
        out.write(dumps(result.to_dict(include_html=not args.cleaned_html)) + "\n")
        if args.cleaned_html:
            with open(args.cleaned_html, "wb") as f:
                f.write(result.cleaned_html_bytes())
        return 0
    if args.cleaned_html:
        raise InputError("--cleaned-html takes one page, not a JSONL file (each result carries cleaned_html)")
    rejected = 0
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        for res in hs.scan_many(batch, batch_size=max(1, len(batch))):
            out.write(dumps(res.to_dict()) + "\n")
        batch.clear()

    for rec in _records(stream):
        if isinstance(rec, InputError):
            flush()
            rejected += 1
            print(f"moderation: rejected {rec}", file=sys.stderr)
            out.write(dumps({"id": rec.line, "error": str(rec)}) + "\n")
            continue
        if len(rec["html"]) > hs.max_bytes:
            flush()
            rejected += 1
            error = f"line {rec['id']}: page exceeds the limit of {hs.max_bytes:,} characters"
            print(f"moderation: rejected {error}", file=sys.stderr)
            out.write(dumps({"id": rec["id"], "error": error}) + "\n")
            continue
        batch.append(rec)
        if len(batch) >= args.batch_size:
            flush()
    flush()
    return rejected
