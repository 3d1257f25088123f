"""The datatrove steps in real ``LocalPipelineExecutor`` runs over a JSONL reader and writer."""

from __future__ import annotations

import gzip
import json
import random

import pytest

pytest.importorskip(
    "datatrove", reason="the datatrove extra is not installed (pip install 'moderation[datatrove]')"
)

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from moderation.bench.pages import _words as W
from moderation.bench.pages import build_pages
from moderation.bench.pages._build import sentences
from moderation.integrations.datatrove import ModerationFilter, ModerationFormatter


def _docs():
    """Twelve articles of our own sentences; every third has a spam line as its own paragraph."""
    rng = random.Random(5)
    docs = []
    for k, topic in enumerate(list(W.ARTICLES) * 2):
        paras = [" ".join(sentences(rng, topic, 3)) for _ in range(4)]
        spam = W.SPAM_LINES[k % len(W.SPAM_LINES)] if k % 3 == 0 else None
        if spam:
            paras.insert(2, spam)
        docs.append(
            {
                "id": f"doc-{k}",
                "text": "\n\n".join(paras),
                "url": f"https://www.example-paper.com/{k}",
                "spam": spam,
            }
        )
    return docs


@pytest.fixture
def data(tmp_path):
    docs = _docs()
    src = tmp_path / "in"
    src.mkdir()
    for part in range(2):  # two files: two tasks
        with open(src / f"part-{part}.jsonl", "w", encoding="utf-8") as f:
            for d in docs[part::2]:
                f.write(json.dumps(d) + "\n")
    return tmp_path, {d["id"]: d for d in docs}


def _read(folder):
    out = {}
    for path in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                out[row["id"]] = row
    return out


def _run(pipeline, tmp_path, name):
    LocalPipelineExecutor(
        pipeline=pipeline, tasks=2, workers=1, logging_dir=str(tmp_path / f"logs-{name}")
    ).run()


def test_the_filter_drops_spam_with_our_reasons(data):
    tmp_path, docs = data
    _run(
        [
            JsonlReader(str(tmp_path / "in")),
            ModerationFilter(exclusion_writer=JsonlWriter(str(tmp_path / "dropped"))),
            JsonlWriter(str(tmp_path / "kept")),
        ],
        tmp_path,
        "filter",
    )
    kept, dropped = _read(tmp_path / "kept"), _read(tmp_path / "dropped")
    assert set(kept) == {i for i, d in docs.items() if not d["spam"]}
    assert set(dropped) == {i for i, d in docs.items() if d["spam"]}
    for row in dropped.values():
        assert row["metadata"]["filter_reason"].startswith("moderation: ")
        note = row["metadata"]["moderation"]
        assert note["verdict"] == "spam" and note["spans"][0]["reasons"]
        assert row["text"] == docs[row["id"]]["text"]  # dropped whole, not edited


def test_the_formatter_strips_spans_and_keeps_the_rest(data):
    tmp_path, docs = data
    _run(
        [
            JsonlReader(str(tmp_path / "in")),
            ModerationFormatter(batch_size=4),
            JsonlWriter(str(tmp_path / "out")),
        ],
        tmp_path,
        "format",
    )
    out = _read(tmp_path / "out")
    assert set(out) == set(docs)
    for i, row in out.items():
        source = docs[i]
        note = row["metadata"]["moderation"]
        if source["spam"]:
            assert note["action"] == "stripped"
            assert source["spam"] not in row["text"]
            for para in source["text"].split("\n\n"):
                if para != source["spam"]:
                    assert para in row["text"]
            span = note["spans"][0]
            assert source["text"][span["start"] : span["end"]] == span["text"]  # offsets into the original
        else:
            assert note["action"] == "kept" and row["text"] == source["text"]


def test_html_documents_become_cleaned_pages(tmp_path):
    pages = [p for p in build_pages() if p.name in ("semantic-00", "semantic-04", "blog-07")]
    src = tmp_path / "in"
    src.mkdir()
    with open(src / "pages.jsonl", "w", encoding="utf-8") as f:
        for p in pages:
            f.write(json.dumps({"id": p.name, "text": p.html, "url": p.url}) + "\n")
    _run(
        [JsonlReader(str(src)), ModerationFormatter(html=True), JsonlWriter(str(tmp_path / "out"))],
        tmp_path,
        "html",
    )
    out = _read(tmp_path / "out")
    for p in pages:
        row = out[p.name]
        if p.clean:
            assert row["text"] == p.html
        else:
            assert all(p.html[s:e] not in row["text"] for s, e, _ in p.gold)
            assert row["metadata"]["moderation"]["page_spans"][0]["reasons"][0]["code"].startswith("HTML_")
