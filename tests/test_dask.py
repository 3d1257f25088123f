"""The cleanup on a real Dask cluster (a LocalCluster of worker processes) equals the local run."""

from __future__ import annotations

import json

import pytest

from moderation import CleanOptions, clean_files

from .test_clean import BAD_LINES, SPAM, read_jsonl, records, write_jsonl

distributed = pytest.importorskip("distributed")
pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.mark.slow
def test_cluster_run_equals_local_run_record_for_record(client, tmp_path):
    from moderation.dask import clean_files_on_cluster

    src = tmp_path / "in.jsonl"
    write_jsonl(src, records(60), BAD_LINES)
    local = tmp_path / "local.jsonl"
    clean_files([str(src)], str(local))
    out = tmp_path / "cluster"
    report = clean_files_on_cluster([str(src)], str(out), scheduler=client, block_size=5_000)
    parts = sorted(out.glob("part-*.jsonl"))
    assert len(parts) > 2  # the file really was cut into pieces
    assert b"".join(p.read_bytes() for p in parts) == local.read_bytes()
    rejects = b"".join(p.read_bytes() for p in sorted((out / "rejects").glob("*.jsonl")))
    assert rejects == (tmp_path / "local.jsonl.rejects.jsonl").read_bytes()  # same lines named
    assert report.stats.balanced and report.stats.read == 66 and report.workers == 2
    assert not list(tmp_path.glob("cluster.tmp-*"))


@pytest.mark.slow
def test_cluster_run_over_parquet_row_groups(client, tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from moderation.dask import clean_files_on_cluster

    pq.write_table(pa.Table.from_pylist(records(10)), tmp_path / "in.parquet", row_group_size=3)
    clean_files([str(tmp_path / "in.parquet")], str(tmp_path / "local.parquet"))
    report = clean_files_on_cluster([str(tmp_path / "in.parquet")], str(tmp_path / "out"), scheduler=client)
    parts = sorted((tmp_path / "out").glob("part-*.parquet"))
    assert len(parts) == 4
    rows = [r for p in parts for r in pq.read_table(p).to_pylist()]
    assert rows == pq.read_table(tmp_path / "local.parquet").to_pylist()
    assert report.stats.stripped == 4


@pytest.mark.slow
def test_bag_and_dataframe_apis(client):
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd

    from moderation.dask import STATUS_FIELD, clean_bag, clean_dataframe

    rows = records(6)
    bag = db.from_sequence([*rows, {"id": "x"}, "not a record"], npartitions=3)
    outcomes = clean_bag(bag, CleanOptions(mode="drop")).compute()
    assert [o["status"] for o in outcomes] == ["dropped", "written", "written"] * 2 + ["rejected"] * 2
    assert outcomes[1]["record"] == rows[1]

    frame = pd.DataFrame([*rows, {"id": "y", "text": None, "source": "s", "n": 99}])
    cleaned = clean_dataframe(dd.from_pandas(frame, npartitions=2)).compute()
    assert list(cleaned[STATUS_FIELD]) == ["written"] * 6 + ["rejected"]
    assert SPAM not in cleaned["text"].iloc[0] and cleaned["text"].iloc[1] == rows[1]["text"]
    assert json.loads(cleaned["moderation"].iloc[0])["spans"][0]["text"] == SPAM
    assert json.loads(cleaned["moderation"].iloc[6])["action"] == "rejected"


def test_local_read_of_cluster_output_matches(tmp_path):
    """The helper used above reads what the local runner writes (guards the comparison itself)."""
    src = tmp_path / "in.jsonl"
    write_jsonl(src, records(3))
    clean_files([str(src)], str(tmp_path / "o.jsonl"))
    assert [r["id"] for r in read_jsonl(tmp_path / "o.jsonl")] == ["doc-0", "doc-1", "doc-2"]


def test_an_unreachable_scheduler_fails_fast_and_leaves_nothing(tmp_path):
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    src = tmp_path / "in.jsonl"
    write_jsonl(src, records(3))
    started = time.monotonic()
    cluster = ["--dask-scheduler", f"tcp://127.0.0.1:{port}", "--dask-connect-timeout", "1"]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "moderation.cli",
            "clean",
            str(src),
            "-o",
            str(tmp_path / "o.jsonl"),
            *cluster,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert time.monotonic() - started < 20
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert f"the Dask scheduler at tcp://127.0.0.1:{port} did not answer within 1 s" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]  # no o.jsonl.tmp-<pid>/
