"""The CLI contract, exercised through a real ``moderation`` process."""

from __future__ import annotations

import json
import subprocess
import sys

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


def test_demo_prints_the_verdict():
    code, out, err = run("demo")
    assert code == 0, err
    assert out.startswith("verdict: spam")
    assert "cash-sofa-daily.top" in out


def test_broken_model_directory_is_a_clear_error(tmp_path):
    code, _, err = run("demo", "--model-dir", str(tmp_path))
    assert code == 1
    assert "make model" in err and "Traceback" not in err
