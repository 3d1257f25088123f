"""Writing files so that a reader sees the old file or the new one, never half of one; and I/O errors
that say which file they are about."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def named(path: str | Path) -> Iterator[None]:
    """An ``OSError`` raised inside that names no file gets ``path``: a write to an open file on a full
    disk says only "No space left on device", and the message must say where."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(path)
        raise


@contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """A temp path beside ``final``; renamed onto it when the block ends, removed if the block fails."""
    tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}")
    try:
        yield tmp
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(final: Path, data: bytes) -> None:
    """Write ``data`` to ``final`` atomically and durably (fsync before the rename); an I/O error names
    ``final``."""
    with named(final), atomic_path(final) as tmp, open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def append_files(parts: Sequence[Path], out: IO[bytes]) -> None:
    """Copy the parts, in order, to the end of ``out``."""
    for part in parts:
        with open(part, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
