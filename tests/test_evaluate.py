from __future__ import annotations

from moderation.text.metrics import Report, collapse, score_document


def test_exact_hit():
    text = "News one.\n\nBuy cheap stuff now\n\nNews two."
    s = text.index("Buy")
    gold = [(s, s + 19)]
    c = score_document(text, gold, gold, "News one.\n\nNews two.", "News one.\n\nNews two.")
    m = c.metrics()
    assert m["span_f1"] == 1.0 and m["restoration"] == 1.0 and m["char_precision"] == 1.0


def test_half_rule_for_spans():
    text = "aaaa bbbb"
    # gold covers "aaaa bbbb" (8 visible chars); prediction covers "aaaa" = 4/8 -> found (>= 50%)
    c = score_document(text, [(0, 9)], [(0, 4)], "", "")
    assert c.found_spans == 1 and c.correct_spans == 1
    # prediction covers 3 of 8 -> not found
    c = score_document(text, [(0, 9)], [(0, 3)], "", "")
    assert c.found_spans == 0


def test_false_positive_on_clean_document():
    text = "Only news here."
    c = score_document(text, [], [(0, 4)], "here.", text)
    r = Report()
    r.add("en", c)
    m = r.overall.metrics()
    assert m["clean_fpr"] == 1.0 and m["restoration"] == 0.0 and m["span_precision"] == 0.0


def test_restoration_ignores_whitespace_runs():
    assert collapse(" a \n\n b ") == "a b"


def test_placement_recall_and_source_fpr():
    from moderation.text.metrics import gold_found

    text = "News one.Buy pills at x.top News two."
    s = text.index("Buy")
    gold = [(s, s + 18)]
    r = Report()
    r.add_placements(["lost_space"], gold_found(text, gold, gold))
    r.add_placements(["run_on"], gold_found(text, gold, []))
    clean = score_document("Only news.", [], [(0, 4)], "news.", "Only news.")
    r.add_source("wire", clean)
    r.add_source("wire", score_document("More news.", [], [], "More news.", "More news."))
    r.add_source("wire", score_document(text, gold, gold, "", ""))  # a spam document: not counted
    d = r.to_dict()
    assert d["by_placement"]["lost_space"]["recall"] == 1.0
    assert d["by_placement"]["run_on"]["recall"] == 0.0
    assert d["clean_fpr_by_source"]["wire"] == {"clean_docs": 2, "flagged": 1, "clean_fpr": 0.5}
    table = r.table()
    assert "lost_space 1.000 (1/1)" in table and "wire 0.5000 (1/2)" in table
