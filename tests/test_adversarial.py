"""Time grows linearly on hostile inputs: a size-scaling check over ``moderation.bench.adversarial``'s
patterns (4x the input may take at most ~8x the time; absolute seconds belong to ``make bench``)."""

from __future__ import annotations

import pytest

from moderation import Scanner, find_links, segment
from moderation.bench.adversarial import PATTERNS, time_scan

SMALL, LARGE = 6_000, 24_000  # 4x
MAX_GROWTH = 8.0


def growth(step, build) -> float:
    """Time at LARGE over time at SMALL (each the best of two), the lowest of up to three tries: a busy
    machine can slow one measurement, a quadratic step is slow every time."""
    ratios = []
    for _ in range(3):
        small, large = time_scan(step, build(SMALL)), time_scan(step, build(LARGE))
        ratios.append(large / max(small, 5e-3))  # below 5 ms the timer, not the algorithm, decides
        if ratios[-1] < MAX_GROWTH:
            break
    return min(ratios)


@pytest.fixture(scope="module")
def scanner():
    return Scanner.default()


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_link_finder_and_segmenter_scale_linearly(name):
    build = PATTERNS[name]

    def steps(text: str) -> None:
        segment(text, [lk.end for lk in find_links(text)])

    assert growth(steps, build) < MAX_GROWTH


@pytest.mark.parametrize("name", ["a-dot", "ellipsis", "www-dot", "url-bangs", "x-com-space", "dots"])
def test_whole_scan_scales_linearly_on_the_issue_patterns(scanner, name):
    assert growth(scanner.scan, PATTERNS[name]) < MAX_GROWTH


def test_check_url_on_a_long_url_scales_linearly(scanner):
    from moderation.bench.adversarial import _FreshUrls, _long_url

    assert growth(_FreshUrls(scanner.url_checker.check), _long_url) < MAX_GROWTH
