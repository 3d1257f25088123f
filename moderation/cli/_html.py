"""``moderation scan --html``: pages in, one JSON result per page out (``scan.py`` dispatches here).

A plain path (or ``-``) is one page, read as bytes (the charset is sniffed, or ``--charset``); with
``--jsonl`` each line is ``{"html", "url"?, "id"?}``, read by the one JSONL line reader and the one record
rule (``html`` in the text's place: a line without a page string is rejected like a text record without
its text). ``--cleaned-html FILE`` writes the cleaned page (one page only) in the page's own encoding,
every byte outside the removed parts untouched.
"""

from __future__ import annotations

import argparse
import sys
from typing import IO, Any

from .._errors import HtmlError, InputError
from ..text.document import Document, Reject
from ..text.html import PAGE_FIELDS, HtmlScanner
from ..text.records import jsonl_lines, parse_line
from ._common import NamedText


def _one_page(args: argparse.Namespace, stream: IO[bytes], out: NamedText, pages: Any) -> int:
    from .._jsonl import dumps

    try:
        result = pages.scan(stream.read(), url=args.url, id=args.input, charset=args.charset)
    except HtmlError as exc:
        raise InputError(f"{args.input}: {exc}") from None
    out.write(dumps(result.to_dict(include_html=not args.cleaned_html)) + "\n")
    if args.cleaned_html:
        with open(args.cleaned_html, "wb") as f:
            f.write(result.cleaned_html_bytes())
    return 0


def scan_pages(args: argparse.Namespace, stream: IO[bytes], out: NamedText, scanner: Any) -> int:
    """Scan the page(s) in ``stream``; returns the number of rejected records."""
    from .._jsonl import dumps

    pages = HtmlScanner(scanner)
    if not (args.jsonl or args.input.endswith(".jsonl")):
        return _one_page(args, stream, out, pages)
    if args.cleaned_html:
        raise InputError("--cleaned-html takes one page, not a JSONL file (each result carries cleaned_html)")
    rejected = 0
    batch: list[Document | Reject] = []

    def flush() -> None:
        docs = [{"html": d.text, "url": d.url, "id": d.id} for d in batch if isinstance(d, Document)]
        results = iter(pages.scan_many(docs, batch_size=max(1, len(docs))))
        for b in batch:
            out.write(dumps(b.to_dict() if isinstance(b, Reject) else next(results).to_dict()) + "\n")
        batch.clear()

    for n, raw in jsonl_lines(stream):
        item = parse_line(raw, n, PAGE_FIELDS)
        if isinstance(item, Document) and len(item.text) > pages.max_bytes:
            item = Reject("page too large", f"over {pages.max_bytes:,} characters", n, item.id, field="html")
        if isinstance(item, Reject):
            rejected += 1
            print(f"moderation: rejected {item.to_dict()['error']}", file=sys.stderr)
        batch.append(item)
        if len(batch) >= args.batch_size:
            flush()
    flush()
    return rejected
