"""datatrove pipeline steps (``pip install 'moderation[datatrove]'``): a filter that drops documents with
injected spam, its reasons attached, and a formatter that cuts the spam spans out and keeps the rest.

::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from moderation.integrations.datatrove import ModerationFilter, ModerationFormatter

    LocalPipelineExecutor(pipeline=[
        JsonlReader("data/"),
        ModerationFormatter(),                    # strip spans, keep the document
        # ModerationFilter(exclusion_writer=JsonlWriter("dropped/")),   # or drop spam documents
        JsonlWriter("clean/"),
    ], tasks=4).run()

Both record the decision in ``doc.metadata["moderation"]``, the annotation ``moderation clean`` writes
(verdict, score, spans with offsets into the text as it was, reasons, characters removed, model version).
The filter's rejection reason (datatrove's ``filter_reason``,
counted as ``dropped_<reason>``) is the strongest span's first reason code, e.g.
``moderation: TEXT_CALL_TO_ACTION``; with ``html=True`` documents hold pages and it is the strongest page
span's, such as ``moderation: HTML_HIDDEN_LINKS``. The document's URL is read from ``doc.metadata["url"]``.

The scanner is loaded in each worker on first use (steps are pickled to workers; the models are not).
Documents are scanned in batches of ``batch_size`` (the engine's fast path).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.utils.typeshelper import StatHints

from ..clean.annotation import annotation


class _Scanning:
    """The lazy scanner both steps share (the annotation they write is ``clean.annotation``)."""

    html: bool
    model_dir: str | None
    threshold: float | None
    _scanner: Any = None

    def scanner(self) -> Any:
        if self._scanner is None:
            from pathlib import Path

            from .._settings import Settings
            from ..text.scanner import Scanner

            settings = Settings(
                model_dir=Path(self.model_dir) if self.model_dir else None, span_threshold=self.threshold
            )
            self._scanner = Scanner.default(settings)
        return self._scanner

    def scan(self, docs: list[Document]) -> list[Any]:
        items = [
            {"id": d.id, "url": d.metadata.get("url") if isinstance(d.metadata.get("url"), str) else None}
            for d in docs
        ]
        if self.html:
            from ..text.html import HtmlScanner

            pages = [{**i, "html": d.text} for i, d in zip(items, docs, strict=True)]
            return list(HtmlScanner(self.scanner()).scan_many(pages, batch_size=max(1, len(pages))))
        texts = [{**i, "text": d.text} for i, d in zip(items, docs, strict=True)]
        return list(self.scanner().scan_many(texts, batch_size=max(1, len(texts))))

    @staticmethod
    def reason(res: Any) -> str:
        """The strongest finding's first reason code (of the page spans for a page), for datatrove's
        ``filter_reason``."""
        found = getattr(res, "page_spans", ()) or res.spans
        top = max(found, key=lambda x: x.score, default=None)
        return f"moderation: {top.reasons[0].code}" if top is not None and top.reasons else "moderation: spam"

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_scanner"] = None  # never pickle the models to workers
        return state


class ModerationFilter(_Scanning, BaseFilter):
    """Drops documents with injected spam; the rejection carries our reason (see the module docstring).

    Args:
        exclusion_writer: a datatrove writer for the dropped documents (they carry ``filter_reason`` and
            ``metadata["moderation"]``).
        batch_size: documents per scan call.
        html: documents hold HTML pages (scanned as pages).
        threshold: span score to act on (default: the model's own).
        model_dir: other models than the shipped ones.
    """

    name = "🛡 moderation filter"

    def __init__(
        self,
        exclusion_writer: Any = None,
        batch_size: int = 64,
        html: bool = False,
        threshold: float | None = None,
        model_dir: str | None = None,
    ) -> None:
        super().__init__(exclusion_writer, batch_size)
        self.html, self.threshold, self.model_dir = html, threshold, model_dir
        self._scanner = None

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        return self.filter_batch([doc])[0]

    def filter_batch(self, batch: list[Document]) -> list[bool | tuple[bool, str]]:
        out: list[bool | tuple[bool, str]] = []
        for doc, res in zip(batch, self.scan(batch), strict=True):
            spam = res.verdict == "spam"
            doc.metadata["moderation"] = annotation(res, "dropped" if spam else "kept")
            out.append((False, self.reason(res)) if spam else True)
        return out


class ModerationFormatter(_Scanning, PipelineStep):
    """Cuts the spam spans out of each document's text and keeps the document (with ``html=True``: the
    document's page becomes the cleaned page). Stats: ``stripped``, ``spans``, ``chars_removed``.

    Args:
        batch_size: documents per scan call.
        html: documents hold HTML pages.
        threshold: span score to act on (default: the model's own).
        model_dir: other models than the shipped ones.
    """

    name = "🛡 moderation formatter"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        batch_size: int = 64,
        html: bool = False,
        threshold: float | None = None,
        model_dir: str | None = None,
    ) -> None:
        super().__init__()
        self.batch_size, self.html, self.threshold, self.model_dir = batch_size, html, threshold, model_dir
        self._scanner = None

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        batch: list[Document] = []
        for doc in data or ():
            batch.append(doc)
            if len(batch) >= self.batch_size:
                yield from self._format(batch)
                batch = []
        if batch:
            yield from self._format(batch)

    def _format(self, batch: list[Document]) -> Iterator[Document]:
        with self.track_time("batch"):
            results = self.scan(batch)
        for doc, res in zip(batch, results, strict=True):
            self.stat_update(StatHints.total)
            spam = res.verdict == "spam"
            cleaned = (res.cleaned_html if self.html else res.cleaned_text) if spam else doc.text
            removed = len(doc.text) - len(cleaned)
            doc.metadata["moderation"] = annotation(res, "stripped" if spam else "kept", removed)
            if spam:
                self.stat_update("stripped")
                self.stat_update("spans", value=len(res.spans))
                self.stat_update("chars_removed", value=removed)
                doc.text = cleaned
            self.stat_update(StatHints.forwarded)
            yield doc
