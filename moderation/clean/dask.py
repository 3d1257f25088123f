"""The same cleanup on a Dask cluster: files, Dask bags, Dask DataFrames (needs ``moderation[dask]``).

Every route runs ``moderation.clean.cleaner.Cleaner`` on each partition, the code the local runner uses, so a
cluster run gives the local run's records, record for record. Each worker process loads the models once
(``Scanner.default`` caches them per process) and reuses them for every partition it gets.

Files (``clean_files_on_cluster``, the CLI's ``--dask-scheduler``): the inputs are cut into pieces (plain
JSONL into line-aligned byte blocks, Parquet into row groups, other files whole); a first round of tasks
counts the lines of each JSONL block so that every rejected record still names its line; a second round
cleans the pieces, each writing its own part files. The output is a *directory*::

    OUTPUT/part-00000.jsonl ...       the cleaned records, in input order by part number
    OUTPUT/rejects/part-00000.jsonl   rejected records (source, line, error, record)
    OUTPUT/dropped/part-00000.jsonl   dropped records (``drop`` mode)

It is assembled in ``OUTPUT.tmp-*`` and renamed into place when every piece is done. The workers read the
inputs and write the output by path, so both must be on storage every worker sees (a shared file system).

Python API::

    from moderation.dask import clean_bag, clean_dataframe
    outcomes = clean_bag(bag_of_dicts, CleanOptions())  # {"status": written|dropped|rejected, "record"|...}
    cleaned = clean_dataframe(ddf, CleanOptions())      # same rows + annotation (JSON) + status columns
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._errors import InputError
from .cleaner import Cleaner, CleanOptions, CleanStats
from .formats import FORMATS, Piece, Source, expand_inputs, json_line, plan_pieces, read_piece, writer
from .formats.jsonl import count_lines
from .pool import chunks
from .report import CleanReport
from .sinks import Part, RunSinks, check_writable

__all__ = ["CONNECT_TIMEOUT", "STATUS_FIELD", "clean_bag", "clean_dataframe", "clean_files_on_cluster"]

#: Seconds to wait for a scheduler address to answer (Dask's own default is 30): an address that does not
#: answer by then is a mistake or a cluster that is down, and the run says so before it writes anything.
CONNECT_TIMEOUT = 10.0

#: The column ``clean_dataframe`` adds: ``written``, ``dropped`` or ``rejected``.
STATUS_FIELD = "moderation_status"


def _need_dask() -> Any:
    try:
        import dask
        import distributed
    except ImportError:
        raise InputError("running on a Dask cluster needs dask: pip install 'moderation[dask]'") from None
    return dask, distributed


def _part(out_dir: Path, number: int, target: Source) -> Part:
    name = f"part-{number:05d}"
    extension = FORMATS[target.format].suffixes[0]
    return Part(
        out_dir / f"{name}{extension}",
        out_dir / "rejects" / f"{name}.jsonl",
        out_dir / "dropped" / f"{name}.jsonl",
    )


def _clean_piece(
    sources: Sequence[Source],
    piece: Piece,
    number: int,
    options: CleanOptions,
    target: Source,
    out_dir: str,
) -> dict[str, Any]:
    """One cluster task: clean a piece into its own part files; returns its counts."""
    cleaner = Cleaner(options)
    names = [s.name for s in sources]
    sinks = RunSinks(writer(target, options.annotation_field), options.mode == "drop")
    encode, compression = sinks.output.encoded, sinks.output.compression
    stats = CleanStats()
    sinks.open_part(_part(Path(out_dir), number, target))
    try:
        for chunk in chunks(read_piece(sources, piece), options.batch_size * 4):
            stats.merge(sinks.write(cleaner.clean(names, chunk, encode, compression)))
    finally:
        sinks.close_part()
    return stats.to_dict()


def _number_pieces(client: Any, sources: Sequence[Source], pieces: list[Piece]) -> list[Piece]:
    """Byte pieces with the line number they start after: a first round of tasks counts their lines."""
    counted = [i for i, p in enumerate(pieces) if p.kind == "bytes"]
    line_counts = client.gather(
        client.map(
            count_lines,
            [sources[pieces[i].source] for i in counted],
            [pieces[i] for i in counted],
            pure=False,
        )
    )
    numbered = list(pieces)
    first = 0
    for i, n in zip(counted, line_counts, strict=True):
        if pieces[i].start == 0:
            first = 0
        numbered[i] = Piece(pieces[i].source, "bytes", pieces[i].start, pieces[i].end, first)
        first += n
    return numbered


def _connect(address: str, timeout: float) -> Any:
    """A client of the scheduler at ``address``, or a ``ConnectionError`` saying it did not answer."""
    _, distributed = _need_dask()
    try:
        return distributed.Client(address, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise ConnectionError(
            f"the Dask scheduler at {address} did not answer within {timeout:g} s ({exc}); "
            "check the address and that the scheduler is running"
        ) from None


def _target(sources: Sequence[Source], output: str, output_format: str | None) -> Source:
    """The output directory, checked: its parts' format is ``output_format`` or the first input's."""
    fmt = output_format or sources[0].format
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    check_writable(Path(output))
    if Path(output).exists():
        raise InputError(f"{output} exists; a cluster run writes a new directory, give another name")
    return Source(output, fmt)


def _run_pieces(
    client: Any,
    sources: Sequence[Source],
    pieces: list[Piece],
    options: CleanOptions,
    target: Source,
    tmp: Path,
    progress: bool | None,
) -> tuple[CleanStats, int]:
    """One task per piece, writing into ``tmp``; their counts added up, and the cluster's worker count."""
    _, distributed = _need_dask()
    n = len(pieces)
    futures = client.map(
        _clean_piece, [sources] * n, pieces, range(n), [options] * n, [target] * n, [str(tmp)] * n, pure=False
    )
    workers = len(client.scheduler_info().get("workers", {}))
    stats = CleanStats()
    for done, (_, result) in enumerate(distributed.as_completed(futures, with_results=True), 1):
        stats.merge(CleanStats.from_dict(result))
        if progress:
            print(f"moderation: {done}/{n} pieces, {stats.read:,} records", flush=True)
    return stats, workers


def clean_files_on_cluster(
    inputs: Sequence[str],
    output: str,
    options: CleanOptions | None = None,
    *,
    scheduler: Any,
    input_format: str | None = None,
    output_format: str | None = None,
    block_size: int = 64 << 20,
    progress: bool | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
) -> CleanReport:
    """Clean files on a Dask cluster into the directory ``output`` (see the module docstring).

    Args:
        scheduler: a ``distributed.Client``, or a scheduler address (``tcp://host:8786``).
        output: the output directory; its part files take the format of ``output_format`` or of the
            inputs' first file; the rejects and drop log are its ``rejects/`` and ``dropped/``.
        block_size: bytes per piece of a plain JSONL file.
        progress: print a line as each piece is done.
        connect_timeout: seconds to wait for a scheduler address to answer.

    Raises:
        ConnectionError: the scheduler did not answer within ``connect_timeout`` (nothing was written).
    """
    _, distributed = _need_dask()
    options = options or CleanOptions()
    started = time.monotonic()
    sources = expand_inputs(inputs, input_format, skip=[output])
    target = _target(sources, output, output_format)
    out = Path(output)
    model = Cleaner(options).scanner.model_version  # fail here, not on every worker, if models are broken
    client = scheduler if isinstance(scheduler, distributed.Client) else _connect(scheduler, connect_timeout)
    tmp = out.with_name(f"{out.name}.tmp-{os.getpid()}")
    try:
        for sub in ("", "rejects", "dropped"):
            (tmp / sub).mkdir(parents=True, exist_ok=True)
        pieces = _number_pieces(client, sources, plan_pieces(sources, block_size))
        stats, workers = _run_pieces(client, sources, pieces, options, target, tmp, progress)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if client is not scheduler:
            client.close()
    if options.mode != "drop":
        shutil.rmtree(tmp / "dropped")
    os.replace(tmp, out)
    drops = str(out / "dropped") if options.mode == "drop" else None
    seconds = time.monotonic() - started
    return CleanReport(
        stats, [s.name for s in sources], str(out), str(out / "rejects"), drops, workers, seconds, 0, model
    )


# -- bags and DataFrames ----------------------------------------------------------------------------------


def _outcomes(records: list[Any], options: CleanOptions, name: str) -> list[dict[str, Any]]:
    """Clean a partition of records; one outcome per record, in order."""
    chunk = [
        (0, i + 1, r if isinstance(r, dict | bytes) else json.dumps(r).encode())
        for i, r in enumerate(records)
    ]
    result = Cleaner(options).clean([name], chunk, encode=False)
    result.settle()  # nothing to write: every record for the output counts as written
    lists = {
        "written": iter({"record": r} for r in result.output),
        "dropped": iter(json.loads(d) for d in result.dropped),
        "rejected": iter(json.loads(json_line(r.to_row())) for r in result.rejects),
    }
    return [{"status": status, **next(lists[status])} for status in result.statuses]


def clean_bag(bag: Any, options: CleanOptions | None = None) -> Any:
    """A Dask bag of records (dicts or JSON lines) -> a bag of outcomes, one per record, in order.

    Each outcome is ``{"status": "written", "record": {...}}``, ``{"status": "dropped", "record": {...},
    ...}`` or ``{"status": "rejected", "error": ..., "record": ...}``.
    """
    _need_dask()
    return bag.map_partitions(_bag_partition, options or CleanOptions())


def _bag_partition(records: Any, options: CleanOptions) -> list[dict[str, Any]]:
    return _outcomes(list(records), options, "bag partition")


def clean_dataframe(df: Any, options: CleanOptions | None = None) -> Any:
    """A Dask DataFrame -> the same rows, text cleaned as the mode says, plus two columns: the annotation
    (a JSON string) and ``moderation_status`` (written / dropped / rejected). Nothing is removed; filter on
    the status column to drop rows."""
    _need_dask()
    opts = options or CleanOptions()
    meta = df._meta.assign(**{opts.annotation_field: "", STATUS_FIELD: ""})
    meta[opts.annotation_field] = meta[opts.annotation_field].astype(object)
    meta[STATUS_FIELD] = meta[STATUS_FIELD].astype(object)
    return df.map_partitions(_frame_partition, opts, meta=meta)


def _frame_partition(frame: Any, options: CleanOptions) -> Any:
    import pandas as pd

    records = frame.to_dict("records")
    rows = []
    for original, outcome in zip(records, _outcomes(records, options, "frame partition"), strict=True):
        status = outcome["status"]
        record = outcome["record"] if status != "rejected" else dict(original)
        if status == "dropped":
            record = dict(outcome["record"])
        note = record.pop(options.annotation_field, None)
        if status == "rejected":
            note = {"action": "rejected", "error": outcome["error"]}
        rows.append(
            {**record, options.annotation_field: json.dumps(note, ensure_ascii=False), STATUS_FIELD: status}
        )
    out = pd.DataFrame(
        rows, index=frame.index, columns=[*frame.columns, options.annotation_field, STATUS_FIELD]
    )
    return out
