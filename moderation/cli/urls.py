"""``moderation check-url`` and ``moderation lists``: URLs on their own, and the local URL lists."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from ._common import EXIT_FAILURE, EXIT_OK, EXIT_REJECTED, UsageError, open_input


def _settings_for_urls(args: argparse.Namespace) -> Any:
    from .._settings import Settings

    kwargs: dict[str, Any] = {}
    if getattr(args, "model_dir", None):
        kwargs["model_dir"] = Path(args.model_dir)
    if getattr(args, "data_dir", None):
        kwargs["data_dir"] = Path(args.data_dir)
    return Settings(**kwargs)


def cmd_check_url(args: argparse.Namespace) -> int:
    """Judge URLs; one JSON object per URL, in input order."""
    from .._jsonl import dumps
    from ..urls.checker import UrlChecker
    from ..urls.providers import providers_from_env

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
            stream = open_input(args.input, stack)
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

    from ..urls.lists import ListStore

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
        config = Path(args.config) if args.config else None
        for outcome in store.update(config, args.timeout, args.max_bytes, args.force):
            failed += not outcome["ok"]
            print(json.dumps(outcome))
            if not outcome["ok"]:
                print(
                    f"moderation: refused feed {outcome['name']} ({outcome['refused']}): {outcome['error']}; "
                    f"kept the last good copy ({outcome['kept_entries']:,} entries)",
                    file=sys.stderr,
                )
        return EXIT_FAILURE if failed else EXIT_OK
    if args.lists_command == "remove":
        if not store.remove(args.kind, args.source):
            raise UsageError(f"no list {args.kind}/{args.source} in {store.root}")
        return EXIT_OK
    print(json.dumps({"store": str(store.root), "lists": store.index()}, indent=2))
    return EXIT_OK


_DATA_DIR_HELP = "the list store's data directory (default: per-user); before or after the action"


def register(sub: Any) -> None:
    """The ``check-url`` and ``lists`` subcommands."""
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
        description="Block, allow and shortener lists in a local store (see moderation/urls/lists.py).",
    )
    p.add_argument("--data-dir", help=_DATA_DIR_HELP)
    lists = p.add_subparsers(dest="lists_command", metavar="ACTION", required=True, help="what to do")
    q = lists.add_parser("import", help="import a list file", description="Import FILE as one list.")
    q.add_argument("file", metavar="FILE", help="domains, URLs, hosts-file lines, adblock rules or TSV")
    q.add_argument("--kind", required=True, choices=["block", "allow", "shortener"], help="what the list is")
    q.add_argument(
        "--source", required=True, help="the list's name (replaces a list of the same kind and name)"
    )
    q.add_argument("--data-dir", default=argparse.SUPPRESS, help=_DATA_DIR_HELP)
    q = lists.add_parser("update", help="refresh lists from the feeds file", description="Fetch every feed.")
    q.add_argument("--config", help="the feeds file (default DATA_DIR/feeds.toml)")
    q.add_argument("--timeout", type=float, default=30.0, help="seconds per feed (default 30)")
    q.add_argument(
        "--max-bytes",
        type=int,
        default=64 * 1024 * 1024,
        help="refuse a feed larger than this many bytes (default 64 MiB; it is read as a stream)",
    )
    q.add_argument(
        "--force",
        action="store_true",
        help="accept a list with fewer than half the entries of its last good copy",
    )
    q.add_argument("--data-dir", default=argparse.SUPPRESS, help=_DATA_DIR_HELP)
    q = lists.add_parser("show", help="print the store's lists", description="Print the list index.")
    q.add_argument("--data-dir", default=argparse.SUPPRESS, help=_DATA_DIR_HELP)
    q = lists.add_parser("remove", help="remove one list", description="Remove one list from the store.")
    q.add_argument("--kind", required=True, choices=["block", "allow", "shortener"], help="the list's kind")
    q.add_argument("--source", required=True, help="the list's name")
    q.add_argument("--data-dir", default=argparse.SUPPRESS, help=_DATA_DIR_HELP)
    p.set_defaults(func=cmd_lists)
