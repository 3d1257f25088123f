"""A Scrapy item pipeline that strips, drops or annotates injected spam
(``pip install 'moderation[scrapy]'``).

``settings.py``::

    ITEM_PIPELINES = {"moderation.integrations.scrapy.ModerationPipeline": 300}
    MODERATION_HTML_FIELD = "html"        # the item holds the page: scan it as HTML
    # MODERATION_TEXT_FIELD = "text"      # ... or the item holds text (the default when no HTML field)
    MODERATION_MODE = "strip"             # strip | drop | annotate
    MODERATION_URL_FIELD = "url"          # the page's own URL (its domain is the site's, never spam)
    MODERATION_ANNOTATION_FIELD = "moderation"   # where the decision is recorded on the item
    # MODERATION_MODEL_DIR = "/models"    # other models than the shipped ones

With an HTML field, ``strip`` writes the cleaned page back to it and the cleaned article text to
``MODERATION_TEXT_FIELD`` (default ``text``); with a text field, the cleaned text goes back to it. ``drop``
raises ``DropItem`` for items with spam (Scrapy logs and counts them). Every item gets the decision in the
annotation field (declare ``moderation = scrapy.Field()`` on ``scrapy.Item`` classes; dicts and dataclass
items take it as they are). Crawler stats: ``moderation/items``, ``moderation/spam``, ``moderation/stripped``,
``moderation/dropped``, ``moderation/spans``, ``moderation/chars_removed``, ``moderation/errors`` and
``moderation/reason/<code>`` per reason code.

``process_item`` is a coroutine; scans run in Twisted's thread pool (``deferToThread``), so the reactor keeps
downloading meanwhile. The scanner is loaded once, when the spider opens.
"""

from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

logger = logging.getLogger(__name__)
MODES = ("strip", "drop", "annotate")


class ModerationPipeline:
    """Scrapy item pipeline: see the module docstring for its settings."""

    def __init__(
        self,
        stats: Any,
        html_field: str | None = None,
        text_field: str = "text",
        url_field: str = "url",
        mode: str = "strip",
        annotation_field: str = "moderation",
        model_dir: str | None = None,
    ) -> None:
        if mode not in MODES:
            raise NotConfigured(f"MODERATION_MODE = {mode!r} is not one of {', '.join(MODES)}")
        self.stats = stats
        self.html_field = html_field
        self.text_field = text_field
        self.url_field = url_field
        self.mode = mode
        self.annotation_field = annotation_field
        self.model_dir = model_dir
        self.scanner: Any = None
        self._warned = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> ModerationPipeline:
        s = crawler.settings
        return cls(
            crawler.stats,
            html_field=s.get("MODERATION_HTML_FIELD"),
            text_field=s.get("MODERATION_TEXT_FIELD", "text"),
            url_field=s.get("MODERATION_URL_FIELD", "url"),
            mode=s.get("MODERATION_MODE", "strip"),
            annotation_field=s.get("MODERATION_ANNOTATION_FIELD", "moderation"),
            model_dir=s.get("MODERATION_MODEL_DIR"),
        )

    def open_spider(self, spider: Any = None) -> None:
        from pathlib import Path

        from .._settings import Settings
        from ..text.scanner import Scanner

        settings = Settings(model_dir=Path(self.model_dir)) if self.model_dir else Settings()
        self.scanner = Scanner.default(settings)

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        """Scan in a thread; return the item (cleaned or annotated) or raise ``DropItem``."""
        result = await maybe_deferred_to_future(deferToThread(self._scan, item))
        return self._apply(result, item)

    # -- internals ---------------------------------------------------------------------------------------

    def _scan(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url = adapter.get(self.url_field)
        url = url if isinstance(url, str) else None
        if self.html_field:
            page = adapter.get(self.html_field)
            if not isinstance(page, str | bytes):
                return None
            return self.scanner.scan_html(page, url=url)
        text = adapter.get(self.text_field)
        if not isinstance(text, str):
            return None
        return self.scanner.scan(text, url=url)

    def _apply(self, result: Any, item: Any) -> Any:
        adapter = ItemAdapter(item)
        stats = self.stats
        stats.inc_value("moderation/items")
        if result is None:
            field = self.html_field or self.text_field
            stats.inc_value("moderation/errors")
            logger.warning("moderation: item has no %r string; passed on unscanned", field)
            return item
        page_spans = getattr(result, "page_spans", ())
        spam = result.verdict == "spam"
        codes = sorted({r.code for x in page_spans or result.spans for r in x.reasons})
        if spam:
            stats.inc_value("moderation/spam")
            stats.inc_value("moderation/spans", len(page_spans) or len(result.spans))
            for code in codes:
                stats.inc_value(f"moderation/reason/{code}")
        if spam and self.mode == "drop":
            stats.inc_value("moderation/dropped")
            raise DropItem(f"moderation: spam ({', '.join(codes) or 'no reason'}; score {result.score:.2f})")
        action = "annotated" if self.mode == "annotate" else ("stripped" if spam else "kept")
        removed = 0
        if spam and self.mode == "strip":
            if self.html_field:
                removed = len(adapter[self.html_field]) - len(result.cleaned_html)
                adapter[self.html_field] = result.cleaned_html
                self._set(adapter, self.text_field, result.cleaned_text)
            else:
                removed = len(adapter[self.text_field]) - len(result.cleaned_text)
                adapter[self.text_field] = result.cleaned_text
            stats.inc_value("moderation/stripped")
            stats.inc_value("moderation/chars_removed", removed)
        elif self.html_field and self.mode == "strip":
            self._set(adapter, self.text_field, result.text)
        note = {
            "action": action,
            "verdict": result.verdict,
            "score": round(result.score, 4),
            "reasons": codes,
            "spans": [s.to_dict() for s in result.spans],
            "page_spans": [p.to_dict() for p in page_spans],
            "removed_chars": removed,
            "model_version": result.model_version,
        }
        self._set(adapter, self.annotation_field, note)
        return item

    def _set(self, adapter: ItemAdapter, name: str, value: Any) -> None:
        try:
            adapter[name] = value
        except KeyError:  # a scrapy.Item without that field declared
            if not self._warned:
                self._warned = True
                logger.warning("moderation: the item has no %r field; declare it to keep the decision", name)
