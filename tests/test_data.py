"""Checks against the data pack (``../shared/data``); skipped, with the reason, when it is absent."""

from __future__ import annotations

import json

import pytest

from .conftest import DATA_DIR, needs_data

pytestmark = needs_data


def test_seed_article_has_exactly_the_money_paragraph(scanner):
    text = (DATA_DIR / "examples" / "seed-article.txt").read_text(encoding="utf-8")
    result = scanner.scan(text)
    assert len(result.spans) == 1
    (span,) = result.spans
    line = next(ln for ln in text.splitlines() if ln.startswith("Make Money online"))
    assert span.text == line.strip()
    reasons = " ".join(r.text for r in span.reasons)
    assert "call to action" in reasons and ".makeup" in reasons and "tracking" in reasons
    assert "off-topic" in reasons
    assert "formerly known as Twitter" in result.cleaned_text


def test_contrast_lines_inside_an_article(scanner, example_article):
    """Each spam line is found when put into a clean article; each legitimate look-alike is not."""
    body = example_article.replace(
        "Earn $500 a week from your sofa, thousands already signed up "
        "https://cash-sofa-daily.top/4471902385561032/\n\n",
        "",
    )
    paragraphs = body.split("\n\n")
    missed, false_alarms = [], []
    for line in (DATA_DIR / "examples" / "contrast.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        text = "\n\n".join([*paragraphs[:3], row["text"], *paragraphs[3:]])
        flagged = [s.text for s in scanner.scan(text).spans]
        if row["label"] == "spam" and row["text"] not in flagged:
            missed.append((row["text"], flagged))
        if row["label"] == "clean" and flagged:
            false_alarms.append((row["text"], flagged))
    assert not false_alarms, false_alarms
    assert len(missed) <= 1, missed


@pytest.fixture(scope="module")
def bench_report(scanner):
    from moderation.text.metrics import evaluate

    lines = (DATA_DIR / "bench" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    report, _ = evaluate(scanner, [json.loads(x) for x in lines])
    return report.to_dict()


def test_benchmark_bars(bench_report):
    overall = bench_report["overall"]
    assert overall["span_f1"] >= 0.95
    assert overall["clean_fpr"] <= 0.01
    assert overall["restoration"] >= 0.90
    for lang, m in bench_report["by_lang"].items():
        assert m["span_f1"] >= 0.90, (lang, m)


def test_every_pack_url_is_judged_alike_in_text_and_alone():
    """The link finder hands the checker what it parsed: for every URL of the pack's benign and malicious
    files, the link found in a sentence gets the report ``UrlChecker.check`` gives the URL alone."""
    import csv

    from moderation import UrlChecker, find_links, normalize

    checker = UrlChecker(UrlChecker.default().model)  # the shipped model, no local lists
    whole = disagree = 0
    examples = []
    for name in ("benign_urls_with_paths.tsv", "malicious_urls_with_paths.tsv"):
        with open(DATA_DIR / "urls" / name, encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                url = row["url"]
                links = find_links(normalize(f"See {url} today").text)
                if not links or links[0].raw != url:
                    continue  # the finder stops at quotes and closing punctuation: not the same string
                whole += 1
                a, b = checker.judge(links[0].parsed, links[0].obfuscated), checker.check(url)
                if (a.score, a.verdict, a.reasons, a.normalized) != (
                    b.score,
                    b.verdict,
                    b.reasons,
                    b.normalized,
                ):
                    disagree += 1
                    examples.append(url)
    assert whole >= 68_000
    assert disagree == 0, examples[:10]
