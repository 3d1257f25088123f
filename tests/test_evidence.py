"""Link columns: written once per segment, the same numbers as the per-link row updates they replaced."""

from __future__ import annotations

import numpy as np
import pytest

from moderation import Scanner
from moderation.text.document import Document
from moderation.text.evidence import LINK_FEATURES, link_features
from moderation.text.scanner import prepare


def _reference(bounds, links, reports):
    out = np.zeros((len(bounds), len(LINK_FEATURES)), dtype=np.float32)
    j = 0
    for i, (s, e) in enumerate(bounds):
        while j < len(links) and links[j].start < s:
            j += 1
        k, chars = j, 0
        while k < len(links) and links[k].start < e:
            lk, rep = links[k], reports[k].rules
            row = out[i]
            row[0] = 1.0
            row[1] = max(row[1], rep.score)
            row[2] = max(row[2], rep.abused_tld)
            row[3] = max(row[3], float(rep.tracking_path))
            row[4] = max(row[4], float(rep.shortener or rep.chat_invite))
            row[5] = max(row[5], float(lk.obfuscated))
            row[6] = max(row[6], float(rep.trusted))
            chars += min(lk.end, e) - lk.start
            k += 1
        if e > s:
            out[i, 7] = chars / (e - s)
    return out


@pytest.mark.parametrize("many", [0, 10**9])  # the array path for every document, the walk for every one
def test_link_columns_match_the_per_link_updates(monkeypatch, many):
    monkeypatch.setattr("moderation.text.evidence.MANY_LINKS", many)
    text = (
        "Read www.example.org and bit.ly/x today. Win at lucky-spin.top/go/vip now or hxxp://bad[.]top "
        "and t.me/joinchat/abc.\n\nNo links here.\n\nOne more: https://www.bbc.co.uk/news, x.com/a b.io"
    )
    p = prepare(Document(text), Scanner.default().url_checker)
    assert len(p.links) >= 6
    bounds = [(s.start, s.end) for s in p.segments]
    for b in (bounds, [(s, max(s, e - 5)) for s, e in bounds], [(0, len(text))], []):
        assert link_features(b, p.links, p.reports).tobytes() == _reference(b, p.links, p.reports).tobytes()
