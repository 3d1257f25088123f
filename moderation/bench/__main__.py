"""``python -m moderation.bench COMMAND``: the benchmarks behind ``make bench`` (``speed``, ``adversarial``),
``make model`` (``record``), ``bench-api`` (``api``), ``bench-clean`` (``clean``), ``bench-urls``
(``urls``), ``bench-html`` (``html``), ``bench-hook`` (``hook``) and the chatty false-alarm check
(``chatty``); each command lives in its own module."""

from __future__ import annotations

import argparse
import sys

from . import adversarial, api, chatty, clean, engine, hook, html, urls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m moderation.bench", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    for module in (engine, adversarial, chatty, api, clean, urls, html, hook):
        module.add_parser(sub)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
