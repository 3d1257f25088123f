"""The HTML path on our page set (the issue's bars) and the reasons each kind of injection gets."""

from __future__ import annotations

import pytest

from moderation.bench.pages import build_pages
from moderation.bench.pages._handwritten import handwritten_pages
from moderation.bench.pages._score import reparsed_text, score
from moderation.text.html import HtmlScanner


@pytest.fixture(scope="module")
def html_scanner(scanner):
    return HtmlScanner(scanner)


@pytest.fixture(scope="module")
def template_run(html_scanner):
    pages = build_pages()
    return pages, list(html_scanner.scan_many([{"html": p.html, "url": p.url} for p in pages]))


def test_the_page_set_has_what_the_issue_asks_for():
    pages = build_pages()
    kinds = {k for p in pages for _, _, k in p.gold}
    assert len(pages) >= 40 and sum(p.clean for p in pages) >= 12
    assert {"hidden", "visible-line", "chumbox", "comment", "inline-anchor"} <= kinds
    assert build_pages()[5].html == pages[5].html  # deterministic


def test_template_pages_meet_the_bars(template_run):
    pages, results = template_run
    sc = score(pages, results)
    assert sc.f1 >= 0.95, (sc.missed, sc.wrong)
    assert sc.clean_flagged == []
    assert sc.legit_lost == []


def test_handwritten_pages_meet_the_bars(html_scanner):
    pages = handwritten_pages()
    results = list(html_scanner.scan_many([{"html": p.html, "url": p.url} for p in pages]))
    sc = score(pages, results)
    assert sc.f1 >= 0.95, (sc.missed, sc.wrong)
    assert sc.clean_flagged == []
    # every legitimate paragraph kept: the glued sentence the old engine cut with its spam
    # (hw-glued-sentence) since the boundary tagger, the short article's last line (hw-mismatch) since
    # short multi-paragraph articles with legitimate odd lines are in training
    assert sc.legit_lost == []


def test_cleaned_pages_are_byte_identical_outside_the_cut(template_run):
    pages, results = template_run
    for page, res in zip(pages, results, strict=True):
        kept, pos = [], 0
        for ps in res.page_spans:
            kept.append(page.html[pos : ps.start])
            pos = ps.end
        kept.append(page.html[pos:])
        assert res.cleaned_html == "".join(kept)
        if page.clean:
            assert res.cleaned_html == page.html
        else:
            assert all(page.html[s:e] not in res.cleaned_html for s, e, _ in page.gold)
            kept = reparsed_text(res.cleaned_html)
            assert all(" ".join(x.split()) in kept for x in (*page.legit, *page.comments))


def test_each_injection_gets_its_reason(template_run):
    pages, results = template_run
    codes: dict[str, set[str]] = {}
    for page, res in zip(pages, results, strict=True):
        for s, e, kind in page.gold:
            for ps in res.page_spans:
                if ps.start < e and s < ps.end:
                    codes.setdefault(kind, set()).update(r.code for r in ps.reasons)
    assert "HTML_HIDDEN_LINKS" in codes["hidden"]
    assert codes["chumbox"] & {"HTML_AD_WIDGET", "HTML_CHUMBOX"} == {"HTML_AD_WIDGET", "HTML_CHUMBOX"}
    assert "HTML_COMMENT_LINK" in codes["comment"] and "HTML_REL_UGC" in codes["comment"]
    assert "HTML_REL_SPONSORED" in codes["inline-anchor"] and "HTML_SPAM_ANCHOR" in codes["inline-anchor"]
    assert "HTML_TEXT_MODEL" in codes["visible-line"]


def test_hidden_spam_is_not_article_text_and_script_urls_are_not_links(html_scanner):
    page = next(p for p in build_pages() if p.name == "semantic-05")
    res = html_scanner.scan(page.html, url=page.url)
    (ps,) = res.page_spans
    assert ps.text_start is None and ps.reasons[0].code == "HTML_HIDDEN_LINKS"
    assert "googletagmanager" not in res.text and all("doubleclick" not in lk.url for lk in res.links)


def test_anchor_text_that_shows_another_domain(html_scanner):
    page = (
        "<html><body><div class='article-body'><p>Council tax rises by three percent from April, the council "
        "confirmed on Tuesday after a long debate.</p><p>Pensioners on low incomes can apply for a discount, "
        "the council said.</p></div><section id='comments'><div class='comment'><p>Check "
        "<a href='https://paypal-account-verify.top/login'>www.paypal.com/account</a></p></div>"
        "<div class='comment'><p>See <a href='https://www.gov.uk/council-tax'>www.gov.uk/council-tax</a></p>"
        "</div></section></body></html>"
    )
    res = html_scanner.scan(page, url="https://www.example-paper.com/tax")
    (ps,) = res.page_spans
    assert "paypal-account-verify" in page[ps.start : ps.end]
    texts = [r.text for r in ps.reasons]
    assert "anchor text shows paypal.com but the link goes to paypal-account-verify.top" in texts


def test_pages_without_a_text_model_use_the_html_rules_alone():
    pages = build_pages()
    res = list(HtmlScanner(None).scan_many([{"html": p.html, "url": p.url} for p in pages]))
    sc = score(pages, res)
    assert sc.clean_flagged == [] and sc.precision == 1.0
    assert {kind for _, kind in sc.missed} == {"visible-line"}  # only the text-only lines need the text model
