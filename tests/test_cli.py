"""The CLI contract, exercised through a real ``moderation`` process."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys

import pytest

from .conftest import FIXTURES


def run(*args, stdin: bytes | None = None):
    proc = subprocess.run(
        [sys.executable, "-m", "moderation.cli", *args], input=stdin, capture_output=True, timeout=120
    )
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def lines(out: str):
    return [json.loads(x) for x in out.splitlines() if x.strip()]


def test_scan_plain_text_file(example_article, tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(example_article, encoding="utf-8")
    code, out, err = run("scan", str(path))
    assert code == 0, err
    (rec,) = lines(out)
    assert rec["id"] == str(path)
    assert rec["verdict"] == "spam"
    assert set(rec) >= {"id", "verdict", "score", "spans", "links", "cleaned_text"}
    (span,) = rec["spans"]
    assert example_article[span["start"] : span["end"]] == span["text"]
    assert set(span) == {"start", "end", "text", "label", "score", "reasons"}
    assert set(rec["links"][0]) == {"start", "end", "url", "domain", "score", "verdict", "reasons"}


def test_scan_jsonl_from_stdin_with_bad_lines(example_article):
    good = json.dumps({"id": "a", "text": example_article})
    data = (
        "\n".join(
            [
                good,
                "{not json",
                json.dumps({"id": "b"}),
                json.dumps({"id": "c", "text": 12}),
                "",
                json.dumps({"text": "Just a short clean note."}),
                json.dumps(["a list"]),
            ]
        ).encode()
        + b"\n"
        + b'{"text": "bad byte \xff here"}\n'
    )
    code, out, err = run("scan", "--jsonl", "-", stdin=data)
    assert code == 3
    recs = lines(out)
    assert [r.get("id") for r in recs] == ["a", 2, "b", "c", 6, 7, 8]
    assert recs[0]["verdict"] == "spam"
    assert "line 2" in recs[1]["error"] and "JSON" in recs[1]["error"]
    assert "line 3" in recs[2]["error"] and "missing text field ('text')" in recs[2]["error"]
    assert "'text' is int, not a string" in recs[3]["error"]
    assert recs[4]["verdict"] == "clean"
    assert "object" in recs[5]["error"]
    assert "invalid UTF-8" in recs[6]["error"]
    assert "rejected" in err


def test_lone_surrogates_in_json_input_are_scanned(tmp_path):
    path = tmp_path / "docs.jsonl"
    text = "The council met on Tuesday \ud800 and approved the budget for the new school year."
    path.write_text(json.dumps({"id": 1, "text": text}) + "\n", encoding="utf-8")  # ASCII: \\ud800 escaped
    out_path = tmp_path / "out.jsonl"
    code, _, err = run("scan", str(path), "-o", str(out_path))
    assert code == 0, err
    (rec,) = lines(out_path.read_text(encoding="utf-8"))
    assert rec["verdict"] == "clean"
    assert rec["cleaned_text"] == text


def test_usage_errors_exit_2(tmp_path):
    code, _, err = run("scan", str(tmp_path / "missing.txt"))
    assert code == 2 and "cannot read" in err
    code, _, err = run("frobnicate")
    assert code == 2
    code, _, err = run("scan", "--batch-size", "0", str(FIXTURES / "inline-spam.txt"))
    assert code == 2


def test_invalid_utf8_plain_text_is_reported(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"fine line\nbad \xfe\xff byte\n")
    code, out, _ = run("scan", str(path))
    assert code == 3
    (rec,) = lines(out)
    assert "invalid UTF-8" in rec["error"] and "line 2" in rec["error"]


def test_eval_on_a_tiny_benchmark(example_article, tmp_path):
    s = example_article.index("Earn $500")
    e = example_article.index("\n", s)
    bench = tmp_path / "bench.jsonl"
    clean = example_article[:s].rstrip() + "\n\n" + example_article[e:].lstrip()
    rows = [
        {
            "id": "x",
            "lang": "en",
            "text": example_article,
            "spans": [{"start": s, "end": e, "label": "spam"}],
            "clean_text": clean,
        },
        {"id": "y", "lang": "en", "text": "Nothing to see.", "spans": [], "clean_text": "Nothing to see."},
    ]
    bench.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    code, out, err = run("eval", str(bench), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["overall"]["span_f1"] == 1.0
    assert report["overall"]["restoration"] == 1.0
    assert report["overall"]["clean_fpr"] == 0.0
    code, out, _ = run("eval", str(bench))
    assert "span_F1" in out and "docs/s" in out


def test_eval_prints_placements_and_source_fpr_and_keeps_errors(example_article, tmp_path):
    s = example_article.index("Earn $500")
    e = example_article.index("\n", s)
    clean = example_article[:s].rstrip() + "\n\n" + example_article[e:].lstrip()
    spam_row = {"id": "x", "lang": "en", "source": "wire", "text": example_article, "modes": ["para"]}
    spam_row |= {"spans": [{"start": s, "end": e, "label": "spam"}], "clean_text": clean}
    missed = {"id": "z", "lang": "en", "source": "wire", "modes": ["run_on"], "clean_text": "Quiet news."}
    missed |= {"text": "Quiet news. More of it.", "spans": [{"start": 12, "end": 23, "label": "spam"}]}
    calm = {"id": "y", "lang": "en", "source": "paper", "text": "Nothing to see.", "spans": []}
    calm["clean_text"] = calm["text"]
    bench = tmp_path / "bench.jsonl"
    bench.write_text("\n".join(json.dumps(r) for r in (spam_row, missed, calm)) + "\n", encoding="utf-8")
    errors = tmp_path / "errors.jsonl"
    code, out, err = run("eval", str(bench), "--json", "--errors", str(errors))
    assert code == 0, err
    report = json.loads(out)
    assert report["by_placement"]["para"]["recall"] == 1.0
    assert report["by_placement"]["run_on"] == {"spans": 1, "found": 0, "recall": 0.0}
    assert report["clean_fpr_by_source"] == {"paper": {"clean_docs": 1, "flagged": 0, "clean_fpr": 0.0}}
    wrong = [json.loads(x) for x in errors.read_text(encoding="utf-8").splitlines()]
    assert [w["id"] for w in wrong] == ["z"] and wrong[0]["gold"] == ["More of it."]
    code, out, _ = run("eval", str(bench))
    assert "recall by placement: para 1.000 (1/1)  run_on 0.000 (0/1)" in out
    assert "clean-document FPR by source: paper 0.0000 (0/1)" in out


def test_demo_prints_the_verdict():
    code, out, err = run("demo")
    assert code == 0, err
    assert out.startswith("verdict: spam")
    assert "cash-sofa-daily.top" in out


def test_broken_model_directory_is_a_clear_error(tmp_path):
    code, _, err = run("demo", "--model-dir", str(tmp_path))
    assert code == 1
    assert "make model" in err and "Traceback" not in err


# -- exit statuses: the README's table, command by command --------------------------------------------------


def _status(capsys, *args: str, stdout_to: str | None = None) -> tuple[int, str]:
    """Run the CLI in this process (fast: models load once); the exit status and stderr."""
    from moderation.cli import main

    saved = sys.stdout
    try:
        if stdout_to:
            sys.stdout = open(stdout_to, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's usage errors
            code = int(exc.code or 0)
        finally:
            if stdout_to:
                with contextlib.suppress(OSError):
                    sys.stdout.close()
    finally:
        sys.stdout = saved
    return code, capsys.readouterr().err


@pytest.fixture()
def inputs(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "a", "text": "The council met on Monday."}) + "\n", encoding="utf-8")
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(good.read_text() + "{not json\n", encoding="utf-8")
    bench = tmp_path / "bench.jsonl"
    row = {"id": "x", "lang": "en", "text": "Nothing to see.", "spans": [], "clean_text": "Nothing to see."}
    bench.write_text(json.dumps(row) + "\n", encoding="utf-8")
    empty = tmp_path / "no-models"
    empty.mkdir()
    return {"good": str(good), "mixed": str(mixed), "bench": str(bench), "empty": str(empty), "tmp": tmp_path}


def _cases(i: dict) -> list[tuple[str, list[str], int, str | None]]:
    """(name, arguments, status, where stdout goes): each command's 0, and its 1, 2, 3 where it has them."""
    from moderation.cli._common import usable_cpus

    t, missing, many = i["tmp"], str(i["tmp"] / "missing.jsonl"), str(usable_cpus() + 1)
    return [
        ("scan ok", ["scan", i["good"]], 0, None),
        ("scan rejected", ["scan", i["mixed"]], 3, None),
        ("scan missing input", ["scan", missing], 2, None),
        ("scan bad option", ["scan", "--batch-size", "0", i["good"]], 2, None),
        ("scan no models", ["scan", i["good"], "--model-dir", i["empty"]], 1, None),
        ("scan full disk", ["scan", i["good"], "-o", "/dev/full"], 1, None),
        ("scan unwritable", ["scan", i["good"], "-o", str(t / "no-dir" / "out.jsonl")], 1, None),
        ("eval ok", ["eval", i["bench"]], 0, None),
        ("eval not a benchmark", ["eval", i["good"]], 2, None),
        ("eval missing", ["eval", missing], 2, None),
        ("eval no models", ["eval", i["bench"], "--model-dir", i["empty"]], 1, None),
        ("eval full disk", ["eval", i["bench"], "--json"], 1, "/dev/full"),
        ("demo ok", ["demo"], 0, None),
        ("demo missing", ["demo", missing], 2, None),
        ("demo no models", ["demo", "--model-dir", i["empty"]], 1, None),
        ("demo full disk", ["demo"], 1, "/dev/full"),
        ("clean ok", ["clean", i["good"], "-o", str(t / "c1.jsonl"), "--no-progress"], 0, None),
        ("clean rejected", ["clean", i["mixed"], "-o", str(t / "c2.jsonl"), "--no-progress"], 3, None),
        ("clean missing", ["clean", missing, "-o", str(t / "c3.jsonl")], 2, None),
        ("clean bad option", ["clean", i["good"], "-o", str(t / "c4.jsonl"), "--threshold", "2"], 2, None),
        (
            "clean more workers than CPUs",
            ["clean", i["good"], "-o", str(t / "c6.jsonl"), "--workers", many],
            2,
            None,
        ),
        ("clean unwritable", ["clean", i["good"], "-o", str(t / "no-dir" / "c.jsonl")], 1, None),
        (
            "clean no models",
            ["clean", i["good"], "-o", str(t / "c5.jsonl"), "--model-dir", i["empty"]],
            1,
            None,
        ),
        ("clean full disk", ["clean", i["good"], "-o", "-", "--no-progress"], 1, "/dev/full"),
        ("check-url ok", ["check-url", "https://news.example/a"], 0, None),
        ("check-url rejected", ["check-url", "https://news.example/a", "no"], 3, None),
        ("check-url usage", ["check-url"], 2, None),
        ("check-url missing", ["check-url", "--input", missing], 2, None),
        ("check-url full disk", ["check-url", "https://news.example/a"], 1, "/dev/full"),
        ("lists show", ["lists", "--data-dir", str(t / "store"), "show"], 0, None),
        (
            "lists remove unknown",
            ["lists", "remove", "--kind", "block", "--source", "x", "--data-dir", str(t)],
            2,
            None,
        ),
        ("lists import missing", ["lists", "import", missing, "--kind", "block", "--source", "x"], 2, None),
        ("lists full disk", ["lists", "--data-dir", str(t / "store"), "show"], 1, "/dev/full"),
        ("train no data pack", ["train", "--data", str(t), "--out", str(t / "m")], 2, None),
        ("train-urls no data pack", ["train-urls", "--data", str(t), "--out", str(t / "m")], 2, None),
        ("serve bad option", ["serve", "--workers", "0"], 2, None),
        ("serve more workers than CPUs", ["serve", "--workers", many], 2, None),
        ("no command", [], 2, None),
    ]


def test_every_command_follows_the_exit_status_table(capsys, inputs):
    for name, args, want, stdout_to in _cases(inputs):
        code, err = _status(capsys, *args, stdout_to=stdout_to)
        assert code == want, f"{name}: exit {code}, not {want}: {err}"
        assert "Traceback" not in err, name
        if "CPUs" in name:
            assert f"--workers {args[-1]} is more than the {int(args[-1]) - 1} CPUs" in err
        if want == 1:
            (line,) = err.strip().splitlines()
            assert line.startswith("moderation: error: "), f"{name}: {err}"
            if "full disk" in name:  # the one-line I/O message names what it could not write
                where = "<stdout>" if stdout_to else "/dev/full"
                assert f"error: {where}: No space left on device" in line, f"{name}: {line}"
            elif "unwritable" in name:
                assert f"no-dir{os.sep}" in line, f"{name}: {line}"
            else:
                assert "make model" in line, f"{name}: {line}"


@pytest.mark.parametrize(
    "args",
    [
        ["scan", "--jsonl", "-"],
        ["demo"],
        ["clean", "-", "-o", "-", "--no-progress"],
        ["check-url", "--input", "-"],
        ["lists", "show"],
        ["eval", "BENCH"],
    ],
    ids=lambda a: a[0],
)
def test_a_reader_that_goes_away_ends_the_command_quietly(args, inputs):
    """``moderation ... | head``: the reader closes the pipe; no traceback, no message, status 141."""
    args = [inputs["bench"] if a == "BENCH" else a for a in args]
    docs = b"".join(
        json.dumps({"id": n, "text": f"Note {n} on the council."}).encode() + b"\n" for n in range(300)
    )
    urls = b"".join(f"https://news.example/{n}\n".encode() for n in range(3000))
    proc = subprocess.Popen(
        [sys.executable, "-m", "moderation.cli", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader is gone before the first line
    _, err = proc.communicate(urls if args[0] == "check-url" else docs, timeout=120)
    assert proc.returncode == 141, err
    assert err == b"", err


def test_a_document_the_engine_cannot_take_costs_that_document_not_its_batch(capsys, tmp_path, monkeypatch):
    from moderation.text.scanner import Scanner

    original = Scanner._scan_batch

    def fragile(self, docs):
        if any("BOOM" in d.text for d in docs):
            raise RuntimeError("the engine broke")
        return original(self, docs)

    monkeypatch.setattr(Scanner, "_scan_batch", fragile)
    path = tmp_path / "docs.jsonl"
    texts = ["The council met.", "BOOM goes the engine.", "The budget passed."]
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, err = _status(capsys, "scan", str(path), "-o", str(out))
    assert code == 3 and "Traceback" not in err
    recs = lines(out.read_text(encoding="utf-8"))
    assert [r["id"] for r in recs] == [1, 2, 3]
    assert "verdict" in recs[0] and "verdict" in recs[2]
    assert recs[1]["error"] == "could not be scanned (RuntimeError: the engine broke)"
