"""``moderation train``, ``train-urls`` and ``train-lang``: rebuild the shipped models from the data pack."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ._common import EXIT_OK, UsageError


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
    from ..train.text_models import train

    manifest = train(_data_pack(args, "news"), Path(args.out), seed=args.seed)
    print(f"wrote {args.out} ({manifest['model_version']}), thresholds {manifest['thresholds']}")
    return EXIT_OK


def cmd_train_urls(args: argparse.Namespace) -> int:
    """Rebuild the lexical URL model from the shared data."""
    from ..train.url_model import train_url_model

    manifest = train_url_model(_data_pack(args, "urls"), Path(args.out), seed=args.seed)
    print(f"wrote {args.out} ({manifest['model_version']}), test {manifest['test']}")
    return EXIT_OK


def cmd_build_popularity(args: argparse.Namespace) -> int:
    """Rebuild the popularity snapshot the URL checker ships (``urls/knowledge.py``)."""
    from ..train.popularity import build_popularity

    sidecar = build_popularity(_data_pack(args, "urls"), Path(args.out))
    print(f"wrote {args.out} ({sidecar['version']}, {sidecar['domains']:,} domains)")
    return EXIT_OK


def cmd_train_lang(args: argparse.Namespace) -> int:
    """Rebuild the language identifier from the shared data."""
    from ..train.lang_model import train_lang_model

    manifest = train_lang_model(_data_pack(args, "news"), Path(args.out), seed=args.seed)
    print(f"wrote {args.out} ({manifest['model_version']}), validation {manifest['validation']}")
    return EXIT_OK


def register(sub: Any) -> None:
    """The ``train``, ``train-urls``, ``build-popularity`` and ``train-lang`` subcommands."""

    def training(
        name: str, summary: str, description: str, out: str, func: Any, folder: str = "classifiers/models"
    ) -> None:
        p = sub.add_parser(name, help=summary, description=description)
        p.add_argument("--data", default="../shared/data", help="the data pack (default ../shared/data)")
        default_out = str(Path(__file__).resolve().parents[2].joinpath(*folder.split("/")))
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
    training(
        "train-urls",
        "rebuild the lexical URL model from the data pack",
        "Rebuild the URL model from ../shared/data/urls (domain-disjoint split).",
        "where to write the URL model and its sidecar",
        cmd_train_urls,
    )
    training(
        "build-popularity",
        "rebuild the URL checker's popularity snapshot from the data pack",
        "Rebuild moderation/resources/popularity.npz (hashed registered domains with a rank tier) from "
        "../shared/data/urls/tranco_top.tsv, leaving out domains on the pack's block lists.",
        "where to write popularity.npz and popularity.json",
        cmd_build_popularity,
        "moderation/resources",
    )
    training(
        "train-lang",
        "rebuild the language identifier from the data pack",
        "Rebuild the language identifier (en, de, pt, id) from ../shared/data (train split only).",
        "where to write the language model and its sidecar",
        cmd_train_lang,
    )
