"""HTML pages in: the article text, spans in the text *and* in the page, and the page with the spam cut out.

>>> from moderation import Scanner                                  # doctest: +SKIP
>>> result = Scanner.default().scan_html(page_html, url=page_url)   # doctest: +SKIP
>>> result.text, result.spans, result.page_spans, result.cleaned_html  # doctest: +SKIP

What only HTML shows becomes evidence, ``Reason`` codes ``HTML_...`` (``moderation._reasons.CODES``): hidden
blocks, ``rel`` markings, anchors whose text does not match their target, links in comment sections, ad
widgets and sponsored headline rows. ``script``, ``style``, ``noscript`` and ``template`` content is never
article text. See ``_scan.py`` for the way a page travels.
"""

from __future__ import annotations

from ..._errors import HtmlError
from ._result import HtmlScanResult, PageSpan
from ._scan import MAX_BYTES, PAGE_FIELDS, HtmlScanner

__all__ = ["MAX_BYTES", "PAGE_FIELDS", "HtmlError", "HtmlScanResult", "HtmlScanner", "PageSpan"]
