"""The HTML parser, the text extraction and its offset map, decoding: invariants and hostile input."""

from __future__ import annotations

import html as htmllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.text.html import HtmlScanner
from moderation.text.html._decode import decode
from moderation.text.html._extract import emit, emit_map, extract
from moderation.text.html._parse import parse
from moderation.text.html._signals import hidden_how, hidden_rules

FRAGMENTS = st.lists(
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<div>",
            "</div>",
            "<li>",
            "<ul>",
            "</ul>",
            "<br>",
            "<b>",
            "</b>",
            "<a href='x.html'>",
            "</a>",
            "<script>",
            "</script>",
            "<style>",
            "x{}",
            "</style>",
            "<!--",
            "-->",
            "<table><tr><td>",
            "</td>",
            "&amp;",
            "&nbsp;",
            "&#x1F600;",
            "&bogus;",
            " ",
            "\n",
            "\t",
            "word",
            "Wörter",
            "<",
            ">",
            "<span style='display:none'>",
            "</span>",
            "<noscript>",
            "</noscript>",
            "<h1>",
            "</h1>",
            "\x00",
        ]
    )
    | st.text(max_size=8),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(FRAGMENTS)
def test_parse_and_extract_never_fail_and_keep_their_invariants(source):
    tree = parse(source)
    n = len(source)
    for el in tree.elements:
        assert 0 <= el.start <= el.open_end <= el.end <= n or el.index == 0
        if el.parent >= 0:
            parent = tree.elements[el.parent]
            assert parent.start <= el.start and el.end <= max(parent.end, el.end)
    last = 0
    for node in tree.texts:
        assert last <= node.start < node.end <= n
        last = node.end
    ext = extract(tree)
    for k, start in enumerate(ext.starts):  # every emitted run is its text node's emission
        node = tree.texts[ext.nodes[k]]
        run = emit(source[node.start : node.end])[ext.skips[k] : ext.skips[k] + ext.lengths[k]]
        assert ext.text[start : start + ext.lengths[k]] == run
        s, e = ext.source_range(start, start + ext.lengths[k])
        assert node.start <= s <= e <= node.end
        assert emit(source[s:e]).strip(" ") == run.strip(" ")


ENTITY_SOUP = st.lists(st.sampled_from([*"ab &;#x1F0\n\t<>", "&amp;", "&lt;", "&nbsp;", "&#65;", "&notit;"]))


@settings(max_examples=300, deadline=None)
@given(ENTITY_SOUP.map("".join))
def test_emit_map_agrees_with_emit(raw):
    text, starts, ends = emit_map(raw)
    assert text == emit(raw)
    assert len(starts) == len(ends) == len(text)
    for ch, s, e in zip(text, starts, ends, strict=True):
        assert 0 <= s < e <= len(raw)
        assert ch in emit(raw[s:e]) or ch == " "


def test_script_style_noscript_and_template_are_never_text():
    page = (
        "<html><head><style>.a{color:red} p{content:'styled words'}</style></head><body><article>"
        "<p>The council met on Tuesday.</p><script>var u='https://evil-script.top/x'; // words</script>"
        "<noscript><p>Enable JavaScript, visit https://noscript-site.top</p></noscript>"
        "<template><p>template words</p></template><p>It approved the budget.</p></article></body></html>"
    )
    ext = extract(parse(page))
    assert ext.text == "The council met on Tuesday.\n\nIt approved the budget."


def test_blocks_lines_and_entities():
    page = (
        "<body><div class='story-body'><h2>Title &amp; more</h2><p>One <b>bold</b> word,<br>next line.</p>"
        "<ul><li>first</li><li>second</li></ul><p>caf&eacute;&nbsp;x</p></div></body>"
    )
    assert (
        extract(parse(page)).text
        == "Title & more\n\nOne bold word,\nnext line.\n\nfirst\nsecond\n\ncafé\xa0x"
    )


def test_unclosed_paragraphs_and_list_items_close_at_their_next_sibling():
    tree = parse("<div><p>a<p>b<ul><li>x<li>y</ul></div>")
    spans = {(e.tag, tree.source[e.start : e.end]) for e in tree.elements[1:]}
    assert ("p", "<p>a") in spans and ("p", "<p>b") in spans and ("li", "<li>x") in spans


def test_every_hiding_method_is_seen():
    css = ".gone{display:none!important} @media (max-width:600px){.mobile{display:none}} #away{left:-9999px}"
    rules = hidden_rules(css)
    assert rules == {".gone": "display:none", "#away": "off-screen"}
    cases = {
        'style="display:none"': "display:none",
        'style="visibility: hidden;"': "visibility:hidden",
        'style="font-size:0px"': "font-size:0",
        'style="position:absolute;left:-9999px"': "off-screen",
        'style="height:0;overflow:hidden"': "zero-size box",
        "hidden": "hidden attribute",
        'aria-hidden="true"': "aria-hidden",
        'style="opacity:0"': "opacity:0",
        'class="gone"': "display:none (stylesheet rule .gone)",
        'id="away"': "off-screen (stylesheet rule #away)",
    }
    for attrs, how in cases.items():
        tree = parse(f"<div {attrs}>x</div>")
        assert hidden_how(tree.elements[1], rules) == how, attrs
    for visible in ('style="font-size:12px"', 'style="left:-10px"', 'style="height:0"', 'class="mobile"'):
        assert hidden_how(parse(f"<div {visible}>x</div>").elements[1], rules) is None, visible


def test_decoding_checks_the_declared_charset_against_the_bytes():
    text = "<p>Grüße aus München, 10 €</p>"
    lying = ('<meta charset="iso-8859-1">' + text).encode("utf-8")
    d = decode(lying)
    assert d.encoding == "utf-8" and "München" in d.text and "UTF-8" in d.note
    latin = ('<meta charset="utf-8">' + text).encode("cp1252")
    d = decode(latin)
    assert d.encoding == "cp1252" and "München" in d.text and "not UTF-8" in d.note
    d = decode(text.encode("cp1252"))
    assert d.encoding == "cp1252" and "€" in d.text
    assert decode(b"\xef\xbb\xbf<p>x</p>").note == "byte-order mark"
    assert "unknown charset" in decode(b'<meta charset="klingon"><p>x</p>').note
    broken = b"<p>caf\xc3 \xff\xfe end</p>"
    d = decode(broken)
    assert d.encode(d.text) == broken  # bytes that fit no character survive the round trip


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "latin-1"])
def test_a_clean_page_comes_back_byte_for_byte(encoding):
    page = (
        f'<html><head><meta charset="{encoding}"></head>'
        "<body><p>Caf\u00e9 au lait, na\u00efve.</p></body></html>"
    )
    data = page.encode(encoding)
    res = HtmlScanner(None).scan(data)
    assert res.page_spans == () and res.cleaned_html_bytes() == data


def test_hostile_pages_get_a_result_not_a_hang():
    hs = HtmlScanner(None)
    deep = hs.scan("<div>" * 50_000 + "deep text" + "</div>" * 50_000)
    assert "flattened" in " ".join(deep.notes)
    never = hs.scan("<p>start</p><a href='" + "x" * 200_000)
    assert never.text == "start" and "markup ends inside a tag" in never.notes[0]
    many = hs.scan("<a " * 100_000)
    assert many.text == ""
    unclosed = hs.scan("<body>" + "<b><i><span>word " * 20_000)
    assert unclosed.text.count("word") == 20_000
    nul = hs.scan("<p>a\x00b</p>")
    assert nul.text == "a\ufffdb"


def test_too_large_pages_are_a_clear_error():
    from moderation.text.html import HtmlError

    with pytest.raises(HtmlError, match="exceeds the limit of 1,000"):
        HtmlScanner(None, max_bytes=1000).scan(b"<p>" + b"x" * 2000)
    with pytest.raises(HtmlError, match="string or bytes"):
        HtmlScanner(None).scan(12)  # type: ignore[arg-type]


def test_offsets_map_back_into_the_page(scanner):
    page = (
        "<html><body><div class='article-body'><p>The mayor opened the new bridge on Friday, "
        "watched by &quot;hundreds&quot; of residents.</p><p>Earn up to $450 a day working from home, no "
        "experience needed, sign up at www.home-income-pro.top/start</p><p>Traffic returns on Monday.</p>"
        "</div></body></html>"
    )
    res = scanner.scan_html(page)
    assert res.spans and res.spans[0].text.startswith("Earn up to")
    s, e = res.source_range(res.spans[0].start, res.spans[0].end)
    assert page[s:e].startswith("Earn up to") and page[s:e].endswith("/start")
    assert res.element_path(res.spans[0].start).endswith("div.article-body > p")
    (ps,) = res.page_spans
    assert page[ps.start : ps.end].startswith("<p>Earn") and ps.text_start == res.spans[0].start
    assert htmllib.unescape(res.cleaned_html).count("hundreds") == 1 and "Earn" not in res.cleaned_html


def test_long_articles_go_to_the_engine_in_pieces(scanner, monkeypatch):
    from moderation.text.html import _scan

    para = "<p>The council met on Tuesday to discuss the budget for the coming year in the town hall.</p>\n"
    spam = "<p>Earn up to $450 a day working from home, sign up at www.home-income-pro.top/start</p>\n"
    page = "<html><body><div class='article-body'>" + para * 60 + spam + para * 20 + "</div></body></html>"
    whole = HtmlScanner(scanner).scan(page)
    monkeypatch.setattr(_scan, "CHUNK", 1500)
    pieces = HtmlScanner(scanner).scan(page)
    assert len(_scan.chunks(pieces.text, 1500)) > 3
    assert [(s.start, s.end) for s in pieces.spans] == [(s.start, s.end) for s in whole.spans]
    assert pieces.spans[0].text.startswith("Earn up to") and pieces.cleaned_text == whole.cleaned_text
