"""Scanning documents: the engine. Builds on ``urls`` (every link is judged there), never the reverse.

::

    normalize.py   the normalized view and its map back to the original offsets
    links.py       links in text (URLs, bare domains, defanged and spelled-out forms)
    segment.py     paragraphs, lines, sentences with exact offsets
    evidence.py    per-segment link columns for the models; readable reasons
    scanner.py     Scanner: the pipeline, batched over documents -> ScanResult
    results.py     the result types every door returns (Segment, Link, Span, ScanResult)
    cut.py         cut spans out of a text, mending the whitespace
    document.py    Document and the one record rule (ids, fields, Reject) of every door
    records.py     documents from JSONL and plain-text inputs (the one JSONL line reader)
    metrics.py     the benchmark metrics (moderation eval)
"""
