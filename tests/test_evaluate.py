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
